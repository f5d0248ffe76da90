"""The walk over an ONNX graph's nodes that builds the layer table (ops = 2 per multiply-accumulate,
activations in elements, one input).

Operators
---------
Conv, ConvTranspose, QLinearConv, ConvInteger (and com.microsoft FusedConv)
               conv, or depthwise when group > 1 and the filter has one input channel per group;
               ops = 2 x H_out x W_out x K_h x K_w x (C_in / group) x C_out; ConvTranspose: 2 x
               input elements x K x (C_out / group); weights = the filter and bias operands (a
               quantized operator's scales and zero points are not weights).
Gemm, MatMul, QLinearMatMul, MatMulInteger (and com.microsoft QGemm, FusedMatMul, FusedGemm,
DynamicQuantizeMatMul, MatMulIntegerToFloat)
               fc; ops = 2 x output elements x K (the shared dimension); weights = the stored
               operands. A product of two activations (attention) has 0 weights: said in a note.
Einsum         fc; ops = 2 x the product of every index's size (for two operands: output
               elements x the contracted sizes); weights = stored operands. One operand: no work.
MaxPool, AveragePool, LpPool, their Global forms (and QLinear pools): pool, 0 ops.
Add, Sub, Mul, Div, Sum, Max, Min, Mean between activations (and QLinearAdd, QLinearMul): eltwise,
               0 ops, in = the elements of every activation input.

Parameters (the convention of the bundled layer tables, :mod:`qb_core.networks.zoo`)
-----------------------------------------------------------------------------
A convolution or FC layer counts its filter and one bias per output channel: its own bias, or
the shift of a BatchNormalization (or of a per-channel Mul and Add) that follows it, folded in as
an inference engine folds it. So a file exported with batch norm folded and one exported without
give the same total. A per-channel affine that cannot fold into a layer before it (DenseNet's
pre-activation BatchNormalization, LayerNormalization, GroupNormalization, InstanceNormalization,
a LayerScale Mul) is an eltwise layer whose weights are its scale and shift. A constant scalar
is never a weight. Integer constants (index tables, shapes) are never weights, except as a
quantized operator's filter or bias. A constant added to attention scores (the product of two
activations, through reshapes and scalings) is a mask or a position-bias table, not a weight; any
other constant added to an activation (ViT's position embedding) is.

Control flow: an If whose condition is a constant counts the branch it takes; a Loop whose trip
count is a constant counts its body that many times (weights once). Otherwise the node counts
nothing and a warning names the size of what it skipped.

No multiply-accumulate work, no layer: :data:`NO_MAC_OPS`. A node whose inputs are all constants is
constant folding. Any other operator adds nothing and is named in a warning with the activation
elements it reads.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from qb_core.csv_io import echo_list
from qb_core.networks.imported import NetworkFileError, plain, text_of, unique_names
from qb_core.networks.layer_table import LAYER_TABLE_COLUMNS

Shape = tuple[int | None, ...]
_DEFAULT = frozenset({"", "ai.onnx"})
_MS = "com.microsoft"
MAX_LOOP_TRIPS = 100_000
MAX_SUBGRAPH_DEPTH = 8

#: Operators that do no multiply-accumulate work: accounted for, no layer, no warning.
NO_MAC_OPS: frozenset[str] = frozenset({
    # activations
    "Relu", "Clip", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "LeakyRelu", "PRelu", "Softmax",
    "LogSoftmax", "Elu", "Selu", "Celu", "Gelu", "Softplus", "Softsign", "Mish", "ThresholdedRelu", "Erf",
    "Hardmax", "Shrink",
    # reshaping, copying, indexing
    "Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze", "Concat", "Identity", "Dropout", "Pad",
    "Shape", "Size", "Gather", "GatherElements", "GatherND", "Cast", "CastLike", "Constant", "ConstantOfShape",
    "Slice", "Split", "Resize", "Upsample", "Expand", "Tile", "Range", "DepthToSpace", "SpaceToDepth",
    "ScatterND", "ScatterElements", "Scatter", "Trilu", "OneHot", "Compress", "EyeLike", "CenterCropPad",
    "ReverseSequence", "Unique", "NonZero", "TopK", "ArgMax", "ArgMin", "CumSum",
    "SequenceConstruct", "SequenceAt", "SequenceEmpty", "SequenceInsert", "SequenceLength", "SplitToSequence",
    "ConcatFromSequence", "Optional", "OptionalGetElement", "OptionalHasElement",
    # reductions and statistics (no multiply-accumulate with weights)
    "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum",
    "ReduceLogSumExp", "ReduceSumSquare", "LRN", "MeanVarianceNormalization", "LpNormalization",
    # quantization
    "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear",
    # unary and binary arithmetic, logic, comparisons
    "Neg", "Abs", "Exp", "Log", "Sqrt", "Reciprocal", "Floor", "Ceil", "Round", "Sign", "Not", "Pow", "Mod",
    "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "IsNaN", "IsInf",
    "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Where", "And", "Or", "Xor", "BitShift",
    "BitwiseAnd", "BitwiseOr", "BitwiseXor", "BitwiseNot",
    # detection post-processing and sampling (work, but no multiply-accumulates)
    "NonMaxSuppression", "RoiAlign", "MaxRoiPool", "GridSample", "RandomNormal", "RandomNormalLike",
    "RandomUniform", "RandomUniformLike", "Bernoulli", "Multinomial",
})
#: com.microsoft operators without multiply-accumulate work (onnxruntime's quantized and fused forms).
MS_NO_MAC_OPS: frozenset[str] = frozenset({
    "QLinearSigmoid", "QLinearLeakyRelu", "QLinearSoftmax", "QLinearConcat", "QLinearReduceMean", "QuickGelu",
    "Gelu", "FastGelu", "BiasGelu", "DynamicQuantizeLinear", "QuantizeLinear", "DequantizeLinear",
})
POOL_OPS: frozenset[str] = frozenset({"MaxPool", "AveragePool", "LpPool", "GlobalAveragePool", "GlobalMaxPool",
                                      "GlobalLpPool"})
ELTWISE_OPS: frozenset[str] = frozenset({"Add", "Sub", "Mul", "Div", "Sum", "Max", "Min", "Mean"})
_BIAS_OPS = frozenset({"Add", "Sub"})
#: op -> positions of (activation, filter, bias) among its inputs; None where it has none
CONV_OPERANDS: dict[str, tuple[int, int, int | None]] = {
    "Conv": (0, 1, 2), "ConvTranspose": (0, 1, 2), "QLinearConv": (0, 3, 8), "ConvInteger": (0, 1, None),
    f"{_MS}.FusedConv": (0, 1, 2),
}
#: op -> positions of (A, B, C) for the matrix products
FC_OPERANDS: dict[str, tuple[int, int, int | None]] = {
    "Gemm": (0, 1, 2), "MatMul": (0, 1, None), "QLinearMatMul": (0, 3, None), "MatMulInteger": (0, 1, None),
    f"{_MS}.QGemm": (0, 3, 6), f"{_MS}.FusedMatMul": (0, 1, None), f"{_MS}.FusedGemm": (0, 1, 2),
    f"{_MS}.DynamicQuantizeMatMul": (0, 1, 4), f"{_MS}.MatMulIntegerToFloat": (0, 1, 6),
}
#: quantized operators: their MACs run at 8 bits
QUANTIZED_OPS: frozenset[str] = frozenset({"QLinearConv", "ConvInteger", "QLinearMatMul", "MatMulInteger",
                                           f"{_MS}.QGemm", f"{_MS}.DynamicQuantizeMatMul",
                                           f"{_MS}.MatMulIntegerToFloat"})
#: normalisations: op -> positions of (scale, shift); their statistics inputs are not parameters
NORM_OPERANDS: dict[str, tuple[int, int | None]] = {
    "BatchNormalization": (1, 2), "LayerNormalization": (1, 2), "GroupNormalization": (1, 2),
    "InstanceNormalization": (1, 2), "RMSNormalization": (1, None), f"{_MS}.SkipLayerNormalization": (2, 3),
    f"{_MS}.SimplifiedLayerNormalization": (1, None), f"{_MS}.SkipSimplifiedLayerNormalization": (2, None),
}
_MS_POOLS = frozenset({f"{_MS}.QLinearGlobalAveragePool", f"{_MS}.QLinearAveragePool"})
#: quantized element-wise ops: their activation operands (A and B) sit at these positions
_MS_ELTWISE = {f"{_MS}.QLinearAdd": (0, 3), f"{_MS}.QLinearMul": (0, 3)}
#: element types of learned weights (float, bfloat16, float8 and the 8, 4 and 2-bit integers)
WEIGHT_TYPES = frozenset({1, 2, 3, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23, 25, 26})
#: operators a value passes through unchanged in kind (attention scores stay scores)
_PASS_THROUGH = frozenset({"Reshape", "Transpose", "Squeeze", "Unsqueeze", "Cast", "Identity", "Expand"})


def product(dims: Iterable[int | None] | None) -> int | None:
    """Number of elements of a shape; None when the shape or one of its dimensions is unknown."""
    if dims is None:
        return None
    total = 1
    for d in dims:
        if d is None:
            return None
        total *= d
    return total


def _times(*factors: int | None) -> int | None:
    return None if any(f is None for f in factors) else math.prod(factors)  # type: ignore[arg-type]


def _sum(values: Iterable[int | None]) -> int | None:
    values = list(values)
    return None if None in values else sum(values)  # type: ignore[arg-type]


def op_key(node) -> str:
    """``Conv`` for the default domain, ``com.microsoft.QGemm`` for others."""
    return node.op_type if node.domain in _DEFAULT else f"{node.domain}.{node.op_type}"


def per_channel(constant: Shape | None, activation: Shape | None) -> bool:
    """True when a constant broadcast against an activation is a scalar or varies along one axis
    only, that axis matching the activation's (a per-channel scale or bias: [C, 1, 1] on N x C x H x
    W, [F] on N x S x F)."""
    if constant is None or None in constant:
        return False
    varying = [i for i, d in enumerate(constant) if d != 1]
    if not varying:
        return True
    if len(varying) > 1:
        return False
    if activation is None:
        return True
    offset = len(activation) - len(constant)
    return offset >= 0 and activation[offset + varying[0]] == constant[varying[0]]


@dataclass
class Walk:
    """State of one pass over the nodes: shapes and element types, constants (stored, folded, and
    small values read from the file), the rows built so far and what was left uncounted."""

    shapes: dict[str, Shape]
    types: dict[str, int]
    consts: set[str]
    values: dict[str, object] = field(default_factory=dict)  # small constant values (condition, trip count)
    rows: dict[str, list] = field(default_factory=lambda: {c: [] for c in LAYER_TABLE_COLUMNS})
    partial: list[int] = field(default_factory=list)  # rows with a count left 0 for want of a shape
    missing_macs: list[int] = field(default_factory=list)  # lower bound of the MACs each partial row misses
    activation_products: list[int] = field(default_factory=list)
    unknown: Counter = field(default_factory=Counter)
    unknown_reads: int = 0
    control: list[str] = field(default_factory=list)  # warnings of control flow not counted
    control_missing_macs: int = 0
    quantized_macs: int = 0
    #: output name -> [row, has bias] of conv and fc layers (and per-channel scalings of them)
    mac_outputs: dict[str, list] = field(default_factory=dict)
    scores: set[str] = field(default_factory=set)  # products of two activations, and what follows them

    def shape(self, name: str) -> Shape | None:
        return self.shapes.get(name) if name else None

    def elems(self, name: str) -> int | None:
        return product(self.shape(name))

    def add(self, name: str, kind: str, counts: tuple[int | None, int | None, int | None, int | None],
            missing_macs: int = 0) -> int:
        """Append a row (macs, weights, in, out); unknown counts become 0 and the row is partial."""
        macs, weights, read, written = counts
        row = len(self.rows["layer"])
        if None in counts:
            self.partial.append(row)
            self.missing_macs.append(missing_macs if macs is None else 0)
        values = (name, kind, 2 * (macs or 0), weights or 0, read or 0, written or 0)
        for column, value in zip(LAYER_TABLE_COLUMNS, values, strict=True):
            self.rows[column].append(value)
        return row

    def weight_elems(self, names: Iterable[str]) -> int | None:
        return _sum(self.elems(n) for n in names if n)


def _int_attribute(node, name: str, default: int) -> int:
    return next((a.i for a in node.attribute if a.name == name), default)


def _input(node, position: int | None) -> str:
    return node.input[position] if position is not None and len(node.input) > position else ""


def _conv(walk: Walk, node, name: str) -> None:
    x_at, w_at, b_at = CONV_OPERANDS[op_key(node)]
    x, w, b, y = _input(node, x_at), _input(node, w_at), _input(node, b_at), node.output[0]
    group = max(1, _int_attribute(node, "group", 1))
    w_shape = walk.shape(w)
    per_output = product(w_shape[1:]) if w_shape else None  # (C_in / group) x K_h x K_w
    # W is C_out x (C_in / group) x K: group = C_in exactly when W has one input channel per group
    depthwise = (group > 1 and w_shape is not None and len(w_shape) > 1 and w_shape[1] == 1
                 and w_shape[0] is not None and w_shape[0] % group == 0)
    if node.op_type == "ConvTranspose":  # W is C_in x (C_out / group) x K: every input element feeds it
        depthwise = False
        macs = _times(walk.elems(x), per_output)
    else:
        macs = _times(walk.elems(y), per_output)
    row = walk.add(name, "depthwise" if depthwise else "conv",
                   (macs, walk.weight_elems((w, b)), walk.elems(x), walk.elems(y)), walk.elems(w) or 0)
    walk.mac_outputs[y] = [row, bool(b)]
    _count_quantized(walk, node, macs)


def _count_quantized(walk: Walk, node, macs: int | None) -> None:
    if op_key(node) in QUANTIZED_OPS and macs:
        walk.quantized_macs += macs


def _fc(walk: Walk, node, name: str) -> None:
    a_at, b_at, c_at = FC_OPERANDS[op_key(node)]
    a, b, c, y = _input(node, a_at), _input(node, b_at), _input(node, c_at), node.output[0]
    a_shape = walk.shape(a)
    if node.op_type in ("Gemm", "QGemm", "FusedGemm"):
        k = (a_shape[0] if _int_attribute(node, "transA", 0) else a_shape[1]) if a_shape and len(a_shape) == 2 else None
        if k is None and (b_shape := walk.shape(b)) and len(b_shape) == 2:
            k = b_shape[1] if _int_attribute(node, "transB", 0) else b_shape[0]
    else:
        k = a_shape[-1] if a_shape else None
    stored = [i for i in (a, b, c) if i and i in walk.consts]
    activations = [i for i in (a, b) if i and i not in walk.consts]
    macs = _times(walk.elems(y), k)
    row = walk.add(name, "fc", (macs, walk.weight_elems(stored), _sum(walk.elems(i) for i in activations),
                                walk.elems(y)), walk.weight_elems(s for s in stored if s != c) or 0)
    if len(activations) == 2:
        walk.activation_products.append(row)
        walk.scores.add(y)
    walk.mac_outputs[y] = [row, bool(c)]
    _count_quantized(walk, node, macs)


def einsum_macs(equation: str, shapes: list[Shape | None]) -> int | None:
    """Multiply-accumulates of an Einsum: the product of every index's size over its operands (the
    sizes of the dimensions an ellipsis stands for counted once); None when a shape is unknown or
    the equation does not match them."""
    inputs = equation.replace(" ", "").split("->")[0].split(",")
    if len(inputs) != len(shapes) or any(s is None or None in s for s in shapes):
        return None
    sizes: dict[str, int] = {}
    ellipsis: tuple[int, ...] = ()
    for term, shape in zip(inputs, shapes, strict=True):
        letters = term.replace("...", "")
        if "..." in term:
            count = len(shape) - len(letters)  # type: ignore[arg-type]
            if count < 0:
                return None
            start = term.index("...")
            here = tuple(shape[start:start + count])  # type: ignore[index]
            ellipsis = tuple(max(a, b) for a, b in zip(ellipsis[::-1], here[::-1], strict=False))[::-1] \
                if len(ellipsis) >= len(here) else here
            shape = (*shape[:start], *shape[start + count:])  # type: ignore[index]
        if len(letters) != len(shape):  # type: ignore[arg-type]
            return None
        for letter, size in zip(letters, shape, strict=True):  # type: ignore[arg-type]
            sizes[letter] = max(sizes.get(letter, 1), size)  # type: ignore[arg-type]
    return math.prod(sizes.values()) * math.prod(ellipsis)


def _einsum(walk: Walk, node, name: str) -> None:
    operands = [i for i in node.input if i]
    y = node.output[0]
    if len(operands) < 2:  # a transposition, trace or reduction: no multiply-accumulate
        return
    equation = next((a.s.decode("utf-8", "replace") for a in node.attribute if a.name == "equation"), "")
    stored = [i for i in operands if i in walk.consts]
    activations = [i for i in operands if i not in walk.consts]
    macs = einsum_macs(equation, [walk.shape(i) for i in operands])
    row = walk.add(name, "fc", (macs, walk.weight_elems(stored), _sum(walk.elems(i) for i in activations),
                                walk.elems(y)), walk.weight_elems(stored) or 0)
    if len(activations) >= 2:
        walk.activation_products.append(row)
        walk.scores.add(y)
    walk.mac_outputs[y] = [row, False]


def _pool(walk: Walk, node, name: str) -> None:
    walk.add(name, "pool", (0, 0, walk.elems(_input(node, 0)), walk.elems(node.output[0])))


def _is_weight_type(walk: Walk, name: str) -> bool:
    return walk.types.get(name, 1) in WEIGHT_TYPES


def _eltwise(walk: Walk, node, name: str) -> None:
    positions = _MS_ELTWISE.get(op_key(node))
    inputs = [_input(node, p) for p in positions] if positions else [i for i in node.input if i]
    inputs = [i for i in inputs if i]
    stored = [i for i in inputs if i in walk.consts]
    activations = [i for i in inputs if i not in walk.consts]
    y = node.output[0]
    scores = any(a in walk.scores for a in activations)
    if scores and node.op_type in ELTWISE_OPS:
        walk.scores.add(y)
    if len(activations) == 1 and stored and node.op_type in {"Add", "Sub", "Mul", "Div"}:
        act_shape = walk.shape(activations[0])
        if all(per_channel(walk.shape(c), act_shape) for c in stored):
            _affine(walk, node, name, activations[0], stored)
            return
    weights = [] if scores else [s for s in stored if _is_weight_type(walk, s) and (walk.elems(s) or 0) > 1]
    walk.add(name, "eltwise", (0, walk.weight_elems(weights), _sum(walk.elems(i) for i in activations),
                               walk.elems(y)))


def _affine(walk: Walk, node, name: str, activation: str, stored: list[str]) -> None:
    """A per-channel (or scalar) Add/Sub/Mul/Div: folded into the conv or FC layer it follows (its
    shift becomes that layer's bias), else a layer of its own holding its non-scalar constants."""
    y = node.output[0]
    layer = walk.mac_outputs.get(activation)
    channels = [s for s in stored if (walk.elems(s) or 0) > 1 and _is_weight_type(walk, s)]
    if layer is not None:
        if node.op_type in _BIAS_OPS and channels and not layer[1]:
            walk.rows["weights"][layer[0]] += walk.elems(channels[0]) or 0
            layer[1] = True
        walk.mac_outputs[y] = layer  # a later per-channel shift still folds into the same layer
        return
    if not channels:
        if activation in walk.scores:
            walk.scores.add(y)
        return  # a scalar scale or offset: no weights, no layer
    walk.add(name, "eltwise", (0, walk.weight_elems(channels), walk.elems(activation), walk.elems(y)))


def _norm(walk: Walk, node, name: str) -> None:
    scale_at, shift_at = NORM_OPERANDS[op_key(node)]
    x, y = _input(node, 0), node.output[0]
    scale, shift = _input(node, scale_at), _input(node, shift_at)
    layer = walk.mac_outputs.get(x)
    if node.op_type == "BatchNormalization" and layer is not None:
        if not layer[1]:  # its shift becomes the layer's bias, its scale folds into the filter
            walk.rows["weights"][layer[0]] += walk.elems(scale) or 0
            layer[1] = True
        walk.mac_outputs[y] = layer
        return
    params = [p for p in (scale, shift) if p and p in walk.consts]
    walk.add(name, "eltwise", (0, walk.weight_elems(params), walk.elems(x), walk.elems(y)))


def _pass_through(walk: Walk, node) -> None:
    """Operators without work: attention scores stay scores through reshapes and the like."""
    if node.op_type in _PASS_THROUGH and node.input and node.input[0] in walk.scores:
        walk.scores.update(o for o in node.output if o)


def _handler(key: str) -> Callable[[Walk, object, str], None] | None:
    if key in CONV_OPERANDS:
        return _conv
    if key in FC_OPERANDS:
        return _fc
    if key in NORM_OPERANDS:
        return _norm
    if key == "Einsum":
        return _einsum
    if key in POOL_OPS or key in _MS_POOLS:
        return _pool
    if key in ELTWISE_OPS or key in _MS_ELTWISE:
        return _eltwise
    return None


def is_layer_op(key: str) -> bool:
    """Whether an operator (:func:`op_key`) becomes a row of the layer table."""
    return _handler(key) is not None


def _known_no_work(node) -> bool:
    if node.domain in _DEFAULT:
        return node.op_type in NO_MAC_OPS
    return node.domain == _MS and node.op_type in MS_NO_MAC_OPS


def node_name(node, index: int) -> str:
    """The node's name as written, else (none, or only spaces) ``<op_type>_<index>``."""
    name = text_of(node.name)
    return name if name.strip() else f"{text_of(node.op_type)}_{index}"


def topological_order(nodes, file: str) -> list[int]:
    """Node positions in an order where every node comes after the nodes producing its inputs
    (Kahn); a cycle is refused."""
    producer: dict[str, int] = {}
    for i, node in enumerate(nodes):
        for out in node.output:
            if out:
                producer[out] = i
    consumers: list[list[int]] = [[] for _ in nodes]
    pending = [0] * len(nodes)
    for i, node in enumerate(nodes):
        for j in {producer[x] for x in node.input if x in producer}:
            consumers[j].append(i)
            pending[i] += 1
    ready = [i for i, count in enumerate(pending) if count == 0]
    ready.reverse()
    order = []
    while ready:
        i = ready.pop()
        order.append(i)
        for j in consumers[i]:
            pending[j] -= 1
            if pending[j] == 0:
                ready.append(j)
    if len(order) < len(nodes):
        stuck = [plain(node_name(nodes[i], i), 40) for i, c in enumerate(pending) if c]
        raise NetworkFileError(f"{file}: not a readable ONNX model (the graph has a cycle: {len(stuck):,} nodes "
                               f"wait on their own outputs: {echo_list(stuck, 3)})")
    return order


def _constant_values(walk: Walk, node) -> None:
    """Remember a small Constant's value (an If condition, a Loop trip count)."""
    from onnx import numpy_helper

    for a in node.attribute:
        try:
            if a.name == "value" and a.HasField("t") and product(a.t.dims) == 1:
                walk.values[node.output[0]] = numpy_helper.to_array(a.t).reshape(-1)[0].item()
            elif a.name == "value_int":
                walk.values[node.output[0]] = a.i
        except (ValueError, TypeError):  # a stripped or malformed tensor: not known
            pass


def walk_nodes(walk: Walk, nodes, order: list[int], names: list[str], depth: int = 0) -> None:
    """One pass over ``nodes`` in ``order`` (``names``: the unique name of each, in that order)."""
    for i, name in zip(order, names, strict=True):
        node = nodes[i]
        inputs = [x for x in node.input if x]
        key = op_key(node)
        if key == "Constant" or (inputs and set(inputs) <= walk.consts and node.op_type not in ("If", "Loop")):
            walk.consts.update(o for o in node.output if o)  # constant folding: no work per input
            if key == "Constant" and node.output:
                _constant_values(walk, node)
            continue
        handler = _handler(key)
        if handler is not None and node.output and node.output[0]:
            handler(walk, node, name)
        elif key in ("If", "Loop", "Scan"):
            _control(walk, node, name, depth)
        elif _known_no_work(node):
            _pass_through(walk, node)
        else:
            walk.unknown[key[:40]] += 1
            walk.unknown_reads += _sum(walk.elems(x) for x in inputs if x not in walk.consts) or 0


# --- control flow ---

def _subgraph(node, attribute: str):
    return next((a.g for a in node.attribute if a.name == attribute and a.HasField("g")), None)


def _subwalk(walk: Walk, graph, depth: int) -> Walk:
    """A walk of a subgraph with the outer names known (its own stored tensors are constants)."""
    inner = Walk(walk.shapes, walk.types, walk.consts | {t.name for t in graph.initializer}, dict(walk.values))
    inner.mac_outputs = dict(walk.mac_outputs)
    inner.scores = set(walk.scores)
    order = topological_order(graph.node, "subgraph")
    walk_nodes(inner, graph.node, order, unique_names(node_name(graph.node[i], i) for i in order), depth + 1)
    return inner


def _macs_of(walk: Walk) -> int:
    return sum(walk.rows["ops"]) // 2


def _merge(walk: Walk, inner: Walk, prefix: str, times: int = 1) -> None:
    """Append a subgraph walk's rows (activations and ops repeated ``times``, weights once)."""
    start = len(walk.rows["layer"])
    for column in LAYER_TABLE_COLUMNS:
        values = inner.rows[column]
        if column == "layer":
            values = [f"{prefix}/{v}" for v in values]
        elif column in ("ops", "in_activations", "out_activations"):
            values = [v * times for v in values]
        walk.rows[column].extend(values)
    walk.partial.extend(start + r for r in inner.partial)
    walk.missing_macs.extend(m * times for m in inner.missing_macs)
    walk.activation_products.extend(start + r for r in inner.activation_products)
    walk.unknown.update(inner.unknown)
    walk.unknown_reads += inner.unknown_reads * times
    walk.control.extend(inner.control)
    walk.control_missing_macs += inner.control_missing_macs * times
    walk.quantized_macs += inner.quantized_macs * times


def _control(walk: Walk, node, name: str, depth: int) -> None:
    shown = f"'{plain(name, 40)}'"
    if depth >= MAX_SUBGRAPH_DEPTH:
        walk.control.append(f"{node.op_type} {shown} is nested more than {MAX_SUBGRAPH_DEPTH} deep: not counted")
        return
    if node.op_type == "If":
        branches = {b: _subgraph(node, f"{b}_branch") for b in ("then", "else")}
        if any(g is None for g in branches.values()):
            walk.control.append(f"If {shown} has no branches in the file: not counted")
            return
        inner = {b: _subwalk(walk, g, depth) for b, g in branches.items()}
        condition = walk.values.get(_input(node, 0))
        if condition is not None:
            taken = "then" if condition else "else"
            _merge(walk, inner[taken], name)
            return
        sizes = {b: _macs_of(w) for b, w in inner.items()}
        walk.control_missing_macs += min(sizes.values())
        walk.control.append(f"If {shown} chooses its branch at run time: neither counted (then: "
                            f"{len(inner['then'].rows['layer']):,} layers, {sizes['then']:,} MACs; else: "
                            f"{len(inner['else'].rows['layer']):,} layers, {sizes['else']:,} MACs)")
        return
    body = _subgraph(node, "body")
    if body is None:
        walk.control.append(f"{node.op_type} {shown} has no body in the file: not counted")
        return
    inner = _subwalk(walk, body, depth)
    trips = walk.values.get(_input(node, 0)) if node.op_type == "Loop" else None
    condition = walk.values.get(_input(node, 1), True) if node.op_type == "Loop" and _input(node, 1) else True
    if isinstance(trips, int) and 0 <= trips <= MAX_LOOP_TRIPS and condition:
        _merge(walk, inner, name, trips)
        return
    walk.control.append(f"{node.op_type} {shown} repeats its body a number of times known only at run time: not "
                        f"counted (one pass: {len(inner.rows['layer']):,} layers, {_macs_of(inner):,} MACs)")

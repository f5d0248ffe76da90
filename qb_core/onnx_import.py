"""A user's ONNX file -> the project's layer table (:mod:`qb_core.layer_table`), for one input.

Safety first: the size is checked before parsing (:data:`MAX_ONNX_BYTES`), the node count before
shape inference (:data:`MAX_NODES`), a tensor kept in an external data file is refused without
opening anything (the model is parsed from bytes, never from a path), opsets before 11 are
refused, and every problem with a file is one :class:`NetworkFileError` naming it.

Shapes come from ONNX shape inference (``strict_mode=False``, no data propagation: see
:func:`_infer`) and the shapes stored in the file.
Every graph input is taken with batch 1; other symbolic or non-positive input dimensions are taken
as 1 with a warning. A layer whose shapes stay unknown is counted where possible (0 where not) and
named in a warning.

Operators (ops = 2 per multiply-accumulate, activations in elements, batch 1)
-----------------------------------------------------------------------------
Conv           conv, or depthwise when group > 1, group = C_in and C_out = multiplier x C_in;
               ops = 2 x H_out x W_out x K_h x K_w x (C_in / group) x C_out
               (= 2 x output elements x elements of one output channel's filter); weights = W + B
ConvTranspose  conv; ops = 2 x input elements x K_h x K_w x (C_out / group); weights = W + B
Gemm, MatMul   fc; ops = 2 x output elements x K (the shared dimension); weights = the stored
               operands (B and C). A MatMul (or Gemm) of two activations counts its ops with
               0 weights, and a warning says so.
MaxPool, AveragePool, LpPool and their Global forms: pool, 0 ops.
Add, Sub, Mul, Div, Sum, Max, Min, Mean between activations: eltwise, 0 ops, in = the elements of
               all the activation inputs; a stored operand that is not per-channel (a positional
               embedding) counts as the layer's weights.

Folded, no layer: BatchNormalization (folded into the layer before it, as deployed networks run
it: its scale joins that layer's weights and its shift the bias, so it adds no weights), and a
Mul/Add/Sub/Div of an activation by a per-channel or scalar constant (a folded scale or bias, no
weights either), except that an Add or Sub of a per-channel constant straight on the output of a
conv/fc layer without bias is that layer's bias (a MatMul + Add export of a linear layer) and its
elements join the layer's weights.

No multiply-accumulate work, no layer: :data:`NO_MAC_OPS` (activations, reshaping, copying,
quantize/dequantize, comparisons). A node whose inputs are all constants is constant folding and
adds no layer either. Any other operator is counted as 0 ops and listed by name in one warning.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from qb_core.csv_io import DataFormatError, echo_list, echo_value
from qb_core.layer_table import LAYER_TABLE_COLUMNS, check_layer_table

MAX_ONNX_BYTES = 50_000_000
MAX_NODES = 20_000
MIN_OPSET = 11
#: Counts above this are refused: they come from implausible shapes, not from a real network.
MAX_COUNT = 10**18
NAME_CHARS = 200

#: Operators that do no multiply-accumulate work: accounted for, no layer.
NO_MAC_OPS: frozenset[str] = frozenset({
    # activations
    "Relu", "Clip", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "LeakyRelu", "PRelu", "Softmax",
    "LogSoftmax", "Elu", "Selu", "Celu", "Gelu", "Softplus", "Softsign", "Mish", "ThresholdedRelu", "Erf",
    # reshaping, copying, indexing
    "Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze", "Concat", "Identity", "Dropout", "Pad",
    "Shape", "Size", "Gather", "Cast", "CastLike", "Constant", "ConstantOfShape", "Slice", "Split",
    "Resize", "Upsample", "Expand", "Tile", "Range", "DepthToSpace", "SpaceToDepth",
    # quantization
    "QuantizeLinear", "DequantizeLinear",
    # unary arithmetic and logic
    "Neg", "Abs", "Exp", "Log", "Sqrt", "Reciprocal", "Floor", "Ceil", "Round", "Sign", "Not",
    "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Where", "And", "Or",
})
FOLDED_OPS: frozenset[str] = frozenset({"BatchNormalization"})
POOL_OPS: frozenset[str] = frozenset({"MaxPool", "AveragePool", "LpPool", "GlobalAveragePool", "GlobalMaxPool",
                                      "GlobalLpPool"})
ELTWISE_OPS: frozenset[str] = frozenset({"Add", "Sub", "Mul", "Div", "Sum", "Max", "Min", "Mean"})
_BIAS_OPS = frozenset({"Add", "Sub"})
_DEFAULT_DOMAINS = frozenset({"", "ai.onnx"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

Shape = tuple[int | None, ...]


@dataclass(frozen=True)
class NetworkImport:
    """A network read from a user's file: its name, its layer table (checked by
    :func:`~qb_core.layer_table.check_layer_table`) and one plain-language warning per problem."""

    name: str
    layers: pd.DataFrame
    warnings: tuple[str, ...]


class NetworkFileError(DataFormatError):
    """A network file cannot be read: one line naming the file (a ``ValueError``, and a
    :class:`~qb_core.csv_io.DataFormatError` so the command line reports it like any bad file)."""


def text_of(value: object) -> str:
    """A string field of the model as text: the protobuf runtime hands back ``bytes`` for a
    string that is not valid UTF-8; its bad bytes become U+FFFD."""
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)


def plain(text: object, limit: int = 60) -> str:
    """Text from a file made safe for a one-line message: control characters become ``?``, cut
    after ``limit`` characters."""
    text = _CONTROL.sub("?", text_of(text))
    return text if len(text) <= limit else text[:limit] + "..."


def network_name(name: str | None, stored: str, file_name: str) -> str:
    """The caller's name, else the name stored in the file, else the file's stem; at most 200
    characters, shown literally."""
    for candidate in (name, stored, Path(file_name).stem, file_name):
        if candidate and candidate.strip():
            return candidate[:NAME_CHARS]
    return "network"


def unique_names(names: Iterable[str]) -> list[str]:
    """Names made unique by a suffix (``conv``, ``conv_2``, ...), each at most 200 characters."""
    seen: set[str] = set()
    next_suffix: dict[str, int] = {}  # per base name, where its suffix search resumes: linear, not quadratic
    out = []
    for raw in names:
        base = raw[:NAME_CHARS]
        candidate, n = base, next_suffix.get(base, 1)
        while candidate in seen:
            n += 1
            suffix = f"_{n}"
            candidate = base[:NAME_CHARS - len(suffix)] + suffix
        next_suffix[base] = n
        seen.add(candidate)
        out.append(candidate)
    return out


def _product(dims: Iterable[int | None] | None) -> int | None:
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


# --- parsing and whole-file checks ---

def _parse(data: bytes, file: str):
    import onnx  # imported here: only the ONNX import needs it

    if len(data) > MAX_ONNX_BYTES:
        raise NetworkFileError(f"{file}: the file has {len(data):,} bytes; an ONNX file may have at most "
                               f"{MAX_ONNX_BYTES:,} ({MAX_ONNX_BYTES // 1_000_000} MB)")
    if not data:
        raise NetworkFileError(f"{file}: the file is empty")
    model = onnx.ModelProto()
    try:
        model.ParseFromString(bytes(data))
    except Exception as exc:  # whatever the decoder raises, the file is unreadable
        raise NetworkFileError(f"{file}: not a readable ONNX model ({plain(exc, 120) or type(exc).__name__})") from None
    if not model.HasField("graph") or not len(model.graph.node):
        raise NetworkFileError(f"{file}: not a readable ONNX model (no graph with nodes)")
    return model


def _tensors_of(model, file: str) -> Iterator[tuple[str, object]]:
    """(where, tensor) for every stored tensor of the model: its graph, the graphs nested in node
    attributes (If, Loop, Scan), its local functions and training graphs, walked without
    recursion. Nested nodes count towards :data:`MAX_NODES`, checked before a graph's nodes are
    walked, so a file cannot make this walk long."""
    stack = [model.graph, *model.functions, *(g for t in model.training_info for g in (t.initialization, t.algorithm))]
    nodes = 0
    while stack:
        g = stack.pop()
        nodes += len(g.node)
        if nodes > MAX_NODES:
            raise NetworkFileError(f"{file}: the model has more than {MAX_NODES:,} nodes (subgraphs included); "
                                   f"the import reads at most {MAX_NODES:,}")
        for t in getattr(g, "initializer", ()):
            yield t.name, t
        for s in getattr(g, "sparse_initializer", ()):
            yield s.values.name or s.indices.name, s.values
            yield s.values.name or s.indices.name, s.indices
        for node in g.node:
            for a in node.attribute:
                where = node.name or node.op_type
                if a.HasField("t"):
                    yield where, a.t
                yield from ((where, t) for t in a.tensors)
                if a.HasField("sparse_tensor"):
                    yield where, a.sparse_tensor.values
                    yield where, a.sparse_tensor.indices
                if a.HasField("g"):
                    stack.append(a.g)
                stack.extend(a.graphs)


def _refuse_external_data(model, file: str) -> None:
    """Refuse a tensor whose data lives in another file: nothing here opens it."""
    import onnx

    for where, tensor in _tensors_of(model, file):
        if tensor.data_location == onnx.TensorProto.EXTERNAL or len(tensor.external_data):
            location = next((e.value for e in tensor.external_data if e.key == "location"), "")
            shown = f" ({echo_value(plain(location, 80))})" if location else ""
            raise NetworkFileError(
                f"{file}: tensor {echo_value(plain(tensor.name or where))} keeps its data in an external file"
                f"{shown}; only self-contained ONNX files are read (save the model with its weights inside)")


def _opset(model, file: str) -> int:
    versions = [o.version for o in model.opset_import if o.domain in _DEFAULT_DOMAINS]
    if not versions:
        raise NetworkFileError(f"{file}: not a readable ONNX model (it declares no ONNX opset)")
    if versions[0] < MIN_OPSET:
        raise NetworkFileError(f"{file}: opset {versions[0]} is older than the oldest supported ({MIN_OPSET}); "
                               "convert it first (onnx.version_converter.convert_version)")
    return versions[0]


def _topological_order(nodes, file: str) -> list[int]:
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
        stuck = [plain(_node_name(nodes[i], i), 40) for i, c in enumerate(pending) if c]
        raise NetworkFileError(f"{file}: not a readable ONNX model (the graph has a cycle: {len(stuck):,} nodes "
                               f"wait on their own outputs: {echo_list(stuck, 3)})")
    return order


# --- shapes ---

def _dims(value_type) -> Shape | None:
    if value_type.WhichOneof("value") != "tensor_type" or not value_type.tensor_type.HasField("shape"):
        return None
    return tuple(d.dim_value if d.WhichOneof("value") == "dim_value" and d.dim_value >= 0 else None
                 for d in value_type.tensor_type.shape.dim)


def _fix_inputs(graph, stored: set[str]) -> tuple[list[str], list[str]]:
    """Set every graph input's batch (first of 2 or more dimensions) to 1 and its other unknown or
    non-positive dimensions to 1; returns the input names and the warnings."""
    names, warnings = [], []
    for value in graph.input:
        if value.name in stored:
            continue
        names.append(value.name)
        shown = echo_value(plain(value.name))
        if value.type.WhichOneof("value") != "tensor_type" or not value.type.tensor_type.HasField("shape"):
            warnings.append(f"input {shown} has no shape in the file: the layers after it are counted where possible")
            continue
        dims = value.type.tensor_type.shape.dim
        guessed = []
        for position, d in enumerate(dims):
            known = d.WhichOneof("value") == "dim_value" and d.dim_value > 0
            if position == 0 and len(dims) >= 2:
                if known and d.dim_value > 1:
                    warnings.append(f"input {shown} has batch {d.dim_value:,}: counted for one input (batch 1)")
            elif not known:
                guessed.append(plain(d.dim_param, 20) if d.WhichOneof("value") == "dim_param" else "?")
            if not known or (position == 0 and len(dims) >= 2):
                d.Clear()
                d.dim_value = 1
        if guessed:
            warnings.append(f"input {shown} has unknown dimension(s) {', '.join(guessed)}: taken as 1; "
                            "export the model with a fixed input size for exact counts")
    return names, warnings


def _infer(model) -> tuple[object, str | None]:
    """The model with inferred shapes, or the model itself and why inference failed.

    Data propagation stays off: it can allocate memory in proportion to a tensor's declared size
    (a Gather on an input declared with 2^31 elements exhausts memory), which a hostile file
    controls; plain inference only reads sizes."""
    from onnx import shape_inference

    try:
        return shape_inference.infer_shapes(model, strict_mode=False, data_prop=False), None
    except Exception as exc:  # any failure of the C++ inference is reported, not raised
        text = str(exc).strip()
        return model, plain(text.splitlines()[0] if text else type(exc).__name__, 120)


def _shape_map(graph) -> dict[str, Shape]:
    shapes: dict[str, Shape] = {}
    for value in (*graph.value_info, *graph.input, *graph.output):
        dims = _dims(value.type)
        if dims is not None:
            if len(dims) >= 2 and dims[0] is None:
                dims = (1, *dims[1:])  # a symbolic batch left in the file's own shapes
            shapes[value.name] = dims
    for t in graph.initializer:
        shapes[t.name] = tuple(d if d >= 0 else None for d in t.dims)
    for s in graph.sparse_initializer:
        shapes[s.values.name] = tuple(d if d >= 0 else None for d in s.dims)
    return shapes


# --- the layers ---

@dataclass
class _Walk:
    """State of one pass over the nodes: shapes, constant tensors, the rows built so far."""

    shapes: dict[str, Shape]
    consts: set[str]
    rows: dict[str, list] = field(default_factory=lambda: {c: [] for c in LAYER_TABLE_COLUMNS})
    partial: list[str] = field(default_factory=list)
    activation_products: list[str] = field(default_factory=list)
    unknown: Counter = field(default_factory=Counter)
    #: output name -> (row, has bias) of conv and fc layers, for a bias added by a following Add
    mac_outputs: dict[str, list] = field(default_factory=dict)

    def shape(self, name: str) -> Shape | None:
        return self.shapes.get(name) if name else None

    def elems(self, name: str) -> int | None:
        return _product(self.shape(name))

    def add(self, name: str, kind: str, counts: tuple[int | None, int | None, int | None, int | None]) -> int:
        """Append a row (macs, weights, in, out); unknown counts become 0 and name the layer."""
        macs, weights, read, written = counts
        if None in counts:
            self.partial.append(name)
        row = len(self.rows["layer"])
        values = (name, kind, 2 * (macs or 0), weights or 0, read or 0, written or 0)
        for column, value in zip(LAYER_TABLE_COLUMNS, values, strict=True):
            self.rows[column].append(value)
        return row


def _int_attribute(node, name: str, default: int) -> int:
    return next((a.i for a in node.attribute if a.name == name), default)


def _input(node, position: int) -> str:
    return node.input[position] if len(node.input) > position else ""


def _conv(walk: _Walk, node, name: str) -> None:
    x, w, b, y = _input(node, 0), _input(node, 1), _input(node, 2), node.output[0]
    group = max(1, _int_attribute(node, "group", 1))
    w_shape = walk.shape(w)
    per_output = _product(w_shape[1:]) if w_shape else None  # (C_in / group) x K_h x K_w
    weights = _sum(walk.elems(i) for i in (w, b) if i)
    # W is C_out x (C_in / group) x K: group = C_in exactly when W has one input channel per group
    depthwise = (group > 1 and w_shape is not None and len(w_shape) > 1 and w_shape[1] == 1
                 and w_shape[0] is not None and w_shape[0] % group == 0)
    if node.op_type == "ConvTranspose":  # W is C_in x (C_out / group) x K: every input element feeds it
        depthwise = False
        macs = _times(walk.elems(x), per_output)
    else:
        macs = _times(walk.elems(y), per_output)
    row = walk.add(name, "depthwise" if depthwise else "conv", (macs, weights, walk.elems(x), walk.elems(y)))
    walk.mac_outputs[y] = [row, bool(b)]


def _sum(values: Iterable[int | None]) -> int | None:
    values = list(values)
    return None if None in values else sum(values)  # type: ignore[arg-type]


def _fc(walk: _Walk, node, name: str) -> None:
    a, b, y = _input(node, 0), _input(node, 1), node.output[0]
    a_shape = walk.shape(a)
    if node.op_type == "Gemm":
        k = (a_shape[0] if _int_attribute(node, "transA", 0) else a_shape[1]) if a_shape and len(a_shape) == 2 else None
        if k is None and (b_shape := walk.shape(b)) and len(b_shape) == 2:
            k = b_shape[1] if _int_attribute(node, "transB", 0) else b_shape[0]
    else:
        k = a_shape[-1] if a_shape else None
    stored = [i for i in node.input if i in walk.consts]
    activations = [i for i in (a, b) if i and i not in walk.consts]
    if len(activations) == 2:
        walk.activation_products.append(name)
    read = _sum(walk.elems(i) for i in activations)
    row = walk.add(name, "fc", (_times(walk.elems(y), k), _sum(walk.elems(i) for i in stored), read, walk.elems(y)))
    walk.mac_outputs[y] = [row, len(node.input) > 2 and bool(node.input[2])]


def _pool(walk: _Walk, node, name: str) -> None:
    walk.add(name, "pool", (0, 0, walk.elems(_input(node, 0)), walk.elems(node.output[0])))


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


def _eltwise(walk: _Walk, node, name: str) -> None:
    inputs = [i for i in node.input if i]
    stored = [i for i in inputs if i in walk.consts]
    activations = [i for i in inputs if i not in walk.consts]
    if len(activations) == 1 and stored and node.op_type in {"Add", "Sub", "Mul", "Div"}:
        act_shape = walk.shape(activations[0])
        if all(per_channel(walk.shape(c), act_shape) for c in stored):
            bias_of = walk.mac_outputs.get(activations[0])
            if node.op_type in _BIAS_OPS and bias_of and not bias_of[1]:
                row = bias_of[0]
                walk.rows["weights"][row] += walk.elems(stored[0]) or 0
                bias_of[1] = True
            return  # a folded scale or bias
    read = _sum(walk.elems(i) for i in activations)
    walk.add(name, "eltwise", (0, _sum(walk.elems(i) for i in stored), read, walk.elems(node.output[0])))


_LAYER_OPS: dict[str, Callable[[_Walk, object, str], None]] = {
    "Conv": _conv, "ConvTranspose": _conv, "Gemm": _fc, "MatMul": _fc,
    **dict.fromkeys(POOL_OPS, _pool), **dict.fromkeys(ELTWISE_OPS, _eltwise),
}


def _node_name(node, index: int) -> str:
    """The node's name as written, else (none, or only spaces) ``<op_type>_<index>``."""
    name = text_of(node.name)
    return name if name.strip() else f"{text_of(node.op_type)}_{index}"


def _walk(graph, order: list[int], shapes: dict[str, Shape]) -> _Walk:
    """One pass over the nodes in ``order`` (names made unique over every node, so warnings and
    table agree); returns the state with the rows built."""
    nodes = graph.node
    consts = {t.name for t in graph.initializer} | {s.values.name for s in graph.sparse_initializer}
    walk = _Walk(shapes, consts)
    names = iter(unique_names(_node_name(nodes[i], i) for i in order))
    for i in order:
        node, name = nodes[i], next(names)
        inputs = [x for x in node.input if x]
        if (node.op_type == "Constant" and node.domain in _DEFAULT_DOMAINS) or (inputs and set(inputs) <= consts):
            consts.update(o for o in node.output if o)  # constant folding: no work per input
            continue
        handler = _LAYER_OPS.get(node.op_type) if node.domain in _DEFAULT_DOMAINS else None
        if handler is not None and node.output and node.output[0]:
            handler(walk, node, name)
        elif node.domain not in _DEFAULT_DOMAINS or node.op_type not in NO_MAC_OPS | FOLDED_OPS:
            op = text_of(node.op_type)
            op = op if node.domain in _DEFAULT_DOMAINS else f"{text_of(node.domain)}.{op}"
            walk.unknown[plain(op, 40)] += 1
    return walk


def _many(count: int, singular: str, plural: str) -> str:
    return f"{count:,} {singular if count == 1 else plural}"


def _warnings(walk: _Walk) -> list[str]:
    out = []
    if walk.partial:
        shown = [echo_value(plain(n)) for n in walk.partial]
        out.append(f"{_many(len(shown), 'layer has a shape', 'layers have shapes')} the import could not work "
                   f"out, so some of {'its' if len(shown) == 1 else 'their'} counts are 0: {echo_list(shown, 5)}")
    if walk.activation_products:
        shown = [echo_value(plain(n)) for n in walk.activation_products]
        out.append(f"{_many(len(shown), 'MatMul/Gemm layer multiplies', 'MatMul/Gemm layers multiply')} two "
                   f"activations (no stored weights): counted as fc with 0 weights: {echo_list(shown, 5)}")
    if walk.unknown:
        count = sum(walk.unknown.values())
        listed = echo_list([f"{op} ({n:,})" for op, n in walk.unknown.most_common()])
        out.append(f"{_many(count, 'operator the import does not know was', 'operators the import does not know were')}"
                   f" counted as 0 ops: {listed}")
    return out


def import_onnx(data: bytes, file_name: str, name: str | None = None) -> NetworkImport:
    """The layer table of an ONNX model given as bytes (see the module's notes for what each
    operator counts); a file that cannot be read raises :class:`NetworkFileError` naming
    ``file_name``. Nothing outside ``data`` is opened."""
    file = plain(file_name, NAME_CHARS)
    try:
        import onnx  # noqa: F401
    except ImportError:
        raise NetworkFileError(f"{file}: reading ONNX files needs the onnx package (pip install onnx)") from None
    model = _parse(data, file)
    graph = model.graph
    if len(graph.node) > MAX_NODES:
        raise NetworkFileError(f"{file}: the graph has {len(graph.node):,} nodes; the import reads at most "
                               f"{MAX_NODES:,}")
    _refuse_external_data(model, file)
    _opset(model, file)
    stored = {t.name for t in graph.initializer} | {s.values.name for s in graph.sparse_initializer}
    inputs, warnings = _fix_inputs(graph, stored)
    if not inputs:
        raise NetworkFileError(f"{file}: the graph has no input (only stored weights): nothing to count per input")
    order = _topological_order(graph.node, file)
    inferred, failure = _infer(model)
    if failure:
        warnings.append(f"shape inference failed ({failure}): counts use the shapes stored in the file")
    walk = _walk(graph, order, _shape_map(inferred.graph))
    warnings += _warnings(walk)
    layers = pd.DataFrame(walk.rows, columns=list(LAYER_TABLE_COLUMNS))
    if layers.empty:
        raise NetworkFileError(f"{file}: no layer to count (no convolution, fully connected, pooling or "
                               "element-wise operator)")
    big = layers[list(LAYER_TABLE_COLUMNS[2:])].gt(MAX_COUNT).any(axis=1)
    if big.any():
        raise NetworkFileError(f"{file}: layer {echo_value(plain(layers['layer'][big].iloc[0]))} has counts above "
                               f"10^18: the shapes in the file are implausible")
    try:
        layers = check_layer_table(layers)
    except ValueError as exc:
        raise NetworkFileError(f"{file}: {plain(exc, 200)}") from None
    return NetworkImport(network_name(name, text_of(graph.name), file_name), layers, tuple(warnings))

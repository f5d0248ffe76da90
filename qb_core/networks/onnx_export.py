"""Any layer table (:mod:`qb_core.networks.layer_table`) -> a runnable ONNX model whose import gives the same table.

Why: to *measure* a network on this machine (:mod:`qb_core.host.measure`) it has to run, and the project
knows most networks only as layer tables. The model is opset 17, float32, random weights (He
scaling, ``seed``), batch dimension symbolic ``N``; importing it back with
:func:`qb_core.networks.files.read_network_bytes` gives the same rows (names, types, ops, weights,
in and out activations, in the same order).

Two constructions
-----------------
**Spatial** (the bundled networks, and a user's table where it fits): the real graph. Each layer's
shape is solved from its counts and its input's shape: a conv's kernel from
K^2 = ops / (2 x out x C_in) (depthwise: ops / (2 x out)), its stride from the output size
(H_out = (H + 2 pad - K) // stride + 1), its channels from C_out = out / (H_out x W_out), and its
bias from weights - K^2 x C_in x C_out (0 or C_out). Residual Adds read their two tensors,
inception branches read one concatenation, depthwise convs use group = C, FC layers read the
flattened tensor (Gemm). CNV and MLP: 3x3 convs without padding, 2x2 max pools, FC layers, no
biases (:mod:`qb_core.networks.layer_models`); ImageNet networks: "same" padding (K - 1) / 2, every conv and FC
with one bias per output channel, 3x3 max pools (stride 1 or 2; GoogLeNet's round up as in
Caffe), global average pools (:mod:`qb_core.networks.zoo`, whose producers give the wiring). Exact: every
count and tensor shape. Stand-ins: the batch norms are folded into the biases (the project counts
them so), ReLU follows every conv and FC that feeds no Add and every Add (ReLU6, LRN and
EfficientNet's linear residual sums are not reproduced: none of them counts); pools are max pools
except the global ones, average pools (GoogLeNet's 7 x 7 average pool5 on a 7 x 7 map is one).

**Generic** (a user's table without spatial structure): layer i reads layer i-1's output,
flattened, cut or zero-padded to its own ``in_activations`` and reshaped (Flatten, Slice, Pad,
Reshape: no layer, no work). Each row becomes one operator with exactly its counts:

- conv: P = ops / (2 out) filter taps per output, C_out = weights / (P + bias), a 1-D Conv of
  C_in = gcd(in, P) channels, kernel P / C_in, over in / C_in positions, with the stride and
  (possibly large) padding that give out / C_out positions: a K x K conv over H x W becomes a
  1 x K^2 conv over a line of H x W. Same MACs, weights, reads and writes; not the same data reuse
  in the caches;
- depthwise: the same with group = C_in > 1 and one input channel per filter;
- fc: a Gemm, or a batched MatMul [N, G, R, K] x [G, K, F] (F = ops / (2 in), K = ops / (2 out),
  G = weights / (K F), bias F as a folded Add) where in, out and weights need it; a layer without
  weights is a product of two activations (attention) split from its input;
- pool: a 1-D max pool (or a global average pool) from in / C to out / C positions, C = gcd(in, out);
- eltwise: Sum of one input (in = out), Add of two activations that broadcast (in = 2 out,
  in = out + d with d dividing out, or r + c = in with r x c = out), or one activation with a
  constant of ``weights`` elements (in = out, weights dividing out; or out = weights).

A table no construction fits exactly is refused with the layer and the reason
(:class:`ExportError`); every export of a user's table is imported back and compared before it is
returned, so an inexact model never leaves this module.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from qb_core.networks.bundled import network_layers
from qb_core.networks.files import read_network_bytes
from qb_core.networks.layer_models import LAYER_MODELS, PUBLISHED_PRUNING_PCT
from qb_core.networks.layer_table import LAYER_TABLE_COLUMNS, MAC_TYPES, check_layer_table
from qb_core.networks.zoo import IMAGENET_VARIANTS, layer_producers

__all__ = ["ExportError", "bundled_onnx", "bundled_input_shape", "export_network"]

OPSET = 17
IR_VERSION = 8  # the IR of opset 17: older runtimes read it too
#: A serialized ONNX model (protobuf) holds at most 2 GB; weights are float32.
MAX_WEIGHTS = 450_000_000
#: Layer names longer than this are cut by the import (:func:`qb_core.networks.imported.unique_names`).
MAX_NAME_CHARS = 200
_INPUT = "input"  # the network input in a producer list (qb_core.networks.zoo's spelling)
#: The network input in a chain's producer list: a control character, which no exported layer name holds.
_CHAIN_INPUT = "\x00input"


class ExportError(ValueError):
    """A layer table cannot be written as an ONNX model that imports back exactly: one line saying
    which layer and why."""


@dataclass(frozen=True)
class _Act:
    """A tensor of the graph: its name and its shape for one input (without the batch)."""

    name: str
    shape: tuple[int, ...]

    @property
    def elems(self) -> int:
        return math.prod(self.shape)


class _NoFit(Exception):
    """The spatial construction does not fit a row (internal: the caller falls back or refuses)."""


# --- the graph being written ------------------------------------------------------------------

class _Graph:
    """Nodes in the order the import should read them, initializers, and fresh unique names."""

    def __init__(self, layer_names: Sequence[str], seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.nodes: list = []
        self.inits: list = []
        self._taken = set(layer_names)
        self._count = 0

    def tensor(self) -> str:
        self._count += 1
        return f"t{self._count}"

    def helper(self, base: str) -> str:
        """A node name no layer has (the import names rows by node name)."""
        name, n = base[:MAX_NAME_CHARS - 8], 1
        candidate = name
        while candidate in self._taken:
            n += 1
            candidate = f"{name}~{n}"
        self._taken.add(candidate)
        return candidate

    def weight(self, shape: tuple[int, ...], fan_in: int) -> str:
        """A float32 initializer of random values, uniform in +-sqrt(6 / fan_in) (He: variance
        2 / fan_in), so activations stay of order 1 through ReLU layers."""
        from onnx import numpy_helper

        name = self.tensor()
        bound = math.sqrt(6.0 / max(1, fan_in))
        values = self.rng.random(math.prod(shape), dtype=np.float32)
        values *= np.float32(2 * bound)
        values -= np.float32(bound)
        self.inits.append(numpy_helper.from_array(values.reshape(shape), name))
        return name

    def ints(self, values: Sequence[int]) -> str:
        from onnx import numpy_helper

        name = self.tensor()
        self.inits.append(numpy_helper.from_array(np.asarray(values, dtype=np.int64), name))
        return name

    def node(self, op: str, inputs: Sequence[str], name: str | None = None, **attrs) -> str:
        from onnx import helper

        out = self.tensor()
        self.nodes.append(helper.make_node(op, list(inputs), [out], name=name or self.helper(f"{op}"), **attrs))
        return out

    def serialize(self, graph_name: str, x: _Act, outputs: Sequence[_Act]) -> bytes:
        from onnx import TensorProto, helper

        graph = helper.make_graph(
            _import_order(self.nodes), graph_name,
            [helper.make_tensor_value_info(x.name, TensorProto.FLOAT, ["N", *x.shape])],
            [helper.make_tensor_value_info(o.name, TensorProto.FLOAT, ["N", *o.shape]) for o in outputs],
            self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                  producer_name="qb_core.networks.onnx_export")
        model.ir_version = IR_VERSION
        return model.SerializeToString()


def _import_order(nodes: list) -> list:
    """The nodes in a topological order for which the import's node walk
    (:func:`qb_core.networks.onnx_layers.topological_order`: Kahn's algorithm with a stack, the last pushed
    first) visits them in the order given, so the table comes back in its own row order.

    That walk pushes the nodes one node makes ready in file order and pops the last: nodes made
    ready together must appear in the file in reverse of the wanted order (those ready at the start
    in the wanted order). A topological sort with those extra edges gives such a file order; where
    none exists the given order is kept (the rows then come back in another order, same counts)."""
    producer = {out: i for i, node in enumerate(nodes) for out in node.output}
    parents = [sorted({producer[x] for x in node.input if x in producer}) for node in nodes]
    edges: list[set[int]] = [set() for _ in nodes]
    groups: dict[int, list[int]] = {}
    for i, ps in enumerate(parents):
        for p in ps:
            edges[p].add(i)
        groups.setdefault(ps[-1] if ps else -1, []).append(i)
    for releaser, members in groups.items():
        for a, b in zip(members, members[1:], strict=False):
            (edges[a] if releaser < 0 else edges[b]).add(b if releaser < 0 else a)
    order = _sorted_by_edges(edges)
    return [nodes[i] for i in order] if len(order) == len(nodes) else list(nodes)


def _sorted_by_edges(edges: list[set[int]]) -> list[int]:
    """A topological order of ``edges`` (i -> j: i first), smallest index first among the ready;
    shorter than ``edges`` when they hold a cycle."""
    pending = [0] * len(edges)
    for targets in edges:
        for j in targets:
            pending[j] += 1
    ready = [i for i, count in enumerate(pending) if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for j in edges[i]:
            pending[j] -= 1
            if pending[j] == 0:
                heapq.heappush(ready, j)
    return order


# --- spatial construction ---------------------------------------------------------------------

@dataclass(frozen=True)
class _Style:
    """How a network pads its convs and which pooling windows it uses, in order of preference:
    (kernel, stride, pad, ceil_mode)."""

    conv_pads: tuple[str, ...]
    pools: tuple[tuple[int, int, int, bool], ...]


_VALID = _Style(("valid",), ((2, 2, 0, False),))  # CNV, MLP (qb_core.topology)
_SAME = _Style(("same",), ((3, 1, 1, False), (3, 2, 1, False)))  # ResNet, MobileNet, EfficientNet
_CAFFE = _Style(("same",), ((3, 1, 1, False), (3, 2, 0, True)))  # GoogLeNet's round-up pools
_ANY = _Style(("same", "valid"), ((2, 2, 0, False), (3, 1, 1, False), (3, 2, 1, False), (3, 2, 0, True)))


def _side(size: int, kernel: int, stride: int, pad: int, ceil_mode: bool = False) -> int:
    steps = (size + 2 * pad - kernel) / stride
    return (math.ceil(steps) if ceil_mode else math.floor(steps)) + 1


def _exact_root(value: float) -> int | None:
    root = math.isqrt(int(value)) if value >= 1 and value == int(value) else 0
    return root if root and root * root == value else None


def _conv_fit(row, x: _Act, depthwise: bool, style: _Style) -> tuple[int, int, int, int, bool]:
    """(C_out, K, stride, pad, bias) of a square conv on ``x`` (C, H, W) with exactly the row's counts."""
    if len(x.shape) != 3 or row.out_activations == 0 or row.in_activations != x.elems:
        raise _NoFit
    channels, height, width = x.shape
    kernel = _exact_root(row.ops / (2 * row.out_activations * (1 if depthwise else channels)))
    if kernel is None:
        raise _NoFit
    for padding in style.conv_pads:
        pad = (kernel - 1) // 2 if padding == "same" else 0
        for stride in (1, 2, 3, 4):
            h, w = _side(height, kernel, stride, pad), _side(width, kernel, stride, pad)
            if h < 1 or w < 1 or row.out_activations % (h * w):
                continue
            c_out = row.out_activations // (h * w)
            taps = kernel * kernel * (1 if depthwise else channels)
            if depthwise and c_out % channels:
                continue
            for bias in (False, True):
                if taps * c_out + (c_out if bias else 0) == row.weights:
                    return c_out, kernel, stride, pad, bias
    raise _NoFit


def _pool_fit(row, x: _Act, style: _Style) -> tuple[int, int, int, bool] | None:
    """The pooling window giving the row's output from ``x`` (None: global average pool)."""
    if len(x.shape) != 3 or row.ops or row.weights or row.in_activations != x.elems:
        raise _NoFit
    channels, height, width = x.shape
    if row.out_activations == channels and height * width > 1:
        return None
    for kernel, stride, pad, ceil_mode in style.pools:
        if kernel > height + 2 * pad or kernel > width + 2 * pad:
            continue
        if channels * _side(height, kernel, stride, pad, ceil_mode) * _side(width, kernel, stride, pad,
                                                                            ceil_mode) == row.out_activations:
            return kernel, stride, pad, ceil_mode
    raise _NoFit


def _consumers(table: pd.DataFrame, producers: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {name: [] for name in table["layer"]}
    for name in table["layer"]:
        for p in producers[name]:
            if p in found:
                found[p].append(name)
    return found


def _spatial(table: pd.DataFrame, producers: dict[str, tuple[str, ...]], input_shape: tuple[int, ...],
             style: _Style, name: str, seed: int, input_key: str = _INPUT) -> bytes:
    """The real graph of a network whose layers' producers are known (``input_key`` names the
    network input among them); raises :class:`_NoFit` where a row does not fit."""
    g = _Graph(table["layer"].tolist(), seed)
    x = _Act("x", tuple(input_shape))
    made: dict[str, _Act] = {input_key: x}
    concats: dict[tuple[str, ...], _Act] = {}
    consumers = _consumers(table, producers)
    kinds = dict(zip(table["layer"], table["type"], strict=True))
    for row in table.itertuples(index=False):
        sources = producers.get(row.layer, ())
        if not sources or any(s not in made for s in sources):
            raise _NoFit
        if row.type == "eltwise":
            made[row.layer] = _eltwise_spatial(g, row, [made[s] for s in sources])
        else:
            made[row.layer] = _layer_spatial(g, row, _joined(g, [made[s] for s in sources], concats, sources),
                                             style)
        after = consumers[row.layer]
        feeds_add = any(kinds[c] == "eltwise" for c in after)
        if after and (row.type == "eltwise" or (row.type in MAC_TYPES and not feeds_add)):
            act = made[row.layer]
            made[row.layer] = _Act(g.node("Relu", [act.name], g.helper(f"{row.layer}/relu")), act.shape)
    outputs = [made[n] for n, after in consumers.items() if not after]
    return g.serialize(name, x, outputs)


def _joined(g: _Graph, parts: list[_Act], memo: dict, key: tuple[str, ...]) -> _Act:
    """One input tensor: the producer's, or the channel concatenation of several (made once)."""
    if len(parts) == 1:
        return parts[0]
    if key not in memo:
        if any(len(p.shape) != 3 or p.shape[1:] != parts[0].shape[1:] for p in parts):
            raise _NoFit
        shape = (sum(p.shape[0] for p in parts), *parts[0].shape[1:])
        memo[key] = _Act(g.node("Concat", [p.name for p in parts], g.helper("concat"), axis=1), shape)
    return memo[key]


def _eltwise_spatial(g: _Graph, row, parts: list[_Act]) -> _Act:
    if (len(parts) < 2 or row.ops or row.weights or any(p.shape != parts[0].shape for p in parts)
            or row.in_activations != sum(p.elems for p in parts) or row.out_activations != parts[0].elems):
        raise _NoFit
    return _Act(g.node("Add" if len(parts) == 2 else "Sum", [p.name for p in parts], row.layer), parts[0].shape)


def _layer_spatial(g: _Graph, row, x: _Act, style: _Style) -> _Act:
    if row.type == "fc":
        k, f = row.in_activations, row.out_activations
        if x.elems != k or f == 0 or row.ops != 2 * k * f or row.weights not in (k * f, k * f + f):
            raise _NoFit
        flat = x.name if len(x.shape) == 1 else g.node("Flatten", [x.name], g.helper(f"{row.layer}/flatten"),
                                                          axis=1)
        inputs = [flat, g.weight((f, k), k)] + ([g.weight((f,), k)] if row.weights > k * f else [])
        return _Act(g.node("Gemm", inputs, row.layer, transB=1), (f,))
    if row.type == "pool":
        window = _pool_fit(row, x, style)
        channels = x.shape[0]
        if window is None:
            return _Act(g.node("GlobalAveragePool", [x.name], row.layer), (channels, 1, 1))
        kernel, stride, pad, ceil_mode = window
        out = g.node("MaxPool", [x.name], row.layer, kernel_shape=[kernel, kernel], strides=[stride, stride],
                     pads=[pad] * 4, ceil_mode=int(ceil_mode))
        return _Act(out, (channels, _side(x.shape[1], *window), _side(x.shape[2], *window)))
    depthwise = row.type == "depthwise"
    c_out, kernel, stride, pad, bias = _conv_fit(row, x, depthwise, style)
    c_in = x.shape[0]
    per_filter = 1 if depthwise else c_in
    inputs = [x.name, g.weight((c_out, per_filter, kernel, kernel), per_filter * kernel * kernel)]
    if bias:
        inputs.append(g.weight((c_out,), per_filter * kernel * kernel))
    out = g.node("Conv", inputs, row.layer, kernel_shape=[kernel, kernel], strides=[stride, stride], pads=[pad] * 4,
                 group=c_in if depthwise else 1)
    return _Act(out, (c_out, _side(x.shape[1], kernel, stride, pad), _side(x.shape[2], kernel, stride, pad)))


# --- generic construction ---------------------------------------------------------------------

def _refuse(row, reason: str) -> ExportError:
    return ExportError(f"layer {row.layer[:60]!r} ({row.type}, ops {row.ops:,}, weights {row.weights:,}, "
                       f"in {row.in_activations:,}, out {row.out_activations:,}): {reason}")


def _flat(g: _Graph, act: _Act, elems: int) -> _Act:
    """``act`` as [N, elems]: flattened, then cut or zero-padded (no layer, no work)."""
    name = act.name if len(act.shape) == 1 else g.node("Flatten", [act.name], g.helper("flatten"), axis=1)
    have = act.elems
    if have > elems:
        name = g.node("Slice", [name, g.ints([0]), g.ints([elems]), g.ints([1])], g.helper("cut"))
    elif have < elems:
        name = g.node("Pad", [name, g.ints([0, 0, 0, elems - have])], g.helper("pad"))
    return _Act(name, (elems,))


def _shaped(g: _Graph, act: _Act, shape: tuple[int, ...], start: int = 0, total: int | None = None) -> str:
    """Elements ``start`` .. ``start + prod(shape)`` of ``act`` (prepared to ``total`` elements) as
    [N, *shape]."""
    elems = math.prod(shape)
    if act.shape == shape and start == 0:
        return act.name
    flat = _flat(g, act, total or elems)
    name = flat.name
    if start or (total or elems) != elems:
        name = g.node("Slice", [name, g.ints([start]), g.ints([start + elems]), g.ints([1])], g.helper("part"))
    if len(shape) == 1:
        return name
    return g.node("Reshape", [name, g.ints([0, *shape])], g.helper("reshape"))


def _line(length_in: int, kernel: int, length_out: int) -> tuple[int, list[int]]:
    """(stride, [pad begin, pad end]) of a 1-D window of ``kernel`` taking ``length_in`` to
    ``length_out`` positions: out = (in + pads - kernel) // stride + 1 exactly."""
    if length_out == 1:
        stride = max(1, length_in - kernel + 1)
        pads = max(0, kernel - length_in)
    else:
        stride = max(1, -(-(length_in - kernel) // (length_out - 1)))
        pads = (length_out - 1) * stride + kernel - length_in
    return stride, [pads // 2, pads - pads // 2]


def _mac_fit(row, depthwise: bool) -> tuple[int, int, bool]:
    """(taps per output P, C_out, bias) of a conv row: ops = 2 out P, weights = C_out (P + bias)."""
    if row.ops == 0 or row.out_activations == 0 or row.in_activations == 0:
        raise _refuse(row, "a convolution needs ops, inputs and outputs above 0")
    if row.ops % (2 * row.out_activations):
        raise _refuse(row, "ops / (2 x out) is not a whole number of filter taps per output")
    taps = row.ops // (2 * row.out_activations)
    fits = [(row.weights // (taps + bias), bias) for bias in (False, True)
            if row.weights and row.weights % (taps + bias) == 0
            and row.out_activations % (row.weights // (taps + bias)) == 0]
    for c_out, bias in fits:
        if not depthwise or c_out > 1:
            return taps, c_out, bias
    if fits:
        raise _refuse(row, "a depthwise layer of one channel cannot be told from a dense conv")
    raise _refuse(row, f"weights are not C_out x {taps:,} taps (+ C_out biases) with C_out dividing out")


def _conv_generic(g: _Graph, row, prev: _Act) -> _Act:
    depthwise = row.type == "depthwise"
    taps, c_out, bias = _mac_fit(row, depthwise)
    if depthwise:
        divisors = [d for d in _divisors(math.gcd(c_out, row.in_activations)) if d > 1]
        if not divisors:
            raise _refuse(row, "no channel count above 1 divides both in and the filters (a depthwise layer of one "
                               "channel cannot be told from a dense conv)")
        c_in = c_out if c_out in divisors else divisors[-1]
        kernel, per_filter, group = taps, 1, c_in
    else:
        c_in = math.gcd(row.in_activations, taps)
        kernel, per_filter, group = taps // c_in, c_in, 1
    length_in, length_out = row.in_activations // c_in, row.out_activations // c_out
    stride, pads = _line(length_in, kernel, length_out)
    x = _shaped(g, prev, (c_in, length_in), total=row.in_activations)
    inputs = [x, g.weight((c_out, per_filter, kernel), per_filter * kernel)]
    if bias:
        inputs.append(g.weight((c_out,), per_filter * kernel))
    return _Act(g.node("Conv", inputs, row.layer, kernel_shape=[kernel], strides=[stride], pads=pads, group=group),
                (c_out, length_out))


def _divisors(n: int) -> list[int]:
    """Divisors of ``n`` in increasing order (trial division; ``n`` up to 10^12)."""
    if n > 10**12:
        return [1, n]
    small = [d for d in range(1, math.isqrt(n) + 1) if n % d == 0]
    return sorted({*small, *(n // d for d in small)})


def _fc_generic(g: _Graph, row, prev: _Act) -> _Act:
    i, o, macs = row.in_activations, row.out_activations, row.ops // 2
    if row.ops % 2 or macs == 0 or i == 0 or o == 0 or macs % o:
        raise _refuse(row, "ops / 2 must be a whole multiple of out")
    k = macs // o
    if row.weights == 0:
        return _product_generic(g, row, prev, k)
    if macs % i:
        raise _refuse(row, "ops / (2 x in) is not a whole number of outputs per row")
    f = macs // i
    for bias in (0, f):
        filters = row.weights - bias
        if filters <= 0 or filters % (k * f):
            continue
        groups = filters // (k * f)
        if i % (groups * k) or groups * (i // (groups * k)) * f != o:
            continue
        rows = i // (groups * k)
        if bias and f == 1 and (groups, rows) != (1, 1):
            continue  # a bias of one feature is a scalar Add, which the import never counts
        if groups == rows == 1:
            inputs = [_shaped(g, prev, (k,), total=i), g.weight((f, k), k)] + ([g.weight((f,), k)] if bias else [])
            return _Act(g.node("Gemm", inputs, row.layer, transB=1), (f,))
        shape_w = (k, f) if groups == 1 else (groups, k, f)
        product = g.node("MatMul", [_shaped(g, prev, (groups, rows, k), total=i), g.weight(shape_w, k)], row.layer)
        if bias:  # a per-feature Add straight after the MatMul: the import folds it in as the bias
            product = g.node("Add", [product, g.weight((f,), k)], g.helper(f"{row.layer}/bias"))
        return _Act(product, (groups, rows, f))
    raise _refuse(row, "weights are not G x K x F (+ F biases, F > 1 unless G = R = 1) for a matrix product with "
                       "these in and out")


def _product_generic(g: _Graph, row, prev: _Act, k: int) -> _Act:
    """A product of two activations [N, G, R, K] x [N, G, K, F]: in = G K (R + F), out = G R F."""
    i, o = row.in_activations, row.out_activations
    if i % k:
        raise _refuse(row, "a product of two activations needs in to be a multiple of ops / (2 x out)")
    for groups in _divisors(math.gcd(i // k, o)):
        total, product = i // (k * groups), o // groups
        disc = total * total - 4 * product
        root = math.isqrt(disc) if disc >= 0 else -1
        if root < 0 or root * root != disc or (total - root) % 2 or total - root <= 0:
            continue
        rows = (total - root) // 2
        cols = total - rows
        a = _shaped(g, prev, (groups, rows, k), 0, i)
        b = _shaped(g, prev, (groups, k, cols), groups * rows * k, i)
        return _Act(g.node("MatMul", [a, b], row.layer), (groups, rows, cols))
    raise _refuse(row, "no [G, R, K] x [G, K, F] product of two activations has this in and out")


def _pool_generic(g: _Graph, row, prev: _Act) -> _Act:
    if row.ops or row.weights:
        raise _refuse(row, "a pool has no ops and no weights")
    if row.in_activations == 0 or row.out_activations == 0:
        raise _refuse(row, "a pool needs inputs and outputs above 0")
    channels = math.gcd(row.in_activations, row.out_activations)
    length_in, length_out = row.in_activations // channels, row.out_activations // channels
    x = _shaped(g, prev, (channels, length_in), total=row.in_activations)
    if length_out == 1:
        return _Act(g.node("GlobalAveragePool", [x], row.layer), (channels, 1))
    if length_out <= length_in:
        stride = length_in // length_out
        kernel, pads = max(stride, length_in - stride * length_out + 1), [0, 0]
    else:  # more positions out than in: padding, each side below the window (onnxruntime's rule)
        kernel, stride = length_out - length_in + 1, 1
        pads = [kernel - 1, kernel - 1]
    return _Act(g.node("MaxPool", [x], row.layer, kernel_shape=[kernel], strides=[stride], pads=pads),
                (channels, length_out))


def _eltwise_generic(g: _Graph, row, prev: _Act) -> _Act:
    i, o, w = row.in_activations, row.out_activations, row.weights
    if row.ops:
        raise _refuse(row, "an element-wise layer has no ops")
    if o == 0 or i == 0:
        raise _refuse(row, "an element-wise layer needs inputs and outputs above 0")
    if w == 0:
        if i == o:
            return _Act(g.node("Sum", [_shaped(g, prev, (o,), total=i)], row.layer), (o,))
        shapes = _broadcast_pair(i, o)
        if shapes is None:
            raise _refuse(row, "no two activations that broadcast read in and write out")
        (a_shape, b_shape), out_shape = shapes
        a = _shaped(g, prev, a_shape, 0, i)
        b = _shaped(g, prev, b_shape, math.prod(a_shape), i)
        return _Act(g.node("Add", [a, b], row.layer), out_shape)
    if w > 1 and i == o and o % w == 0:
        x = _shaped(g, prev, (o // w, w), total=i)
        return _Act(g.node("Add", [x, g.weight((w,), 1)], row.layer), (o // w, w))
    if w > 1 and o == w and w % i == 0:
        x = _shaped(g, prev, (1, i), total=i)
        return _Act(g.node("Add", [x, g.weight((w // i, i), 1)], row.layer), (w // i, i))
    raise _refuse(row, "weights must divide out with in = out, or equal out with in dividing it (one weight "
                       "is a scalar, which the import does not count)")


def _broadcast_pair(i: int, o: int) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], tuple[int, ...]] | None:
    """Shapes of two activations whose Add reads ``i`` elements and writes ``o``."""
    if i == 2 * o:
        return ((o,), (o,)), (o,)
    if o < i < 2 * o and o % (i - o) == 0:
        d = i - o
        return ((o // d, d), (1, d)), (o // d, d)
    disc = i * i - 4 * o
    root = math.isqrt(disc) if disc >= 0 else -1
    if root >= 0 and root * root == disc and (i - root) % 2 == 0 and i - root > 0:
        rows = (i - root) // 2
        return ((rows, 1), (1, i - rows)), (rows, i - rows)
    return None


_GENERIC = {"conv": _conv_generic, "depthwise": _conv_generic, "fc": _fc_generic, "pool": _pool_generic,
            "eltwise": _eltwise_generic}


def _generic(table: pd.DataFrame, input_shape: tuple[int, ...], name: str, seed: int) -> bytes:
    g = _Graph(table["layer"].tolist(), seed)
    x = _Act("x", tuple(input_shape))
    act = x
    last = len(table) - 1
    for position, row in enumerate(table.itertuples(index=False)):
        act = _GENERIC[row.type](g, row, act)
        if row.type in MAC_TYPES and position < last:  # ReLU: and no per-channel op after folds into it
            act = _Act(g.node("Relu", [act.name], g.helper(f"{row.layer}/relu")), act.shape)
    return g.serialize(name, x, [act])


# --- public API -------------------------------------------------------------------------------

def _checked(layers: pd.DataFrame) -> pd.DataFrame:
    try:
        table = check_layer_table(layers)
    except ValueError as exc:
        raise ExportError(str(exc)) from None
    bad = table["layer"][(table["layer"].str.len() > MAX_NAME_CHARS) | (table["layer"].str.strip() == "")
                         | table["layer"].str.contains(r"[\x00-\x1f\x7f]", regex=True)]
    if len(bad):
        raise ExportError(f"layer name {bad.iloc[0][:60]!r} cannot travel in an ONNX file unchanged: names must be "
                          f"1 to {MAX_NAME_CHARS} characters on one line, not only spaces")
    total = int(table["weights"].sum())
    if total > MAX_WEIGHTS:
        raise ExportError(f"the network has {total:,} weights ({4 * total / 1e9:.1f} GB as float32): above the "
                          "2 GB an ONNX file holds without external data")
    return table


def default_shape(first_in: int) -> tuple[int, ...]:
    """One input's shape for a layer table whose first layer reads ``first_in`` elements: a square
    RGB image (3 x s x s), else a square grey one, else a vector."""
    for channels in (3, 1):
        side = math.isqrt(first_in // channels) if first_in % channels == 0 else 0
        if side > 1 and channels * side * side == first_in:
            return (channels, side, side)
    return (first_in,)


def _shape(input_shape: Sequence[int], first_in: int) -> tuple[int, ...]:
    try:
        shape = tuple(int(d) for d in input_shape)
    except (TypeError, ValueError):
        raise ExportError(f"input shape {input_shape!r} is not a tuple of whole numbers") from None
    if not shape or any(d < 1 for d in shape):
        raise ExportError(f"input shape {shape} needs one or more dimensions of at least 1 (one input, no batch)")
    if math.prod(shape) != first_in:
        raise ExportError(f"input shape {'x'.join(map(str, shape))} has {math.prod(shape):,} elements; the first "
                          f"layer reads {first_in:,} per input")
    return shape


@lru_cache(maxsize=1)
def bundled_variants() -> tuple[tuple[str, float], ...]:
    """(topology, pruning %) of every bundled network variant with a layer table, in catalog order:
    CNV and MLP at every published pruning, then the ImageNet zoo's."""

    return (*((t, p) for t in LAYER_MODELS for p in PUBLISHED_PRUNING_PCT), *IMAGENET_VARIANTS)


def _structure(topology: str, pruning_pct: float) -> tuple[pd.DataFrame, dict[str, tuple[str, ...]], _Style]:
    """A bundled variant's table, its layers' producers and its style; ExportError for an unknown one."""

    table = network_layers(topology, pruning_pct)
    if table is None:
        known = ", ".join(sorted({t for t, _ in bundled_variants()}))
        raise ExportError(f"no layer table for {topology!r} at pruning {pruning_pct!r} %; bundled networks: {known}")
    if topology in LAYER_MODELS:
        names = table["layer"].tolist()
        return table, {n: (p,) for n, p in zip(names, [_INPUT, *names[:-1]], strict=True)}, _VALID

    return table, layer_producers(topology, float(pruning_pct)), _CAFFE if topology == "GoogLeNetv1" else _SAME


def bundled_input_shape(topology: str, pruning_pct: float = 100.0) -> tuple[int, ...]:
    """One input's shape (channels, height, width) of a bundled network: CNV 3 x 32 x 32, MLP
    1 x 28 x 28, ImageNet 3 x S x S with S from the first layer (224; EfficientNet-M 240, -L 300)."""
    table, _, _ = _structure(topology, pruning_pct)
    if topology == "MLP":
        return (1, 28, 28)
    first = int(table["in_activations"].iloc[0])
    side = _exact_root(first / 3)
    if side is None:  # pragma: no cover - every bundled network reads a square RGB image
        raise ExportError(f"{topology}: the first layer reads {first:,} elements, not a square RGB image")
    return (3, side, side)


def bundled_onnx(topology: str, pruning_pct: float) -> bytes:
    """A bundled network variant as a runnable ONNX model (see the module notes): its real graph,
    random weights (seed 0), importing back to exactly :func:`qb_core.networks.bundled.network_layers`.
    Raises :class:`ExportError` for a variant without a layer table."""
    table, producers, style = _structure(topology, pruning_pct)
    try:
        return _spatial(table, producers, bundled_input_shape(topology, pruning_pct), style,
                        f"{topology} {float(pruning_pct):g}%", 0)
    except _NoFit:  # pragma: no cover - the round-trip test covers every bundled variant
        raise ExportError(f"{topology} {pruning_pct:g} %: its layer table does not rebuild as a graph") from None


def _same_as_bundled(table: pd.DataFrame) -> tuple[dict[str, tuple[str, ...]], _Style] | None:

    for topology, pct in bundled_variants():
        known = network_layers(topology, pct)
        if known is not None and len(known) == len(table) and known.equals(table):
            _, producers, style = _structure(topology, pct)
            return producers, style
    return None


def export_network(layers: pd.DataFrame, input_shape: tuple[int, ...], name: str, seed: int = 0) -> bytes:
    """Any layer table as a runnable ONNX model (opset 17, float32, random weights from ``seed``,
    batch dimension ``N``) that imports back to the same table; ``input_shape`` is one input's
    shape without the batch (CNV: (3, 32, 32)), whose elements the first layer reads.

    A table equal to a bundled variant's gets that network's real graph; a chain of layers (each
    reading what the previous wrote) that solves as square convs, pools and FC layers on
    ``input_shape`` (channels, height, width) gets a spatial graph; any other table the generic
    construction (module notes). The result is imported and compared before it is returned.
    Raises :class:`ExportError` (one line) for a table that cannot be written exactly."""
    table = _checked(layers)
    shape = _shape(input_shape, int(table["in_activations"].iloc[0]))
    data = None
    bundled = _same_as_bundled(table)
    names = table["layer"].tolist()
    chain = {n: (p,) for n, p in zip(names, [_CHAIN_INPUT, *names[:-1]], strict=True)}
    attempts = [(*bundled, _INPUT)] if bundled else []
    if len(shape) == 3:
        attempts.append((chain, _ANY, _CHAIN_INPUT))
    for producers, style, input_key in attempts:
        try:
            data = _spatial(table, producers, shape, style, name, seed, input_key)
            break
        except _NoFit:
            continue
    if data is None:
        data = _generic(table, shape, name, seed)
    _verify(data, table)
    return data


def _verify(data: bytes, table: pd.DataFrame) -> None:
    """Import ``data`` and refuse it unless it gives ``table`` exactly."""

    got = read_network_bytes(data, "export.onnx").layers
    if len(got) != len(table):
        raise ExportError(f"the exported model would import as {len(got):,} layers instead of {len(table):,}")
    diff = (got[list(LAYER_TABLE_COLUMNS)].astype(str) != table[list(LAYER_TABLE_COLUMNS)].astype(str)).any(axis=1)
    if diff.any():
        at = int(np.flatnonzero(diff.to_numpy())[0])
        raise ExportError(f"layer {table['layer'].iloc[at][:60]!r} would import as {got.iloc[at].to_dict()} instead "
                          f"of {table.iloc[at].to_dict()}")

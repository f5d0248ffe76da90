"""A user's ONNX file -> the project's layer table (:mod:`qb_core.networks.layer_table`), for one input.

Structure, not weights: :mod:`qb_core.networks.onnx_structure` copies the model without the data of its
large tensors (and without any external-data reference), so a file of any size reads in the
memory of its structure (VGG16: 553 MB on disk, about 30 KB read), external data is accepted
without ever opening, resolving or following its path, and a file whose weights were stripped
reads the same way. Only the copy is parsed.

Then: the opset (11 or later), the node count (:data:`MAX_NODES`, subgraphs included), the input
size (:mod:`qb_core.networks.onnx_shapes`: batch 1, any other dynamic dimension given by the user or
refused), ONNX's shape inference, and onnxruntime's symbolic shape inference in a child process
where layers are still without shapes. The layers are counted by :mod:`qb_core.networks.onnx_layers` (see
its notes for each operator and the parameter convention).

A network whose layers still lack shapes is counted in part: the import says what share of its
layers that is and a lower bound on the multiply-accumulates left out (a layer's filter size: at
least one output position), marks it ``incomplete`` (its predictions are never called tested),
and refuses it when the uncounted part may be as large as the counted one.

Every problem with a file is one :class:`NetworkFileError` naming it.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from qb_core.csv_io import echo_list, echo_value
from qb_core.networks.imported import (
    MAX_COUNT,
    NAME_CHARS,
    NetworkFileError,
    NetworkImport,
    network_name,
    plain,
    text_of,
    unique_names,
)
from qb_core.networks.layer_table import LAYER_TABLE_COLUMNS, MAC_TYPES, check_layer_table
from qb_core.networks.onnx_layers import (
    Walk,
    is_layer_op,
    node_name,
    op_key,
    per_channel,
    topological_order,
    walk_nodes,
)
from qb_core.networks.onnx_shapes import InputShapeError, fix_inputs, onnx_inference, shape_map, symbolic_fill
from qb_core.networks.onnx_structure import StructureError, read_structure

__all__ = ["MAX_NODES", "MIN_OPSET", "NetworkFileError", "NetworkImport", "import_onnx", "per_channel",
           "unique_names"]

#: Nodes read per model (subgraphs included): far above any CNN (ResNet-152: about 500).
MAX_NODES = 20_000
MIN_OPSET = 11
#: The serialized structure (the model without its large tensors' data) is at most this long.
MAX_STRUCTURE_BYTES = 64_000_000
_DEFAULT_DOMAINS = frozenset({"", "ai.onnx"})
#: ONNX element type -> the project's precision of weights stored that way
_STORED_PRECISION = {1: "FP32", 11: "FP32", 10: "FP16", 16: "FP16", 3: "INT8", 2: "INT8", 22: "INT4", 21: "INT4"}


# --- parsing and whole-file checks ---

def _parse(data, file: str):
    import onnx

    if not len(data):
        raise NetworkFileError(f"{file}: the file is empty")
    try:
        structure = read_structure(data)
    except StructureError as exc:
        raise NetworkFileError(f"{file}: not a readable ONNX model ({exc})") from None
    if len(structure.model) > MAX_STRUCTURE_BYTES:
        raise NetworkFileError(f"{file}: the model's structure alone (without weights) has "
                               f"{len(structure.model):,} bytes; the import reads at most {MAX_STRUCTURE_BYTES:,}")
    model = onnx.ModelProto()
    try:
        model.ParseFromString(structure.model)
    except Exception as exc:  # whatever the decoder raises, the file is unreadable
        raise NetworkFileError(f"{file}: not a readable ONNX model ({plain(exc, 120) or type(exc).__name__})") from None
    if not model.HasField("graph") or not len(model.graph.node):
        raise NetworkFileError(f"{file}: not a readable ONNX model (no graph with nodes)")
    return model, structure


def _count_nodes(model, file: str) -> None:
    """Refuse more than :data:`MAX_NODES` nodes, subgraphs and local functions included, counted
    before any graph's nodes are walked."""
    stack = [model.graph, *model.functions]
    nodes = 0
    while stack:
        g = stack.pop()
        nodes += len(g.node)
        if nodes > MAX_NODES:
            raise NetworkFileError(f"{file}: the model has more than {MAX_NODES:,} nodes (subgraphs included); "
                                   f"the import reads at most {MAX_NODES:,}")
        for node in g.node:
            for a in node.attribute:
                if a.HasField("g"):
                    stack.append(a.g)
                stack.extend(a.graphs)


def _opset(model, file: str) -> int:
    versions = [o.version for o in model.opset_import if o.domain in _DEFAULT_DOMAINS]
    if not versions:
        raise NetworkFileError(f"{file}: not a readable ONNX model (it declares no ONNX opset)")
    if versions[0] < MIN_OPSET:
        raise NetworkFileError(f"{file}: opset {versions[0]} is older than the oldest supported ({MIN_OPSET}); "
                               "convert it first (onnx.version_converter.convert_version)")
    return versions[0]


# --- shapes ---

def _show(name: str) -> str:
    return echo_value(plain(name))


def _unshaped_layers(graph, order: list[int], shapes: dict, consts: set[str]) -> int:
    """Nodes that become layers (:func:`~qb_core.networks.onnx_layers.is_layer_op`) whose output or data
    inputs have no complete shape: the ones symbolic inference might still shape."""
    count = 0
    for i in order:
        node = graph.node[i]
        if not is_layer_op(op_key(node)) or not node.output:
            continue
        names = [node.output[0], *(x for x in node.input if x and x not in consts)]
        if any(shapes.get(n) is None or None in shapes[n] for n in names):
            count += 1
    return count


def _shapes(model, order: list[int], consts: set[str]) -> tuple[dict, dict, list[str]]:
    """Shapes and element types of every tensor: ONNX's inference, then onnxruntime's symbolic
    inference where multiply-accumulate layers are still without shapes; and the warnings."""
    warnings = []
    inferred, failure = onnx_inference(model)
    if failure:
        warnings.append(f"ONNX shape inference failed ({plain(failure, 120)}): counts use the shapes stored in "
                        "the file")
    shapes, types = shape_map(inferred.graph)
    if _unshaped_layers(model.graph, order, shapes, consts):
        why = symbolic_fill(model, shapes, types)
        if why:
            warnings.append(f"{why}: some layers keep the shapes ONNX's own inference found")
    return shapes, types, warnings


# --- the result ---

def _many(count: int, singular: str, plural: str) -> str:
    return f"{count:,} {singular if count == 1 else plural}"


def _share(part: float, whole: float) -> str:
    return f"{100.0 * part / whole:.1f} %" if whole else "all"


def _completeness(walk: Walk, names: list[str], file: str) -> tuple[str, list[str]]:
    """Why the counts are partial ("" when complete) and its warning; refuses a network whose
    uncounted part may be as large as its counted part."""
    mac_rows = [i for i, kind in enumerate(walk.rows["type"]) if kind in MAC_TYPES]
    partial_mac = [r for r in walk.partial if walk.rows["type"][r] in MAC_TYPES]
    counted_macs = sum(walk.rows["ops"]) // 2
    missing = sum(walk.missing_macs) + walk.control_missing_macs
    if not walk.partial and not walk.control:
        return "", []
    if mac_rows and (2 * len(partial_mac) > len(mac_rows) or (missing and missing >= counted_macs)):
        raise NetworkFileError(
            f"{file}: the import could not work out the shapes of {len(partial_mac):,} of {len(mac_rows):,} "
            f"convolution and fully connected layers (at least {missing:,} multiply-accumulates uncounted against "
            f"{counted_macs:,} counted): give the input size (--input-shape / Input size) or export the model "
            "with static shapes (PyTorch: torch.onnx.export(..., dynamo=True))")
    parts = []
    if walk.partial:
        shown = [_show(names[r]) for r in walk.partial]
        parts.append(f"{_many(len(shown), 'layer', 'layers')} ({_share(len(partial_mac), len(mac_rows))} of the "
                     f"convolution and fully connected layers) without shapes")
        warning = (f"{_many(len(shown), 'layer has a shape', 'layers have shapes')} the import could not work out, "
                   f"so some of {'its' if len(shown) == 1 else 'their'} counts are 0: {echo_list(shown, 5)}")
    else:
        warning = ""
    if missing:
        parts.append(f"at least {missing:,} multiply-accumulates ({_share(missing, counted_macs + missing)} of the "
                     "network) uncounted")
    elif walk.partial:
        parts.append("the multiply-accumulates they miss cannot be bounded")
    if walk.control:
        parts.append(f"{_many(len(walk.control), 'control-flow node', 'control-flow nodes')} not counted")
    warnings = [w for w in (warning, *walk.control) if w]
    return "counted in part: " + "; ".join(parts), warnings


def _warnings(walk: Walk, names: list[str]) -> tuple[list[str], list[str]]:
    """(warnings, notes) about the walk: unknown operators with what they read; activation
    products as a note."""
    warnings, notes = [], []
    if walk.unknown:
        count = sum(walk.unknown.values())
        listed = echo_list([f"{plain(op, 40)} ({n:,})" for op, n in walk.unknown.most_common()])
        unknown = _many(count, "operator the import does not know was", "operators the import does not know were")
        warnings.append(f"{unknown} counted as 0 ops and 0 weights: {listed}; they read "
                        f"{walk.unknown_reads:,} activation elements per input")
    if walk.activation_products:
        shown = [_show(names[r]) for r in walk.activation_products]
        notes.append(f"{_many(len(shown), 'layer multiplies', 'layers multiply')} two activations (attention): "
                     f"counted as fc with 0 weights: {echo_list(shown, 5)}")
    return warnings, notes


def _stored_precision(model, walk: Walk, total_macs: int) -> tuple[str, list[str]]:
    """The precision the weights are stored at (most stored elements), INT8 where quantized
    operators carry most of the work; and a note saying so."""
    by_type: Counter = Counter()
    for t in model.graph.initializer:
        elements = 1
        for d in t.dims:
            elements *= max(int(d), 0)
        by_type[t.data_type] += elements
    if total_macs and 2 * walk.quantized_macs >= total_macs:
        return "INT8", ["quantized operators carry most of the work: the file runs at INT8"]
    if not by_type:
        return "", []
    data_type, _ = by_type.most_common(1)[0]
    precision = _STORED_PRECISION.get(data_type, "")
    return precision, [f"weights stored as {precision}"] if precision else []


def import_onnx(data, file_name: str, name: str | None = None,
                input_shapes: dict[str, tuple[int, ...]] | None = None) -> NetworkImport:
    """The layer table of an ONNX model given as bytes (or a memory map of its file), for one
    input; ``input_shapes`` (:func:`~qb_core.networks.onnx_shapes.parse_input_shapes`) sizes dynamic
    inputs. A file that cannot be read raises :class:`NetworkFileError` naming ``file_name``.
    Nothing outside ``data`` is opened."""
    file = plain(file_name, NAME_CHARS)
    try:
        import onnx  # noqa: F401
    except ImportError:
        raise NetworkFileError(f"{file}: reading ONNX files needs the onnx package (pip install onnx)") from None
    model, structure = _parse(data, file)
    _count_nodes(model, file)
    _opset(model, file)
    graph = model.graph
    stored = {t.name for t in graph.initializer} | {s.values.name for s in graph.sparse_initializer}
    try:
        inputs, notes, warnings = fix_inputs(graph, stored, input_shapes or {}, _show)
    except InputShapeError as exc:
        raise NetworkFileError(f"{file}: {exc}") from None
    if not inputs:
        raise NetworkFileError(f"{file}: the graph has no input (only stored weights): nothing to count per input")
    if structure.external:
        notes.append(f"{_many(structure.external, 'tensor keeps', 'tensors keep')} its data in an external file: "
                     "read from the model file alone (shapes only; nothing else was opened)")
    order = topological_order(graph.node, file)
    shapes, types, shape_warnings = _shapes(model, order, stored)
    warnings += shape_warnings
    walk = Walk(shapes, types, set(stored))
    walk_nodes(walk, graph.node, order, unique_names(node_name(graph.node[i], i) for i in order))
    names = unique_names(walk.rows["layer"])
    walk.rows["layer"] = names
    layers = pd.DataFrame(walk.rows, columns=list(LAYER_TABLE_COLUMNS))
    if layers.empty:
        unknown = f"; operators it does not know: {echo_list(sorted(walk.unknown))}" if walk.unknown else ""
        raise NetworkFileError(f"{file}: no layer to count (no convolution, fully connected, pooling or "
                               f"element-wise operator{unknown})")
    incomplete, partial_warnings = _completeness(walk, names, file)
    more_warnings, more_notes = _warnings(walk, names)
    big = layers[list(LAYER_TABLE_COLUMNS[2:])].gt(MAX_COUNT).any(axis=1)
    if big.any():
        raise NetworkFileError(f"{file}: layer {_show(layers['layer'][big].iloc[0])} has counts above "
                               f"10^18: the shapes in the file are implausible")
    try:
        layers = check_layer_table(layers)
    except ValueError as exc:
        raise NetworkFileError(f"{file}: {plain(exc, 200)}") from None
    precision, precision_notes = _stored_precision(model, walk, int(layers["ops"].sum()) // 2)
    return NetworkImport(network_name(name, text_of(graph.name), file_name), layers,
                         tuple([*warnings, *partial_warnings, *more_warnings]),
                         tuple([*notes, *more_notes, *precision_notes]), incomplete, precision)


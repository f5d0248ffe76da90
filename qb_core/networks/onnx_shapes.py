"""Shapes for the ONNX import: the input size, then ONNX's shape inference, then (where layers are
still without shapes) onnxruntime's symbolic inference in a child process (:mod:`qb_core.networks.onnx_symbolic`).

Input size. The batch is the first dimension of an input of rank 2 or more, taken as 1 (the import
counts one input); a rank-3 input with a fixed first dimension feeding an Unsqueeze has no batch
dimension (PyTorch's unbatched ``3 x 224 x 224``). Every other dimension must be known: a
symbolic height, width or length is refused with a message asking for the size
(:func:`parse_input_shapes`: ``1x3x224x224`` for the only input, ``name=1x3x224x224`` for one of
several), because counting it as 1 would undercount the network by orders of magnitude.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from qb_core.csv_io import echo_value
from qb_core.networks.onnx_symbolic import symbolic_shapes

Shape = tuple[int | None, ...]
_DIMS = re.compile(r"^\s*\d+(\s*[x×,]\s*\d+)*\s*$")
MAX_INPUT_DIM = 1_000_000


class InputShapeError(ValueError):
    """A given input size cannot be read or does not fit the model's input."""


def parse_input_shapes(text: str | Iterable[str] | None) -> dict[str, tuple[int, ...]]:
    """``"1x3x224x224"`` -> ``{"": (1, 3, 224, 224)}``; ``"x=1x3x224x224; m=1x49"`` (or several
    strings) -> one entry per input name. Raises :class:`InputShapeError` naming what is wrong."""
    if text is None:
        return {}
    parts = [text] if isinstance(text, str) else list(text)
    items = [item.strip() for part in parts for item in re.split(r"[;\n]", part) if item.strip()]
    shapes: dict[str, tuple[int, ...]] = {}
    for item in items:
        name, _, dims = item.rpartition("=") if "=" in item else ("", "", item)
        name = name.strip()
        if not _DIMS.match(dims):
            raise InputShapeError(f"input size {echo_value(item)} is not dimensions like 1x3x224x224")
        values = tuple(int(d) for d in re.split(r"\s*[x×,]\s*", dims.strip()))
        if any(d < 1 or d > MAX_INPUT_DIM for d in values):
            raise InputShapeError(f"input size {echo_value(item)}: every dimension must be 1 to {MAX_INPUT_DIM:,}")
        if name in shapes:
            raise InputShapeError(f"input size given twice for {echo_value(name or 'the input')}")
        shapes[name] = values
    return shapes


def shape_text(dims: Iterable[int | None]) -> str:
    return "x".join("?" if d is None else str(d) for d in dims)


def _consumers(graph, name: str) -> set[str]:
    return {node.op_type for node in graph.node if name in node.input}


def fix_inputs(graph, stored: set[str], given: dict[str, tuple[int, ...]], show) -> tuple[list[str], list[str],
                                                                                         list[str]]:
    """Set every graph input's dimensions for one input (see the module notes); returns the input
    names, the notes (sizes used) and the warnings. ``show`` makes a name printable. Raises
    :class:`InputShapeError` for an unknown size nobody gave or a given size that does not fit."""
    names, notes, warnings = [], [], []
    real = [v for v in graph.input if v.name not in stored]
    unknown_names = set(given) - {v.name for v in real} - {""}
    if unknown_names:
        raise InputShapeError(f"no input named {echo_value(sorted(unknown_names)[0])}; the model's inputs are "
                              + ", ".join(show(v.name) for v in real))
    if "" in given and len(real) != 1:
        raise InputShapeError(f"the model has {len(real)} inputs: give each size as name=dims ("
                              + ", ".join(show(v.name) for v in real) + ")")
    for value in real:
        names.append(value.name)
        shown = show(value.name)
        if value.type.WhichOneof("value") != "tensor_type" or not value.type.tensor_type.HasField("shape"):
            warnings.append(f"input {shown} has no shape in the file: the layers after it are counted where possible")
            continue
        dims = value.type.tensor_type.shape.dim
        wanted = given.get(value.name, given.get("") if len(real) == 1 else None)
        if wanted is not None:
            if len(wanted) != len(dims):
                raise InputShapeError(f"input {shown} has {len(dims)} dimensions; the size given has {len(wanted)}")
            values = list(wanted)
            if len(values) >= 2 and values[0] > 1:
                values[0] = 1
        else:
            values = _file_dims(value.name, dims, graph, shown, warnings)
        for d, v in zip(dims, values, strict=True):
            d.Clear()
            d.dim_value = v
        notes.append(f"input {shown}: {shape_text(values)}")
    return names, notes, warnings


def _file_dims(name: str, dims, graph, shown: str, warnings: list[str]) -> list[int]:
    """The dimensions of an input with no size given: its batch taken as 1, every other known."""
    known = [d.dim_value if d.WhichOneof("value") == "dim_value" and d.dim_value > 0 else None for d in dims]
    batch = len(dims) >= 2
    if batch and len(dims) == 3 and known[0] not in (None, 1) and "Unsqueeze" in _consumers(graph, name):
        batch = False  # PyTorch's unbatched C x H x W: the model adds the batch itself
    elif batch and known[0] not in (None, 1):
        warnings.append(f"input {shown} has batch {known[0]:,}: counted for one input (batch 1)")
    values = list(known)
    if batch:
        values[0] = 1
    missing = [(d.dim_param if d.WhichOneof("value") == "dim_param" else "?") or "?" for d, v in zip(dims, values,
                                                                                                        strict=True)
               if v is None]
    if missing:
        raise InputShapeError(
            f"input {shown} has dynamic dimension(s) {', '.join(missing)} ({shape_text(values)}): give the input "
            "size (command line: --input-shape 1x3x224x224; app: Input size), or export the model with a fixed "
            "size; counting them as 1 would undercount the network")
    return values  # type: ignore[return-value]


# --- inference ---

def _dims(value_type) -> Shape | None:
    if value_type.WhichOneof("value") != "tensor_type" or not value_type.tensor_type.HasField("shape"):
        return None
    return tuple(d.dim_value if d.WhichOneof("value") == "dim_value" and d.dim_value > 0 else None
                 for d in value_type.tensor_type.shape.dim)


def _graphs(graph) -> Iterable:
    """The graph and every graph nested in its nodes' attributes, without recursion."""
    stack = [graph]
    while stack:
        g = stack.pop()
        yield g
        for node in g.node:
            for a in node.attribute:
                if a.HasField("g"):
                    stack.append(a.g)
                stack.extend(a.graphs)


def shape_map(graph, shapes: dict[str, Shape] | None = None,
              types: dict[str, int] | None = None) -> tuple[dict[str, Shape], dict[str, int]]:
    """name -> dimensions and name -> element type of every typed tensor of ``graph`` and its
    subgraphs (value infos, inputs, outputs, stored tensors); names already in ``shapes`` with a
    complete shape are kept."""
    shapes = {} if shapes is None else shapes
    types = {} if types is None else types
    for g in _graphs(graph):
        for value in (*g.value_info, *g.input, *g.output):
            dims = _dims(value.type)
            if value.type.WhichOneof("value") == "tensor_type" and value.type.tensor_type.elem_type:
                types.setdefault(value.name, value.type.tensor_type.elem_type)
            if dims is None:
                continue
            if len(dims) >= 2 and dims[0] is None:
                dims = (1, *dims[1:])  # a symbolic batch left in the file's own shapes
            old = shapes.get(value.name)
            if old is None or (None in old and None not in dims):
                shapes[value.name] = dims
        for t in g.initializer:
            shapes[t.name] = tuple(d if d >= 0 else None for d in t.dims)
            types[t.name] = t.data_type
        for s in g.sparse_initializer:
            shapes[s.values.name] = tuple(d if d >= 0 else None for d in s.dims)
            types[s.values.name] = s.values.data_type
    return shapes, types


def onnx_inference(model) -> tuple[object, str | None]:
    """The model with ONNX's inferred shapes, or the model itself and why inference failed.

    Data propagation stays off: it can allocate memory in proportion to a tensor's declared size
    (a Gather on an input declared with 2^31 elements exhausts memory), which a hostile file
    controls; plain inference only reads sizes."""
    from onnx import shape_inference

    try:
        return shape_inference.infer_shapes(model, strict_mode=False, data_prop=False), None
    except Exception as exc:  # any failure of the C++ inference is reported, not raised
        text = str(exc).strip()
        return model, (text.splitlines()[0] if text else type(exc).__name__)[:120]


def symbolic_fill(model, shapes: dict[str, Shape], types: dict[str, int]) -> str:
    """Add the shapes onnxruntime's symbolic inference finds (in a child process) to ``shapes``
    where they were missing; returns why it could not run ("" when it ran)."""
    import onnx

    found, why = symbolic_shapes(model.SerializeToString())
    if found is None:
        return why
    graph = onnx.GraphProto()
    try:
        graph.ParseFromString(found)
    except Exception:  # a child's output we cannot read is a failed inference
        return "symbolic shape inference returned nothing readable"
    shape_map(graph, shapes, types)
    return ""

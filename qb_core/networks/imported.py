"""What reading a user's network file gives (:class:`NetworkImport`) and the one error it raises
(:class:`NetworkFileError`), shared by the ONNX import and the layer-table CSV reader, with the
text helpers both use on names that come from a hostile file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from qb_core.csv_io import DataFormatError

#: Counts above this are refused: they come from implausible shapes, not from a real network.
MAX_COUNT = 10**18
NAME_CHARS = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: Graph names exporters write whatever the network (PyTorch's TorchScript and dynamo exporters,
#: tf2onnx, Keras): a network named after them is named after its file instead.
GENERIC_GRAPH_NAMES: frozenset[str] = frozenset({
    "main_graph", "torch_jit", "torch_jit_export", "torch-jit-export", "graph", "model", "network", "net",
    "tf2onnx", "onnx", "keras", "sequential", "functional", "test", "untitled",
})


@dataclass(frozen=True)
class NetworkImport:
    """A network read from a user's file: its name, its layer table (checked by
    :func:`~qb_core.networks.layer_table.check_layer_table`), warnings (what may be wrong, each with what it
    costs), notes (what the import assumed: input size, conventions), ``incomplete`` (why the
    counts are partial, "" when complete: predictions of such a network are never called tested)
    and ``stored_precision`` (the precision the file stores its weights at, "" when not known)."""

    name: str
    layers: pd.DataFrame
    warnings: tuple[str, ...]
    notes: tuple[str, ...] = ()
    incomplete: str = ""
    stored_precision: str = ""


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


def is_generic_name(name: str) -> bool:
    """True for an empty name or one an exporter writes for every network (``main_graph``)."""
    return name.strip().lower().replace(" ", "_") in GENERIC_GRAPH_NAMES or not name.strip()


def network_name(name: str | None, stored: str, file_name: str) -> str:
    """The caller's name, else the name stored in the file unless an exporter's generic one, else
    the file's stem; at most 200 characters, shown literally."""
    candidates = (name, None if is_generic_name(stored or "") else stored, Path(file_name).stem, file_name)
    for candidate in candidates:
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

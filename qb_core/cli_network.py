"""``python -m qb_core network FILE [--name NAME]``: a user's network (ONNX file or layer-table CSV)
as the project's layer table, CSV on stdout, one warning per line on stderr.

A file is read as ONNX when its name ends in ``.onnx`` or its first byte is ``0x08`` (the tag of
``ir_version``, the first field a serialized ONNX model starts with; no text file starts with a
backspace), else as a layer-table CSV (:mod:`qb_core.layer_csv`). The size is checked before the
file is read whole, and never more than the limit plus one byte is read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from qb_core.csv_io import file_not_found, source_name
from qb_core.layer_csv import MAX_CSV_BYTES, layer_table_csv, read_layer_csv
from qb_core.onnx_import import MAX_ONNX_BYTES, NetworkFileError, NetworkImport, import_onnx, plain

EXIT_USAGE = 2
_ONNX_TAG = b"\x08"


def _too_big(name: str, size: int, limit: int, kind: str) -> NetworkFileError:
    return NetworkFileError(f"{name}: the file has {size:,} bytes; {kind} may have at most {limit:,} "
                            f"({limit // 1_000_000} MB)")


def load_network_file(path: Path, name: str | None = None) -> NetworkImport:
    """The network in the file at ``path``: ONNX (by extension or first byte) or a layer-table CSV.
    Every problem, a missing file included, raises :class:`NetworkFileError` naming the file."""
    shown = source_name(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(1)
            onnx = path.suffix.lower() == ".onnx" or head == _ONNX_TAG
            limit, kind = (MAX_ONNX_BYTES, "an ONNX file") if onnx else (MAX_CSV_BYTES, "a layer table")
            size = path.stat().st_size
            if size > limit:
                raise _too_big(shown, size, limit, kind)
            data = head + handle.read(limit)  # at most limit + 1 bytes, even if the file grows
    except FileNotFoundError:
        raise NetworkFileError(file_not_found(shown)) from None
    except IsADirectoryError:
        raise NetworkFileError(f"{shown}: not a readable file (it is a folder)") from None
    except OSError as exc:
        raise NetworkFileError(f"{shown}: not a readable file ({plain(exc.strerror or type(exc).__name__)})") from None
    if len(data) > limit:
        raise _too_big(shown, len(data), limit, kind)
    reader = import_onnx if onnx else read_layer_csv
    return reader(data, str(path), name)


def network_command(path: Path, name: str | None, out: TextIO, err: TextIO) -> int:
    """Print the network's layer table as CSV on ``out`` (columns ``layer, type, ops, weights,
    in_activations, out_activations``, names escaped against formula injection) and each warning
    on ``err``; a bad file prints one line on ``err`` and returns 2."""
    try:
        network = load_network_file(path, name)
    except NetworkFileError as exc:
        print(f"qb_core: {str(exc).strip().splitlines()[0]}", file=err)
        return EXIT_USAGE
    for warning in network.warnings:
        print(f"warning: {warning}", file=err)
    out.write(layer_table_csv(network.layers))
    return 0

"""A user's network file, from bytes (an upload) or a path (the command line): recognised by its
content, then read as ONNX (:mod:`qb_core.networks.onnx_import`) or as a layer-table CSV
(:mod:`qb_core.networks.layer_csv`). The app and the command line both call :func:`read_network_bytes` /
:func:`read_network_path`, so a file gets the same answer in both.

Recognising: a file that is something else a user may mistake for a network file (a PyTorch
checkpoint, a Keras or TensorFlow Lite model, safetensors or NumPy weights, an onnxruntime ORT
model, a compressed file) is refused with a message saying what it is and how to export it to
ONNX, never read as a CSV. Otherwise a name ending in ``.onnx``, a first byte ``0x08`` (the tag
of ``ir_version``, the first field a serialized ONNX model starts with) or bytes that are not text
are read as ONNX, the rest as a layer-table CSV.

On the command line an ONNX file of any size is memory-mapped: its weights are never read into
memory (:mod:`qb_core.networks.onnx_structure`).
"""

from __future__ import annotations

import mmap
import struct
from collections.abc import Callable
from pathlib import Path, PurePath

from qb_core.csv_io import file_not_found, source_name
from qb_core.networks.imported import NetworkFileError, NetworkImport, plain
from qb_core.networks.layer_csv import MAX_CSV_BYTES, read_layer_csv
from qb_core.networks.onnx_import import import_onnx

_ONNX_TAG = b"\x08"
EXPORT_HINT = ("export it to ONNX first, e.g. torch.onnx.export(model.eval(), torch.randn(1, 3, 224, 224), "
               "'model.onnx', dynamo=True)")
TF_HINT = "convert it to ONNX first with tf2onnx (python -m tf2onnx.convert ... --output model.onnx)"


def _zip_member(head: bytes) -> str:
    """The name of the first member of a zip archive (its local file header)."""
    if len(head) < 30:
        return ""
    name_length = struct.unpack_from("<H", head, 26)[0]
    return head[30:30 + name_length].decode("utf-8", "replace")


def _zip_kind(head: bytes) -> str:
    member = _zip_member(head)
    if "data.pkl" in member or member.endswith(("/version", ".pkl")) or "archive/" in member:
        return f"a PyTorch checkpoint (torch.save), not an ONNX model: {EXPORT_HINT}"
    if member in ("config.json", "metadata.json"):
        return f"a Keras model (.keras), not an ONNX model: {TF_HINT}"
    if member.endswith(".npy"):
        return "a NumPy archive (.npz) of arrays, not a network: export the model to ONNX"
    return "a zip archive, not an ONNX model: extract the .onnx file first"


def _is_safetensors(head: bytes) -> bool:
    return len(head) > 9 and head[8:9] == b"{" and struct.unpack_from("<Q", head)[0] < 100_000_000


#: (test on the first bytes, what the file is and what to do)
_OTHER_FORMATS: tuple[tuple[Callable[[bytes], bool], str], ...] = (
    (lambda h: h[:1] == b"\x80" and h[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"),
     f"a Python pickle (an older PyTorch checkpoint?), not an ONNX model: {EXPORT_HINT}"),
    (lambda h: h.startswith(b"\x89HDF\r\n\x1a\n"), f"an HDF5 file (a Keras .h5 model?), not an ONNX model: {TF_HINT}"),
    (lambda h: h[4:8] == b"TFL3", f"a TensorFlow Lite model, not an ONNX model: {TF_HINT}"),
    (lambda h: h[4:8] == b"ORTM", "an onnxruntime ORT-format model: use the .onnx file it was converted from"),
    (lambda h: h.startswith(b"\x93NUMPY"), "a NumPy array (.npy), not a network: export the model to ONNX"),
    (lambda h: h.startswith((b"\x1f\x8b", b"BZh", b"\xfd7zXZ")), "a compressed file: decompress it first"),
    (_is_safetensors, "a safetensors file (weights without the network's structure): export the model to ONNX"),
)


def other_format(head: bytes) -> str:
    """What a file that is not an ONNX model nor a CSV is, and what to do ("" when it may be one)."""
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(head)
    return next((what for test, what in _OTHER_FORMATS if test(head)), "")


def _is_onnx(file_name: str, head: bytes) -> bool:
    if PurePath(file_name).suffix.lower() == ".onnx" or head[:1] == _ONNX_TAG:
        return True
    if PurePath(file_name).suffix.lower() in (".csv", ".tsv", ".txt"):
        return False
    return b"\x00" in head[:4096]  # text never holds a NUL byte; a protobuf almost always does


def read_network_bytes(data, file_name: str, name: str | None = None,
                       input_shapes: dict[str, tuple[int, ...]] | None = None) -> NetworkImport:
    """The network in ``data`` (bytes or a memory map) named ``file_name``; every problem raises
    :class:`~qb_core.networks.imported.NetworkFileError` naming the file."""
    file = plain(file_name, 200)
    head = bytes(data[:4096])
    what = other_format(head)
    if what:
        raise NetworkFileError(f"{file}: {what}")
    if _is_onnx(file_name, head):
        return import_onnx(data, file_name, name, input_shapes)
    if input_shapes:
        raise NetworkFileError(f"{file}: an input size applies to ONNX files only (a layer table is already "
                               "counted for one input)")
    return read_layer_csv(bytes(data), file_name, name)


def read_network_path(path: Path, name: str | None = None,
                      input_shapes: dict[str, tuple[int, ...]] | None = None) -> NetworkImport:
    """The network in the file at ``path``: an ONNX file is memory-mapped (any size, weights never
    read), a CSV read up to its limit. Every problem, a missing file included, raises
    :class:`~qb_core.networks.imported.NetworkFileError` naming the file."""
    shown = source_name(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
            if not head:
                raise NetworkFileError(f"{shown}: the file is empty")
            if other_format(head) or not _is_onnx(str(path), head):
                size = path.stat().st_size
                if size > MAX_CSV_BYTES and not other_format(head):
                    raise NetworkFileError(f"{shown}: the file has {size:,} bytes; a layer table may have at most "
                                           f"{MAX_CSV_BYTES:,} ({MAX_CSV_BYTES // 1_000_000} MB)")
                return read_network_bytes(head + handle.read(MAX_CSV_BYTES), str(path), name, input_shapes)
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                return read_network_bytes(mapped, str(path), name, input_shapes)
    except FileNotFoundError:
        raise NetworkFileError(file_not_found(shown)) from None
    except IsADirectoryError:
        raise NetworkFileError(f"{shown}: not a readable file (it is a folder)") from None
    except OSError as exc:
        raise NetworkFileError(f"{shown}: not a readable file ({plain(exc.strerror or type(exc).__name__)})") from None


def split_network_argument(text: str) -> tuple[Path, str | None]:
    """``FILE`` or ``FILE:NAME`` (the name after the last colon, unless the whole text names an
    existing file, as ``C:\\models\\a.onnx`` does) -> (path, name or None)."""
    path = Path(text)
    if path.exists() or ":" not in text:
        return path, None
    file, _, name = text.rpartition(":")
    return Path(file), (name.strip() or None)

"""An ONNX file's structure without its weights: the import reads shapes, never weight values.

A serialized ONNX model is a protobuf message; a convolution's weights are one length-delimited
field (``raw_data``, or a packed ``float_data``) inside a ``TensorProto``. :func:`read_structure`
walks the protobuf wire format of the model, the graphs, nodes, attributes and tensors, and writes
a copy in which every tensor larger than :data:`KEEP_TENSOR_BYTES` keeps its name, type and
dimensions but loses its data. Small tensors (the shape vectors Reshape and Slice read, scalars)
keep theirs, so shape inference still works. The copy of a 550 MB VGG16 is about 30 KB and is
what :mod:`qb_core.networks.onnx_import` parses; the weights are never copied, decoded or held twice (on
the command line the file is memory-mapped, so they are not even read into memory).

External data (a tensor whose bytes live in another file) is turned into a stripped tensor the
same way: its ``external_data`` entries and location are dropped, so nothing downstream can ever
open, resolve or follow the path it names. A file whose weights were stripped already (dimensions
kept, data absent) reads the same way.

Every problem is a :class:`StructureError` (a ``ValueError``) with a short reason; the caller
names the file. Nesting deeper than :data:`MAX_DEPTH` and more than :data:`MAX_FIELDS` fields are
refused, so a hostile file cannot make the walk deep or long.
"""

from __future__ import annotations

from dataclasses import dataclass

#: A tensor whose serialized message is at most this long is kept whole (shape vectors, scalars).
KEEP_TENSOR_BYTES = 4096
MAX_DEPTH = 24
#: Fields walked per file: far above any real network (ResNet-50 has about 5,000), far below a
#: hostile file of unpacked numbers (hundreds of millions).
MAX_FIELDS = 5_000_000

_VARINT, _FIXED64, _LENGTH, _FIXED32 = 0, 1, 2, 5
_DROP = "drop"
#: message -> field number -> the message it holds (walked) or _DROP; other fields are copied.
_SCHEMA: dict[str, dict[int, str]] = {
    "model": {7: "graph", 25: "function", 6: _DROP, 20: _DROP},  # doc_string and training graphs dropped
    "graph": {1: "node", 5: "tensor", 15: "sparse", 10: _DROP},
    "node": {5: "attribute", 6: _DROP},
    "attribute": {5: "tensor", 6: "graph", 10: "tensor", 11: "graph", 22: "sparse", 23: "sparse", 13: _DROP},
    "sparse": {1: "tensor", 2: "tensor"},
    "function": {7: "node", 11: "attribute", 8: _DROP},
}
#: TensorProto fields holding values: float, int32, string, int64, raw, double and uint64 data.
_TENSOR_DATA = frozenset({4, 5, 6, 7, 9, 10, 11})
#: TensorProto fields pointing at another file: external_data entries and data_location.
_TENSOR_EXTERNAL = frozenset({13, 14})
_TENSOR_DOC = 12


class StructureError(ValueError):
    """The bytes are not a readable protobuf message (truncated, malformed, too deep or long)."""


@dataclass(frozen=True)
class Structure:
    """The model's bytes without large tensor data, and what was left out: tensors whose data was
    dropped (``stripped``, external ones included) and tensors that named an external file."""

    model: bytes
    stripped: int
    external: int


def _varint(buf, pos: int, end: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= end:
            raise StructureError("the file ends inside a field (truncated)")
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise StructureError("a number in the file is longer than 10 bytes (not protobuf)")


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


class _Walker:
    """One pass over the wire format, writing the stripped copy."""

    def __init__(self, buf) -> None:
        self.buf = buf
        self.fields = 0
        self.stripped = 0
        self.external = 0

    def fields_of(self, start: int, end: int):
        """(field number, wire type, value start, value end, field start) of each field."""
        buf, pos = self.buf, start
        while pos < end:
            self.fields += 1
            if self.fields > MAX_FIELDS:
                raise StructureError(f"more than {MAX_FIELDS:,} protobuf fields (numbers stored unpacked?)")
            field_start = pos
            tag, pos = _varint(buf, pos, end)
            number, wire = tag >> 3, tag & 7
            if number == 0:
                raise StructureError("field number 0 (not protobuf)")
            if wire == _VARINT:
                _, value_end = _varint(buf, pos, end)
            elif wire == _FIXED64:
                value_end = pos + 8
            elif wire == _FIXED32:
                value_end = pos + 4
            elif wire == _LENGTH:
                length, pos = _varint(buf, pos, end)
                value_end = pos + length
            else:
                raise StructureError(f"wire type {wire} (groups are not used by ONNX)")
            if value_end > end:
                raise StructureError("the file ends inside a field (truncated)")
            yield number, wire, pos, value_end, field_start
            pos = value_end

    def message(self, kind: str, start: int, end: int, depth: int) -> bytes:
        if depth > MAX_DEPTH:
            raise StructureError(f"graphs nested more than {MAX_DEPTH} deep")
        if kind == "tensor":
            return self.tensor(start, end)
        schema = _SCHEMA[kind]
        out = []
        for number, wire, value_start, value_end, field_start in self.fields_of(start, end):
            child = schema.get(number)
            if child is None:
                out.append(self.buf[field_start:value_end])
            elif child == _DROP:
                continue
            elif wire != _LENGTH:
                raise StructureError(f"field {number} of a {kind} message is not a message")
            else:
                body = self.message(child, value_start, value_end, depth + 1)
                out.append(_encode_varint(number << 3 | _LENGTH) + _encode_varint(len(body)) + body)
        return b"".join(bytes(part) for part in out)

    def tensor(self, start: int, end: int) -> bytes:
        """The tensor whole when small and inside the file, else its name, type and dimensions."""
        fields = list(self.fields_of(start, end))
        external = any(number in _TENSOR_EXTERNAL for number, *_ in fields)
        self.external += external
        if end - start <= KEEP_TENSOR_BYTES and not external:
            return bytes(self.buf[start:end])
        dropped = _TENSOR_DATA | _TENSOR_EXTERNAL | {_TENSOR_DOC}
        kept = [bytes(self.buf[field_start:value_end]) for number, _, _, value_end, field_start in fields
                if number not in dropped]
        self.stripped += 1
        return b"".join(kept)


def read_structure(buf) -> Structure:
    """The model in ``buf`` (bytes, a memoryview or an mmap of a serialized ``ModelProto``) with
    every large or external tensor stripped of its data (see the module notes); raises
    :class:`StructureError` on bytes that are not a protobuf message."""
    view = memoryview(buf)
    walker = _Walker(view)
    try:
        model, problem = walker.message("model", 0, len(view), 0), ""
    except StructureError as exc:
        model, problem = b"", str(exc)  # raised again below, once no frame holds a slice of the buffer
    walker.buf = None
    view.release()  # a memory-mapped file can then be closed
    if problem:
        raise StructureError(problem)
    return Structure(model, walker.stripped, walker.external)

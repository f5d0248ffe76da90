"""Reading hostile CSV bytes and writing safe CSV text: encodings, delimiters, formula escaping,
and the one wording of every whole-file error.

Reading: :func:`open_csv` turns bytes, a path or a buffer into a :class:`CsvFile` (UTF-8 bytes for
the parser, the encoding and delimiter found, the header cells), refusing with a
:class:`DataFormatError` whose message is one line naming the file. The message builders
(:func:`file_not_found`, :func:`empty_file`, :func:`unreadable`, :func:`missing_columns`,
:func:`duplicate_column`, :func:`no_rows_imported`) are public so the command line and the app
word the same problem the same way.

Writing: :func:`to_csv_safe` escapes every text cell and column name against spreadsheet formula
injection (OWASP: a cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
leading ``'``); :func:`unescape_cell` undoes it exactly.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

#: Candidate delimiters, in the order that breaks ties (comma first).
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
#: First characters a spreadsheet may run as a formula (OWASP), plus the escape character itself.
FORMULA_PREFIXES: frozenset[str] = frozenset("=+-@\t\r'")
#: Byte-order marks, longest first (a UTF-32-LE mark starts with the UTF-16-LE one).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_UTF16_SAMPLE_BYTES = 4096
_NOT_SPACE = re.compile(rb"\S")
_LINE_END = re.compile(rb"\r\n|\r|\n")
_NAME_CHARS = 200


class DataFormatError(ValueError):
    """A whole file cannot be read: the message says why, in one line naming the file."""


# --- messages: one wording per whole-file problem ---

def file_not_found(name: str) -> str:
    return f"file not found: {name}"


def empty_file(name: str) -> str:
    return f"{name}: the file is empty"


def unreadable(name: str, detail: str) -> str:
    return f"{name}: not a readable CSV file ({detail})"


def missing_columns(name: str, columns: Sequence[str]) -> str:
    return f"{name}: not a QuTiBench or QB Explorer measurement file: missing column(s) {echo_list(columns)}"


def duplicate_column(name: str, spellings: Sequence[str]) -> str:
    """``NAME: column X appears twice`` (or ``3 times``); where the file spells one column several ways
    (``Datatype`` and ``Precision``), the spellings follow in brackets."""
    shown = [_shorten(s.strip()) for s in spellings]
    times = "twice" if len(shown) == 2 else f"{len(shown):,} times"
    also = f" (as {echo_list(shown)})" if len(set(shown)) > 1 else ""
    return f"{name}: column {shown[0]} appears {times}{also}"


def no_rows_imported(name: str, skipped: int) -> str:
    return f"{name}: no row could be imported ({skipped:,} skipped)"


def echo_list(names: Sequence[str], limit: int = 8) -> str:
    """Names joined by commas, at most ``limit`` of them: ``A, B, ... and 1,997 more``."""
    names = [str(n) for n in names]
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f", ... and {len(names) - limit:,} more"


def echo_value(text: str, limit: int = 40) -> str:
    """A user's cell quoted for a message (``'INT9'``), cut after ``limit`` characters, so one bad
    cell cannot make a report line long or break it in two (newlines come back as ``\\n``)."""
    text = str(text)
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _shorten(text: str, limit: int = 60) -> str:
    text = re.sub(r"[\x00-\x1f\x7f]", "?", str(text))
    return text if len(text) <= limit else text[:limit] + "..."


def source_name(source: str | Path | IO | bytes, name: str | None = None) -> str:
    """How messages call a source: ``name`` if given, else the path as written, a buffer's ``name``,
    or ``<bytes>``; control characters become ``?`` so the message stays one line."""
    if name is None:
        if isinstance(source, str | Path):
            name = str(source)
        elif isinstance(getattr(source, "name", None), str):
            name = source.name
        else:
            name = "<bytes>"
    return _shorten(name, _NAME_CHARS)


# --- decoding ---

def decode_csv_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding label) of a CSV file's bytes.

    Rule, in order: a byte-order mark (``utf-8-sig``, ``utf-16-le``/``-be``, ``utf-32-le``/``-be``;
    text after a mark that does not decode raises ``ValueError``); strict ``utf-8`` without NUL
    characters; ``utf-16-le``/``-be`` without a mark when NUL bytes fill at least 40% of the odd
    (LE) or even (BE) positions of the first 4 KiB and at most 5% of the others (ASCII text in
    UTF-16 is valid UTF-8 full of NULs); then ``utf-8`` even with NULs; else Windows-1252
    (``cp1252``), a superset of Latin-1's printable characters, its five undefined bytes becoming
    U+FFFD. Names are kept as written.
    """
    for bom, label in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode("utf-8" if label == "utf-8-sig" else label), label
            except UnicodeDecodeError as exc:
                start, end = exc.start + len(bom), exc.end + len(bom)  # bytes of the file, mark included
                where = f"byte {start:,}" if end - start == 1 else f"bytes {start:,} to {end - 1:,}"
                raise ValueError(f"not {label.upper()} text at {where}, despite its byte-order mark") from None
    try:
        text: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and "\x00" not in text:
        return text, "utf-8"
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    if text is not None:
        return text, "utf-8"
    return data.decode("cp1252", errors="replace"), "cp1252"


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:_UTF16_SAMPLE_BYTES]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0:2 * pairs:2].count(0), sample[1:2 * pairs:2].count(0)
    if odd >= 0.4 * pairs and even <= 0.05 * pairs:
        return "utf-16-le"
    if even >= 0.4 * pairs and odd <= 0.05 * pairs:
        return "utf-16-be"
    return None


def detect_delimiter(header_line: str) -> str:
    """Comma, semicolon, tab or pipe: whichever splits the header into the most fields (quotes
    respected); comma on ties, so a one-column header reads as comma-separated."""
    def fields(delimiter: str) -> int:
        try:
            return len(next(csv.reader([header_line], delimiter=delimiter), []))
        except csv.Error:
            return header_line.count(delimiter) + 1
    counts = {d: fields(d) for d in DELIMITERS}
    return max(DELIMITERS, key=counts.__getitem__)


# --- reading a file ---

@dataclass(frozen=True)
class CsvFile:
    """A decoded CSV file: its name for messages, its text as UTF-8 bytes (no mark) for the parser,
    the encoding and delimiter found, and the header cells as written."""

    name: str
    data: bytes
    encoding: str
    delimiter: str
    header: tuple[str, ...]

    def read_columns(self, columns: Sequence[int],
                     dtype: dict[int, str] | None = None) -> tuple[pd.DataFrame, np.ndarray]:
        """The cells below the header of the columns at these positions (named by position), and the
        mask of rows with a non-blank cell beyond the header's last column: an unquoted delimiter in
        a cell shifts every later cell, so the caller skips those rows rather than read shifted
        values (trailing empty cells are fine). Blank lines are kept as empty rows, so row i is
        record i + 1."""
        extra = len(self.header)
        first_line_end = _LINE_END.search(self.data)
        if first_line_end is None or not _NOT_SPACE.search(self.data, first_line_end.end()):
            empty = {p: pd.Series(dtype=(dtype or {}).get(p, float)) for p in columns}
            return pd.DataFrame(empty), np.zeros(0, dtype=bool)  # header only: nothing to parse
        # One synthetic last record reaching the column beyond the header, dropped below: pandas
        # refuses a named column no record reaches, and this one tells rows that overflow.
        ending = b"" if self.data.endswith((b"\n", b"\r")) else b"\n"
        sentinel = self.delimiter.encode() * extra + b"x\n"
        try:
            frame = pd.read_csv(io.BytesIO(self.data + ending + sentinel), sep=self.delimiter, header=None,
                                skiprows=1, names=list(range(extra + 1)), usecols=[*columns, extra],
                                dtype={**(dtype or {}), extra: "category"}, index_col=False,
                                skip_blank_lines=False, low_memory=False, encoding="utf-8")
        except (pd.errors.ParserError, ValueError, OverflowError) as exc:
            raise DataFormatError(unreadable(self.name, _parser_detail(exc))) from None
        frame = frame.iloc[:-1]
        beyond = frame.pop(extra)
        filled = np.append(beyond.cat.categories.astype(str).str.strip() != "", False)
        return frame, filled[beyond.cat.codes.to_numpy()]

    def record_lines(self, records: int) -> np.ndarray:
        """File line of each of ``records`` records below the header: record i is on line i + 2 when
        no quoted cell spans lines (physical lines = records + 1); otherwise counted by the csv module."""
        lines = self.data.count(b"\n") + (0 if self.data.endswith(b"\n") else 1)
        simple = np.arange(records, dtype=np.int64) + 2
        if lines == records + 1:
            return simple
        starts, previous = [], 0
        try:
            reader = csv.reader(io.StringIO(self.data.decode("utf-8"), newline=""), delimiter=self.delimiter)
            for _ in reader:
                starts.append(previous + 1)
                previous = reader.line_num
        except csv.Error:
            return simple
        return np.asarray(starts[1:], dtype=np.int64) if len(starts) == records + 1 else simple


def _parser_detail(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    detail = lines[-1] if lines else type(exc).__name__
    detail = detail.replace("Error tokenizing data. C error: ", "")
    if detail[1:2].islower():
        detail = detail[:1].lower() + detail[1:]
    return _shorten(detail, 160)


def read_source_bytes(source: str | Path | IO | bytes, name: str) -> bytes:
    """The bytes of a path (``str`` or ``Path``), buffer or bytes; a missing or unreadable path
    raises :class:`DataFormatError` (``file not found: NAME``)."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str | Path):
        try:
            return Path(source).read_bytes()
        except FileNotFoundError:
            raise DataFormatError(file_not_found(name)) from None
        except IsADirectoryError:
            raise DataFormatError(unreadable(name, "it is a folder")) from None
        except OSError as exc:
            raise DataFormatError(unreadable(name, (exc.strerror or type(exc).__name__).lower())) from None
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read()
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def open_csv(source: str | Path | IO | bytes, name: str | None = None) -> CsvFile:
    """Read and decode a CSV source once (encoding by :func:`decode_csv_bytes`, delimiter by
    :func:`detect_delimiter` on the first line); refuse a missing, empty or undecodable file."""
    name = source_name(source, name)
    data = read_source_bytes(source, name)
    try:
        text, encoding = decode_csv_bytes(data)
    except ValueError as exc:
        raise DataFormatError(unreadable(name, str(exc))) from None
    if not text or text.isspace():
        raise DataFormatError(empty_file(name))
    first_line = re.match(r"[^\r\n]*", text)[0]
    delimiter = detect_delimiter(first_line)
    try:
        header = next(csv.reader([first_line], delimiter=delimiter), [])
    except csv.Error as exc:
        raise DataFormatError(unreadable(name, f"header: {exc}")) from None
    if encoding == "utf-8":
        utf8 = data
    elif encoding == "utf-8-sig":
        utf8 = data[len(codecs.BOM_UTF8):]
    else:
        utf8 = text.encode("utf-8")
    return CsvFile(name, utf8, encoding, delimiter, tuple(header))


# --- formula-injection escaping ---

def escape_cell(text: str) -> str:
    """``'`` + text when text starts with ``=``, ``+``, ``-``, ``@``, tab, CR or ``'`` (OWASP CSV
    injection), so a spreadsheet shows it as text instead of running it; else text unchanged."""
    return "'" + text if text[:1] in FORMULA_PREFIXES else text


def unescape_cell(text: str) -> str:
    """Undo :func:`escape_cell`: drop one leading ``'`` followed by one of the escaped characters.
    ``unescape_cell(escape_cell(s)) == s`` for every string ``s``."""
    return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_PREFIXES else text


def _escape_series(values: pd.Series) -> pd.Series:
    """Text cells escaped (other values untouched), worked out once per distinct value."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = values.cat.categories
        if categories.dtype != object and not isinstance(categories.dtype, pd.StringDtype):
            return values
        return values.cat.rename_categories([escape_cell(c) if isinstance(c, str) else c for c in categories])
    if values.dtype != object and not isinstance(values.dtype, pd.StringDtype):
        return values
    mapping = {v: escape_cell(v) for v in values.dropna().unique() if isinstance(v, str) and v[:1] in FORMULA_PREFIXES}
    if not mapping:
        return values
    return values.where(~values.isin(list(mapping)), values.map(mapping))


def to_csv_safe(frame: pd.DataFrame) -> str:
    """CSV text of ``frame`` (no index) with every text cell (object, string and category columns)
    and every column name escaped by :func:`escape_cell`; numeric columns are written as they are
    (``-2.5`` is a number, not a formula). Lines end in CRLF (RFC 4180), so a cell holding a CR or
    LF is quoted and reads back whole. ``frame`` is not changed."""
    safe = frame.copy(deep=False)  # copy-on-write: assigning below never touches ``frame``
    safe.columns = range(frame.shape[1])
    for position in safe.columns:
        safe[position] = _escape_series(safe[position])
    safe.columns = [escape_cell(str(c)) for c in frame.columns]
    return safe.to_csv(index=False, lineterminator="\r\n")

"""A network as a layer-table CSV file: reading a user's file, writing one back.

Columns (header names are matched without case, spaces or hyphens mattering; other columns are
ignored): ``layer, type, ops, weights, in_activations, out_activations``, one row per layer for one
input, as in :mod:`qb_core.networks.layer_table`; ops count 2 per multiply-accumulate.

``type`` accepts the canonical names (conv, depthwise, fc, pool, eltwise) and a few spellings of
them (:data:`TYPE_SPELLINGS`: ``depthwise conv``, ``dw``, ``fully connected``, ``gemm``,
``pooling``, ``element-wise``, ``add``, ...). Counts are whole numbers of 0 or more (``1e6``,
``2.0`` and ``1,234`` are read; ``2.5``, ``-1``, ``inf``, above 10^18 and empty cells are refused).
Counts are exact up to 2^53 (about 9 x 10^15): :func:`~qb_core.networks.layer_table.check_layer_table`
passes them through float64.

The file is decoded by :func:`qb_core.csv_io.open_csv` (byte-order marks, UTF-16 without one,
Windows-1252; comma, semicolon, tab or pipe). Its records are then read with the ``csv`` module
rather than pandas, so layer names come back exactly as written (pandas would read a layer named
``NA`` or ``null`` as a missing value); the numbers are converted in one vectorized pass.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from qb_core.csv_io import DataFormatError, echo_value, open_csv, to_csv_safe, unescape_cell
from qb_core.networks.imported import MAX_COUNT, NAME_CHARS, NetworkFileError, NetworkImport, network_name, plain
from qb_core.networks.layer_table import LAYER_TABLE_COLUMNS, LAYER_TYPES, NUMERIC_COLUMNS, check_layer_table
from qb_core.paths import DATA_DIR

MAX_CSV_BYTES = 2_000_000
MAX_ROWS = 10_000

#: Other spellings of the layer types, keyed by their lower-case form without spaces, hyphens or
#: underscores.
TYPE_SPELLINGS: dict[str, str] = {
    **{t: t for t in LAYER_TYPES},
    "convolution": "conv", "conv2d": "conv",
    "depthwiseconv": "depthwise", "depthwiseconvolution": "depthwise", "dw": "depthwise", "dwconv": "depthwise",
    "fullyconnected": "fc", "gemm": "fc", "matmul": "fc", "linear": "fc", "dense": "fc",
    "pooling": "pool", "maxpool": "pool", "avgpool": "pool", "averagepool": "pool", "globalaveragepool": "pool",
    "elementwise": "eltwise", "add": "eltwise",
}
_KEY = re.compile(r"[\s_\-]+")
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+$")


def _key(text: str) -> str:
    return _KEY.sub("", text.strip().lower())


def _column_positions(header: list[str], file: str) -> list[int]:
    """Position of each of :data:`LAYER_TABLE_COLUMNS` in the header (case, spaces, hyphens and
    underscores ignored); a missing or repeated column is refused."""
    wanted = {_key(c): c for c in LAYER_TABLE_COLUMNS}
    found: dict[str, list[int]] = {}
    for position, cell in enumerate(header):
        column = wanted.get(_key(unescape_cell(cell)))
        if column:
            found.setdefault(column, []).append(position)
    missing = [c for c in LAYER_TABLE_COLUMNS if c not in found]
    if len(missing) == len(LAYER_TABLE_COLUMNS):
        raise NetworkFileError(f"{file}: not a layer table: none of its columns "
                               f"{', '.join(LAYER_TABLE_COLUMNS)} in the header")
    if missing:
        raise NetworkFileError(f"{file}: not a layer table: missing column(s) {', '.join(missing)} "
                               f"(the columns are {', '.join(LAYER_TABLE_COLUMNS)})")
    repeated = next((c for c in LAYER_TABLE_COLUMNS if len(found[c]) > 1), None)
    if repeated:
        raise NetworkFileError(f"{file}: column {repeated} appears {len(found[repeated]):,} times")
    return [found[c][0] for c in LAYER_TABLE_COLUMNS]


def _records(data: bytes, delimiter: str, file: str) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, non-blank records and the file line each record starts on."""
    text = data.decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records, lines, line = [], [], 1
    try:
        header = next(reader, [])
        line = reader.line_num + 1
        for record in reader:
            if any(cell.strip() for cell in record):
                if len(records) == MAX_ROWS:
                    raise NetworkFileError(f"{file}: more than {MAX_ROWS:,} layers; a layer table may have at "
                                           f"most {MAX_ROWS:,}")
                records.append(record)
                lines.append(line)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise NetworkFileError(f"{file}: line {line:,}: not readable as CSV ({plain(exc, 80)})") from None
    return header, records, lines


def _counts(cells: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Whole counts of text cells (int64) and the mask of cells that are not whole counts from 0
    to 10^18."""
    text = cells.str.strip()
    text = text.where(~text.str.match(_THOUSANDS), text.str.replace(",", "", regex=False))
    digits = text.str.fullmatch(r"\d{1,18}")
    values = np.zeros(len(text), dtype=np.int64)
    values[digits.to_numpy()] = text[digits].astype(np.int64).to_numpy()
    other = pd.to_numeric(text[~digits], errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        good = np.isfinite(other) & (other >= 0) & (other <= MAX_COUNT) & (other == np.floor(other))
    values[~digits.to_numpy()] = np.where(good, other, 0).astype(np.int64)
    bad = np.zeros(len(text), dtype=bool)
    bad[~digits.to_numpy()] = ~good
    return values, bad


def _problem(file: str, line: int, column: str, cell: str) -> str:
    if not cell.strip():
        return f"{file}: line {line:,}, column {column}: empty cell"
    if column == "type":
        return (f"{file}: line {line:,}, column type: unknown layer type {echo_value(plain(cell))} "
                f"(use {', '.join(LAYER_TYPES)})")
    if column == "layer":
        shown = echo_value(plain(unescape_cell(cell)))
        if len(unescape_cell(cell)) > NAME_CHARS:
            return f"{file}: line {line:,}, column layer: layer name {shown} is longer than {NAME_CHARS} characters"
        return f"{file}: line {line:,}, column layer: layer name {shown} appears more than once"
    return f"{file}: line {line:,}, column {column}: {echo_value(plain(cell))} is not a whole number from 0 to 10^18"


def read_layer_csv(data: bytes, file_name: str, name: str | None = None) -> NetworkImport:
    """The layer table of a CSV file given as bytes; a bad file or cell raises
    :class:`~qb_core.networks.imported.NetworkFileError` naming the file (and the line and column of the
    first bad cell). The network is called ``name``, else after the file's stem."""
    file = plain(file_name, 200)
    if len(data) > MAX_CSV_BYTES:
        raise NetworkFileError(f"{file}: the file has {len(data):,} bytes; a layer table may have at most "
                               f"{MAX_CSV_BYTES:,} ({MAX_CSV_BYTES // 1_000_000} MB)")
    try:
        source = open_csv(bytes(data), file)
    except DataFormatError as exc:
        raise NetworkFileError(str(exc)) from None
    header, records, lines = _records(source.data, source.delimiter, file)
    positions = _column_positions(header, file)
    if not records:
        raise NetworkFileError(f"{file}: the layer table has no layer")
    width = len(header)
    over = next((i for i, r in enumerate(records) if len(r) > width and any(c.strip() for c in r[width:])), None)
    if over is not None:
        raise NetworkFileError(f"{file}: line {lines[over]:,}: {len(records[over]):,} cells but the header has "
                               f"{width:,} (a separator inside an unquoted name?)")
    frame = pd.DataFrame([[r[p] if p < len(r) else "" for p in positions] for r in records],
                         columns=list(LAYER_TABLE_COLUMNS), dtype=object)
    bad = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    frame["layer"] = frame["layer"].map(unescape_cell)
    bad["layer"] = (frame["layer"].duplicated() | (frame["layer"].str.strip() == "")
                    | (frame["layer"].str.len() > NAME_CHARS))
    types = frame["type"].map(lambda t: TYPE_SPELLINGS.get(_key(unescape_cell(t))))
    bad["type"] = types.isna()
    table = frame[["layer"]].assign(type=types)
    for column in NUMERIC_COLUMNS:
        table[column], bad[column] = _counts(frame[column])
    if bad.to_numpy().any():
        row, col = np.argwhere(bad.to_numpy())[0]
        column = LAYER_TABLE_COLUMNS[col]
        raise NetworkFileError(_problem(file, lines[row], column, str(frame.iat[row, col])))
    try:
        table = check_layer_table(table)
    except ValueError as exc:  # a total above 10^18, a repeated layer name: one line naming the file
        raise NetworkFileError(f"{file}: {plain(exc, 200)}") from None
    return NetworkImport(network_name(name, "", file_name), table, ())


def layer_table_csv(table: pd.DataFrame) -> str:
    """CSV text of a layer table (:data:`~qb_core.networks.layer_table.LAYER_TABLE_COLUMNS`, checked),
    names escaped against formula injection by :func:`~qb_core.csv_io.to_csv_safe`;
    :func:`read_layer_csv` reads it back exactly."""
    return to_csv_safe(check_layer_table(table))


def template_path() -> Path:
    """The layer-table template users download (``data/layer_table_template.csv``)."""
    return DATA_DIR / "layer_table_template.csv"

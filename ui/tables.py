"""Tables a person can read: headers in plain language with their unit (``qb_core.labels``),
numbers formatted by unit, missing values blank, text shown as text."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit import dataframe_util

from qb_core.analyses.finder import readable as figure_readable
from qb_core.labels import QUANTITIES, SHORT_LABELS, short_title, title
from qb_core.vocabulary import TASKS
from ui.safe import cell_text

#: Display format per unit (Streamlit NumberColumn formats).
UNIT_FORMATS: dict[str, str] = {
    "inputs/s": "localized", "inputs/J": "localized", "ops": "localized", "bytes": "localized",
    "elements": "localized", "%": "%.1f", "TOP/s": "%.3f", "GB/s": "%.2f", "ops/byte": "%.1f", "ms": "%.4f",
    "W": "%.3f", "MB": "%.3f", "GB": "%.1f", "mJ": "%.4f", "GOP": "%.4f",
}


def number_format(values: pd.Series, unit: str) -> str:
    """The display format of a number column: by its unit; a count without a unit (parameters,
    batch sizes) in full with thousands separators, never rounded; other unitless numbers to 4
    significant figures."""
    if unit in UNIT_FORMATS:
        return UNIT_FORMATS[unit]
    numbers = values.astype(float)
    finite = numbers[np.isfinite(numbers)]
    return "localized" if len(finite) and (finite == finite.round()).all() else "%.4g"


#: Units of throughput: in a table given ``digits`` they read as whole numbers from 100 up.
THROUGHPUT_UNITS = ("inputs/s", "inputs/J")


def significant(values: pd.Series, digits: int, whole_from: float = np.inf) -> pd.Series:
    """``values`` rounded to ``digits`` significant figures (those of ``whole_from`` and above to
    whole numbers, every integer digit kept), shown with the ``localized`` format, which writes each
    value with its own digits, never padded: 4.9963 ms at 4 digits reads ``4.996``, 0.05 ``0.05``."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    usable = np.isfinite(numbers) & (numbers != 0)
    safe = np.where(usable, numbers, 1.0)
    step = 10.0 ** (np.floor(np.log10(np.abs(safe))) - digits + 1)
    rounded = np.where(usable, np.round(safe / step) * step, numbers)
    rounded = np.where(usable & (np.abs(safe) >= whole_from), np.round(numbers), rounded)
    return pd.Series(rounded, index=values.index, name=values.name)


def figure_texts(values: pd.Series, digits: int = 4, whole_from: float = np.inf) -> pd.Series:
    """Each figure as text to ``digits`` significant digits, never padded
    (:func:`qb_core.analyses.finder.readable`), those of ``whole_from`` and above whole (as :func:`significant`
    rounds them); blank where missing."""
    return values.map(lambda v: "" if pd.isna(v) else f"{round(float(v)):,}" if abs(float(v)) >= whole_from
                      else figure_readable(float(v), digits))


def heading(column: str) -> str:
    """A header for a column the labels table does not know: a snake_case name in words
    (``best_batch`` -> ``Best batch``); any other name as it is (``CNV 100%``, never ``Cnv 100%``)."""
    return column.replace("_", " ").capitalize() if re.fullmatch(r"[a-z0-9_]+", column) else column


def whole_number_columns(frame: pd.DataFrame, columns: Sequence[str]) -> set[str]:
    """The number columns of ``columns`` whose finite values are all whole (at least one), in one
    pass over the block (:func:`number_format`'s rule for unitless counts)."""
    if not columns:
        return set()
    values = frame[list(columns)].to_numpy(dtype=float)
    finite = np.isfinite(values)
    whole = np.where(finite, values == np.round(values), True).all(axis=0) & finite.any(axis=0)
    return {column for column, is_whole in zip(columns, whole, strict=True) if is_whole}


def is_number_column(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def column_config(frame: pd.DataFrame, columns: Sequence[str], **overrides: object) -> dict[str, object]:
    """Streamlit column configuration for ``columns``: plain-language headers (the CSV column name
    in the header's help), numbers formatted by their unit (:func:`number_format`); ``overrides`` win."""
    config: dict[str, object] = {}
    numbers = [c for c in columns if c in frame and is_number_column(frame[c])]
    unitless = [c for c in numbers if (QUANTITIES[c].unit if c in QUANTITIES else "") not in UNIT_FORMATS]
    whole = whole_number_columns(frame, unitless)
    numbers = set(numbers)
    for column in columns:
        label = title(column) if column in QUANTITIES else heading(column)
        unit = QUANTITIES[column].unit if column in QUANTITIES else ""
        if column in numbers:
            fmt = UNIT_FORMATS.get(unit) or ("localized" if column in whole else "%.4g")
            config[column] = st.column_config.NumberColumn(label, format=fmt, help=f"CSV column: {column}")
        else:
            config[column] = st.column_config.TextColumn(label, help=f"CSV column: {column}") \
                if not (column in frame and pd.api.types.is_bool_dtype(frame[column])) \
                else st.column_config.CheckboxColumn(label, help=f"CSV column: {column}")
    return config | overrides


def readable(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``frame[columns]`` ready to show: infinities blank (nothing moved off chip), numbers in
    number columns, missing text blank."""
    shown = frame[list(columns)].copy()
    if "task" in shown.columns and shown["task"].astype(str).isin(list(TASKS)).all():
        shown["task"] = shown["task"].astype(str).map(TASKS)  # CIFAR-10, never cifar10
    numbers = [c for c in shown.columns if is_number_column(shown[c])]
    if numbers:  # one block: every number column as float, infinities blank
        block = shown[numbers].astype(float)
        shown[numbers] = block.where(np.isfinite(block.to_numpy()))
    for column in shown.columns.difference(numbers, sort=False):
        values = shown[column]
        if values.dtype == object and not _parses(values):
            shown[column] = values.where(values.notna(), "")
            continue
        if values.dtype == object:
            parsed = pd.to_numeric(values, errors="coerce")
            if parsed.notna().sum() == values.notna().sum() and values.notna().any():
                shown[column] = parsed
            else:
                shown[column] = values.where(values.notna(), "")
    return shown


def _parses(values: pd.Series) -> bool:
    """Whether the first present value of a text column reads as a number: a column whose first
    value does not cannot be a column of numbers, so it is not parsed whole (what every session paid)."""
    present = values.dropna()
    if present.empty:
        return False
    try:
        float(present.iloc[0])
    except (TypeError, ValueError):
        return False
    return True


#: Width of the main column at a 1280 px window with the sidebar open (px): a table whose columns
#: fit in it needs no horizontal scrolling there.
TABLE_BUDGET_PX = 780
CHAR_PX, CELL_PADDING_PX, MAX_COLUMN_PX = 7.4, 26, 260


def column_width(values: pd.Series, label: str) -> int:
    """A column's width in px: its header or its longest shown value, whichever is wider (numbers
    as about 12 characters), within :data:`MAX_COLUMN_PX` (longer text is cut, whole on hover)."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        longest = 12
    else:
        longest = int(values.astype(str).str.len().max()) if len(values) else 0
    return int(min(MAX_COLUMN_PX, CHAR_PX * max(len(label), longest, 4) + CELL_PADDING_PX))


def fitting_columns(widths: dict[str, int], budget: int = TABLE_BUDGET_PX, at_least: int = 2) -> list[str]:
    """The leading columns whose widths add up to at most ``budget`` px (never fewer than ``at_least``)."""
    kept, used = [], 0
    for column, width in widths.items():
        if len(kept) >= at_least and used + width > budget:
            break
        kept.append(column)
        used += width
    return kept


def is_throughput(column: str) -> bool:
    """Whether a column holds inputs/s or inputs/J (whole numbers from 100 up)."""
    unit = QUANTITIES[column].unit if column in QUANTITIES else ""
    return unit in THROUGHPUT_UNITS or "fps" in column.split("_")


class Table(NamedTuple):
    """A table ready to draw (:func:`prepare`): what :func:`draw` hands to ``st.dataframe``. Built once
    per question in a view model, it is shared read-only by every session that draws it."""

    shown: pd.DataFrame
    config: dict[str, object]
    #: ``shown`` as the Arrow table ``st.dataframe`` would convert it to (the same function), once.
    arrow: pa.Table
    #: With ``fit``: the leading columns that fit a 1280 px window, and the others (with their labels),
    #: offered in a "More columns" picker; None shows every column.
    lead: list[str] | None = None
    rest_labels: dict[str, str] | None = None


def arrow_of(frame: pd.DataFrame) -> pa.Table:
    """``frame`` as the Arrow table ``st.dataframe`` would convert it to (the same function): a view
    model converts once per question what every session then only sends."""
    return dataframe_util.convert_pandas_df_to_arrow_table(frame)


def prepare(frame: pd.DataFrame, columns: Sequence[str] | None = None, fit: bool = False,
            digits: dict[str, int] | None = None, **overrides: object) -> Table:
    """``frame[columns]`` with readable headers and formats, as :func:`show` draws it: pure, so a view
    model can build it once per question. With ``fit``, the leading columns that fit a 1280 px window
    are shown and the others offered in a picker. ``digits``: columns shown to that many significant
    digits (:func:`significant`), throughput columns whole from 100 inputs/s up (a prediction or a
    band, not a measurement to copy)."""
    columns = list(frame.columns if columns is None else columns)
    shown = readable(frame, columns)
    rounded = []
    for column, count in (digits or {}).items():
        if column in shown and is_number_column(shown[column]):
            shown[column] = significant(shown[column], count, whole_from=100.0 if is_throughput(column) else np.inf)
            rounded.append(column)
    config = column_config(shown, columns, **overrides)
    for column in rounded:
        given = overrides.get(column)
        label = given.get("label") if isinstance(given, dict) and given.get("label") else (
            title(column) if column in QUANTITIES else heading(column))
        config[column] = st.column_config.NumberColumn(label, format="localized", help=f"CSV column: {column}")
    arrow = arrow_of(shown)
    if not fit:
        return Table(shown, config, arrow)
    config = {c: dict(v) if isinstance(v, dict) else {"label": str(v)} for c, v in config.items()}
    for column in columns:
        if column in SHORT_LABELS and column not in overrides:
            config[column]["help"] = f"{title(column)}. CSV column: {column}"
            config[column]["label"] = short_title(column)
    widths = {c: column_width(shown[c], str(config[c].get("label") or c)) for c in columns}
    for column, width in widths.items():
        config[column]["width"] = width
    lead = fitting_columns(widths)
    return Table(shown, config, arrow, lead, {c: str(config[c].get("label") or c) for c in columns if c not in lead})


def draw(table: Table, key: str | None = None) -> None:
    """A sortable table of a prepared :class:`Table`; with its columns fitted, the "More columns"
    picker above it (downloads keep every column)."""
    order = None
    if table.rest_labels:
        labels = table.rest_labels
        with st.expander(f"More columns ({len(labels)} not shown)", icon=":material/view_column:"):
            extra = st.multiselect("Also show", list(labels), format_func=labels.get,
                                   key=f"{key}_more" if key else None, placeholder="Choose columns")
        order = [*table.lead, *extra]
    st.dataframe(table.arrow, hide_index=True, key=key, placeholder="",  # a missing value is blank, never "None"
                 column_order=order, column_config=table.config)  # Streamlit copies each column's config


@dataclass(frozen=True, eq=False)
class TableRequest:
    """What :func:`prepare` is asked: a frame and how to show it, hashed by a digest of its content
    (every row, index included, and the columns' names and types) and the options, so sessions
    showing the same table share one prepared :class:`Table`."""

    frame: pd.DataFrame
    columns: tuple[str, ...]
    fit: bool
    digits: tuple[tuple[str, int], ...]
    overrides: tuple[tuple[str, object], ...]

    @cached_property
    def digest(self) -> str:
        frame = self.frame[list(self.columns)]
        digest = hashlib.sha256(json.dumps([self.columns, [str(t) for t in frame.dtypes], self.fit, self.digits,
                                            self.overrides], default=str).encode())
        digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
        return digest.hexdigest()


@st.cache_resource(max_entries=256, show_spinner=False, hash_funcs={TableRequest: lambda request: request.digest})
def _prepared(request: TableRequest) -> Table:
    return prepare(request.frame, request.columns, request.fit, dict(request.digits), **dict(request.overrides))


def show(frame: pd.DataFrame, columns: Sequence[str] | None = None, key: str | None = None, fit: bool = False,
         digits: dict[str, int] | None = None, **overrides: object) -> None:
    """:func:`draw` of :func:`prepare`, looked up by the table's content: a session drawing a table
    another has drawn only draws it (a frame whose cells cannot be hashed is prepared here)."""
    columns = tuple(frame.columns if columns is None else columns)
    request = TableRequest(frame, columns, fit, tuple((digits or {}).items()), tuple(overrides.items()))
    try:
        request.digest  # noqa: B018 - computed once here; a cell pandas cannot hash raises TypeError
    except TypeError:
        draw(prepare(frame, columns, fit, digits, **overrides), key)
        return
    draw(_prepared(request), key)


def static_frame(frame: pd.DataFrame, columns: Sequence[str] | None = None, labels: dict[str, str] | None = None,
                 decimals: int | None = None) -> pd.DataFrame:
    """A small table as ``st.table`` shows it whole (every cell wraps instead of being cut), headers in
    plain language. ``st.table`` renders Markdown, so every text cell and header passes through
    ``cell_text``. With ``decimals``, numbers are shown with that many decimals (``st.table`` would
    show four). Pure, so a view model builds it once per question."""
    columns = list(frame.columns if columns is None else columns)
    names = {c: cell_text((labels or {}).get(c, title(c) if c in QUANTITIES else c)) for c in columns}
    shown = readable(frame, columns)
    if decimals is not None:
        numbers = shown.select_dtypes("number").columns
        shown[numbers] = shown[numbers].map(lambda v: "" if pd.isna(v) else f"{v:,.{decimals}f}")
    text = shown.select_dtypes(exclude="number").columns
    shown[text] = shown[text].astype(str).map(cell_text)
    return shown.rename(columns=names).set_index(names[columns[0]])

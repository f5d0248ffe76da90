"""Tables a person can read: headers in plain language with their unit (``qb_core.labels``),
numbers formatted by unit, missing values blank, text shown as text."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import streamlit as st

from qb_core.labels import QUANTITIES, title
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


def column_config(frame: pd.DataFrame, columns: Sequence[str], **overrides: object) -> dict[str, object]:
    """Streamlit column configuration for ``columns``: plain-language headers (the CSV column name
    in the header's help), numbers formatted by their unit; ``overrides`` win."""
    config: dict[str, object] = {}
    for column in columns:
        label = title(column) if column in QUANTITIES else column.replace("_", " ").capitalize()
        unit = QUANTITIES[column].unit if column in QUANTITIES else ""
        if column in frame and pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(
                frame[column]):
            config[column] = st.column_config.NumberColumn(label, format=number_format(frame[column], unit),
                                                           help=f"CSV column: {column}")
        else:
            config[column] = st.column_config.TextColumn(label, help=f"CSV column: {column}") \
                if not (column in frame and pd.api.types.is_bool_dtype(frame[column])) \
                else st.column_config.CheckboxColumn(label, help=f"CSV column: {column}")
    return config | overrides


def readable(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``frame[columns]`` ready to show: infinities blank (nothing moved off chip), numbers in
    number columns, missing text blank."""
    shown = frame[list(columns)].copy()
    for column in shown.columns:
        values = shown[column]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            shown[column] = values.astype(float).where(np.isfinite(values.astype(float)))
        elif values.dtype == object:
            numbers = pd.to_numeric(values, errors="coerce")
            if numbers.notna().sum() == values.notna().sum() and values.notna().any():
                shown[column] = numbers
            else:
                shown[column] = values.where(values.notna(), "")
    return shown


def show(frame: pd.DataFrame, columns: Sequence[str] | None = None, key: str | None = None,
         **overrides: object) -> None:
    """A sortable table of ``frame[columns]`` with readable headers and formats."""
    columns = list(frame.columns if columns is None else columns)
    shown = readable(frame, columns)
    st.dataframe(shown, hide_index=True, key=key, column_config=column_config(shown, columns, **overrides))


def static(frame: pd.DataFrame, columns: Sequence[str] | None = None, labels: dict[str, str] | None = None,
           decimals: int | None = None) -> None:
    """A small table shown whole (every cell wraps instead of being cut), headers in plain language.
    ``st.table`` renders Markdown, so every text cell and header passes through ``cell_text``. With
    ``decimals``, numbers are shown with that many decimals (``st.table`` would show four)."""
    columns = list(frame.columns if columns is None else columns)
    names = {c: cell_text((labels or {}).get(c, title(c) if c in QUANTITIES else c)) for c in columns}
    shown = readable(frame, columns)
    if decimals is not None:
        numbers = shown.select_dtypes("number").columns
        shown[numbers] = shown[numbers].map(lambda v: "" if pd.isna(v) else f"{v:,.{decimals}f}")
    text = shown.select_dtypes(exclude="number").columns
    shown[text] = shown[text].astype(str).map(cell_text)
    st.table(shown.rename(columns=names).set_index(names[columns[0]]))

"""Why a measurement row is skipped or noted, as reasons per row: the importer's checks, apart from
its readers (:mod:`qb_core.measurements.dataset`). Each check takes whole columns and returns a Series of
reasons indexed by the offending rows (rows that pass are absent); reasons are written once per
distinct value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qb_core.csv_io import echo_value
from qb_core.distinct import distinct_rows
from qb_core.vocabulary import PRECISIONS

#: Valid measured values: column -> (low, high, low inclusive); high is always inclusive. A number
#: outside skips its row. Ceilings are plausibility limits far above any board (the bundled maxima:
#: 3.85e6 inputs/s, 14,561 ms, 40.6 W): 1e9 inputs/s (1 ns per input), 1e7 ms (2.8 hours per batch),
#: 1e5 W (a rack of accelerators). Accuracy is a percentage, 0 included.
VALID_RANGES: dict[str, tuple[float, float, bool]] = {
    "lat_sys_ms": (0.0, 1e7, False),
    "lat_comp_ms": (0.0, 1e7, False),
    "fps_system": (0.0, 1e9, False),
    "fps_comp": (0.0, 1e9, False),
    "top1_pct": (0.0, 100.0, True),
    "top5_pct": (0.0, 100.0, True),
    "base_power_w": (0.0, 1e5, False),
    "idle_power_w": (0.0, 1e5, False),
    "full_power_w": (0.0, 1e5, False),
}


NO_REASONS = pd.Series(dtype=object)


def reasons_for(values: pd.Series, prefix: str, suffix: str, quote: bool = True) -> pd.Series:
    """``prefix + 'value' + suffix`` per row of ``values`` (the offending rows' cells), written once
    per distinct value; the value is quoted and cut short by :func:`~qb_core.csv_io.echo_value`."""
    if values.empty:
        return NO_REASONS
    codes, distinct = distinct_rows(values)
    text = [prefix + (echo_value(v) if quote else str(v)) + suffix for v in distinct.iloc[:, 0].fillna("")]
    return pd.Series(np.asarray(text, dtype=object)[codes], index=values.index)


def first_reasons(*reasons: pd.Series) -> pd.Series:
    """One reason per row: the first of ``reasons`` (each over its offending rows) that names it."""
    reasons = tuple(r for r in reasons if len(r))
    if not reasons:
        return NO_REASONS
    combined = pd.concat(reasons)
    return combined[~combined.index.duplicated()]


def not_in(reasons: pd.Series, rows: pd.Index) -> pd.Series:
    return reasons[~reasons.index.isin(rows)] if len(reasons) and len(rows) else reasons


def _no_name(cells: pd.Series, label: str) -> pd.Series:
    rows = cells.index[(cells == "").to_numpy()]
    return pd.Series(f"no {label}", index=rows, dtype=object)


def _bad_precision(precision: pd.Series, label: str) -> pd.Series:
    return reasons_for(precision[~precision.isin(PRECISIONS)], f"{label} ", f" is not one of {', '.join(PRECISIONS)}")


def _bad_pruning(text: pd.Series, pruning_pct: pd.Series, label: str) -> pd.Series:
    bad = ~(pruning_pct > 0) | (pruning_pct > 100)
    return reasons_for(text[bad], f"{label} ", " is not a percentage in (0, 100]")


def _bad_batch(text: pd.Series, batch: pd.Series, label: str) -> pd.Series:
    bad = ~(batch >= 1) | (batch != np.floor(batch)) | ~np.isfinite(batch)
    return reasons_for(text[bad], f"{label} ", " is not a whole number of at least 1")


def row_check_reasons(cells: pd.DataFrame, pruning_pct: pd.Series, batch: pd.Series,
                       labels: dict[str, str]) -> pd.Series:
    """Why each unusable row is skipped (the first failing check; rows that pass are absent)."""
    return first_reasons(
        _no_name(cells["topology"], labels["topology"]),
        _no_name(cells["hw_name"], labels["hw_name"]),
        _bad_precision(cells["precision"], labels["precision"]),
        _bad_pruning(cells["pruning"], pruning_pct, labels["pruning"]),
        _bad_batch(cells["batch"], batch, labels["batch"]),
    )


def _interval(low: float, high: float, low_inclusive: bool) -> str:
    return f"{'[' if low_inclusive else '('}{low:g}, {high:g}]"


def cell_text(values: pd.Series) -> pd.Series:
    """Cells as the file wrote them (numbers the C reader parsed: shortest exact form, ``inf``)."""
    if pd.api.types.is_numeric_dtype(values):
        return values.map(lambda v: f"{v:.15g}")
    return values.astype(object).fillna("").astype(str).str.strip()


def range_reasons(values: dict[str, pd.Series], frame: pd.DataFrame) -> pd.Series:
    """Rows with a number outside :data:`VALID_RANGES` (the first such column names the reason)."""
    reasons = []
    for column, (low, high, low_inclusive) in VALID_RANGES.items():
        number = values[column]
        inside = ((number >= low) if low_inclusive else (number > low)) & (number <= high)
        outside = number.notna() & ~inside
        if outside.any():
            reasons.append(reasons_for(cell_text(frame.loc[outside, column]), f"{column} ",
                                        f" is outside the valid range {_interval(low, high, low_inclusive)}"))
    return first_reasons(*reasons)


def not_number_reasons(frame: pd.DataFrame, unparseable: dict[str, pd.Series], columns: tuple[str, ...]) -> pd.Series:
    """One warning per cell that is not a number (the cell is left empty, the row kept)."""
    reasons = [reasons_for(cell_text(frame.loc[unparseable[c], c]), f"{c}: ", " is not a number; left empty")
               for c in columns if unparseable[c].any()]
    return pd.concat(reasons) if reasons else NO_REASONS

"""Work once per distinct value: measurement tables repeat a few names over many rows.

``distinct_rows`` factorizes one or more columns into a code per row and a small table of the
distinct combinations; string work runs on that table and ``spread_*`` takes it back to rows.
This keeps text handling at C speed for a million rows without per-row Python.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(code per row, value per code as objects); a categorical column keeps its own codes (missing
    last) and its values' types: category ``0`` stays ``0``, not ``0.0`` beside a missing cell."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories
        codes = column.cat.codes.to_numpy().astype(np.int64)
        codes[codes < 0] = len(categories)
        return codes, np.append(categories.astype(object).to_numpy(), np.nan)
    code, unique = pd.factorize(column, use_na_sentinel=False)
    return code, np.asarray(unique, dtype=object)


def distinct_rows(*columns: pd.Series) -> tuple[np.ndarray, pd.DataFrame]:
    """(code per row, DataFrame of distinct combinations) of ``columns``; missing is a value too."""
    codes, uniques = [], []
    for column in columns:
        code, unique = _codes(column)
        codes.append(code)
        uniques.append(unique)
    # Combine one column at a time, renumbering after each, so the combined code stays below the
    # number of rows however many columns there are (a plain ravel of all of them can overflow).
    row_codes, _ = pd.factorize(codes[0])
    for code, unique in zip(codes[1:], uniques[1:], strict=True):
        row_codes, _ = pd.factorize(row_codes.astype(np.int64) * max(len(unique), 1) + code)
    first = np.unique(row_codes, return_index=True)[1]
    table = pd.DataFrame({(c.name if c.name is not None else i): u[code[first]]
                          for i, (c, u, code) in enumerate(zip(columns, uniques, codes, strict=True))})
    return row_codes, table


def spread_category(values: pd.Series | np.ndarray, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Per-distinct text ``values`` taken back to rows by ``codes``, as a categorical Series."""
    text = pd.Series(values, dtype=object).fillna("").astype(str).to_numpy(dtype=object)
    categories, inverse = np.unique(text, return_inverse=True)
    return pd.Series(pd.Categorical.from_codes(inverse[codes], categories=categories), index=index)


def spread_numbers(values: pd.Series | np.ndarray, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Per-distinct numbers taken back to rows by ``codes``, as float."""
    return pd.Series(np.asarray(values, dtype=float)[codes], index=index)

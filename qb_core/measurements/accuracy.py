"""Accuracy per topology, pruning and precision: QuTiBench's ``cnn_topologies_accuracy.csv`` -> a tidy table.

The source is wide: a header row of precisions, a units row (``top1 (top5) [%]``), then one row per
topology variant (``CNV 12.5``) with one cell per precision: ``nm`` (not measured), a top-1 figure
(``77``), or top-1 with top-5 in brackets (``69.24 (88.45)``, also written ``68.83 ( 90.16)``).
The tidy table has one row per topology x pruning x precision; ``nm`` stays a row with missing
figures and ``measured`` False, so "not measured" is never confused with "not listed".
"""

from __future__ import annotations

import csv
import io
import re
from functools import lru_cache
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from qb_core.csv_io import DataFormatError, echo_value, open_csv
from qb_core.measurements.dataset import topology_task
from qb_core.measurements.row_checks import VALID_RANGES
from qb_core.paths import DATA_DIR
from qb_core.vocabulary import NETWORK_KEYS, PRECISIONS

ACCURACY_COLUMNS: tuple[str, ...] = ("topology", "task", "pruning_pct", "precision", "top1_pct", "top5_pct",
                                     "measured")
NOT_MEASURED = "nm"
_VARIANT = re.compile(r"^(?P<topology>.+?)\s+(?P<pct>\d+(?:\.\d+)?)%?$")
_FIGURES = re.compile(r"^(?P<top1>\d+(?:\.\d+)?)\s*(?:\(\s*(?P<top5>\d+(?:\.\d+)?)\s*\))?$")


def _figures(cell: str, where: str) -> tuple[float, float, bool]:
    """(top-1, top-5, measured) of one cell: ``nm`` -> (NaN, NaN, False); ``77`` -> (77, NaN, True);
    ``69.24 (88.45)`` -> (69.24, 88.45, True). Anything else, or a figure outside [0, 100], refuses."""
    text = cell.strip()
    if text.lower() == NOT_MEASURED:
        return np.nan, np.nan, False
    match = _FIGURES.match(text)
    low, high, _ = VALID_RANGES["top1_pct"]
    if not match:
        raise DataFormatError(f"{where}: {echo_value(text)} is not 'nm', a top-1 figure or 'top-1 (top-5)'")
    top1 = float(match["top1"])
    top5 = float(match["top5"]) if match["top5"] else np.nan
    if not low <= top1 <= high or not (np.isnan(top5) or low <= top5 <= high):
        raise DataFormatError(f"{where}: {echo_value(text)} is not a percentage in [{low:g}, {high:g}]")
    return top1, top5, True


def import_accuracy(source: str | Path | IO | bytes, name: str | None = None) -> pd.DataFrame:
    """The accuracy table's format (path, buffer or bytes) -> :data:`ACCURACY_COLUMNS`, one row per
    topology x pruning x precision in the file's order. ``task`` follows the topology
    (:func:`qb_core.measurements.dataset.topology_task`); ``measured`` is False where the cell says ``nm``.

    Raises :class:`~qb_core.csv_io.DataFormatError` naming the file and line when a precision, a
    variant name or a cell cannot be read: the source is small and curated, so nothing is skipped.
    """
    table = open_csv(source, name)
    precisions = [cell.strip().upper() for cell in table.header[1:]]
    unknown = [p for p in precisions if p not in PRECISIONS]
    if unknown or not precisions:
        raise DataFormatError(f"{table.name}: line 1: the columns after the first must be precisions "
                              f"({', '.join(PRECISIONS)}), not {', '.join(map(echo_value, unknown)) or 'none'}")
    rows = []
    reader = csv.reader(io.StringIO(table.data.decode("utf-8"), newline=""), delimiter=table.delimiter)
    next(reader)
    for record in reader:
        line = reader.line_num
        if not record or not record[0].strip():
            continue  # the units row, or a blank line
        variant = _VARIANT.match(record[0].strip())
        if not variant:
            raise DataFormatError(f"{table.name}: line {line}: {echo_value(record[0])} is not 'TOPOLOGY PRUNING_PCT'")
        if len(record) != len(precisions) + 1:
            raise DataFormatError(f"{table.name}: line {line}: {len(record) - 1} cells for "
                                  f"{len(precisions)} precisions")
        for precision, cell in zip(precisions, record[1:], strict=True):
            top1, top5, measured = _figures(cell, f"{table.name}: line {line}, {precision}")
            rows.append((variant["topology"], float(variant["pct"]), precision, top1, top5, measured))
    frame = pd.DataFrame(rows, columns=[*NETWORK_KEYS, "top1_pct", "top5_pct", "measured"])
    frame.insert(1, "task", topology_task(frame["topology"]).astype(str))
    return frame.astype({"pruning_pct": float, "top1_pct": float, "top5_pct": float, "measured": bool})[
        list(ACCURACY_COLUMNS)]


@lru_cache(maxsize=1)
def _bundled_accuracy() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "accuracy.csv", dtype={"topology": str, "task": str, "precision": str,
                                                          "measured": bool})


def load_accuracy() -> pd.DataFrame:
    """The bundled ``data/accuracy.csv``, read once per process. Each call gets a shallow copy
    (pandas' copy-on-write), so a caller's change never reaches the cached table."""
    return _bundled_accuracy().copy(deep=False)

"""The published totals (params, ops per input) of the networks without a layer model, as QuTiBench
gives them (``data/topologies_published.csv``)."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from qb_core.paths import DATA_DIR


def published_totals() -> pd.DataFrame:
    """``data/topologies_published.csv`` (read once; each caller gets a frame of its own)."""
    return _published_totals().copy(deep=False)


@lru_cache(maxsize=1)
def _published_totals() -> pd.DataFrame:
    """``data/topologies_published.csv``: networks without a layer model (read once; read-only)."""
    return pd.read_csv(DATA_DIR / "topologies_published.csv")



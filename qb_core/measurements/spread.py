"""How measurements move over batch sizes: the batch sweep of each configuration (batch size is a
controlled variable, so its values are a sweep, not a spread to summarise as a box)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qb_core.vocabulary import PRECISION_RANK, VARIANT_KEYS, pruning_text

SWEEP_COLUMNS = ("config", "device", "platform", "precision", *VARIANT_KEYS, "pruning", "quant_model",
                 "precision_rank", "batch", "value", "low", "high", "batches")


def configs_with_single_value(frame: pd.DataFrame, column: str) -> list[str]:
    """Configurations whose ``column`` holds at most one distinct value over their rows (e.g. a
    power figure copied to every batch size): a box plot of them would show nothing."""
    distinct = frame.groupby("config", observed=True)[column].nunique()
    return sorted(distinct[distinct <= 1].index.astype(str))


def batch_sweep(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per configuration x batch with a finite, positive ``column`` (``value``), with the
    notebook's facet label ``quant_model`` (precision · platform), the pruning factor as text and
    the configuration's ``low`` and ``high`` over its sweep."""
    values = pd.to_numeric(frame[column], errors="coerce")
    rows = frame.assign(value=values)[np.isfinite(values) & (values > 0)]
    rows = rows[["config", "device", "platform", "precision", *VARIANT_KEYS, "batch", "value"]].astype(
        {c: str for c in ("config", "device", "platform", "precision", "topology")})
    grouped = rows.groupby("config", sort=False)["value"]
    return rows.assign(pruning=rows["pruning_pct"].map(pruning_text),
                       quant_model=rows["precision"] + " · " + rows["device"],
                       precision_rank=rows["precision"].map(PRECISION_RANK),
                       low=grouped.transform("min"), high=grouped.transform("max"),
                       batches=grouped.transform("size")).reset_index(drop=True)[list(SWEEP_COLUMNS)]

"""How measurements spread over batch sizes: box-plot statistics per configuration, computed in
the core so a chart receives five numbers per box instead of every measured row."""

from __future__ import annotations

import pandas as pd

from qb_core.topology import PRECISION_RANK, pruning_text

BOX_COLUMNS = ("config", "device", "platform", "precision", "pruning_pct", "pruning", "quant_model",
               "precision_rank", "count", "min", "q1", "median", "q3", "max")


def configs_with_single_value(frame: pd.DataFrame, column: str) -> list[str]:
    """Configurations whose ``column`` holds at most one distinct value over their rows (e.g. a
    power figure copied to every batch size): a box plot of them would show nothing."""
    distinct = frame.groupby("config", observed=True)[column].nunique()
    return sorted(distinct[distinct <= 1].index.astype(str))


def box_statistics(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per configuration: count, min, quartiles, median and max of ``column`` over its rows (missing
    values ignored, configurations without any left out), with the notebook's facet label
    ``quant_model`` (precision · platform) and the pruning factor as text."""
    rows = frame[frame[column].notna()]
    keys = ["config", "device", "platform", "precision", "pruning_pct"]
    grouped = rows.groupby(keys, observed=True, sort=False)[column]
    stats = grouped.agg(count="count", min="min", max="max", median="median").join(
        grouped.quantile([0.25, 0.75]).unstack().rename(columns={0.25: "q1", 0.75: "q3"})).reset_index()
    stats = stats.astype({c: str for c in ("config", "device", "platform", "precision")})
    stats["pruning"] = stats["pruning_pct"].map(pruning_text)
    stats["quant_model"] = stats["precision"] + " · " + stats["device"]
    stats["precision_rank"] = stats["precision"].map(PRECISION_RANK)
    return stats[list(BOX_COLUMNS)]

"""Overview of the measured experiments per task: what ran where, at which precision and pruning."""

from __future__ import annotations

import pandas as pd

from qb_core.hardware import default_catalog

NA = "na"


def _pct(values: pd.Series) -> str:
    return ", ".join(f"{v:g}%" for v in sorted(values.unique(), reverse=True))


def overview_table(measurements: pd.DataFrame, task: str = "cifar10",
                   catalog: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per catalog platform: family, platform, op modes, then per topology of the task
    the measured precision x pruning variants (``INT2: 100%, 50%``; ``na`` when none) and the
    batch/stream/thread sweep. Platforms measured but missing from the catalog are listed too.
    """
    catalog = default_catalog() if catalog is None else catalog
    rows = measurements[measurements["task"] == task]
    rows = rows.astype({c: str for c in ("platform", "family", "topology", "precision", "op_mode")})
    platforms = catalog.drop_duplicates("platform")[["family", "platform"]]
    extra = rows.loc[~rows["platform"].isin(platforms["platform"]), ["family", "platform"]].drop_duplicates()
    table = pd.concat([platforms, extra], ignore_index=True)
    if rows.empty:
        table["op_modes"] = NA
        table["batch_sweep"] = NA
        return table.reset_index(drop=True)

    variants = (rows.groupby(["platform", "topology", "precision"])["pruning_pct"].agg(_pct)
                .reset_index())
    variants["text"] = variants["precision"] + ": " + variants["pruning_pct"]
    cells = variants.groupby(["platform", "topology"])["text"].agg("; ".join).unstack("topology")
    modes = rows[rows["op_mode"] != ""].groupby("platform")["op_mode"].agg(lambda s: ", ".join(sorted(s.unique())))
    batches = rows.groupby("platform")["batch"].agg(lambda s: ", ".join(map(str, sorted(s.unique()))))
    table = table.merge(cells, left_on="platform", right_index=True, how="left")
    table["op_modes"] = table["platform"].map(modes).fillna("")
    table["batch_sweep"] = table["platform"].map(batches)
    topo_cols = list(cells.columns)
    table[topo_cols + ["batch_sweep"]] = table[topo_cols + ["batch_sweep"]].fillna(NA)
    return table[["family", "platform", "op_modes", *topo_cols, "batch_sweep"]].reset_index(drop=True)

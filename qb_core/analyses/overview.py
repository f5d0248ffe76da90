"""Overview of the measured experiments per task: what ran where, at which precision and pruning."""

from __future__ import annotations

import pandas as pd

from qb_core.hardware.catalog import default_catalog
from qb_core.measurements.dataset import BUNDLED_DATASET as BUNDLED
from qb_core.vocabulary import pruning_text

NA = "na"


def _pct(values: pd.Series) -> str:
    return ", ".join(f"{pruning_text(v)}%" for v in sorted(values.unique(), reverse=True))


def overview_table(measurements: pd.DataFrame, task: str = "cifar10",
                   catalog: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per catalog platform (and per platform of each uploaded data set): family,
    platform, op modes, then per topology of the task the measured precision x pruning variants
    (``INT2: 100%, 50%``; ``na`` when none) and the batch/stream/thread sweep. ``dataset`` says
    where the row's measurements come from (QuTiBench, or an uploaded file's name)."""
    catalog = default_catalog() if catalog is None else catalog
    rows = measurements[measurements["task"] == task]
    if "dataset" not in rows.columns:
        rows = rows.assign(dataset=BUNDLED)
    rows = rows.astype({c: str for c in ("platform", "family", "topology", "precision", "op_mode", "dataset")})
    keys = ["dataset", "platform"]
    listed = catalog.drop_duplicates("platform")[["family", "platform"]].assign(dataset=BUNDLED)
    measured = rows[["dataset", "family", "platform"]].drop_duplicates(keys)
    table = pd.concat([listed, measured], ignore_index=True).drop_duplicates(keys)
    if rows.empty:
        return table.assign(op_modes="", batch_sweep=NA)[["dataset", "family", "platform", "op_modes",
                                                          "batch_sweep"]].reset_index(drop=True)
    variants = rows.groupby([*keys, "topology", "precision"])["pruning_pct"].agg(_pct).reset_index()
    variants["text"] = variants["precision"] + ": " + variants["pruning_pct"]
    cells = variants.groupby([*keys, "topology"])["text"].agg("; ".join).unstack("topology")
    with_mode = rows[rows["op_mode"] != ""]
    modes = with_mode.groupby(keys)["op_mode"].agg(lambda s: ", ".join(sorted(s.unique())))
    batches = rows.groupby(keys)["batch"].agg(lambda s: ", ".join(map(str, sorted(s.unique()))))
    table = table.merge(cells, left_on=keys, right_index=True, how="left")
    table = table.merge(modes.rename("op_modes"), left_on=keys, right_index=True, how="left")
    table = table.merge(batches.rename("batch_sweep"), left_on=keys, right_index=True, how="left")
    topo_cols = list(cells.columns)
    table[topo_cols + ["batch_sweep"]] = table[topo_cols + ["batch_sweep"]].fillna(NA)
    table["op_modes"] = table["op_modes"].fillna("")
    return table[["dataset", "family", "platform", "op_modes", *topo_cols, "batch_sweep"]].reset_index(drop=True)

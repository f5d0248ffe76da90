"""The networks at a glance: size, work, memory, intensity and published accuracy per variant
and precision, for one task or all of them; and where the layer model and a published total
disagree.

Notes
-----
model_mb  = params x bytes per element / 1e6 (weights only, as stored at that precision)
intensity = ops per input / (params x bytes per element): QuTiBench's default, weights read off chip
            once per input, activations on chip
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from qb_core.topology import (
    LAYER_MODELS,
    PRECISIONS,
    TASKS,
    published_totals,
    traffic_columns,
    variant_label,
    variant_table,
)

NOT_MEASURED = "not measured"


def networks_long(tasks: Sequence[str], accuracy: pd.DataFrame) -> pd.DataFrame:
    """One row per task x network variant x precision: params, ops, model size (MB), intensity and
    the published top-1 / top-5 accuracy (missing where the table says ``nm``)."""
    variants = pd.concat([variant_table(task) for task in tasks], ignore_index=True)
    table = variants.merge(pd.DataFrame({"precision": list(PRECISIONS)}), how="cross")
    table = traffic_columns(table)
    table["model_mb"] = table["weight_bytes"] / 1e6
    table["variant"] = variant_label(table["topology"], table["pruning_pct"])
    table["task_name"] = table["task"].map(TASKS)
    table["gops_per_input"] = table["ops_per_input"] / 1e9
    figures = accuracy[["topology", "pruning_pct", "precision", "top1_pct", "top5_pct"]]
    return table.merge(figures, on=["topology", "pruning_pct", "precision"], how="left")


def accuracy_text(top1: pd.Series, top5: pd.Series) -> pd.Series:
    """``86.86``, ``69.24 (88.45)`` or ``not measured``: the accuracy table's own notation."""
    text = top1.map("{:.2f}".format).where(top1.notna(), NOT_MEASURED)
    return text.where(top5.isna(), text + " (" + top5.map("{:.2f}".format) + ")")


def networks_wide(long: pd.DataFrame) -> pd.DataFrame:
    """One row per network variant: task, params, GOP per input and where that count comes from,
    then per precision its model size (MB), intensity (ops/byte) and top-1 (top-5) accuracy."""
    keys = ["task_name", "topology", "pruning_pct", "variant"]
    base = long.drop_duplicates(keys)[[*keys, "params", "ops_per_input", "gops_per_input", "ops_source"]]
    table = long.assign(accuracy=accuracy_text(long["top1_pct"], long["top5_pct"]))
    pivot = table.pivot_table(index=keys, columns="precision", values=["model_mb", "intensity", "accuracy"],
                              aggfunc="first", sort=False)
    pivot.columns = [f"{measure}_{precision.lower()}" for measure, precision in pivot.columns]
    ordered = [f"{m}_{p.lower()}" for m in ("model_mb", "intensity", "accuracy") for p in PRECISIONS]
    wide = base.merge(pivot[ordered].reset_index(), on=keys)
    return wide.reset_index(drop=True)


def model_vs_published() -> pd.DataFrame:
    """The layer model's params and ops beside a published exact count for every layer-modelled
    variant that has one (``topology_details.csv``), with the difference in ops."""
    published = published_totals()
    published = published[published["topology"].isin(list(LAYER_MODELS))]
    rows = []
    for task in dict.fromkeys(published["task"]):
        model = variant_table(task)
        rows.append(model.merge(published, on=["topology", "task", "pruning_pct"], suffixes=("", "_published")))
    table = pd.concat(rows, ignore_index=True)
    table["variant"] = variant_label(table["topology"], table["pruning_pct"])
    table["ops_difference"] = table["ops_per_input_published"] - table["ops_per_input"]
    table["ops_difference_pct"] = 100.0 * table["ops_difference"] / table["ops_per_input"]
    table["agrees"] = (table["ops_difference"] == 0) & (table["params_published"] == table["params"])
    return table[["task", "variant", "params", "params_published", "ops_per_input", "ops_per_input_published",
                  "ops_difference", "ops_difference_pct", "agrees", "source"]]



def unmeasurable_variants(measurements: pd.DataFrame, tasks: Sequence[str]) -> list[str]:
    """Network variants measured for ``tasks`` whose operation count is unknown (no layer model and
    no published total, e.g. ResNet-50v15): shown, and said to be unknown, rather than left out."""
    rows = measurements[measurements["task"].isin(list(tasks)) & measurements["ops_per_input"].isna()]
    pairs = rows[["topology", "pruning_pct"]].drop_duplicates()
    return sorted(variant_label(pairs["topology"].astype(str), pairs["pruning_pct"].astype(float)))

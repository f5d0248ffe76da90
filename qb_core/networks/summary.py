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

from qb_core.networks.bundled import network_layers
from qb_core.networks.layer_models import LAYER_MODELS
from qb_core.networks.layer_table import layer_totals
from qb_core.networks.published import published_totals
from qb_core.networks.traffic import traffic_columns
from qb_core.networks.variants import variant_table
from qb_core.networks.zoo import IMAGENET_VARIANTS
from qb_core.vocabulary import NETWORK_KEYS, PRECISIONS, TASKS, VARIANT_KEYS, variant_label

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
    figures = accuracy[[*NETWORK_KEYS, "top1_pct", "top5_pct"]]
    return table.merge(figures, on=list(NETWORK_KEYS), how="left")


def accuracy_text(top1: pd.Series, top5: pd.Series) -> pd.Series:
    """``86.86``, ``69.24 (88.45)`` or ``not measured``: the accuracy table's own notation."""
    text = top1.map("{:.2f}".format).where(top1.notna(), NOT_MEASURED)
    return text.where(top5.isna(), text + " (" + top5.map("{:.2f}".format) + ")")


def networks_wide(long: pd.DataFrame) -> pd.DataFrame:
    """One row per network variant: task, params, GOP per input and where that count comes from,
    then per precision its model size (MB), intensity (ops/byte) and top-1 (top-5) accuracy."""
    keys = ["task_name", *VARIANT_KEYS, "variant"]
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
    """Network variants measured for ``tasks`` whose operation count is unknown (no layer table and
    no published total): shown, and said to be unknown, rather than left out."""
    rows = measurements[measurements["task"].isin(list(tasks)) & measurements["ops_per_input"].isna()]
    pairs = rows[list(VARIANT_KEYS)].drop_duplicates()
    known = pd.concat([variant_table(task) for task in tasks], ignore_index=True)
    counted = pd.MultiIndex.from_arrays([known["topology"].astype(str), known["pruning_pct"].astype(float)])
    pairs = pairs[~pd.MultiIndex.from_arrays([pairs["topology"].astype(str),
                                              pairs["pruning_pct"].astype(float)]).isin(counted)]
    return sorted(variant_label(pairs["topology"].astype(str), pairs["pruning_pct"].astype(float)))


#: Why a layer table differs from QuTiBench's published total by more than 3 %, or agrees by design.
LAYER_TABLE_NOTES: dict[tuple[str, float], str] = {
    ("GoogLeNetv1", 100.0): "params +17 %: the convolutions alone give 5,973,552 (rounds to the published 6.0 M); "
                            "the published figure appears to leave out the 1,025,000-parameter classifier",
    ("MobileNetv1", 100.0): "ops +3.4 %: the published 1.1 G is rounded; the paper's 569 M multiply-accumulates "
                            "are 1.14 G ops",
    ("ResNet-50", 80.0): "the pruning rule's factors were fitted to the published totals: agreement by construction",
    ("ResNet-50", 50.0): "the pruning rule's factors were fitted to the published totals: agreement by construction",
    ("ResNet-50", 30.0): "the pruning rule's factors were fitted to the published totals: agreement by construction",
    ("ResNet-50v15", 100.0): "no published count: the layer table is the only one",
}


def layer_tables_vs_published(tasks: Sequence[str] = ("imagenet",)) -> pd.DataFrame:
    """Every ImageNet layer table's params and ops against QuTiBench's published (rounded) totals:
    the differences in percent, whether both are within 3 %, and why where they are not."""

    if "imagenet" not in tasks:
        return pd.DataFrame()
    published = published_totals().set_index(list(VARIANT_KEYS))
    rows = []
    for topology, pruning in IMAGENET_VARIANTS:
        totals = layer_totals(network_layers(topology, pruning))
        known = (topology, pruning) in published.index
        params_pub = float(published.loc[(topology, pruning), "params"]) if known else float("nan")
        ops_pub = float(published.loc[(topology, pruning), "ops_per_input"]) if known else float("nan")
        rows.append({"task": "imagenet", "variant": f"{topology} {pruning:g}%", "params": totals["params"],
                     "params_published": params_pub, "ops_per_input": totals["ops_per_input"],
                     "ops_per_input_published": ops_pub,
                     "note": LAYER_TABLE_NOTES.get((topology, pruning), "")})
    table = pd.DataFrame(rows)
    table["params_difference_pct"] = 100.0 * (table["params"] - table["params_published"]) / table["params_published"]
    table["ops_difference_pct"] = 100.0 * (table["ops_per_input"] - table["ops_per_input_published"]) \
        / table["ops_per_input_published"]
    table["within_3_pct"] = (table["params_difference_pct"].abs() <= 3) & (table["ops_difference_pct"].abs() <= 3)
    return table

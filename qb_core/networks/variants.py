"""Every network variant of a task as one table: CNV and MLP from their layer model, ImageNet
networks from published totals and layer tables, the user's networks from their own layer tables;
the QuTiBench default intensity per precision beside them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qb_core.networks.bundled import network_layers
from qb_core.networks.layer_models import LAYER_MODELS, PUBLISHED_PRUNING_PCT, topology_totals
from qb_core.networks.layer_table import layer_totals
from qb_core.networks.published import published_totals
from qb_core.networks.traffic import traffic_columns
from qb_core.networks.user import variant_rows
from qb_core.networks.zoo import IMAGENET_VARIANTS
from qb_core.vocabulary import OTHER_TASK, PRECISIONS, TASKS


def variant_table(task: str = "cifar10", width_scales: tuple[float, ...] = (), networks: tuple = ()) -> pd.DataFrame:
    """One row per topology variant of ``task``: params, ops per input, activation elements.

    CNV and MLP come from the layer model at the published pruning factors (plus any extra
    ``width_scales``, e.g. 0.75 for a 75% CNV); ImageNet networks from published totals (their
    activation traffic from their layer tables); ``networks`` (the user's
    :class:`qb_core.user_networks.UserNetwork` values) from their own layer tables.
    """
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")
    rows = []
    for name, model in LAYER_MODELS.items():
        if model().task != task:
            continue
        pcts = sorted({*PUBLISHED_PRUNING_PCT, *(round(100.0 * s, 4) for s in width_scales)}, reverse=True)
        for pct in pcts:
            rows.append({"topology": name, "task": task, "pruning_pct": pct,
                         **topology_totals(name, pct), "ops_source": "layer model"})
    table = pd.DataFrame(rows, columns=["topology", "task", "pruning_pct", "params", "ops_per_input",
                                        "activation_elems", "ops_source"])
    published = published_totals()
    published = published[(published["task"] == task) & ~published["topology"].isin(list(LAYER_MODELS))]
    if len(published):
        extra = published.assign(activation_elems=_layer_activation_elems(published),
                                 ops_source="published total")[table.columns]
        table = extra if table.empty else pd.concat([table, extra], ignore_index=True)
    layer_only = _layer_only_variants(task, set(table["topology"].astype(str)))
    if len(layer_only):
        table = pd.concat([table, layer_only[table.columns]], ignore_index=True)
    if networks:
        mine = variant_rows(networks, task)
        if len(mine):
            table = pd.concat([table, mine[table.columns]], ignore_index=True)
    return table.reset_index(drop=True)


def _layer_activation_elems(published: pd.DataFrame) -> np.ndarray:
    """Activation elements of published-total networks from their layer tables (NaN where none):
    the published ops and params stay the roofline's figures, the layers add the traffic."""
    tables = [network_layers(t, p) for t, p in zip(published["topology"], published["pruning_pct"], strict=True)]
    return np.array([np.nan if t is None else float((t["in_activations"] + t["out_activations"]).sum())
                     for t in tables])


def _layer_only_variants(task: str, known: set[str]) -> pd.DataFrame:
    """Networks of ``task`` with a layer table but no published total (ResNet-50v15): their totals
    come from the layer table."""
    if task != OTHER_TASK:
        return pd.DataFrame()
    rows = [{"topology": t, "task": task, "pruning_pct": p, **layer_totals(network_layers(t, p)),
             "ops_source": "layer table"} for t, p in IMAGENET_VARIANTS if t not in known]
    return pd.DataFrame(rows)


def topology_table(task: str = "cifar10", width_scales: tuple[float, ...] = ()) -> pd.DataFrame:
    """:func:`variant_table` plus the QuTiBench default intensity (ops/byte) per precision."""
    table = variant_table(task, width_scales)
    for precision in PRECISIONS:
        table[f"intensity_{precision.lower()}"] = traffic_columns(table.assign(precision=precision))["intensity"]
    return table



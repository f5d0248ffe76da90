"""Every bundled network as a layer table (:mod:`qb_core.networks.layer_table`), and the per-type totals
the calibrated model is built on.

CNV and MLP come from their layer model (:mod:`qb_core.networks.layer_models`), the ImageNet networks from
their architecture papers (:mod:`qb_core.networks.zoo`); a user's network brings its own table.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from qb_core.networks.layer_models import LAYER_MODELS, Topology, layer_table
from qb_core.networks.layer_table import LAYER_TABLE_COLUMNS, MAC_TYPES, check_layer_table
from qb_core.networks.zoo import imagenet_layers
from qb_core.vocabulary import VARIANT_KEYS

#: Per-type totals of a network variant, the columns :func:`type_totals` returns.
TYPE_TOTAL_COLUMNS: tuple[str, ...] = ("conv_ops", "depthwise_ops", "fc_ops", "params", "activation_elems",
                                       "layer_types", "mac_layers")


def layer_model_table(topology: Topology) -> pd.DataFrame:
    """A CNV/MLP layer model as the project's layer table (``conv1`` ... ``fc3``, pools named too)."""
    table = layer_table(topology)
    number = table.groupby("kind").cumcount() + 1
    return check_layer_table(pd.DataFrame({
        "layer": table["kind"] + number.astype(str), "type": table["kind"], "ops": table["ops"],
        "weights": table["params"], "in_activations": table["in_elems"], "out_activations": table["out_elems"]}))


@lru_cache(maxsize=128)
def _bundled(topology: str, pruning_pct: float) -> pd.DataFrame | None:
    if topology in LAYER_MODELS:
        return layer_model_table(LAYER_MODELS[topology](pruning_pct / 100.0))
    try:
        return imagenet_layers(topology, pruning_pct)
    except ValueError:
        return None


def network_layers(topology: str, pruning_pct: float) -> pd.DataFrame | None:
    """The layer table of a bundled network variant (a frame of its own), or None where the
    project has none (a network known only by its published totals)."""
    table = _bundled(str(topology), float(pruning_pct))
    return None if table is None else table.copy()


def type_totals(layers: pd.DataFrame) -> dict[str, object]:
    """Operations per layer type (conv, depthwise, fc), params, activation elements (in + out of
    every layer), the set of MAC layer types present and how many MAC layers there are, from a
    layer table."""
    ops = layers.groupby("type")["ops"].sum()
    present = tuple(sorted(t for t in MAC_TYPES if (layers["type"] == t).any()))
    return {"conv_ops": float(ops.get("conv", 0)), "depthwise_ops": float(ops.get("depthwise", 0)),
            "fc_ops": float(ops.get("fc", 0)), "params": float(layers["weights"].sum()),
            "activation_elems": float((layers["in_activations"] + layers["out_activations"]).sum()),
            "layer_types": "|".join(present), "mac_layers": float(layers["type"].isin(list(MAC_TYPES)).sum())}


def variant_type_totals(variants: pd.DataFrame, user_layers: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """:data:`TYPE_TOTAL_COLUMNS` per distinct (topology, pruning_pct) of ``variants``; NaN and an
    empty ``layer_types`` where no layer table is known. ``user_layers`` maps a user's network
    name to its layer table (pruning 100)."""
    pairs = variants[list(VARIANT_KEYS)].drop_duplicates().reset_index(drop=True)
    rows = []
    for topology, pruning in pairs.itertuples(index=False):
        layers = (user_layers or {}).get(str(topology))
        if layers is None:
            layers = _bundled(str(topology), float(pruning))
        rows.append(type_totals(layers) if layers is not None else
                    {c: (np.nan if c != "layer_types" else "") for c in TYPE_TOTAL_COLUMNS})
    return pd.concat([pairs, pd.DataFrame(rows, columns=list(TYPE_TOTAL_COLUMNS))], axis=1)




def with_layer_tables(table: pd.DataFrame, networks: tuple = ()) -> pd.DataFrame:
    """Rows of ``table`` (topology, pruning_pct) whose network variant has a layer table: bundled,
    or one of the user's ``networks``."""
    pairs = table[list(VARIANT_KEYS)].drop_duplicates()
    mine = {n.name for n in networks}
    known = [(t, p) for t, p in pairs.itertuples(index=False)
             if str(t) in mine or _bundled(str(t), float(p)) is not None]
    keys = pd.MultiIndex.from_arrays([table["topology"].astype(str), table["pruning_pct"].astype(float)])
    return table[keys.isin(pd.MultiIndex.from_tuples([(str(t), float(p)) for t, p in known]))] if known \
        else table.iloc[0:0]


__all__ = ["LAYER_TABLE_COLUMNS", "TYPE_TOTAL_COLUMNS", "layer_model_table", "network_layers", "type_totals",
           "variant_type_totals", "with_layer_tables"]

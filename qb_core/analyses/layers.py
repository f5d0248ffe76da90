"""Per-layer rooflines: which layer of a network limits it on a platform, and by how much.

Every layer of a layer-modelled network (CNV, MLP) gets its own point on the platform's roofline:
its operations, the bytes it moves off chip under the storage assumption, its intensity, and its
time per input = max(ops / peak, bytes / bandwidth). How the layer times add up depends on how
the platform runs a network (``execution`` in ``data/hardware.csv``):

- ``layer-by-layer`` (GPU, CPU, VPU, TPU, DPU, BISMO): one layer after the other, so the time per
  input is the sum of the layer times;
- ``dataflow`` (FINN): every layer is a pipeline stage and all run at once, so the slowest stage
  sets the pace. The model gives each of the L computing layers an equal share of the chip
  (peak / L, bandwidth / L): the unbalanced extreme. A folding factor per layer would balance the
  stages; perfectly balanced (compute in proportion to each layer's ops) the pipeline reaches the
  whole-network roofline. Real builds sit between the two; clock frequency and fabric limits are
  not modelled.

Notes
-----
attained_tops     = ops_l / time_l / 1e12 (the layer's point on the roofline)
layer time_s      = max(ops_l / (peak_tops x 1e12 x share), bytes_l / (bandwidth_gbps x 1e9 x share))
                    with share = 1 (layer-by-layer) or 1 / L (dataflow)
layer-by-layer    : inputs/s = 1 / sum_l time_l
dataflow          : inputs/s = 1 / max_l time_l
Pools count no operations and move no weights: with activations on chip they take no time.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd

from qb_core.analyses.roofline_geometry import log_axis_range, roofline_points
from qb_core.networks.bundled import network_layers
from qb_core.networks.traffic import bytes_moved_per_input, intensity_ops_per_byte, weights_fit_on_chip
from qb_core.question import QUTIBENCH_STORAGE, Storage
from qb_core.roofline_formulas import OPS_PER_TOP, is_compute_bound, ridge_ops_per_byte
from qb_core.units import bytes_per_s_from_gbps, inputs_per_s_from_seconds
from qb_core.vocabulary import CONFIG_KEYS, VARIANT_KEYS, bytes_per_element

LAYER_COLUMNS = [*VARIANT_KEYS, "layer", "name", "kind", "params", "ops", "in_elems", "out_elems"]


def _layers(topology: str, pruning_pct: float) -> pd.DataFrame:
    """The cached layer table of one variant, as a frame of its own (the cache is never handed out)."""
    return _cached_layers(topology, pruning_pct).copy(deep=False)


@lru_cache(maxsize=256)
def _cached_layers(topology: str, pruning_pct: float) -> pd.DataFrame | None:
    table = network_layers(topology, pruning_pct)
    if table is None:
        return None
    return pd.DataFrame({"topology": topology, "pruning_pct": pruning_pct, "layer": np.arange(len(table)),
                         "name": table["layer"], "kind": table["type"], "params": table["weights"],
                         "ops": table["ops"], "in_elems": table["in_activations"],
                         "out_elems": table["out_activations"]})


def _user_layers(network, pruning_pct: float) -> pd.DataFrame:
    table = network.layers
    return pd.DataFrame({"topology": network.name, "pruning_pct": pruning_pct, "layer": np.arange(len(table)),
                         "name": table["layer"], "kind": table["type"], "params": table["weights"],
                         "ops": table["ops"], "in_elems": table["in_activations"],
                         "out_elems": table["out_activations"]})


def variant_layers(variants: pd.DataFrame, networks: tuple = ()) -> pd.DataFrame:
    """One row per layer of each (topology, pruning_pct) in ``variants`` that has a layer table
    (bundled, or one of the user's ``networks``): its name, params, ops and activation elements
    in and out."""
    pairs = variants[list(VARIANT_KEYS)].drop_duplicates()
    mine = {n.name: n for n in networks}
    frames = [frame for t, p in pairs.itertuples(index=False)
              if (frame := (_user_layers(mine[str(t)], float(p)) if str(t) in mine
                            else _cached_layers(str(t), float(p)))) is not None]
    if not frames:
        empty = _layers("CNV", 100.0).iloc[0:0]  # typed columns, so merges on an empty frame work
        return empty[LAYER_COLUMNS]
    return pd.concat(frames, ignore_index=True)[LAYER_COLUMNS]


def execution_storage(execution: str) -> tuple[str, str]:
    """Where a platform keeps weights and activations by how it runs a network, as (weights,
    activations) storage modes: a dataflow build (FINN) keeps every layer's weights in its own
    on-chip memory where they fit and streams activations between stages on chip; a layer-by-layer
    engine (GPU, CPU, VPU, TPU, DPU, BISMO) reads each layer's weights and writes each layer's
    output to memory and reads it back for the next layer, so at batch 1 both go off chip (what
    makes depthwise layers memory-bound there).

    >>> execution_storage("dataflow"), execution_storage("layer-by-layer")
    (('automatic', 'on-chip'), ('off-chip', 'off-chip'))
    """
    return ("automatic", "on-chip") if execution == "dataflow" else ("off-chip", "off-chip")


def layer_roofline(configs: pd.DataFrame, storage: Storage = QUTIBENCH_STORAGE, networks: tuple = ()) -> pd.DataFrame:
    """Every layer of every configuration in ``configs`` (device, precision, topology, pruning_pct,
    peak_tops, bandwidth_gbps, execution, and ``weights_on_chip`` for automatic weights) on
    the platform's roofline: bytes, intensity, compute and memory time, time and bound per layer;
    ``config_row`` is the configuration's position in ``configs``.

    Under automatic weights a layer's weights are on chip when the whole network's fit in the
    configuration's ``on_chip_mb`` (:func:`qb_core.networks.traffic.weights_fit_on_chip`; without that column,
    ``weights_on_chip`` of the configuration).
    """
    keep = [*CONFIG_KEYS, "peak_tops", "bandwidth_gbps", "execution"]
    keep += [c for c in ("weights_on_chip", "on_chip_mb") if c in configs.columns]
    positions = configs[keep].reset_index(drop=True).rename_axis("config_row").reset_index()
    table = positions.merge(variant_layers(configs, networks), on=list(VARIANT_KEYS))
    width = bytes_per_element(table["precision"])
    if storage.weights == "automatic" and "on_chip_mb" in table:  # the whole network's weights against the chip
        network_bytes = (table["params"] * width).groupby(table["config_row"]).transform("sum").to_numpy(dtype=float)
        fit = weights_fit_on_chip(network_bytes, table["on_chip_mb"].to_numpy(dtype=float))
    else:
        fit = table["weights_on_chip"].to_numpy(dtype=bool) if "weights_on_chip" in table else False
    moved = bytes_moved_per_input(table["params"].to_numpy(dtype=float),
                                  (table["in_elems"] + table["out_elems"]).to_numpy(dtype=float), width, storage,
                                  weights_fit=fit)
    computing = (table["ops"] > 0) | (moved > 0)
    stages = computing.groupby(table["config_row"]).transform("sum").to_numpy(dtype=float)
    share = np.where(table["execution"].to_numpy() == "dataflow", 1.0 / np.maximum(stages, 1.0), 1.0)
    peak = table["peak_tops"].to_numpy(dtype=float) * OPS_PER_TOP * share
    bandwidth = bytes_per_s_from_gbps(table["bandwidth_gbps"].to_numpy(dtype=float)) * share
    compute_s = table["ops"].to_numpy(dtype=float) / peak
    memory_s = moved / bandwidth
    intensity = intensity_ops_per_byte(table["ops"].to_numpy(dtype=float), moved)
    bound = np.where(is_compute_bound(table["peak_tops"], table["bandwidth_gbps"], intensity), "compute", "memory")
    time_s = np.maximum(compute_s, memory_s)
    with np.errstate(divide="ignore", invalid="ignore"):
        attained = np.where(time_s > 0, table["ops"].to_numpy(dtype=float) / time_s / OPS_PER_TOP, 0.0)
    return table.assign(bytes=moved, intensity=intensity, compute_s=compute_s, memory_s=memory_s, time_s=time_s,
                        attained_tops=attained, share=share, bound=np.where(computing, bound, "none"))


def layer_predictions(configs: pd.DataFrame, storage: Storage = QUTIBENCH_STORAGE,
                      networks: tuple = ()) -> pd.DataFrame:
    """Per configuration of ``configs`` (index kept): ``layer_fps`` (inputs/s of the per-layer
    model, by the platform's execution style), the ``bottleneck`` layer (the slowest) and its
    share of the time. Networks without a layer model get missing values."""
    layers = layer_roofline(configs, storage, networks)
    out = pd.DataFrame(index=configs.index, columns=["layer_fps", "bottleneck", "bottleneck_share"])
    if layers.empty:
        return out.astype({"layer_fps": float, "bottleneck_share": float})
    grouped = layers.groupby("config_row")["time_s"]
    total, slowest = grouped.sum(), grouped.max()
    dataflow = layers.groupby("config_row")["execution"].first() == "dataflow"
    per_input_s = slowest.where(dataflow, total)
    top = layers.loc[grouped.idxmax(), ["config_row", "name", "time_s"]].set_index("config_row")
    rows = configs.index[per_input_s.index]
    out.loc[rows, "layer_fps"] = inputs_per_s_from_seconds(per_input_s.to_numpy(dtype=float))
    out.loc[rows, "bottleneck"] = top["name"].to_numpy()
    out.loc[rows, "bottleneck_share"] = (top["time_s"] / total).to_numpy()
    return out.astype({"layer_fps": float, "bottleneck_share": float})


class LayerReport(NamedTuple):
    """What the per-layer view of one configuration shows."""

    layers: pd.DataFrame
    layer_fps: float
    bottleneck: pd.Series
    roof: pd.DataFrame


def layer_report(config: pd.DataFrame, storage: Storage = QUTIBENCH_STORAGE, networks: tuple = ()) -> LayerReport:
    """One configuration (a one-row prediction table) layer by layer: the layers on the roofline,
    the per-layer model's inputs/s, the slowest layer, and the corner points of the roof the
    layers sit under (for dataflow, one stage's equal share of the chip)."""
    layers = layer_roofline(config, storage, networks)
    layer_fps = float(layer_predictions(config, storage, networks)["layer_fps"].iloc[0])
    share = float(layers["share"].iloc[0])
    stage = config.assign(peak_tops=config["peak_tops"] * share, bandwidth_gbps=config["bandwidth_gbps"] * share)
    stage = stage.assign(ridge_ops_per_byte=ridge_ops_per_byte(stage["peak_tops"], stage["bandwidth_gbps"]))
    computing = layers.loc[layers["bound"] != "none", "intensity"].to_numpy(dtype=float)
    computing = computing[np.isfinite(computing)]  # nothing off chip: no position on the axis
    x_min, x_max = log_axis_range(np.append(computing, stage["ridge_ops_per_byte"].to_numpy(dtype=float)))
    roof = roofline_points(stage.reset_index(drop=True), x_min, x_max)
    return LayerReport(layers, layer_fps, layers.loc[layers["time_s"].idxmax()], roof)

"""Roofline model and throughput predictions, vectorized over whole tables.

Notes
-----
attainable_tops = min(peak_tops, bandwidth_gbps * intensity / 1000)   (see :mod:`qb_core.roofline_formulas`)
inputs_per_s    = attainable_tops * 1e12 / ops_per_input
bound           = "compute" where bandwidth x intensity >= peak, else "memory"
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qb_core.hardware.catalog import catalog_long
from qb_core.networks.traffic import traffic_columns
from qb_core.networks.user import keep_chosen_precisions
from qb_core.networks.variants import variant_table
from qb_core.question import QUTIBENCH_STORAGE, Storage
from qb_core.roofline_formulas import (
    attainable_tops,
    bandwidth_for_tops,
    inputs_per_s,
    is_compute_bound,
    tops_from_inputs,
)
from qb_core.units import above
from qb_core.vocabulary import BYTES_PER_ELEMENT, CONFIG_KEYS, VARIANT_KEYS, variant_label

BOUNDS = pd.CategoricalDtype(["memory", "compute"])
#: The columns of every prediction table, in order.
PREDICTION_COLUMNS: tuple[str, ...] = (
    "platform", "op_mode", "device", "family", "execution", "on_chip_mb", "precision", *VARIANT_KEYS,
    "params", "ops_per_input", "activation_elems", "weight_bytes", "weights_on_chip", "bytes_per_input",
    "intensity", "peak_tops", "bandwidth_gbps", "ridge_ops_per_byte", "power_w", "batch", "attainable_tops",
    "inputs_per_s", "bound",
)  # fmt: skip


def roofline_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Add attainable_tops, inputs_per_s and bound to a table with peak_tops, bandwidth_gbps,
    intensity and ops_per_input columns (a new frame; the input is not changed)."""
    peak = frame["peak_tops"].to_numpy(dtype=float)
    bandwidth = frame["bandwidth_gbps"].to_numpy(dtype=float)
    intensity = frame["intensity"].to_numpy(dtype=float)
    attainable = attainable_tops(peak, bandwidth, intensity)
    out = frame.copy(deep=False)  # copy-on-write: the caller's frame is never changed
    out["attainable_tops"] = attainable
    out["inputs_per_s"] = inputs_per_s(attainable, frame["ops_per_input"].to_numpy(dtype=float))
    codes = np.where(np.isnan(intensity), -1, is_compute_bound(peak, bandwidth, intensity).astype(np.int8))
    out["bound"] = pd.Categorical.from_codes(codes, dtype=BOUNDS)  # -1: unknown intensity, unknown bound
    return out


def predict_grid(grid: pd.DataFrame, storage: Storage = QUTIBENCH_STORAGE) -> pd.DataFrame:
    """Predict an arbitrary table with peak_tops, bandwidth_gbps, precision, params, ops_per_input,
    activation_elems and batch columns (e.g. a platform x precision x topology x batch sweep), each row
    at its own ``batch`` under the storage's weights and activations: bytes -> intensity
    (:func:`qb_core.networks.traffic.traffic_columns`) -> roofline, the one pipeline."""
    return roofline_columns(traffic_columns(grid, storage, grid["batch"].to_numpy()))


def predict(
    task: str = "cifar10",
    hardware: pd.DataFrame | None = None,
    storage: Storage = QUTIBENCH_STORAGE,
    *,
    width_scales: tuple[float, ...] = (),
    networks: tuple = (),
) -> pd.DataFrame:
    """Predicted throughput of every platform x native precision x topology variant of ``task``.

    ``hardware`` is a long catalog (:func:`qb_core.hardware.catalog.catalog_long`); default: the bundled
    one. What-if hardware (scales, overrides) comes in as that catalog
    (:func:`qb_core.hardware.whatif.apply_whatif`): there is one route for scaling. The ``storage``
    assumption sets the bytes moved per input, see
    :func:`qb_core.networks.traffic.bytes_moved_per_input`. The user's ``networks`` of ``task`` are
    predicted at the precisions each is meant for.
    """
    hardware = catalog_long() if hardware is None else hardware
    grid = hardware.merge(variant_table(task, width_scales, networks), how="cross").assign(batch=storage.batch)
    if networks:
        grid = keep_chosen_precisions(grid, networks).reset_index(drop=True)
    return predict_grid(grid, storage)[list(PREDICTION_COLUMNS)]


def intensity_table(task: str = "cifar10", width_scales: tuple[float, ...] = (), storage: Storage = QUTIBENCH_STORAGE,
                    *, networks: tuple = ()) -> pd.DataFrame:
    """One row per topology variant x precision: its arithmetic intensity (ops/byte) under the
    storage assumption, and a short ``label`` such as ``CNV 50% INT4``."""
    variants = variant_table(task, width_scales, networks)
    grid = variants.merge(pd.DataFrame({"precision": list(BYTES_PER_ELEMENT)}), how="cross")
    if networks:
        grid = keep_chosen_precisions(grid, networks).reset_index(drop=True)
    table = traffic_columns(grid, storage)
    table["variant"] = variant_label(table["topology"], table["pruning_pct"])
    table["label"] = table["variant"] + " " + table["precision"]
    return table[[*VARIANT_KEYS, "variant", "precision", "params", "ops_per_input",
                  "bytes_per_input", "intensity", "label"]]


def bound_table(predictions: pd.DataFrame) -> pd.DataFrame:
    """Per platform x precision: ridge point and, per topology variant, memory or compute bound."""
    keys = ["device", "precision"]
    figures = predictions[[*keys, "peak_tops", "bandwidth_gbps", "ridge_ops_per_byte"]].drop_duplicates(keys)
    variant = variant_label(predictions["topology"], predictions["pruning_pct"])
    bounds = (predictions[keys].assign(variant=variant.to_numpy(), bound=predictions["bound"].astype(str).to_numpy())
              .drop_duplicates([*keys, "variant"]).set_index([*keys, "variant"])["bound"].unstack("variant"))
    bounds = bounds[list(dict.fromkeys(variant))]
    bounds.columns.name = None
    return figures.merge(bounds, left_on=keys, right_index=True, how="left").reset_index(drop=True)


def what_it_takes(rows: pd.DataFrame, target_fps: float, datasheet: pd.DataFrame | None = None) -> pd.DataFrame:
    """The reverse roofline: for each row (ops_per_input, intensity, peak_tops, bandwidth_gbps of
    a platform x precision x variant), the peak and bandwidth that reach ``target_fps`` inputs/s,
    as absolute figures and as multiples of ``datasheet`` (same columns; default: ``rows``).

    Notes
    -----
    needed_tops = target_fps x ops_per_input / 1e12; needed_gbps = 1000 x needed_tops / intensity.
    ``binds`` names what falls short today: ``bandwidth``, ``peak``, ``both``, ``nothing`` (the
    target is already met) or ``unknown`` (the bandwidth it needs cannot be known); ``note`` adds
    what ``binds`` does not say (never repeats it). Infinite
    intensity (nothing moves off chip) needs no bandwidth: only the peak can help. Unknown
    intensity (activation traffic of a network without a layer list) leaves the bandwidth unknown.
    """
    if not np.isfinite(target_fps) or target_fps <= 0:
        raise ValueError(f"the target must be a number of inputs/s above 0, got {target_fps}")
    base = rows if datasheet is None else datasheet
    needed_tops = tops_from_inputs(target_fps, rows["ops_per_input"].to_numpy(dtype=float))
    intensity = rows["intensity"].to_numpy(dtype=float)
    needed_gbps = bandwidth_for_tops(needed_tops, intensity)
    peak_multiple = needed_tops / base["peak_tops"].to_numpy(dtype=float)
    bandwidth_multiple = needed_gbps / base["bandwidth_gbps"].to_numpy(dtype=float)
    short_peak = above(needed_tops, rows["peak_tops"].to_numpy(dtype=float))
    short_bandwidth = above(needed_gbps, rows["bandwidth_gbps"].to_numpy(dtype=float))
    binds = np.select([np.isnan(intensity) & ~short_peak, short_peak & short_bandwidth, short_peak,
                       short_bandwidth], ["unknown", "both", "peak", "bandwidth"], "nothing")
    notes = np.select(
        [np.isnan(intensity), np.isinf(intensity) & short_peak, np.isinf(intensity)],
        ["the network's activation traffic is unknown (no layer list), so the bandwidth it needs is unknown",
         "nothing moves off chip (weights and activations on chip), so no bandwidth helps: only a higher peak "
         "reaches the target",
         "nothing moves off chip, so bandwidth does not matter; the peak already suffices"], "")
    return rows.assign(target_fps=target_fps, needed_tops=needed_tops, needed_gbps=needed_gbps,
                       peak_multiple=peak_multiple, bandwidth_multiple=bandwidth_multiple, binds=binds, note=notes)


def weights_fit_table(predictions: pd.DataFrame) -> pd.DataFrame:
    """Per platform x precision x variant of ``predictions``: the weights (MB) against the
    platform's on-chip memory (MB) and whether they fit (``yes``, ``no``, or ``unknown`` where the
    catalog has no on-chip figure): the rule of the ``automatic`` storage assumption."""
    table = predictions.drop_duplicates(list(CONFIG_KEYS))
    weights_mb = table["weight_bytes"].to_numpy(dtype=float) / 1e6
    capacity = table["on_chip_mb"].to_numpy(dtype=float)
    fits = np.where(np.isnan(capacity), "unknown", np.where(weights_mb <= capacity, "yes", "no"))
    return pd.DataFrame({"device": table["device"].to_numpy(), "on_chip_mb": capacity,
                         "precision": table["precision"].to_numpy(),
                         "variant": variant_label(table["topology"], table["pruning_pct"]).to_numpy(),
                         "weights_mb": weights_mb, "fits": fits})

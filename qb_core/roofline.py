"""Roofline model and throughput predictions, vectorized over whole tables.

Notes
-----
attainable_tops = min(peak_tops, bandwidth_gbps * intensity / 1000)
inputs_per_s    = attainable_tops * 1e12 / ops_per_input
bound           = "compute" where bandwidth x intensity >= peak, else "memory"
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qb_core.hardware import catalog_long
from qb_core.topology import (
    BYTES_PER_ELEMENT,
    bytes_moved_per_input,
    bytes_per_element,
    intensity_ops_per_byte,
    variant_label,
    variant_table,
)

BOUNDS = pd.CategoricalDtype(["memory", "compute"])


def attainable_tops(peak_tops: np.ndarray, bandwidth_gbps: np.ndarray, intensity: np.ndarray) -> np.ndarray:
    """Roofline: min(peak, bandwidth x intensity) in TOP/s (GB/s x ops/byte / 1000 = TOP/s).

    Infinite intensity (nothing moved off chip) gives the peak. Bandwidth must be above 0.
    """
    bandwidth = np.asarray(bandwidth_gbps, dtype=float)
    if np.any(~(bandwidth > 0)):
        raise ValueError("bandwidth must be above 0 GB/s")
    with np.errstate(invalid="ignore", over="ignore"):
        memory_roof = bandwidth * np.asarray(intensity, dtype=float) / 1000.0
    return np.minimum(np.asarray(peak_tops, dtype=float), memory_roof)


def roofline_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Add attainable_tops, inputs_per_s and bound to a table with peak_tops, bandwidth_gbps,
    intensity and ops_per_input columns (a new frame; the input is not changed)."""
    peak = frame["peak_tops"].to_numpy(dtype=float)
    bandwidth = frame["bandwidth_gbps"].to_numpy(dtype=float)
    intensity = frame["intensity"].to_numpy(dtype=float)
    attainable = attainable_tops(peak, bandwidth, intensity)
    with np.errstate(invalid="ignore", over="ignore"):
        compute_bound = bandwidth * intensity / 1000.0 >= peak
    out = frame.copy(deep=False)  # copy-on-write: the caller's frame is never changed
    out["attainable_tops"] = attainable
    out["inputs_per_s"] = attainable * 1e12 / frame["ops_per_input"].to_numpy(dtype=float)
    codes = np.where(np.isnan(intensity), -1, compute_bound.astype(np.int8))  # -1: unknown intensity
    out["bound"] = pd.Categorical.from_codes(codes, dtype=BOUNDS)
    return out


def scale_catalog(hardware: pd.DataFrame, bandwidth_scale: float = 1.0, peak_scale: float = 1.0) -> pd.DataFrame:
    """Multiply every platform's bandwidth and peak (what-if); scales must be above 0."""
    for label, value in (("bandwidth scale", bandwidth_scale), ("peak scale", peak_scale)):
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"{label} must be a number above 0, got {value}")
    out = hardware.copy()
    out["bandwidth_gbps"] = out["bandwidth_gbps"] * bandwidth_scale
    out["peak_tops"] = out["peak_tops"] * peak_scale
    out["ridge_ops_per_byte"] = 1000.0 * out["peak_tops"] / out["bandwidth_gbps"]
    return out


def predict(
    task: str = "cifar10",
    hardware: pd.DataFrame | None = None,
    *,
    weights: str = "off-chip",
    batch: int = 1,
    activations: str = "on-chip",
    width_scales: tuple[float, ...] = (),
    bandwidth_scale: float = 1.0,
    peak_scale: float = 1.0,
) -> pd.DataFrame:
    """Predicted throughput of every platform x native precision x topology variant of ``task``.

    ``hardware`` is a long catalog (:func:`qb_core.hardware.catalog_long`); default: the bundled
    one. The storage assumption (``weights``, ``batch``, ``activations``) sets the bytes moved
    per input, see :func:`qb_core.topology.bytes_moved_per_input`.
    """
    hardware = catalog_long() if hardware is None else hardware
    hardware = scale_catalog(hardware, bandwidth_scale, peak_scale)
    variants = variant_table(task, width_scales)
    grid = hardware.merge(variants, how="cross")
    width = bytes_per_element(grid["precision"])
    grid["weight_bytes"] = grid["params"].to_numpy(dtype=float) * width
    grid["bytes_per_input"] = bytes_moved_per_input(
        grid["params"].to_numpy(), grid["activation_elems"].to_numpy(dtype=float), width, weights, batch, activations)
    grid["intensity"] = intensity_ops_per_byte(grid["ops_per_input"].to_numpy(), grid["bytes_per_input"].to_numpy())
    grid["batch"] = batch
    columns = ["platform", "op_mode", "device", "family", "precision", "topology", "pruning_pct",
               "params", "ops_per_input", "weight_bytes", "bytes_per_input", "intensity",
               "peak_tops", "bandwidth_gbps", "ridge_ops_per_byte", "batch"]
    return roofline_columns(grid[columns])


def predict_grid(grid: pd.DataFrame, weights: str = "per-batch", activations: str = "on-chip") -> pd.DataFrame:
    """Predict an arbitrary table with peak_tops, bandwidth_gbps, precision, params, ops_per_input,
    activation_elems and batch columns (e.g. a platform x precision x topology x batch sweep)."""
    width = bytes_per_element(grid["precision"])
    moved = bytes_moved_per_input(grid["params"].to_numpy(), grid["activation_elems"].to_numpy(),
                                  width, weights, grid["batch"].to_numpy(), activations)
    frame = grid.assign(bytes_per_input=moved,
                        intensity=intensity_ops_per_byte(grid["ops_per_input"].to_numpy(), moved))
    return roofline_columns(frame)


def intensity_table(task: str = "cifar10", width_scales: tuple[float, ...] = (), *, weights: str = "off-chip",
                    batch: int = 1, activations: str = "on-chip") -> pd.DataFrame:
    """One row per topology variant x precision: its arithmetic intensity (ops/byte) under the
    storage assumption, and a short ``label`` such as ``CNV 50% INT4``."""
    variants = variant_table(task, width_scales)
    table = variants.merge(pd.DataFrame({"precision": list(BYTES_PER_ELEMENT)}), how="cross")
    moved = bytes_moved_per_input(table["params"].to_numpy(), table["activation_elems"].to_numpy(dtype=float),
                                  bytes_per_element(table["precision"]), weights, batch, activations)
    table["bytes_per_input"] = moved
    table["intensity"] = intensity_ops_per_byte(table["ops_per_input"].to_numpy(), moved)
    table["variant"] = variant_label(table["topology"], table["pruning_pct"])
    table["label"] = table["variant"] + " " + table["precision"]
    return table[["topology", "pruning_pct", "variant", "precision", "params", "ops_per_input",
                  "bytes_per_input", "intensity", "label"]]


def log_axis_range(values: np.ndarray | pd.Series, pad: float = 2.0) -> tuple[float, float]:
    """Whole decades around the finite positive ``values`` (with ``pad`` x margin either side)."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite) & (finite > 0)]
    if finite.size == 0:
        return 1.0, 1e4
    low = 10.0 ** np.floor(np.log10(finite.min() / pad))
    high = 10.0 ** np.ceil(np.log10(finite.max() * pad))
    return float(low), float(high)


def roofline_points(hardware: pd.DataFrame, x_min: float, x_max: float) -> pd.DataFrame:
    """Three points per platform x precision roofline: (x_min, .), (ridge, peak), (x_max, peak).

    Drawn as straight segments on log-log axes these are exactly the memory roof
    (bandwidth x intensity) and the compute roof (peak); no x grid is scanned. A ridge outside
    [x_min, x_max] is clipped to the range, where it lies on the one visible segment.
    """
    if not (0 < x_min < x_max):
        raise ValueError("the intensity range must satisfy 0 < x_min < x_max")
    ridge = np.clip(hardware["ridge_ops_per_byte"].to_numpy(dtype=float), x_min, x_max)
    xs = np.column_stack([np.full(len(hardware), x_min), ridge, np.full(len(hardware), x_max)])
    peak = hardware["peak_tops"].to_numpy(dtype=float)[:, None]
    bandwidth = hardware["bandwidth_gbps"].to_numpy(dtype=float)[:, None]
    ys = np.minimum(peak, bandwidth * xs / 1000.0)
    points = hardware.loc[hardware.index.repeat(3)].reset_index(drop=True)
    points["point"] = np.tile([0, 1, 2], len(hardware))
    points["intensity"] = xs.ravel()
    points["tops"] = ys.ravel()
    return points


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

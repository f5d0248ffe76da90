"""Where a roofline chart draws: the axis range around what it shows, the three corner points of
each roof, and coinciding roofs merged into one named line. Chart geometry only; the predictions
themselves are :mod:`qb_core.analyses.predictions`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qb_core.roofline_formulas import attainable_tops, is_compute_bound, memory_roof_tops


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
    ys = np.minimum(peak, memory_roof_tops(bandwidth, xs))
    points = hardware.loc[hardware.index.repeat(3)].reset_index(drop=True)
    points["point"] = np.tile([0, 1, 2], len(hardware))
    points["intensity"] = xs.ravel()
    points["tops"] = ys.ravel()
    return points


COINCIDE_KEY = ["precision", "peak_tops", "bandwidth_gbps"]


def name_coinciding(hardware: pd.DataFrame) -> pd.DataFrame:
    """Every platform x precision row kept, each its own line ``roof`` (device and precision), with
    ``roof_devices`` naming every device whose roofline coincides with it and ``coincide_rank``
    (0 for the first in catalog order) and ``coincide_count``, so a chart can draw coinciding lines
    inside one another, each in its own platform's colour."""
    group = hardware.groupby(COINCIDE_KEY, sort=False, dropna=False)["device"]
    return hardware.assign(roof_devices=coinciding_names(hardware), roof=hardware["device"].astype(str) + " "
                           + hardware["precision"].astype(str), coincide_rank=group.cumcount(),
                           coincide_count=group.transform("size"))


def coinciding_names(hardware: pd.DataFrame) -> pd.Series:
    """Per row of a long catalog, the names of every device whose roofline coincides with its own
    (same precision, peak and bandwidth), joined by `` = `` in catalog order."""
    return hardware.groupby(COINCIDE_KEY, sort=False, dropna=False)["device"].transform(
        lambda devices: " = ".join(dict.fromkeys(devices.astype(str))))


OPERATING_COLUMNS = ["roof", "roof_devices", "device", "precision", "topology", "variant", "intensity", "tops", "bound"]


def operating_points(roofs: pd.DataFrame, intensities: pd.DataFrame) -> pd.DataFrame:
    """Where each variant sits on each roof of its precision: at its intensity, the roof's
    attainable TOP/s (min(peak, bandwidth x intensity)) and whether that is the ``memory`` or the
    ``compute`` roof. ``roofs``: one row per roof (``roof``, ``roof_devices``, ``device``,
    ``precision``, ``peak_tops``, ``bandwidth_gbps``); ``intensities``: finite ones per variant x
    precision."""
    finite = intensities[np.isfinite(intensities["intensity"].astype(float))]
    pairs = roofs[["roof", "roof_devices", "device", "precision", "peak_tops", "bandwidth_gbps"]].merge(
        finite[["topology", "variant", "precision", "intensity"]], on="precision")
    if pairs.empty:
        return pd.DataFrame(columns=OPERATING_COLUMNS)
    peak, bandwidth = pairs["peak_tops"].to_numpy(dtype=float), pairs["bandwidth_gbps"].to_numpy(dtype=float)
    intensity = pairs["intensity"].to_numpy(dtype=float)
    return pairs.assign(tops=attainable_tops(peak, bandwidth, intensity),
                        bound=np.where(is_compute_bound(peak, bandwidth, intensity), "compute", "memory"))[
        OPERATING_COLUMNS]


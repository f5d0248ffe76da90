"""Where a roofline chart draws: the axis range around what it shows, the three corner points of
each roof, and coinciding roofs merged into one named line. Chart geometry only; the predictions
themselves are :mod:`qb_core.predictions`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qb_core.roofline_formulas import memory_roof_tops


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


def merge_coinciding(hardware: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct roofline: devices whose peak and bandwidth coincide at a precision
    (ZCU104-FINN and ZCU104-BISMO share the ZCU104's figures) are one line named together,
    ``roof_devices`` = ``ZCU104-FINN = ZCU104-BISMO``, so no line hides under another. ``roof`` is
    the line's name with its precision."""
    merged = hardware.assign(roof_devices=coinciding_names(hardware)).drop_duplicates(COINCIDE_KEY)
    return merged.assign(roof=merged["roof_devices"] + " " + merged["precision"].astype(str))


COINCIDE_KEY = ["precision", "peak_tops", "bandwidth_gbps"]


def coinciding_names(hardware: pd.DataFrame) -> pd.Series:
    """Per row of a long catalog, the names of every device whose roofline coincides with its own
    (same precision, peak and bandwidth), joined by `` = `` in catalog order."""
    return hardware.groupby(COINCIDE_KEY, sort=False, dropna=False)["device"].transform(
        lambda devices: " = ".join(dict.fromkeys(devices.astype(str))))

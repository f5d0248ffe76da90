"""The roofline's arithmetic, in one place: every module that needs a ridge point or a memory
roof calls these functions, so the unit conversions are written once.

Units: peak in TOP/s (1e12 ops/s), bandwidth in GB/s (1e9 bytes/s), intensity in ops/byte.
GB/s x ops/byte = 1e9 ops/s = 1e-3 TOP/s, hence the factor 1000 below.
"""

from __future__ import annotations

import numpy as np

#: GB/s x ops/byte -> TOP/s.
GBPS_OPS_PER_BYTE_PER_TOPS = 1000.0


def memory_roof_tops(bandwidth_gbps: np.ndarray | float, intensity: np.ndarray | float) -> np.ndarray:
    """The slanted roof: bandwidth x intensity in TOP/s.

    Notes
    -----
    memory_roof_tops = bandwidth_gbps * intensity / 1000. Infinite intensity (nothing moved off
    chip) gives infinity; unknown (NaN) stays NaN.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        return np.asarray(bandwidth_gbps, dtype=float) * np.asarray(intensity, dtype=float) / GBPS_OPS_PER_BYTE_PER_TOPS


def ridge_ops_per_byte(peak_tops: np.ndarray | float, bandwidth_gbps: np.ndarray | float) -> np.ndarray:
    """The ridge point: the intensity at which the memory roof reaches the peak.

    Notes
    -----
    ridge_ops_per_byte = 1000 * peak_tops / bandwidth_gbps; NaN where the bandwidth is not above 0
    (a platform without bandwidth has no ridge, rather than an infinite one).
    """
    bandwidth = np.asarray(bandwidth_gbps, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bandwidth > 0, GBPS_OPS_PER_BYTE_PER_TOPS * np.asarray(peak_tops, dtype=float)
                        / np.where(bandwidth > 0, bandwidth, 1.0), np.nan)


def attainable_tops(peak_tops: np.ndarray | float, bandwidth_gbps: np.ndarray | float,
                    intensity: np.ndarray | float) -> np.ndarray:
    """Roofline: min(peak, bandwidth x intensity) in TOP/s.

    Infinite intensity (nothing moved off chip) gives the peak. Bandwidth must be above 0
    (ValueError otherwise: a zero bandwidth is a typo, not a platform).
    """
    bandwidth = np.asarray(bandwidth_gbps, dtype=float)
    if np.any(~(bandwidth > 0)):
        raise ValueError("bandwidth must be above 0 GB/s")
    return np.minimum(np.asarray(peak_tops, dtype=float), memory_roof_tops(bandwidth, intensity))


def is_compute_bound(peak_tops: np.ndarray | float, bandwidth_gbps: np.ndarray | float,
                     intensity: np.ndarray | float) -> np.ndarray:
    """True where the memory roof is at or above the peak (the ridge is at or left of the intensity)."""
    with np.errstate(invalid="ignore"):
        return memory_roof_tops(bandwidth_gbps, intensity) >= np.asarray(peak_tops, dtype=float)


def bandwidth_for_tops(tops: np.ndarray | float, intensity: np.ndarray | float) -> np.ndarray:
    """Inverse of :func:`memory_roof_tops`: the GB/s at which ``intensity`` reaches ``tops``
    (0 when the intensity is infinite: nothing has to move)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return GBPS_OPS_PER_BYTE_PER_TOPS * np.asarray(tops, dtype=float) / np.asarray(intensity, dtype=float)


#: TOP/s -> ops/s.
OPS_PER_TOP = 1e12


def inputs_per_s(tops: np.ndarray | float, ops_per_input: np.ndarray | float) -> np.ndarray:
    """Throughput from a rate of work: inputs/s = tops x 1e12 / ops per input.

    Notes
    -----
    The one conversion between a point on the roofline (TOP/s) and inputs per second; its inverse
    is :func:`tops_from_inputs`. Unknown ops (NaN) give NaN.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(tops, dtype=float) * OPS_PER_TOP / np.asarray(ops_per_input, dtype=float)


def tops_from_inputs(inputs_per_s: np.ndarray | float, ops_per_input: np.ndarray | float) -> np.ndarray:
    """Inverse of :func:`inputs_per_s`: TOP/s = inputs/s x ops per input / 1e12 (a measurement's
    point on the roofline chart)."""
    return np.asarray(inputs_per_s, dtype=float) * np.asarray(ops_per_input, dtype=float) / OPS_PER_TOP

"""Every unit conversion of the project and the one tolerance of "above a limit": energy per
input and its inverse, time units, and a batch's latency against throughput (every page, the CLI
and the model use these; a test finds copies elsewhere).

Notes
-----
ms = 1000 x s, µs = 10^6 x s
latency_ms       = 1000 x batch / inputs_per_s   (the time of one batch at a throughput)
inputs_per_s     = 1000 x batch / latency_ms
seconds_per_input = 1 / inputs_per_s
mj_per_input     = 1000 x power_w / inputs_per_s   (millijoules per input)
inputs_per_joule = inputs_per_s / power_w
A power that is not above 0 (unknown, or 0 in a file) gives NaN, never infinity.

above(value, limit): value > limit x (1 + ABOVE_TOLERANCE), the one test of "measured above the
peak" (or of an energy above another): a figure equal to its limit up to float rounding is not above.
"""

from __future__ import annotations

import numpy as np

#: Relative slack of :func:`above`: float rounding never makes a figure "above" its own limit.
ABOVE_TOLERANCE = 1e-9


def above(value: np.ndarray | float, limit: np.ndarray | float) -> np.ndarray:
    """Where ``value`` is above ``limit`` beyond float rounding (NaN on either side: False)."""
    with np.errstate(invalid="ignore"):
        return np.asarray(value, dtype=float) > np.asarray(limit, dtype=float) * (1.0 + ABOVE_TOLERANCE)


#: Milliseconds and microseconds per second.
MS_PER_S = 1e3
US_PER_S = 1e6


#: Bytes per (decimal) megabyte and gigabyte, and GOP/s per TOP/s.
BYTES_PER_MB = 1e6
BYTES_PER_GB = 1e9
GOPS_PER_TOPS = 1e3


def bytes_from_mb(megabytes: np.ndarray | float) -> np.ndarray:
    """Megabytes (10^6 bytes, the catalog's on-chip unit) as bytes."""
    return np.asarray(megabytes, dtype=float) * BYTES_PER_MB


def bytes_per_s_from_gbps(gigabytes_per_s: np.ndarray | float) -> np.ndarray:
    """GB/s (10^9 bytes per second, the catalog's bandwidth unit) as bytes per second."""
    return np.asarray(gigabytes_per_s, dtype=float) * BYTES_PER_GB


def gops_text(tops: float | None, digits: int = 1) -> str:
    """A TOP/s figure as GOP/s text (``220.4``), or ``not measured``."""
    return "not measured" if tops is None else f"{tops * GOPS_PER_TOPS:,.{digits}f}"


def ms_from_s(seconds: np.ndarray | float) -> np.ndarray:
    """Seconds as milliseconds."""
    return np.asarray(seconds, dtype=float) * MS_PER_S


def us_from_s(seconds: np.ndarray | float) -> np.ndarray:
    """Seconds as microseconds."""
    return np.asarray(seconds, dtype=float) * US_PER_S


def s_from_ms(milliseconds: np.ndarray | float) -> np.ndarray:
    """Milliseconds as seconds."""
    return np.asarray(milliseconds, dtype=float) / MS_PER_S


def batch_latency_ms(batch: np.ndarray | float, inputs_per_s: np.ndarray | float) -> np.ndarray:
    """The time of one batch in ms at a throughput: 1000 x batch / inputs_per_s (inf at 0 inputs/s)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return MS_PER_S * np.asarray(batch, dtype=float) / np.asarray(inputs_per_s, dtype=float)


def throughput_of(batch: np.ndarray | float, latency_ms: np.ndarray | float) -> np.ndarray:
    """Inputs per second of a batch that takes ``latency_ms``: 1000 x batch / latency_ms."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return MS_PER_S * np.asarray(batch, dtype=float) / np.asarray(latency_ms, dtype=float)


def seconds_per_input(inputs_per_s: np.ndarray | float) -> np.ndarray:
    """Seconds one input takes at a throughput: 1 / inputs_per_s."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1.0 / np.asarray(inputs_per_s, dtype=float)


def inputs_per_s_from_seconds(seconds_per_input: np.ndarray | float) -> np.ndarray:
    """Throughput of one input every ``seconds_per_input``: 1 / seconds_per_input."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1.0 / np.asarray(seconds_per_input, dtype=float)


def _power(power_w: np.ndarray | float) -> np.ndarray:
    power = np.asarray(power_w, dtype=float)
    return np.where(power > 0, power, np.nan)


def mj_per_input(power_w: np.ndarray | float, inputs_per_s: np.ndarray | float) -> np.ndarray:
    """Energy of one input in millijoules: 1000 x power (W) / throughput (inputs/s)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1000.0 * _power(power_w) / np.asarray(inputs_per_s, dtype=float)


def inputs_per_joule(inputs_per_s: np.ndarray | float, power_w: np.ndarray | float) -> np.ndarray:
    """Energy efficiency: throughput (inputs/s) / power (W)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(inputs_per_s, dtype=float) / _power(power_w)

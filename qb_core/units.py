"""Energy per input and its inverse: one home for each conversion (every page and the CLI use these).

Notes
-----
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

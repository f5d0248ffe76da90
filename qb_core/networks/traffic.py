"""Off-chip traffic and arithmetic intensity of a network under a storage assumption: the one path
from a network's size to the intensity a roofline reads."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qb_core.question import QUTIBENCH_STORAGE, Storage
from qb_core.units import bytes_from_mb
from qb_core.vocabulary import bytes_per_element


def bytes_moved_per_input(
    params: np.ndarray | float,
    activation_elems: np.ndarray | float,
    bytes_per_element: np.ndarray | float,
    storage: Storage = QUTIBENCH_STORAGE,
    batch: np.ndarray | None = None,
    weights_fit: np.ndarray | bool = False,
) -> np.ndarray:
    """Off-chip bytes moved per input under a storage assumption (``batch``: one per row, for a sweep;
    default the storage's own).

    Notes
    -----
    bytes = w * params * f_weights + w * activation_elems * f_act, with w the byte width and

    - weights ``off-chip``: f_weights = 1 (every input reads all weights; QuTiBench's default);
    - weights ``per-batch``: f_weights = 1 / batch (weights read once per batch of ``batch``);
    - weights ``on-chip``: f_weights = 0;
    - weights ``automatic``: f_weights = 0 where ``weights_fit`` (the weights fit in the platform's
      on-chip memory), else 1;
    - activations ``on-chip``: f_act = 0; ``off-chip``: f_act = 1, every layer reads its
      input and writes its output off chip (``activation_elems`` = sum of both over layers).

    The result is 0 when nothing leaves the chip; intensity is then infinite (compute-bound).
    A network without a layer list has unknown ``activation_elems`` (NaN): that only matters, and
    gives NaN bytes, when activations are off chip.
    """
    batch_arr = np.asarray(storage.batch if batch is None else batch, dtype=float)
    if np.any(~np.isfinite(batch_arr)) or np.any(batch_arr < 1):
        raise ValueError("batch must be a whole number of at least 1")
    weight_factor = {"off-chip": 1.0, "per-batch": 1.0 / batch_arr, "on-chip": 0.0,
                     "automatic": np.where(np.asarray(weights_fit, dtype=bool), 0.0, 1.0)}[storage.weights]
    width = np.asarray(bytes_per_element, dtype=float)
    moved = np.asarray(params, dtype=float) * weight_factor
    if storage.activations == "off-chip":
        moved = moved + np.asarray(activation_elems, dtype=float)
    return width * moved


def intensity_ops_per_byte(ops_per_input: np.ndarray | float, bytes_per_input: np.ndarray | float) -> np.ndarray:
    """Arithmetic intensity = ops per input / bytes moved per input; infinite when no bytes move,
    NaN when the bytes are unknown."""
    ops = np.asarray(ops_per_input, dtype=float)
    moved = np.asarray(bytes_per_input, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(moved > 0, ops / np.where(moved > 0, moved, 1.0), np.where(moved == 0, np.inf, np.nan))


def weights_fit_on_chip(weight_bytes: np.ndarray | float, on_chip_mb: np.ndarray | float) -> np.ndarray:
    """Whether a network's weights fit in the platform's on-chip memory: weight_bytes <=
    on_chip_mb x 1e6 (MB = 10^6 bytes); an unknown (NaN) on-chip size never fits."""
    with np.errstate(invalid="ignore"):
        return np.asarray(np.asarray(weight_bytes, dtype=float) <= bytes_from_mb(on_chip_mb))


def traffic_columns(table: pd.DataFrame, storage: Storage = QUTIBENCH_STORAGE,
                    batch: np.ndarray | None = None) -> pd.DataFrame:
    """``table`` (precision, params, ops_per_input, activation_elems, and ``on_chip_mb`` for
    automatic weights) plus ``weight_bytes``, ``weights_on_chip``, ``bytes_per_input`` and
    ``intensity`` under a storage assumption: the one path from a network's size to its arithmetic
    intensity (see :func:`bytes_moved_per_input`; ``batch`` one per row, default the storage's). A new frame.

    ``weights_on_chip`` says where the weights live: always under ``on-chip``, never under
    ``off-chip``/``per-batch``, and under ``automatic`` where weight_bytes <= on_chip_mb x 1e6 (an
    unknown on-chip size never fits).
    """
    width = bytes_per_element(table["precision"])
    params = table["params"].to_numpy(dtype=float)
    weight_bytes = params * width
    fits = weights_fit_on_chip(weight_bytes, table["on_chip_mb"].to_numpy(dtype=float) if "on_chip_mb" in table
                               else np.nan)
    on_chip = {"on-chip": np.ones(len(table), dtype=bool), "automatic": np.broadcast_to(fits, (len(table),))}.get(
        storage.weights, np.zeros(len(table), dtype=bool))
    moved = bytes_moved_per_input(params, table["activation_elems"].to_numpy(dtype=float), width, storage, batch,
                                  weights_fit=on_chip)
    return table.assign(weight_bytes=weight_bytes, weights_on_chip=on_chip, bytes_per_input=moved,
                        intensity=intensity_ops_per_byte(table["ops_per_input"].to_numpy(dtype=float), moved))



"""The project's shared vocabulary: tasks, precisions and their byte widths, storage modes, the
keys that name a network variant and a configuration, and how a variant is spelled. Every layer of
the core imports it; it imports nothing of the project."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Bytes per stored element for each precision; one source of truth for the whole project.
BYTES_PER_ELEMENT: dict[str, float] = {
    "INT2": 0.25,
    "INT4": 0.5,
    "INT8": 1.0,
    "FP16": 2.0,
    "FP32": 4.0,
}
PRECISIONS: tuple[str, ...] = tuple(BYTES_PER_ELEMENT)
#: The order precisions are shown in (narrowest first), as a rank per name.
PRECISION_RANK: dict[str, int] = {precision: rank for rank, precision in enumerate(PRECISIONS)}

TASKS: dict[str, str] = {"cifar10": "CIFAR-10", "mnist": "MNIST", "imagenet": "ImageNet"}

WEIGHT_MODES: tuple[str, ...] = ("off-chip", "per-batch", "on-chip", "automatic")
ACTIVATION_MODES: tuple[str, ...] = ("on-chip", "off-chip")

def bytes_per_element(precision: pd.Series) -> np.ndarray:
    """Byte width per row of a precision column (looked up once per distinct precision)."""
    codes, uniques = pd.factorize(precision)
    widths = np.array([BYTES_PER_ELEMENT.get(str(u), np.nan) for u in uniques] + [np.nan])
    return widths[codes]

#: The task of every network without a layer model (QuTiBench's convention: those are ImageNet's).
OTHER_TASK = "imagenet"

#: A network variant: the network and its width (percent of full width).
VARIANT_KEYS: tuple[str, ...] = ("topology", "pruning_pct")
#: A network variant at a precision: what an accuracy is measured of.
NETWORK_KEYS: tuple[str, ...] = (*VARIANT_KEYS, "precision")
#: One configuration: a platform device running a network variant at a precision (what a
#: prediction is made of and a measurement joined on).
CONFIG_KEYS: tuple[str, ...] = ("device", "precision", *VARIANT_KEYS)
#: A measured configuration: the same, per dataset it was measured in.
MEASURED_CONFIG_KEYS: tuple[str, ...] = ("dataset", *CONFIG_KEYS)


def pruning_key(pruning_pct: pd.Series | np.ndarray) -> np.ndarray:
    """Pruning factors as join keys: floats rounded to 4 decimals, the precision the layer model
    names a width with (:func:`qb_core.networks.layer_models.cnv`), so 12.5 from a file and from the model meet."""
    return np.round(np.asarray(pruning_pct, dtype=float), 4)


def pruning_text(pruning_pct: float) -> str:
    """A pruning factor as shown everywhere: ``100``, ``12.5`` (percent of full width)."""
    return f"{float(pruning_pct):g}"


def variant_label(topology: pd.Series, pruning_pct: pd.Series) -> pd.Series:
    """Human label of each variant, e.g. ``CNV 12.5%``: the one spelling used by tables and charts
    (each distinct pruning factor written once)."""
    codes, uniques = pd.factorize(pruning_pct, use_na_sentinel=False)
    texts = np.array([pruning_text(value) for value in uniques], dtype=object)
    return topology.astype(str) + " " + pd.Series(texts[codes], index=pruning_pct.index, dtype=object) + "%"

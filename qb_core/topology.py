"""Topology model: per-input parameters, operations and activation sizes from the layer structure.

Networks are lists of layers (3x3 convolution without padding, 2x2 max-pool, fully connected),
so every figure is computed from first principles instead of copied from rounded tables.
Operations count 2 per multiply-accumulate (MAC), the QuTiBench convention.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from qb_core.paths import DATA_DIR

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

#: The published pruning (channel-width) variants of CNV and MLP, in percent of full width.
PUBLISHED_PRUNING_PCT: tuple[float, ...] = (100.0, 50.0, 25.0, 12.5)

TASKS: dict[str, str] = {"cifar10": "CIFAR-10", "mnist": "MNIST", "imagenet": "ImageNet"}

WEIGHT_MODES: tuple[str, ...] = ("off-chip", "per-batch", "on-chip", "automatic")
ACTIVATION_MODES: tuple[str, ...] = ("on-chip", "off-chip")


def bytes_per_element(precision: pd.Series) -> np.ndarray:
    """Byte width per row of a precision column (looked up once per distinct precision)."""
    codes, uniques = pd.factorize(precision)
    widths = np.array([BYTES_PER_ELEMENT.get(str(u), np.nan) for u in uniques] + [np.nan])
    return widths[codes]


@dataclass(frozen=True)
class Layer:
    """One layer: ``kind`` is ``conv`` (3x3, no padding), ``pool`` (2x2 max) or ``fc``."""

    kind: str
    width: int = 0  # output channels (conv) or output features (fc); unused for pool


@dataclass(frozen=True)
class Topology:
    """A network as an input shape (height, width, channels) and a sequence of layers."""

    name: str
    task: str
    pruning_pct: float
    input_shape: tuple[int, int, int]
    layers: tuple[Layer, ...]


def layer_table(topology: Topology) -> pd.DataFrame:
    """Per-layer input/output elements, parameters, MACs and ops (2 x MACs) for one input.

    Convolutions are 3x3 without padding (spatial size shrinks by 2), pools are 2x2 with
    stride 2 (spatial size halves), fully connected layers flatten their input. No biases:
    the FINN networks use batch-norm thresholds folded into the activations instead.
    """
    height, width, channels = topology.input_shape
    rows = []
    for index, layer in enumerate(topology.layers):
        in_elems = height * width * channels
        if layer.kind == "conv":
            height, width = height - 2, width - 2
            if height < 1 or width < 1:
                raise ValueError(f"{topology.name}: layer {index} shrinks the feature map below 1x1")
            params = 9 * channels * layer.width
            macs = height * width * params
            channels = layer.width
        elif layer.kind == "pool":
            height, width = height // 2, width // 2
            params = macs = 0
        elif layer.kind == "fc":
            params = in_elems * layer.width
            macs = params
            height, width, channels = 1, 1, layer.width
        else:
            raise ValueError(f"unknown layer kind {layer.kind!r}")
        rows.append(
            {
                "layer": index,
                "kind": layer.kind,
                "width": layer.width,
                "in_elems": in_elems,
                "out_elems": height * width * channels,
                "params": params,
                "macs": macs,
            }
        )
    table = pd.DataFrame(rows)
    table["ops"] = 2 * table["macs"]
    return table


def _scaled(base: int, width_scale: float) -> int:
    return max(1, int(round(base * width_scale)))


def cnv(width_scale: float = 1.0) -> Topology:
    """CNV, the FINN CIFAR-10 network (32x32x3 input), at ``width_scale`` of the 100% variant.

    100%: conv 128, conv 128, pool, conv 256, conv 256, pool, conv 512, conv 512,
    FC 1024, FC 1024, FC 10. The 10-way classifier keeps its width at every scale.
    """
    if not np.isfinite(width_scale) or width_scale <= 0:
        raise ValueError(f"width scale must be a positive number, got {width_scale}")
    c = [_scaled(w, width_scale) for w in (128, 256, 512, 1024)]
    layers = (
        Layer("conv", c[0]), Layer("conv", c[0]), Layer("pool"),
        Layer("conv", c[1]), Layer("conv", c[1]), Layer("pool"),
        Layer("conv", c[2]), Layer("conv", c[2]),
        Layer("fc", c[3]), Layer("fc", c[3]), Layer("fc", 10),
    )  # fmt: skip
    return Topology("CNV", "cifar10", round(100.0 * width_scale, 4), (32, 32, 3), layers)


def mlp(width_scale: float = 1.0) -> Topology:
    """MLP, the FINN MNIST network: 784 -> w -> w -> w -> 10 with w = 2048 at 100%."""
    if not np.isfinite(width_scale) or width_scale <= 0:
        raise ValueError(f"width scale must be a positive number, got {width_scale}")
    w = _scaled(2048, width_scale)
    layers = (Layer("fc", w), Layer("fc", w), Layer("fc", w), Layer("fc", 10))
    return Topology("MLP", "mnist", round(100.0 * width_scale, 4), (1, 1, 784), layers)


LAYER_MODELS = {"CNV": cnv, "MLP": mlp}
#: The task of each layer-modelled network; QuTiBench's convention: every other network is ImageNet.
TOPOLOGY_TASKS: dict[str, str] = {name: model().task for name, model in LAYER_MODELS.items()}
OTHER_TASK = "imagenet"


def task_of(topology: pd.Series) -> pd.Series:
    """Task per row of a topology column: CNV is CIFAR-10, MLP is MNIST, every other network ImageNet."""
    return topology.astype(object).map(TOPOLOGY_TASKS).fillna(OTHER_TASK).astype(str)


@lru_cache(maxsize=256)
def _totals(name: str, pruning_pct: float) -> tuple[int, int, int]:
    table = layer_table(LAYER_MODELS[name](pruning_pct / 100.0))
    return (int(table["params"].sum()), int(table["ops"].sum()),
            int((table["in_elems"] + table["out_elems"]).sum()))


def topology_totals(name: str, pruning_pct: float) -> dict[str, int]:
    """Totals of a layer-modelled network: params, ops, activation elements (in + out, all layers).

    Cached per (name, width) as an immutable tuple; each call gets its own dict.
    """
    return dict(zip(("params", "ops_per_input", "activation_elems"), _totals(name, pruning_pct), strict=True))


def bytes_moved_per_input(
    params: np.ndarray | float,
    activation_elems: np.ndarray | float,
    bytes_per_element: np.ndarray | float,
    weights: str = "off-chip",
    batch: np.ndarray | int = 1,
    activations: str = "on-chip",
    weights_fit: np.ndarray | bool = False,
) -> np.ndarray:
    """Off-chip bytes moved per input under a storage assumption.

    Notes
    -----
    bytes = w * params * f_weights + w * activation_elems * f_act, with w the byte width and

    - ``weights="off-chip"``: f_weights = 1 (every input reads all weights; QuTiBench's default);
    - ``weights="per-batch"``: f_weights = 1 / batch (weights read once per batch of ``batch``);
    - ``weights="on-chip"``: f_weights = 0;
    - ``weights="automatic"``: f_weights = 0 where ``weights_fit`` (the weights fit in the platform's
      on-chip memory), else 1;
    - ``activations="on-chip"``: f_act = 0; ``"off-chip"``: f_act = 1, every layer reads its
      input and writes its output off chip (``activation_elems`` = sum of both over layers).

    The result is 0 when nothing leaves the chip; intensity is then infinite (compute-bound).
    A network without a layer list has unknown ``activation_elems`` (NaN): that only matters, and
    gives NaN bytes, when activations are off chip.
    """
    if weights not in WEIGHT_MODES:
        raise ValueError(f"weights must be one of {', '.join(WEIGHT_MODES)}, got {weights!r}")
    if activations not in ACTIVATION_MODES:
        raise ValueError(f"activations must be one of {', '.join(ACTIVATION_MODES)}, got {activations!r}")
    batch_arr = np.asarray(batch, dtype=float)
    if np.any(~np.isfinite(batch_arr)) or np.any(batch_arr < 1):
        raise ValueError("batch must be a whole number of at least 1")
    weight_factor = {"off-chip": 1.0, "per-batch": 1.0 / batch_arr, "on-chip": 0.0,
                     "automatic": np.where(np.asarray(weights_fit, dtype=bool), 0.0, 1.0)}[weights]
    width = np.asarray(bytes_per_element, dtype=float)
    moved = np.asarray(params, dtype=float) * weight_factor
    if activations == "off-chip":
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
        return np.asarray(np.asarray(weight_bytes, dtype=float) <= np.asarray(on_chip_mb, dtype=float) * 1e6)


def traffic_columns(table: pd.DataFrame, weights: str = "off-chip", batch: np.ndarray | int = 1,
                    activations: str = "on-chip") -> pd.DataFrame:
    """``table`` (precision, params, ops_per_input, activation_elems, and ``on_chip_mb`` for
    ``weights="automatic"``) plus ``weight_bytes``, ``weights_on_chip``, ``bytes_per_input`` and
    ``intensity`` under a storage assumption: the one path from a network's size to its arithmetic
    intensity (see :func:`bytes_moved_per_input`). A new frame.

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
        weights, np.zeros(len(table), dtype=bool))
    moved = bytes_moved_per_input(params, table["activation_elems"].to_numpy(dtype=float), width, weights, batch,
                                  activations, weights_fit=on_chip)
    return table.assign(weight_bytes=weight_bytes, weights_on_chip=on_chip, bytes_per_input=moved,
                        intensity=intensity_ops_per_byte(table["ops_per_input"].to_numpy(dtype=float), moved))


def published_totals() -> pd.DataFrame:
    """``data/topologies_published.csv`` (read once; each caller gets a frame of its own)."""
    return _published_totals().copy(deep=False)


@lru_cache(maxsize=1)
def _published_totals() -> pd.DataFrame:
    """``data/topologies_published.csv``: networks without a layer model (read once; read-only)."""
    return pd.read_csv(DATA_DIR / "topologies_published.csv")


def variant_table(task: str = "cifar10", width_scales: tuple[float, ...] = (), networks: tuple = ()) -> pd.DataFrame:
    """One row per topology variant of ``task``: params, ops per input, activation elements.

    CNV and MLP come from the layer model at the published pruning factors (plus any extra
    ``width_scales``, e.g. 0.75 for a 75% CNV); ImageNet networks from published totals (their
    activation traffic from their layer tables); ``networks`` (the user's
    :class:`qb_core.user_networks.UserNetwork` values) from their own layer tables.
    """
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")
    rows = []
    for name, model in LAYER_MODELS.items():
        if model().task != task:
            continue
        pcts = sorted({*PUBLISHED_PRUNING_PCT, *(round(100.0 * s, 4) for s in width_scales)}, reverse=True)
        for pct in pcts:
            rows.append({"topology": name, "task": task, "pruning_pct": pct,
                         **topology_totals(name, pct), "ops_source": "layer model"})
    table = pd.DataFrame(rows, columns=["topology", "task", "pruning_pct", "params", "ops_per_input",
                                        "activation_elems", "ops_source"])
    published = published_totals()
    published = published[(published["task"] == task) & ~published["topology"].isin(list(LAYER_MODELS))]
    if len(published):
        extra = published.assign(activation_elems=_layer_activation_elems(published),
                                 ops_source="published total")[table.columns]
        table = extra if table.empty else pd.concat([table, extra], ignore_index=True)
    layer_only = _layer_only_variants(task, set(table["topology"].astype(str)))
    if len(layer_only):
        table = pd.concat([table, layer_only[table.columns]], ignore_index=True)
    if networks:
        from qb_core.user_networks import variant_rows

        mine = variant_rows(networks, task)
        if len(mine):
            table = pd.concat([table, mine[table.columns]], ignore_index=True)
    return table.reset_index(drop=True)


def _layer_activation_elems(published: pd.DataFrame) -> np.ndarray:
    """Activation elements of published-total networks from their layer tables (NaN where none):
    the published ops and params stay the roofline's figures, the layers add the traffic."""
    from qb_core.netlayers import network_layers

    tables = [network_layers(t, p) for t, p in zip(published["topology"], published["pruning_pct"], strict=True)]
    return np.array([np.nan if t is None else float((t["in_activations"] + t["out_activations"]).sum())
                     for t in tables])


def _layer_only_variants(task: str, known: set[str]) -> pd.DataFrame:
    """Networks of ``task`` with a layer table but no published total (ResNet-50v15): their totals
    come from the layer table."""
    if task != OTHER_TASK:
        return pd.DataFrame()
    from qb_core.layer_table import layer_totals
    from qb_core.netlayers import network_layers
    from qb_core.zoo import IMAGENET_VARIANTS

    rows = [{"topology": t, "task": task, "pruning_pct": p, **layer_totals(network_layers(t, p)),
             "ops_source": "layer table"} for t, p in IMAGENET_VARIANTS if t not in known]
    return pd.DataFrame(rows)


def topology_table(task: str = "cifar10", width_scales: tuple[float, ...] = ()) -> pd.DataFrame:
    """:func:`variant_table` plus the QuTiBench default intensity (ops/byte) per precision."""
    table = variant_table(task, width_scales)
    for precision in PRECISIONS:
        table[f"intensity_{precision.lower()}"] = traffic_columns(table.assign(precision=precision))["intensity"]
    return table


def pruning_key(pruning_pct: pd.Series | np.ndarray) -> np.ndarray:
    """Pruning factors as join keys: floats rounded to 4 decimals, the precision the layer model
    names a width with (:func:`cnv`), so 12.5 from a file and from the model meet."""
    return np.round(np.asarray(pruning_pct, dtype=float), 4)


def pruning_text(pruning_pct: float) -> str:
    """A pruning factor as shown everywhere: ``100``, ``12.5`` (percent of full width)."""
    return f"{float(pruning_pct):g}"


def variant_label(topology: pd.Series, pruning_pct: pd.Series) -> pd.Series:
    """Human label of each variant, e.g. ``CNV 12.5%``: the one spelling used by tables and charts."""
    return topology.astype(str) + " " + pruning_pct.map(pruning_text).astype(str) + "%"

"""CNV and MLP, the FINN networks, as layer models: per-input parameters, operations and activation
sizes from the layer structure, so every figure is computed from first principles instead of copied
from rounded tables. Operations count 2 per multiply-accumulate (MAC), the QuTiBench convention.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from qb_core.vocabulary import OTHER_TASK

#: The published pruning (channel-width) variants of CNV and MLP, in percent of full width.
PUBLISHED_PRUNING_PCT: tuple[float, ...] = (100.0, 50.0, 25.0, 12.5)

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



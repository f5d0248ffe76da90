"""Layer tables of the ImageNet networks, built from their architecture papers.

QuTiBench publishes only whole-network totals (rounded) for its ImageNet networks. The per-layer
roofline needs one row per layer, so each network is rebuilt here from its paper (or, for
EfficientNet-EdgeTPU, its reference source) and every count is computed from the shapes:

- convolution: ops = 2 x H_out x W_out x K x K x C_in / groups x C_out (depthwise: groups =
  C_in = C_out), weights = K x K x C_in / groups x C_out + C_out;
- fully connected: ops = 2 x N_in x N_out, weights = N_in x N_out + N_out;
- pool (max, average, global average) and element-wise Add: 0 ops, 0 weights;
- in_activations = elements read (both inputs of an Add, the whole concatenation a layer reads),
  out_activations = elements written; all for one input image.

Biases: every convolution and fully connected layer counts one bias per output channel, either its
own (GoogLeNet's convolutions, every classifier) or the batch normalisation that follows it folded
in (ResNet, MobileNet, EfficientNet), because that is what an inference engine stores. BN's own
scale and shift, ReLU, LRN (0 ops, no weights), dropout, concatenation and reshapes are not rows.
Spatial sizes use symmetric padding (K - 1) / 2, which gives TensorFlow's "same" sizes for the odd
kernels here; GoogLeNet's stride-2 max pools round up, as in its Caffe model.

Sources: Szegedy et al. 2015 (GoogLeNet, Table 1), Howard et al. 2017 (MobileNet, Table 1),
He et al. 2016 (ResNet-50, Table 1), tensorflow/tpu ``models/official/efficientnet`` (EdgeTPU).
``data/README.md`` ("ImageNet layer tables") compares every total with the published one: all
within 1.1 % except MobileNet's ops (+3.4 %, the published 1.1 G is rounded; the paper's 569 M
mult-adds agree) and GoogLeNet's params (7.0 M against 6.0 M, which is what the convolutions alone
give: the published figure appears to leave out the 1.025 M-parameter classifier).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from qb_core.networks.layer_table import LAYER_TABLE_COLUMNS, check_layer_table

#: Name of the network input in the producer lists (see :func:`layer_producers`).
_IMAGE = "input"


@dataclass(frozen=True)
class _Tensor:
    """A feature map of one input: its shape and the layer(s) that wrote it (several after a
    concatenation)."""

    height: int
    width: int
    channels: int
    producers: tuple[str, ...]

    @property
    def elems(self) -> int:
        return self.height * self.width * self.channels


def _out_size(size: int, kernel: int, stride: int, pad: int, ceil_mode: bool = False) -> int:
    """Output side of a sliding window: (size + 2 pad - kernel) / stride + 1, rounded down (up
    with ``ceil_mode``, Caffe's pooling)."""
    steps = (size + 2 * pad - kernel) / stride
    return (math.ceil(steps) if ceil_mode else math.floor(steps)) + 1


def _concat(*parts: _Tensor) -> _Tensor:
    """Channel concatenation (an inception module's output): not a layer, only a shape."""
    return _Tensor(parts[0].height, parts[0].width, sum(p.channels for p in parts),
                   tuple(name for p in parts for name in p.producers))


class _Network:
    """Collects layer rows while a builder walks the network; each method returns its output."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, int, int, int, int]] = []
        self.sources: list[tuple[str, tuple[str, ...]]] = []

    @staticmethod
    def image(side: int) -> _Tensor:
        return _Tensor(side, side, 3, (_IMAGE,))

    def _emit(self, name: str, kind: str, ops: int, weights: int, reads: tuple[_Tensor, ...],
              out: _Tensor) -> _Tensor:
        self.rows.append((name, kind, ops, weights, sum(t.elems for t in reads), out.elems))
        self.sources.append((name, tuple(p for t in reads for p in t.producers)))
        return _Tensor(out.height, out.width, out.channels, (name,))

    def conv(self, name: str, x: _Tensor, channels: int, kernel: int, stride: int = 1) -> _Tensor:
        """Dense K x K convolution with padding (K - 1) / 2 and one bias per output channel."""
        pad = (kernel - 1) // 2
        out = _Tensor(_out_size(x.height, kernel, stride, pad), _out_size(x.width, kernel, stride, pad),
                      channels, ())
        per_output = kernel * kernel * x.channels
        return self._emit(name, "conv", 2 * out.elems * per_output, (per_output + 1) * channels, (x,), out)

    def depthwise(self, name: str, x: _Tensor, kernel: int, stride: int = 1) -> _Tensor:
        """Depthwise K x K convolution (one filter per channel, groups = channels) with bias."""
        pad = (kernel - 1) // 2
        out = _Tensor(_out_size(x.height, kernel, stride, pad), _out_size(x.width, kernel, stride, pad),
                      x.channels, ())
        return self._emit(name, "depthwise", 2 * out.elems * kernel * kernel,
                          (kernel * kernel + 1) * x.channels, (x,), out)

    def pool(self, name: str, x: _Tensor, kernel: int, stride: int, pad: int = 0,
             ceil_mode: bool = False) -> _Tensor:
        """Max or average pooling: no weights, no multiply-accumulates."""
        out = _Tensor(_out_size(x.height, kernel, stride, pad, ceil_mode),
                      _out_size(x.width, kernel, stride, pad, ceil_mode), x.channels, ())
        return self._emit(name, "pool", 0, 0, (x,), out)

    def global_pool(self, name: str, x: _Tensor) -> _Tensor:
        """Global average pooling to 1 x 1 x C."""
        return self._emit(name, "pool", 0, 0, (x,), _Tensor(1, 1, x.channels, ()))

    def fc(self, name: str, x: _Tensor, outputs: int) -> _Tensor:
        """Fully connected layer on the flattened input, with bias."""
        return self._emit(name, "fc", 2 * x.elems * outputs, (x.elems + 1) * outputs, (x,),
                          _Tensor(1, 1, outputs, ()))

    def add(self, name: str, a: _Tensor, b: _Tensor) -> _Tensor:
        """Residual Add: reads both inputs, writes one, no multiply-accumulates."""
        if (a.height, a.width, a.channels) != (b.height, b.width, b.channels):
            raise ValueError(f"{name}: cannot add tensors of different shapes")
        return self._emit(name, "eltwise", 0, 0, (a, b), a)

    def table(self) -> pd.DataFrame:
        return check_layer_table(pd.DataFrame(self.rows, columns=list(LAYER_TABLE_COLUMNS)))


# --- GoogLeNet (Inception v1) ---------------------------------------------------------------

#: Szegedy et al. 2015, Table 1: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj.
_INCEPTION: dict[str, tuple[int, int, int, int, int, int]] = {
    "3a": (64, 96, 128, 16, 32, 32), "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64), "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64), "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128), "5b": (384, 192, 384, 48, 128, 128),
}  # fmt: skip


def _inception(net: _Network, name: str, x: _Tensor) -> _Tensor:
    """One inception module: four branches on the same input, concatenated."""
    c1, r3, c3, r5, c5, proj = _INCEPTION[name]
    p = f"inception_{name}/"
    one = net.conv(p + "1x1", x, c1, 1)
    three = net.conv(p + "3x3", net.conv(p + "3x3_reduce", x, r3, 1), c3, 3)
    five = net.conv(p + "5x5", net.conv(p + "5x5_reduce", x, r5, 1), c5, 5)
    pooled = net.conv(p + "pool_proj", net.pool(p + "pool", x, 3, 1, pad=1), proj, 1)
    return _concat(one, three, five, pooled)


def _googlenet() -> _Network:
    """GoogLeNet at 224 x 224 without the auxiliary classifiers (inference), Caffe layer names."""
    net = _Network()
    x = net.conv("conv1/7x7_s2", net.image(224), 64, 7, stride=2)
    x = net.pool("pool1/3x3_s2", x, 3, 2, ceil_mode=True)
    x = net.conv("conv2/3x3", net.conv("conv2/3x3_reduce", x, 64, 1), 192, 3)
    x = net.pool("pool2/3x3_s2", x, 3, 2, ceil_mode=True)
    for name in _INCEPTION:
        x = _inception(net, name, x)
        if name in ("3b", "4e"):
            x = net.pool(f"pool{int(name[0])}/3x3_s2", x, 3, 2, ceil_mode=True)
    net.fc("loss3/classifier", net.pool("pool5/7x7_s1", x, 7, 1), 1000)
    return net


# --- MobileNet v1 ---------------------------------------------------------------------------

#: Howard et al. 2017, Table 1: (pointwise output channels, depthwise stride) of the 13
#: depthwise-separable layers. The table prints stride 2 for the last one, but its output stays
#: 7 x 7 (the table's own output sizes and 569 M mult-adds): stride 1, as in every released model.
_MOBILENET: tuple[tuple[int, int], ...] = (
    (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
    (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1),
)  # fmt: skip


def _mobilenet() -> _Network:
    """MobileNet v1, width 1.0, 224 x 224, TF-slim layer names."""
    net = _Network()
    x = net.conv("Conv2d_0", net.image(224), 32, 3, stride=2)
    for index, (channels, stride) in enumerate(_MOBILENET, start=1):
        x = net.depthwise(f"Conv2d_{index}_depthwise", x, 3, stride)
        x = net.conv(f"Conv2d_{index}_pointwise", x, channels, 1)
    net.fc("Logits", net.global_pool("AvgPool", x), 1000)
    return net


# --- ResNet-50 ------------------------------------------------------------------------------

#: He et al. 2016, Table 1: (bottleneck blocks, inner width m) of conv2_x ... conv5_x; each
#: block's output has 4m channels.
_RESNET50_STAGES: tuple[tuple[int, int], ...] = ((3, 64), (4, 128), (6, 256), (3, 512))

#: Channel-pruning factors (early, late) per pruning level. Rule: the channels not tied to a
#: residual sum are scaled, the rest kept: the stem's output and the two inner widths of every
#: bottleneck of conv2_x-conv4_x by ``early``, those of conv5_x by ``late`` (round half up, at
#: least 1); block outputs, projection shortcuts' outputs and the classifier keep their width.
#: Xilinx does not publish the per-layer widths of its pruned ResNet-50s, so the two factors are
#: fitted (0.01 steps) to the published totals; agreement is within 0.3 % by construction, not a
#: validation. Why two factors: pruning reduced ops far more than params (80 %: params -7 %,
#: ops -16 %), i.e. the high-resolution stages were pruned harder; one factor for all inner
#: channels (with the stem) misses by up to 4 % (80 %) and 7 % (50 %) on both totals at once.
_RESNET50_PRUNING: dict[float, tuple[float, float]] = {
    100.0: (1.0, 1.0),
    80.0: (0.86, 0.99),
    50.0: (0.54, 0.72),
    30.0: (0.39, 0.38),
}


def _pruned(channels: int, factor: float) -> int:
    """round(channels x factor), halves up, at least one channel."""
    return max(1, math.floor(channels * factor + 0.5))


def _bottleneck(net: _Network, name: str, x: _Tensor, inner: int, out: int, stride: int,
                stride_in_3x3: bool) -> _Tensor:
    """1x1 reduce, 3x3, 1x1 expand, plus the shortcut (a 1x1 projection conv where the shape
    changes) and their Add. v1 strides in the first 1x1, v1.5 in the 3x3."""
    shortcut = x
    if stride != 1 or x.channels != out:
        shortcut = net.conv(f"{name}_branch1", x, out, 1, stride)
    y = net.conv(f"{name}_branch2a", x, inner, 1, 1 if stride_in_3x3 else stride)
    y = net.conv(f"{name}_branch2b", y, inner, 3, stride if stride_in_3x3 else 1)
    y = net.conv(f"{name}_branch2c", y, out, 1)
    return net.add(name, y, shortcut)


def _resnet50(stride_in_3x3: bool, early: float = 1.0, late: float = 1.0) -> _Network:
    """ResNet-50 at 224 x 224 (Caffe layer names), inner widths scaled by ``early``/``late``."""
    net = _Network()
    x = net.conv("conv1", net.image(224), _pruned(64, early), 7, stride=2)
    x = net.pool("pool1", x, 3, 2, pad=1)
    for stage, (blocks, inner) in enumerate(_RESNET50_STAGES, start=2):
        width = _pruned(inner, late if stage == 5 else early)
        for block in range(blocks):
            stride = 2 if block == 0 and stage > 2 else 1
            x = _bottleneck(net, f"res{stage}{'abcdef'[block]}", x, width, 4 * inner, stride, stride_in_3x3)
    net.fc("fc1000", net.global_pool("pool5", x), 1000)
    return net


# --- EfficientNet-EdgeTPU -------------------------------------------------------------------


@dataclass(frozen=True)
class _Stage:
    """One block-string of the EdgeTPU builder (r, k, s, e, i, o, c, noskip)."""

    repeats: int
    kernel: int
    stride: int
    expand: int
    in_filters: int
    out_filters: int
    fused: bool  # c1: a K x K conv expansion and a 1x1 projection, no depthwise
    skip: bool  # False for "noskip"


#: tensorflow/tpu models/official/efficientnet/edgetpu/efficientnet_edgetpu_builder.py.
_EDGETPU_STAGES: tuple[_Stage, ...] = (
    _Stage(1, 3, 1, 4, 24, 24, fused=True, skip=False),
    _Stage(2, 3, 2, 8, 24, 32, fused=True, skip=True),
    _Stage(4, 3, 2, 8, 32, 48, fused=True, skip=True),
    _Stage(5, 5, 2, 8, 48, 96, fused=False, skip=True),
    _Stage(4, 5, 1, 8, 96, 144, fused=False, skip=True),
    _Stage(2, 5, 2, 8, 144, 192, fused=False, skip=True),
)
#: (width coefficient, depth coefficient, input side) of EdgeTPU S, M, L.
_EDGETPU_SCALING: dict[str, tuple[float, float, int]] = {
    "EfficientNet-S": (1.0, 1.0, 224),
    "EfficientNet-M": (1.0, 1.1, 240),
    "EfficientNet-L": (1.2, 1.4, 300),
}
_EDGETPU_DIVISOR = 8
_EDGETPU_CLASSES = 1001  # the released models have a background class


def _round_filters(filters: int, width: float) -> int:
    """EfficientNet's width scaling: filters x width to the nearest multiple of 8 (halves up, at
    least 8), one multiple more if that lost over 10 %."""
    scaled = filters * width
    rounded = max(_EDGETPU_DIVISOR, _EDGETPU_DIVISOR * math.floor(scaled / _EDGETPU_DIVISOR + 0.5))
    return rounded + _EDGETPU_DIVISOR if rounded < 0.9 * scaled else rounded


def _round_repeats(repeats: int, depth: float) -> int:
    """EfficientNet's depth scaling: ceil(repeats x depth)."""
    return math.ceil(repeats * depth)


def _edgetpu_block(net: _Network, name: str, x: _Tensor, stage: _Stage, in_filters: int, out_filters: int,
                   stride: int) -> _Tensor:
    """One (fused-)MBConv block without squeeze-and-excitation. The expansion has in_filters x e
    channels (from the block arguments, even where the actual input is wider, as in block 0). The
    fused block strides in its 1x1 projection, as in the models released in 2019 (tensorflow/tpu
    moved the stride to the 3x3 expansion in December 2020, issue #660, cutting ops by ~24 %);
    the published totals are those of the released models."""
    expanded = in_filters * stage.expand
    if stage.fused:
        y = net.conv(f"{name}_expand", x, expanded, 3)
        y = net.conv(f"{name}_project", y, out_filters, 1, stride)
    else:
        y = net.conv(f"{name}_expand", x, expanded, 1)
        y = net.depthwise(f"{name}_depthwise", y, stage.kernel, stride)
        y = net.conv(f"{name}_project", y, out_filters, 1)
    if stage.skip and stride == 1 and x.channels == y.channels:
        y = net.add(f"{name}_add", y, x)
    return y


def _efficientnet_edgetpu(topology: str) -> _Network:
    """EfficientNet-EdgeTPU S/M/L: stem 3x3/2, the scaled block stages, 1x1 head, global
    average pool, 1001-way classifier; ReLU, no squeeze-and-excitation."""
    width, depth, side = _EDGETPU_SCALING[topology]
    net = _Network()
    x = net.conv("stem", net.image(side), _round_filters(32, width), 3, stride=2)
    index = 0
    for stage in _EDGETPU_STAGES:
        in_filters = _round_filters(stage.in_filters, width)
        out_filters = _round_filters(stage.out_filters, width)
        for repeat in range(_round_repeats(stage.repeats, depth)):
            first = repeat == 0
            x = _edgetpu_block(net, f"block{index}", x, stage, in_filters if first else out_filters, out_filters,
                               stage.stride if first else 1)
            index += 1
    x = net.conv("head", x, _round_filters(1280, width), 1)
    net.fc("fc", net.global_pool("pool", x), _EDGETPU_CLASSES)
    return net


# --- Public API -----------------------------------------------------------------------------

_BUILDERS: dict[tuple[str, float], Callable[[], _Network]] = {
    ("GoogLeNetv1", 100.0): _googlenet,
    ("MobileNetv1", 100.0): _mobilenet,
    **{("ResNet-50", pct): (lambda f=factors: _resnet50(False, *f)) for pct, factors in _RESNET50_PRUNING.items()},
    ("ResNet-50v15", 100.0): lambda: _resnet50(True),
    **{(name, 100.0): (lambda n=name: _efficientnet_edgetpu(n)) for name in _EDGETPU_SCALING},
}

#: Every (topology, pruning_pct) with a layer table, names as the measurement data spells them.
IMAGENET_VARIANTS: tuple[tuple[str, float], ...] = tuple(_BUILDERS)


@lru_cache(maxsize=len(_BUILDERS))
def _build(topology: str, pruning_pct: float) -> tuple[pd.DataFrame, tuple[tuple[str, tuple[str, ...]], ...]]:
    """The checked layer table and each layer's producers, built once per variant."""
    net = _BUILDERS[(topology, pruning_pct)]()
    return net.table(), tuple(net.sources)


def _key(topology: str, pruning_pct: float) -> tuple[str, float]:
    topologies = sorted({name for name, _ in IMAGENET_VARIANTS})
    if topology not in topologies:
        raise ValueError(f"no layer table for network {topology!r}; choose one of {', '.join(topologies)}")
    levels = [pct for name, pct in IMAGENET_VARIANTS if name == topology]
    try:
        pct = float(pruning_pct)
    except (TypeError, ValueError):
        pct = math.nan
    if pct not in levels:
        raise ValueError(f"{topology} has layer tables at pruning {', '.join(f'{p:g}' for p in levels)} %;"
                         f" got {pruning_pct!r}")
    return topology, pct


def imagenet_layers(topology: str, pruning_pct: float = 100.0) -> pd.DataFrame:
    """The layer table of an ImageNet network (one row per layer, counts for one input).

    Columns are :data:`qb_core.networks.layer_table.LAYER_TABLE_COLUMNS`, checked by
    :func:`~qb_core.networks.layer_table.check_layer_table`. A conv row has
    ops = 2 x H_out x W_out x K x K x C_in / groups x C_out and weights =
    K x K x C_in / groups x C_out + C_out (bias or folded batch norm); see the module docstring
    for the other types and the sources. ResNet-50 at 80, 50 and 30 % is Xilinx's channel-pruned
    network rebuilt by scaling the stem and the inner bottleneck widths of conv2_x-conv4_x by
    ``early`` and those of conv5_x by ``late`` (80 %: 0.86/0.99, 50 %: 0.54/0.72, 30 %:
    0.39/0.38), factors fitted to the published params and ops (within 0.3 %); one factor for
    all misses both by up to 7 % (see ``_RESNET50_PRUNING``). ResNet-50v15 has no published op
    count to compare with.

    Built once per variant (cached); every call returns its own copy. Raises ``ValueError``
    naming the choices for an unknown network or pruning level.
    """
    table, _ = _build(*_key(topology, pruning_pct))
    return table.copy()


def layer_producers(topology: str, pruning_pct: float = 100.0) -> dict[str, tuple[str, ...]]:
    """Each layer's producers (``"input"`` for the image), for checking that activations chain."""
    return dict(_build(*_key(topology, pruning_pct))[1])

"""One visual identity per platform and per configuration, the same on every page.

- A **platform** has one hue (:func:`platform_colors`, by its position in the catalog, then the
  user's own platforms and uploaded boards): strong, distinct colours, none pale.
- A **device** (platform + op mode) is a shade of its platform's hue, darkest for the first op mode.
- A **configuration** (device x precision x pruning) keeps its platform's hue, with lightness from
  its pruning (full width darkest), a point shape from its precision and a dash from its op mode
  (uploaded configurations are dotted): :func:`config_styles`. Within a platform no two
  configurations share colour, shape and dash.
"""

from __future__ import annotations

import colorsys
from collections.abc import Sequence
from typing import NamedTuple

import pandas as pd

from qb_core.measurements.dataset import BUNDLED_DATASET
from qb_core.vocabulary import PRECISIONS

#: Strong, distinct hues (D3's category10 without its grey, then Vega's category20b darks): none
#: pale, none grey (grey reads as "no data"), none a light yellow.
PALETTE: tuple[str, ...] = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#17becf", "#8c564b", "#d62728", "#9467bd", "#e377c2", "#bcbd22", "#393b79",
    "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d",
)  # fmt: skip
#: Point shape per precision (Vega-Lite shape names).
PRECISION_SHAPES: dict[str, str] = dict(zip(PRECISIONS, ("circle", "square", "triangle-up", "diamond", "cross"),
                                            strict=True))
#: Colour per task, never a platform's: a qualitative set (ColorBrewer Dark2) apart from :data:`PALETTE`.
TASK_COLORS: tuple[str, ...] = ("#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#a6761d")
#: One hue per network on the batch sweeps (none a platform's): its pruned variants are lighter,
#: from the first lightness (full width) to the second (:data:`PRUNING_LIGHTNESS`).
NETWORK_HUES: tuple[str, ...] = ("#08519c", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#a6761d",
                                 "#e6ab02", "#4d4d4d", "#b2182b")
PRUNING_LIGHTNESS = (0.3, 0.72)
#: Colour per precision, ordered like the precisions themselves (fewest bits darkest): a sequential
#: scale, so precision never reads as a platform or a task.
PRECISION_COLORS: dict[str, str] = dict(zip(PRECISIONS, ("#08306b", "#2171b5", "#4eb3d3", "#a8ddb5", "#d9a000"),
                                            strict=True))
#: Dash per precision on roofline charts: solid, long dash, medium dash, dots, dash-dot.
PRECISION_DASHES: dict[str, list[int]] = dict(zip(PRECISIONS, ([1, 0], [10, 4], [5, 3], [1, 3], [12, 3, 2, 3]),
                                                  strict=True))
#: Dash per op-mode rank (first op mode solid); uploaded configurations are dotted.
MODE_DASHES: tuple[list[int], ...] = ([1, 0], [7, 3], [2, 2])
UPLOAD_DASH: list[int] = [1, 3]
LIGHTNESS_RANGE = (0.26, 0.56)
#: Op modes of one platform (TX2 maxn, maxp, maxq) spread wider, so each reads as its own colour
#: (every pair of catalog devices at least 20 CIELAB units apart, ``tests/test_truth.py``).
DEVICE_LIGHTNESS_RANGE = (0.22, 0.66)


class Style(NamedTuple):
    """How one configuration is drawn."""

    color: str
    shape: str
    dash: tuple[int, ...]


def platform_colors(platforms: Sequence[str]) -> dict[str, str]:
    """Platform -> colour, by position in ``platforms`` (pass the full catalog order, always the same)."""
    return {p: PALETTE[i % len(PALETTE)] for i, p in enumerate(dict.fromkeys(map(str, platforms)))}


def shade(hex_color: str, step: int, steps: int, lightness: tuple[float, float] = LIGHTNESS_RANGE) -> str:
    """``hex_color`` at lightness step ``step`` of ``steps`` (0 darkest), hue and saturation kept."""
    red, green, blue = (int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5))
    hue, _, saturation = colorsys.rgb_to_hls(red, green, blue)
    low, high = lightness
    lightness = (low + high) / 2 if steps <= 1 else low + (high - low) * step / (steps - 1)
    r, g, b = colorsys.hls_to_rgb(hue, lightness, max(saturation, 0.45))
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def device_colors(devices: pd.DataFrame, colors: dict[str, str]) -> dict[str, str]:
    """Device -> colour: its platform's hue, one shade per op mode (``devices`` has device,
    platform and op_mode columns; a platform with one device keeps its own colour)."""
    pairs = devices[["device", "platform", "op_mode"]].astype(str).drop_duplicates("device")
    out: dict[str, str] = {}
    for platform, group in pairs.groupby("platform", sort=False):
        base = colors.get(platform, PALETTE[-1])
        for step, device in enumerate(group["device"]):
            out[device] = base if len(group) == 1 else shade(base, step, len(group), DEVICE_LIGHTNESS_RANGE)
    return out


def config_styles(configs: pd.DataFrame, colors: dict[str, str]) -> dict[str, Style]:
    """Configuration -> :class:`Style`. ``configs`` has config, platform, op_mode, precision,
    pruning_pct and (optionally) topology and dataset columns; ``colors`` maps platform -> hue.
    Lightness steps over the platform's network variants (network, then pruning from full width),
    so two networks on one platform (GoogLeNet and ResNet-50 on TX2) never share a line style."""
    table = configs.astype({c: str for c in ("config", "platform", "op_mode", "precision")}).drop_duplicates("config")
    uploaded = table["dataset"].astype(str).ne(BUNDLED_DATASET) if "dataset" in table \
        else pd.Series(False, table.index)
    styles: dict[str, Style] = {}
    for platform, group in table.groupby("platform", sort=False):
        base = colors.get(platform, PALETTE[-1])
        networks = group["topology"].astype(str) if "topology" in group else pd.Series("", group.index)
        variant = list(zip(networks, -group["pruning_pct"].astype(float), strict=True))
        variants = sorted(set(variant))
        modes = list(dict.fromkeys(sorted(group["op_mode"])))
        for row, key, is_upload in zip(group.itertuples(index=False), variant, uploaded[group.index], strict=True):
            step = variants.index(key)
            dash = UPLOAD_DASH if is_upload else MODE_DASHES[modes.index(row.op_mode) % len(MODE_DASHES)]
            styles[row.config] = Style(shade(base, step, max(len(variants), 2)),
                                       PRECISION_SHAPES.get(row.precision, "circle"), tuple(dash))
    return styles

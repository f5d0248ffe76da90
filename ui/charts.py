"""Chart builders, one per chart type, in Altair; no Streamlit.

Each chart is an Altair chart over *named* datasets, built from its structure only (colours,
row and column order, which layers): ``*_chart`` functions. ``*_spec`` functions prepare the data
and return the Vega-Lite spec with the datasets attached, for ``st.vega_lite_chart``. The spec of
a structure is built once (Altair's construction and validation cost tens of milliseconds) and
reused, so a slider that only changes numbers reruns without touching Altair.

Colours: one colour per platform across every page (:func:`platform_colors`); a configuration
(platform, op mode, precision, pruning) gets a shade of its platform's colour.
"""

from __future__ import annotations

import colorsys
import json
from collections.abc import Callable, Sequence
from functools import lru_cache

import altair as alt
import numpy as np
import pandas as pd

from qb_core.topology import PRECISIONS, variant_label

#: Tableau 10, then Tableau 20's light partners: enough for the catalog plus custom platforms.
PALETTE: tuple[str, ...] = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
    "#bab0ac", "#a0cbe8", "#ffbe7d", "#ff9d9a", "#8cd17d", "#f1ce63", "#d4a6c8",
)  # fmt: skip
WIDTH = 620
HEIGHT = 420
LOG = alt.Scale(type="log")
AXIS_TITLES = {
    "intensity": "Arithmetic intensity (ops/byte, 2 ops per MAC)",
    "tops": "Performance (TOP/s)",
    "lat_comp_ms": "Compute latency (ms)",
    "fps_comp": "Compute throughput (inputs/s)",
    "top1_pct": "Top-1 accuracy (%)",
    "full_power_w": "Full power (W)",
    "inputs_per_s": "Predicted inputs/s",
}


def compact_number(value: float) -> str:
    """Short cell label: 409, 9,670, 99.1k, 786k, 1.57M."""
    if not pd.notna(value):
        return ""
    if value < 10_000:
        return f"{value:,.0f}"
    value = float(f"{value:.3g}")  # round first, so 999,999 reads 1M, not 1e+03k
    if value < 1e6:
        return f"{value / 1e3:.3g}k"
    if value < 1e9:
        return f"{value / 1e6:.3g}M"
    return f"{value / 1e9:.3g}G"


def platform_colors(platforms: Sequence[str]) -> dict[str, str]:
    """Platform -> colour, by position in ``platforms`` (pass the full catalog order, always the same)."""
    return {p: PALETTE[i % len(PALETTE)] for i, p in enumerate(dict.fromkeys(platforms))}


def _shade(hex_color: str, step: int, steps: int) -> str:
    red, green, blue = (int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5))
    hue, light, sat = colorsys.rgb_to_hls(red, green, blue)
    if steps > 1:
        light = 0.28 + 0.5 * step / (steps - 1)
    r, g, b = colorsys.hls_to_rgb(hue, min(light, 0.85), sat)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def config_colors(configs: pd.DataFrame, colors: dict[str, str]) -> dict[str, str]:
    """Config -> a shade of its platform's colour (``configs`` has config and platform columns)."""
    pairs = configs[["config", "platform"]].drop_duplicates().sort_values(["platform", "config"])
    out: dict[str, str] = {}
    for platform, group in pairs.groupby("platform", sort=False, observed=True):
        base = colors.get(str(platform), PALETTE[-1])
        for step, config in enumerate(group["config"]):
            out[str(config)] = _shade(base, step, len(group))
    return out


def _scale(mapping: dict[str, str] | tuple[tuple[str, str], ...]) -> alt.Scale:
    pairs = tuple(mapping.items()) if isinstance(mapping, dict) else mapping
    return alt.Scale(domain=[p for p, _ in pairs], range=[c for _, c in pairs])


# --- specs: built once per structure, data attached per call ---
def spec_of(chart: alt.TopLevelMixin) -> dict:
    """Vega-Lite dict of an Altair chart, without Altair's default 300x300 view config."""
    spec = chart.to_dict()
    view = spec.get("config", {}).get("view", {})
    for key in ("continuousWidth", "continuousHeight"):
        view.pop(key, None)
    if spec.get("config", {}).get("view") == {}:
        del spec["config"]["view"]
    if spec.get("config") == {}:
        del spec["config"]
    return spec


@lru_cache(maxsize=256)
def _template(builder: Callable[..., alt.TopLevelMixin], *structure: object) -> str:
    """JSON text of ``builder(*structure)``'s spec: immutable, so one copy serves every session."""
    return json.dumps(spec_of(builder(*structure)))


def with_data(builder: Callable[..., alt.TopLevelMixin], structure: tuple, **datasets: pd.DataFrame) -> dict:
    """A fresh spec of ``builder(*structure)`` carrying ``datasets`` (name -> DataFrame).

    Infinite numbers (e.g. the intensity when nothing leaves the chip) are sent as missing
    values, so no chart shows "Infinity".
    """
    spec = json.loads(_template(builder, *structure))
    spec["datasets"] = {name: _finite(frame) for name, frame in datasets.items()}
    return spec


def _finite(frame: pd.DataFrame) -> pd.DataFrame:
    numbers = frame.select_dtypes("number")
    infinite = np.isinf(numbers.to_numpy(dtype=float))
    if not infinite.any():
        return frame
    return frame.assign(**{c: numbers[c].mask(np.isinf(numbers[c])) for c in numbers.columns[infinite.any(axis=0)]})


def _pairs(mapping: dict[str, str], keep: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """The (name, colour) pairs of ``mapping`` whose name is in ``keep``, in mapping order."""
    wanted = set(keep)
    return tuple((name, color) for name, color in mapping.items() if name in wanted)


ROOF_TOOLTIP = (("device", "N", "platform", None), ("precision", "N", None, None),
                ("peak_tops", "Q", "peak TOP/s", ".3g"), ("bandwidth_gbps", "Q", "bandwidth GB/s", ".3g"),
                ("ridge_ops_per_byte", "Q", "ridge ops/byte", ".4g"))


def _tooltips(fields) -> list[alt.Tooltip]:
    return [alt.Tooltip(f"{name}:{kind}", **({"title": title} if title else {}), **({"format": fmt} if fmt else {}))
            for name, kind, title, fmt in fields]


def roofline_chart(colors: tuple[tuple[str, str], ...], ghost: bool) -> alt.LayerChart:
    """Log-log rooflines over datasets ``roofs`` (three corner points per platform x precision:
    drawn straight, they are exactly the memory and compute roofs), ``ridges``, ``rules`` (one
    vertical per variant x precision at its intensity), ``labels`` and, with ``ghost``, the
    datasheet rooflines ``ghost`` drawn faded under what-if ones."""
    x = alt.X("intensity:Q", scale=LOG, title=AXIS_TITLES["intensity"])
    y = alt.Y("tops:Q", scale=LOG, title=AXIS_TITLES["tops"])
    color = alt.Color("platform:N", scale=_scale(colors), title="Platform")
    dash = alt.StrokeDash("precision:N", title="Precision")
    tooltip = _tooltips(ROOF_TOOLTIP)
    layers = []
    if ghost:
        layers.append(alt.Chart(alt.NamedData(name="ghost")).mark_line(strokeWidth=1.5, opacity=0.25).encode(
            x=x, y=y, color=color, strokeDash=dash, detail="roof:N", order="point:Q",
            tooltip=_tooltips((*ROOF_TOOLTIP[:2], ("peak_tops", "Q", "datasheet peak TOP/s", ".3g"),
                               ("bandwidth_gbps", "Q", "datasheet GB/s", ".3g")))))
    layers.append(alt.Chart(alt.NamedData(name="roofs")).mark_line(strokeWidth=2).encode(
        x=x, y=y, color=color, strokeDash=dash, detail="roof:N", order="point:Q", tooltip=tooltip))
    layers.append(alt.Chart(alt.NamedData(name="ridges")).mark_point(filled=True, size=40).encode(
        x=x, y=y, color=color, tooltip=tooltip))
    layers.append(alt.Chart(alt.NamedData(name="rules")).mark_rule(strokeDash=[4, 3], color="#555", opacity=0.7)
                  .encode(x=x, tooltip=_tooltips((("variant", "N", None, None), ("precision", "N", None, None),
                                                  ("intensity", "Q", "ops/byte", ".4g")))))
    layers.append(alt.Chart(alt.NamedData(name="labels")).mark_text(align="left", dx=3, dy=-6, fontSize=11,
                                                                   color="#333").encode(
        x=x, y=alt.value(8), text="precision:N"))
    return alt.layer(*layers).properties(width=WIDTH + 160, height=HEIGHT + 60)


def roofline_spec(points: pd.DataFrame, intensities: pd.DataFrame, colors: dict[str, str],
                  ghost: pd.DataFrame | None = None) -> dict:
    """Spec of :func:`roofline_chart` for roofline corner points (``qb_core.roofline.roofline_points``)
    and finite variant intensities."""
    roof_columns = ["platform", "device", "precision", "point", "intensity", "tops", "peak_tops", "bandwidth_gbps",
                    "ridge_ops_per_byte"]
    roofs = points[roof_columns].assign(roof=points["device"].astype(str) + " " + points["precision"].astype(str))
    rules = intensities[["variant", "precision", "pruning_pct", "intensity"]]
    # One label per precision, at its widest variant: the variants of one precision sit close together.
    labels = rules.sort_values("pruning_pct", ascending=False).drop_duplicates("precision")
    platforms = list(roofs["platform"].unique()) + ([] if ghost is None else list(ghost["platform"].unique()))
    datasets = {"roofs": roofs, "ridges": roofs[roofs["point"] == 1], "rules": rules, "labels": labels}
    if ghost is not None:
        datasets["ghost"] = ghost[roof_columns].assign(
            roof=ghost["device"].astype(str) + " " + ghost["precision"].astype(str))
    return with_data(roofline_chart, (_pairs(colors, platforms), ghost is not None), **datasets)


PREDICTION_TOOLTIP = (("device", "N", "platform", None), ("precision", "N", None, None), ("topology", "N", None, None),
                      ("pruning_pct", "Q", "pruning %", None), ("inputs_per_s", "Q", "inputs/s", ",.0f"),
                      ("attainable_tops", "Q", "attainable TOP/s", ".3g"), ("bound", "N", None, None),
                      ("intensity", "Q", "ops/byte", ".4g"))


def _grid(columns: tuple[str, ...], rows: tuple[str, ...], tooltip, by_precision: bool) -> alt.Chart:
    column_title = "Topology variant" if by_precision else "Topology variant · precision"
    return alt.Chart(alt.NamedData(name="cells")).encode(
        x=alt.X("column:N", sort=list(columns), title=column_title,
                axis=alt.Axis(labelAngle=-40, labelOverlap=False, orient="top")),
        y=alt.Y("row:N", sort=list(rows), title="Platform · precision" if by_precision else "Platform",
                axis=alt.Axis(labelOverlap=False)),
        tooltip=_tooltips(tooltip))


def _layout(table: pd.DataFrame, by_precision: bool) -> tuple[pd.DataFrame, tuple[str, ...], tuple[str, ...]]:
    """Add ``row`` and ``column`` to heatmap cells; return them with the row and column order.

    Default: rows are platforms, columns variant · precision (blank where a platform lacks the
    precision). ``by_precision``: rows platform · precision, columns the variants (no blanks).
    """
    variant = variant_label(table["topology"], table["pruning_pct"])
    precision = table["precision"].astype(str)
    rank = precision.map({p: i for i, p in enumerate(PRECISIONS)})
    if by_precision:
        cells = table.assign(row=table["device"].astype(str) + " · " + precision, column=variant)
        ordered = cells.assign(rank=rank).sort_values(["rank"], kind="stable")
        rows = tuple(cells.assign(rank=rank, first=cells.groupby("device", sort=False).ngroup())
                     .sort_values(["first", "rank"], kind="stable")["row"].unique())
        columns = tuple(ordered.sort_values(["topology", "pruning_pct"], ascending=[True, False])["column"].unique())
        return cells, columns, rows
    cells = table.assign(row=table["device"].astype(str), column=variant + " · " + precision)
    ordered = cells.assign(rank=rank).sort_values(["rank", "topology", "pruning_pct"], ascending=[True, True, False])
    return cells, tuple(ordered["column"].unique()), tuple(cells["row"].unique())


def prediction_heatmap(columns: tuple[str, ...], rows: tuple[str, ...], by_precision: bool = False) -> alt.LayerChart:
    """Predicted inputs/s (log colour, written in each cell) per platform and variant x precision;
    see :func:`_layout` for the two layouts (dataset ``cells``)."""
    base = _grid(columns, rows, PREDICTION_TOOLTIP, by_precision)
    cells = base.mark_rect().encode(
        color=alt.Color("inputs_per_s:Q", scale=alt.Scale(type="log", scheme="goldred"),
                        title=AXIS_TITLES["inputs_per_s"], legend=alt.Legend(format=",.0f")))
    text = base.mark_text(fontSize=10).encode(text="label:N", color=alt.value("#111"))
    return alt.layer(cells, text).properties(width=alt.Step(40), height=alt.Step(26))


def prediction_spec(predictions: pd.DataFrame, by_precision: bool = False) -> dict:
    """Spec of :func:`prediction_heatmap` for a table of predictions."""
    keep = [name for name, *_ in PREDICTION_TOOLTIP]
    cells, columns, rows = _layout(predictions[keep].assign(label=predictions["inputs_per_s"].map(compact_number)),
                                   by_precision)
    return with_data(prediction_heatmap, (columns, rows, by_precision), cells=cells)


CHANGE_TOOLTIP = (("device", "N", "platform", None), ("topology", "N", None, None),
                  ("pruning_pct", "Q", "pruning %", None), ("precision", "N", None, None),
                  ("original_inputs_per_s", "Q", "datasheet inputs/s", ",.0f"),
                  ("inputs_per_s", "Q", "what-if inputs/s", ",.0f"), ("ratio", "Q", "ratio", ".3g"),
                  ("original_bound", "N", "datasheet bound", None), ("bound", "N", "what-if bound", None))


def change_heatmap(columns: tuple[str, ...], rows: tuple[str, ...], by_precision: bool = False) -> alt.LayerChart:
    """What-if / datasheet inputs/s per cell (diverging log colour around 1x); cells whose bound
    flipped (memory <-> compute) carry a ⇄ mark and a black border; users' platforms read ``new``."""
    base = _grid(columns, rows, CHANGE_TOOLTIP, by_precision)
    cells = base.mark_rect().encode(
        color=alt.Color("change:Q", title="What-if / datasheet",
                        scale=alt.Scale(type="log", scheme="redblue", domainMid=1.0), legend=alt.Legend(format=".2~g")),
        stroke=alt.Stroke("flipped:N", scale=alt.Scale(domain=["bound flipped", "same bound"],
                                                       range=["#000000", "transparent"]), title="Bound"),
        strokeWidth=alt.value(2))
    text = base.mark_text(fontSize=10).encode(text="label:N", color=alt.value("#111"))
    return alt.layer(cells, text).properties(width=alt.Step(40), height=alt.Step(26))


def change_spec(comparison: pd.DataFrame, by_precision: bool = False) -> dict:
    """Spec of :func:`change_heatmap` for :func:`qb_core.whatif.compare`'s table."""
    table = comparison[["device", "precision", "topology", "pruning_pct", "inputs_per_s", "original_inputs_per_s",
                        "ratio", "bound", "original_bound", "bound_flipped"]].assign(
        label=comparison["ratio"].map(lambda r: "new" if pd.isna(r) else f"{r:.3g}x")
        + comparison["bound_flipped"].map({True: " ⇄", False: ""}),
        change=comparison["ratio"].fillna(1.0),
        flipped=comparison["bound_flipped"].map({True: "bound flipped", False: "same bound"}),
        bound=comparison["bound"].astype(str), original_bound=comparison["original_bound"].astype(str),
    )
    cells, columns, rows = _layout(table, by_precision)
    return with_data(change_heatmap, (columns, rows, by_precision), cells=cells)


LATENCY_TOOLTIP = (("config", "N", None, None), ("batch", "Q", "batch", None),
                   ("lat_comp_ms", "Q", "latency ms", ".4g"), ("fps_comp", "Q", "inputs/s", ",.0f"))


def latency_throughput_chart(shades: tuple[tuple[str, str], ...], name: str, title: str,
                             log_latency: bool) -> alt.LayerChart:
    """lat_comp vs fps_comp (log), one line per config joined in batch order (dataset ``points``);
    a click on a legend entry highlights that config (named parameter ``name``)."""
    pick = alt.selection_point(name=name, fields=["config"], bind="legend")
    x = alt.X("lat_comp_ms:Q", title=AXIS_TITLES["lat_comp_ms"], scale=LOG if log_latency else alt.Undefined)
    y = alt.Y("fps_comp:Q", scale=LOG, title=AXIS_TITLES["fps_comp"])
    color = alt.Color("config:N", scale=_scale(shades), title="Platform_precision_pruning (click to highlight)",
                      legend=alt.Legend(orient="bottom", columns=2, symbolLimit=0, labelLimit=240))
    opacity = alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.12))
    base = alt.Chart(alt.NamedData(name="points")).encode(x=x, y=y, color=color, opacity=opacity,
                                                         tooltip=_tooltips(LATENCY_TOOLTIP), order="batch:Q")
    return (alt.layer(base.mark_line(), base.mark_point(filled=True, size=36))
            .add_params(pick).properties(title=title, width="container", height=HEIGHT))


def latency_throughput_spec(rows: pd.DataFrame, shades: dict[str, str], name: str, title: str,
                            log_latency: bool = True) -> dict:
    points = rows[["config", "platform", "batch", "lat_comp_ms", "fps_comp"]]
    return with_data(latency_throughput_chart, (_pairs(shades, points["config"].unique()), name, title, log_latency),
                     points=points)


PRUNING_ORDER = ["100", "50", "25", "12.5"]


def boxplot_chart(metric: str, title: str) -> alt.FacetChart:
    """``metric`` by pruning factor (log y), one facet per precision x platform (dataset ``rows``)."""
    chart = alt.Chart(alt.NamedData(name="rows")).mark_boxplot(extent="min-max", size=14).encode(
        x=alt.X("pruning:O", title="Pruning (%)", sort=PRUNING_ORDER),
        y=alt.Y(f"{metric}:Q", scale=LOG, title=AXIS_TITLES.get(metric, metric)),
        color=alt.Color("pruning:O", sort=PRUNING_ORDER, legend=None),
    ).properties(width=80, height=240)
    return chart.facet(column=alt.Column("quant_model:N", title=None, header=alt.Header(labelAngle=0)), title=title)


def boxplot_spec(rows: pd.DataFrame, metric: str, title: str) -> dict:
    return with_data(boxplot_chart, (metric, title), rows=rows[["quant_model", "pruning", "config", metric]])


PARETO_TOOLTIP = (("platform", "N", None, None), ("precision", "N", None, None),
                  ("pruning_pct", "Q", "pruning %", None), ("batch", "Q", None, None),
                  ("top1_pct", "Q", "top-1 %", None))


def pareto_chart(shades: tuple[tuple[str, str], ...], x_field: str = "fps_comp",
                 x_title: str = AXIS_TITLES["fps_comp"], maximize_x: bool = True) -> alt.LayerChart:
    """Top-1 accuracy against ``x_field`` (log): a line per config (dataset ``points``) and the
    Pareto front (dataset ``front``) as a black staircase: the best accuracy reachable at each x."""
    pick = alt.selection_point(name="pareto_pick", fields=["config"], bind="legend")
    x = alt.X(f"{x_field}:Q", scale=LOG, title=x_title)
    y = alt.Y("top1_pct:Q", scale=alt.Scale(zero=False), title=AXIS_TITLES["top1_pct"])
    tooltip = _tooltips((*PARETO_TOOLTIP, (x_field, "Q", x_title, ",.4~g")))
    lines = alt.Chart(alt.NamedData(name="points")).mark_line(point=True).encode(
        x=x, y=y, order=f"{x_field}:Q", tooltip=tooltip,
        color=alt.Color("config:N", scale=_scale(shades), title="Platform_precision_pruning",
                        legend=alt.Legend(columns=1, symbolLimit=0, labelLimit=260)),
        opacity=alt.when(pick).then(alt.value(0.9)).otherwise(alt.value(0.1))).add_params(pick)
    # Sorted by x, the front's accuracy falls when x is maximized and rises when it is minimized.
    frontier = alt.Chart(alt.NamedData(name="front")).mark_line(
        color="black", strokeWidth=2.5, interpolate="step-before" if maximize_x else "step-after").encode(
        x=x, y=y, order=f"{x_field}:Q")
    front_points = alt.Chart(alt.NamedData(name="front")).mark_point(
        color="black", size=70, shape="diamond", filled=True).encode(x=x, y=y, tooltip=tooltip)
    return alt.layer(lines, frontier, front_points).properties(width=WIDTH + 120, height=HEIGHT)


def pareto_spec(rows: pd.DataFrame, front: pd.DataFrame, shades: dict[str, str], x_field: str = "fps_comp",
                x_title: str = AXIS_TITLES["fps_comp"], maximize_x: bool = True) -> dict:
    keep = list(dict.fromkeys(["config", "platform", "precision", "pruning_pct", "batch", "top1_pct", x_field]))
    return with_data(pareto_chart, (_pairs(shades, rows["config"].unique()), x_field, x_title, maximize_x),
                     points=rows[keep], front=front[keep])

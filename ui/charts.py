"""Altair chart builders, one function per chart type: data in, ``alt.Chart`` out, no Streamlit.

Colours: one colour per platform across every page (:func:`platform_colors`); a configuration
(platform, op mode, precision, pruning) gets a shade of its platform's colour.
"""

from __future__ import annotations

import colorsys
from collections.abc import Sequence

import altair as alt
import pandas as pd

from qb_core.topology import PRECISIONS

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


def _scale(mapping: dict[str, str]) -> alt.Scale:
    return alt.Scale(domain=list(mapping), range=list(mapping.values()))


def roofline_chart(points: pd.DataFrame, intensities: pd.DataFrame, colors: dict[str, str],
                   ghost: pd.DataFrame | None = None) -> alt.LayerChart:
    """Log-log rooflines (one line per platform x precision through its three corner points) with
    a vertical rule per topology variant x precision at its arithmetic intensity. ``ghost``: the
    datasheet rooflines, drawn faded under what-if ones."""
    roofs = points.assign(roof=points["device"] + " " + points["precision"])
    used = {p: c for p, c in colors.items() if p in set(roofs["platform"])}
    x = alt.X("intensity:Q", scale=LOG, title=AXIS_TITLES["intensity"])
    y = alt.Y("tops:Q", scale=LOG, title=AXIS_TITLES["tops"])
    color = alt.Color("platform:N", scale=_scale(used), title="Platform")
    tooltip = [alt.Tooltip("device:N", title="platform"), alt.Tooltip("precision:N"),
               alt.Tooltip("peak_tops:Q", title="peak TOP/s", format=".3g"),
               alt.Tooltip("bandwidth_gbps:Q", title="bandwidth GB/s", format=".3g"),
               alt.Tooltip("ridge_ops_per_byte:Q", title="ridge ops/byte", format=".4g")]
    layers = []
    if ghost is not None:
        faded = ghost.assign(roof=ghost["device"] + " " + ghost["precision"])
        layers.append(alt.Chart(faded).mark_line(strokeWidth=1.5, opacity=0.25).encode(
            x=x, y=y, color=color, strokeDash=alt.StrokeDash("precision:N", title="Precision"),
            detail="roof:N", order="point:Q",
            tooltip=[*tooltip[:2], alt.Tooltip("peak_tops:Q", title="datasheet peak TOP/s", format=".3g"),
                     alt.Tooltip("bandwidth_gbps:Q", title="datasheet GB/s", format=".3g")]))
    layers.append(alt.Chart(roofs).mark_line(strokeWidth=2).encode(
        x=x, y=y, color=color, strokeDash=alt.StrokeDash("precision:N", title="Precision"),
        detail="roof:N", order="point:Q", tooltip=tooltip))
    layers.append(alt.Chart(roofs[roofs["point"] == 1]).mark_point(filled=True, size=40).encode(
        x=x, y=y, color=color, tooltip=tooltip))
    layers.append(alt.Chart(intensities).mark_rule(strokeDash=[4, 3], color="#555", opacity=0.7).encode(
        x=x, tooltip=[alt.Tooltip("variant:N"), alt.Tooltip("precision:N"),
                      alt.Tooltip("intensity:Q", title="ops/byte", format=".4g")]))
    # One label per precision, at its widest variant: the variants of one precision sit close together.
    firsts = intensities.sort_values("pruning_pct", ascending=False).drop_duplicates("precision")
    layers.append(alt.Chart(firsts).mark_text(align="left", dx=3, dy=-6, fontSize=11, color="#333").encode(
        x=x, y=alt.value(8), text="precision:N"))
    return alt.layer(*layers).properties(width=WIDTH + 160, height=HEIGHT + 60)


def prediction_heatmap(predictions: pd.DataFrame) -> alt.LayerChart:
    """Rows: platform (with op mode); columns: topology variant x precision; colour: log inputs/s.
    Cells are blank where the platform lacks the precision."""
    table = predictions.assign(
        column=predictions["topology"] + " " + predictions["pruning_pct"].map("{:g}%".format) + " · "
        + predictions["precision"].astype(str),
        label=predictions["inputs_per_s"].map(compact_number),
    )
    rank = table["precision"].astype(str).map({p: i for i, p in enumerate(PRECISIONS)})
    ordered = table.assign(rank=rank).sort_values(["rank", "topology", "pruning_pct"], ascending=[True, True, False])
    columns = ordered["column"].unique().tolist()
    rows = table["device"].unique().tolist()
    base = alt.Chart(table).encode(
        x=alt.X("column:N", sort=columns, title="Topology variant · precision",
                axis=alt.Axis(labelAngle=-40, labelOverlap=False, orient="top")),
        y=alt.Y("device:N", sort=rows, title="Platform", axis=alt.Axis(labelOverlap=False)),
        tooltip=[alt.Tooltip("device:N", title="platform"), alt.Tooltip("precision:N"),
                 alt.Tooltip("topology:N"), alt.Tooltip("pruning_pct:Q", title="pruning %"),
                 alt.Tooltip("inputs_per_s:Q", title="inputs/s", format=",.0f"),
                 alt.Tooltip("attainable_tops:Q", title="attainable TOP/s", format=".3g"),
                 alt.Tooltip("bound:N"), alt.Tooltip("intensity:Q", title="ops/byte", format=".4g")])
    cells = base.mark_rect().encode(
        color=alt.Color("inputs_per_s:Q", scale=alt.Scale(type="log", scheme="goldred"),
                        title=AXIS_TITLES["inputs_per_s"], legend=alt.Legend(format=",.0f")))
    text = base.mark_text(fontSize=10).encode(text="label:N", color=alt.value("#111"))
    return alt.layer(cells, text).properties(width=alt.Step(40), height=alt.Step(26))


def change_heatmap(comparison: pd.DataFrame) -> alt.LayerChart:
    """What-if / datasheet inputs/s per cell (diverging log colour around 1x); cells whose bound
    flipped (memory <-> compute) carry a ⇄ mark; users' platforms read ``new``."""
    table = comparison.assign(
        column=comparison["topology"] + " " + comparison["pruning_pct"].map("{:g}%".format) + " · "
        + comparison["precision"].astype(str),
        label=comparison["ratio"].map(lambda r: "new" if pd.isna(r) else f"{r:.3g}x")
        + comparison["bound_flipped"].map({True: " ⇄", False: ""}),
        change=comparison["ratio"].fillna(1.0),
        flipped=comparison["bound_flipped"].map({True: "bound flipped", False: "same bound"}),
    )
    rank = table["precision"].astype(str).map({p: i for i, p in enumerate(PRECISIONS)})
    ordered = table.assign(rank=rank).sort_values(["rank", "topology", "pruning_pct"], ascending=[True, True, False])
    columns = ordered["column"].unique().tolist()
    rows = table["device"].unique().tolist()
    low, high = min(table["change"].min(), 0.99), max(table["change"].max(), 1.01)
    base = alt.Chart(table).encode(
        x=alt.X("column:N", sort=columns, title="Topology variant · precision",
                axis=alt.Axis(labelAngle=-40, labelOverlap=False, orient="top")),
        y=alt.Y("device:N", sort=rows, title="Platform", axis=alt.Axis(labelOverlap=False)),
        tooltip=[alt.Tooltip("device:N", title="platform"), alt.Tooltip("column:N", title="variant"),
                 alt.Tooltip("original_inputs_per_s:Q", title="datasheet inputs/s", format=",.0f"),
                 alt.Tooltip("inputs_per_s:Q", title="what-if inputs/s", format=",.0f"),
                 alt.Tooltip("ratio:Q", title="ratio", format=".3g"),
                 alt.Tooltip("original_bound:N", title="datasheet bound"),
                 alt.Tooltip("bound:N", title="what-if bound")])
    cells = base.mark_rect().encode(
        color=alt.Color("change:Q", title="What-if / datasheet",
                        scale=alt.Scale(type="log", scheme="redblue", domainMid=1.0, domain=[low, high]),
                        legend=alt.Legend(format=".2~g")),
        stroke=alt.Stroke("flipped:N", scale=alt.Scale(domain=["bound flipped", "same bound"],
                                                       range=["#000000", "transparent"]), title="Bound"),
        strokeWidth=alt.value(2))
    text = base.mark_text(fontSize=10).encode(text="label:N", color=alt.value("#111"))
    return alt.layer(cells, text).properties(width=alt.Step(40), height=alt.Step(26))


def latency_throughput_chart(rows: pd.DataFrame, shades: dict[str, str], name: str, title: str,
                             log_latency: bool = True) -> alt.LayerChart:
    """lat_comp vs fps_comp (log), one line per config joined in batch order; a click on a legend
    entry highlights that config (named parameter ``name``)."""
    rows = rows[["config", "platform", "batch", "lat_comp_ms", "fps_comp"]]
    used = {c: shades[c] for c in rows["config"].unique() if c in shades}
    pick = alt.selection_point(name=name, fields=["config"], bind="legend")
    x = alt.X("lat_comp_ms:Q", title=AXIS_TITLES["lat_comp_ms"], scale=LOG if log_latency else alt.Undefined)
    y = alt.Y("fps_comp:Q", scale=LOG, title=AXIS_TITLES["fps_comp"])
    color = alt.Color("config:N", scale=_scale(used), title="Platform_precision_pruning (click to highlight)",
                      legend=alt.Legend(orient="bottom", columns=2, symbolLimit=0, labelLimit=240))
    opacity = alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.12))
    tooltip = [alt.Tooltip("config:N"), alt.Tooltip("batch:Q", title="batch"),
               alt.Tooltip("lat_comp_ms:Q", title="latency ms", format=".4g"),
               alt.Tooltip("fps_comp:Q", title="inputs/s", format=",.0f")]
    base = alt.Chart(rows).encode(x=x, y=y, color=color, opacity=opacity, tooltip=tooltip, order="batch:Q")
    return (alt.layer(base.mark_line(), base.mark_point(filled=True, size=36))
            .add_params(pick).properties(title=title, width="container", height=HEIGHT))


def boxplot_chart(rows: pd.DataFrame, metric: str, title: str) -> alt.FacetChart:
    """``metric`` by pruning factor (log y), one facet per precision x platform."""
    data = rows[["quant_model", "pruning", "config", metric]]
    chart = alt.Chart(data).mark_boxplot(extent="min-max", size=14).encode(
        x=alt.X("pruning:O", title="Pruning (%)", sort=["100", "50", "25", "12.5"]),
        y=alt.Y(f"{metric}:Q", scale=LOG, title=AXIS_TITLES.get(metric, metric)),
        color=alt.Color("pruning:O", sort=["100", "50", "25", "12.5"], legend=None),
    ).properties(width=80, height=240)
    return chart.facet(column=alt.Column("quant_model:N", title=None, header=alt.Header(labelAngle=0)),
                       title=title)


def pareto_chart(rows: pd.DataFrame, front: pd.DataFrame, shades: dict[str, str]) -> alt.LayerChart:
    """Top-1 accuracy vs fps_comp: a line per config (batch order), the Pareto front over all."""
    keep = ["config", "platform", "precision", "pruning_pct", "batch", "fps_comp", "top1_pct"]
    rows, front = rows[keep], front[keep]
    used = {c: shades[c] for c in rows["config"].unique() if c in shades}
    pick = alt.selection_point(name="pareto_pick", fields=["config"], bind="legend")
    x = alt.X("fps_comp:Q", scale=LOG, title=AXIS_TITLES["fps_comp"])
    y = alt.Y("top1_pct:Q", scale=alt.Scale(zero=False), title=AXIS_TITLES["top1_pct"])
    tooltip = [alt.Tooltip("platform:N"), alt.Tooltip("precision:N"), alt.Tooltip("pruning_pct:Q", title="pruning %"),
               alt.Tooltip("batch:Q"), alt.Tooltip("top1_pct:Q", title="top-1 %"),
               alt.Tooltip("fps_comp:Q", title="inputs/s", format=",.0f")]
    lines = alt.Chart(rows).mark_line(point=True).encode(
        x=x, y=y, order="fps_comp:Q", tooltip=tooltip,
        color=alt.Color("config:N", scale=_scale(used), title="Platform_precision_pruning",
                        legend=alt.Legend(columns=1, symbolLimit=0, labelLimit=260)),
        opacity=alt.when(pick).then(alt.value(0.9)).otherwise(alt.value(0.1))).add_params(pick)
    frontier = alt.Chart(front).mark_line(color="black", strokeWidth=2.5, interpolate="step-before").encode(
        x=x, y=y, order="fps_comp:Q")
    front_points = alt.Chart(front).mark_point(color="black", size=70, shape="diamond", filled=True).encode(
        x=x, y=y, tooltip=tooltip)
    return alt.layer(lines, frontier, front_points).properties(width=WIDTH + 120, height=HEIGHT)

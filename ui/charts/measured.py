"""Measurement charts: latency against throughput, the spread per pruning factor, the Pareto front."""

from __future__ import annotations

import altair as alt
import pandas as pd

from qb_core.labels import title
from ui.charts.core import HEIGHT, LOG, field, legend, legend_columns, log_ticks, pairs, scale, tooltips, with_data
from ui.colors import Style

CONFIG_FIELDS = (field("config", "N"), field("device", "N", label="Platform"), field("precision", "N"),
                 field("pruning_pct", "Q", "g"), field("dataset", "N", label="Data set"))


def style_scales(styles: tuple[tuple[str, Style], ...]) -> tuple[alt.Scale, alt.Scale, alt.Scale]:
    """Colour, shape and dash scales of configurations (one legend: same field, same title)."""
    return (scale(tuple((c, s.color) for c, s in styles)), scale(tuple((c, s.shape) for c, s in styles)),
            scale(tuple((c, s.dash) for c, s in styles)))


def latency_throughput_chart(styles: tuple[tuple[str, Style], ...], name: str, heading: str,
                             log_latency: bool, legend_cols: int = 1) -> alt.LayerChart:
    """lat_comp vs fps_comp (log), one line per config joined in batch order (dataset ``points``);
    a click on a legend entry highlights that config (named parameter ``name``). Colour: the
    platform's hue, lighter when pruned; shape: precision; dash: op mode."""
    pick = alt.selection_point(name=name, fields=["config"], bind="legend")
    colors, shapes, dashes = style_scales(styles)
    legend_title = "Configuration"
    entries = legend(columns=legend_cols, orient="bottom")
    x = alt.X("lat_comp_ms:Q", title=title("lat_comp_ms"), scale=LOG if log_latency else alt.Undefined)
    y = alt.Y("fps_comp:Q", scale=LOG, title=title("fps_comp"))
    opacity = alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.12))
    base = alt.Chart(alt.NamedData(name="points")).encode(
        x=x, y=y, color=alt.Color("config:N", scale=colors, title=legend_title, legend=entries), opacity=opacity,
        tooltip=tooltips((*CONFIG_FIELDS, field("batch", "Q", ",d"), field("lat_comp_ms", "Q", ",.4~g"),
                          field("fps_comp", "Q", ",.0f"))), order="batch:Q")
    lines = base.mark_line(strokeWidth=1.8).encode(
        strokeDash=alt.StrokeDash("config:N", scale=dashes, title=legend_title, legend=entries))
    points = base.mark_point(filled=True, size=45).encode(
        shape=alt.Shape("config:N", scale=shapes, title=legend_title, legend=entries))
    return alt.layer(lines, points).add_params(pick).properties(title=heading, width="container", height=HEIGHT)


def latency_throughput_spec(rows: pd.DataFrame, styles: dict[str, Style], name: str, heading: str,
                            log_latency: bool = True, legend_cols: int = 1) -> dict:
    """Spec of :func:`latency_throughput_chart`; ``legend_cols`` 1 in a half-width column."""
    points = rows[["config", "device", "platform", "precision", "pruning_pct", "dataset", "batch", "lat_comp_ms",
                   "fps_comp"]]
    structure = (pairs(styles, points["config"].unique()), name, heading, log_latency, legend_cols)
    return with_data(latency_throughput_chart, structure, points=points)


def boxplot_chart(metric: str, heading: str, colors: tuple[tuple[str, str], ...], groups: tuple[str, ...],
                  ticks: tuple[float, ...], prunings: tuple[str, ...]) -> alt.LayerChart:
    """The spread of ``metric`` (log) per precision · platform, one box per pruning factor side by
    side (full width first), from pre-computed statistics (dataset ``boxes``): whiskers min to max,
    box the quartiles, a tick the median. Colour: the configuration's shade of its platform."""
    x = alt.X("quant_model:N", sort=list(groups), title="Precision · platform",
              axis=alt.Axis(labelAngle=-30, labelLimit=240, labelOverlap=False))
    offset = alt.XOffset("pruning:N", sort=list(prunings))
    y_scale = alt.Scale(type="log", nice=False, padding=6)
    axis = alt.Axis(values=list(ticks), format="~g") if ticks else alt.Axis(format="~g")
    color = alt.Color("config:N", scale=scale(colors), legend=None)
    tip = tooltips((field("device", "N", label="Platform"), field("precision", "N"), field("pruning", "N",
                                                                                            label="Pruning (%)"),
                    field("count", "Q", "d", "Measurements"), field("min", "Q", ",.4~g", f"Min {title(metric)}"),
                    field("q1", "Q", ",.4~g", "First quartile"), field("median", "Q", ",.4~g", "Median"),
                    field("q3", "Q", ",.4~g", "Third quartile"), field("max", "Q", ",.4~g", "Max")))
    base = alt.Chart(alt.NamedData(name="boxes")).encode(x=x, xOffset=offset, tooltip=tip)
    whiskers = base.mark_rule(strokeWidth=1.2).encode(y=alt.Y("min:Q", scale=y_scale, title=title(metric), axis=axis),
                                                      y2="max:Q", color=color)
    boxes = base.mark_bar(size=9, stroke="#333", strokeWidth=0.5).encode(y=alt.Y("q1:Q", scale=y_scale), y2="q3:Q",
                                                                        color=color)
    medians = base.mark_tick(color="#000", thickness=2, size=9).encode(y=alt.Y("median:Q", scale=y_scale))
    return alt.layer(whiskers, boxes, medians).properties(title=heading, width="container", height=300)


def boxplot_spec(stats: pd.DataFrame, metric: str, heading: str, colors: dict[str, str]) -> dict:
    """Spec of :func:`boxplot_chart` for :func:`qb_core.measurements.box_statistics` output."""
    groups = tuple(stats.sort_values(["precision_rank", "device"])["quant_model"].unique())
    ticks = tuple(log_ticks(float(stats["min"].min()), float(stats["max"].max())))
    prunings = tuple(stats.sort_values("pruning_pct", ascending=False)["pruning"].unique())
    structure = (metric, heading, pairs(colors, stats["config"]), groups, ticks, prunings)
    return with_data(boxplot_chart, structure, boxes=stats)


def pareto_chart(styles: tuple[tuple[str, Style], ...], x_field: str = "fps_comp", maximize_x: bool = True,
                 ) -> alt.LayerChart:
    """Top-1 accuracy against ``x_field`` (log): a line per config (dataset ``points``) and the
    Pareto front (dataset ``front``) as a black staircase: the best accuracy reachable at each x."""
    pick = alt.selection_point(name="pareto_pick", fields=["config"], bind="legend")
    colors, shapes, _ = style_scales(styles)
    legend_title = "Configuration"
    entries = legend(columns=legend_columns(len(styles)), orient="bottom")
    x = alt.X(f"{x_field}:Q", scale=LOG, title=title(x_field))
    y = alt.Y("top1_pct:Q", scale=alt.Scale(zero=False), title=title("top1_pct"))
    tooltip = tooltips((*CONFIG_FIELDS, field("batch", "Q", ",d"), field("top1_pct", "Q", ".2f"),
                        field(x_field, "Q", ",.4~g")))
    lines = alt.Chart(alt.NamedData(name="points")).mark_line(point=False, strokeWidth=1.5).encode(
        x=x, y=y, order=f"{x_field}:Q", tooltip=tooltip,
        color=alt.Color("config:N", scale=colors, title=legend_title, legend=entries),
        opacity=alt.when(pick).then(alt.value(0.9)).otherwise(alt.value(0.1))).add_params(pick)
    dots = alt.Chart(alt.NamedData(name="points")).mark_point(filled=True, size=40).encode(
        x=x, y=y, tooltip=tooltip, color=alt.Color("config:N", scale=colors, title=legend_title, legend=entries),
        shape=alt.Shape("config:N", scale=shapes, title=legend_title, legend=entries),
        opacity=alt.when(pick).then(alt.value(0.9)).otherwise(alt.value(0.1)))
    # Sorted by x, the front's accuracy falls when x is maximized and rises when it is minimized.
    frontier = alt.Chart(alt.NamedData(name="front")).mark_line(
        color="black", strokeWidth=2.5, interpolate="step-before" if maximize_x else "step-after").encode(
        x=x, y=y, order=f"{x_field}:Q")
    front_points = alt.Chart(alt.NamedData(name="front")).mark_point(
        color="black", size=80, shape="diamond", filled=True).encode(x=x, y=y, tooltip=tooltip)
    return alt.layer(lines, frontier, dots, front_points).properties(width="container", height=HEIGHT)


def pareto_spec(rows: pd.DataFrame, front: pd.DataFrame, styles: dict[str, Style], x_field: str = "fps_comp",
                maximize_x: bool = True) -> dict:
    keep = list(dict.fromkeys(["config", "device", "platform", "precision", "pruning_pct", "dataset", "batch",
                               "top1_pct", x_field]))
    return with_data(pareto_chart, (pairs(styles, rows["config"].unique()), x_field, maximize_x),
                     points=rows[keep], front=front[keep])

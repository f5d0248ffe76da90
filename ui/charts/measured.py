"""Measurement charts: latency against throughput, the spread per pruning factor, the Pareto front."""

from __future__ import annotations

import altair as alt
import pandas as pd

from qb_core.labels import title
from qb_core.vocabulary import VARIANT_KEYS, variant_label
from ui.charts.core import HEIGHT, LOG, field, legend, legend_columns, log_ticks, pairs, scale, tooltips, with_data
from ui.colors import NETWORK_HUES, PRUNING_LIGHTNESS, Style, shade

CONFIG_FIELDS = (field("config", "N"), field("device", "N", label="Platform"), field("precision", "N"),
                 field("pruning_pct", "Q", "g"), field("dataset", "N", label="Data set"))


def style_scales(styles: tuple[tuple[str, Style], ...]) -> tuple[alt.Scale, alt.Scale, alt.Scale]:
    """Colour, shape and dash scales of configurations (one legend: same field, same title)."""
    return (scale(tuple((c, s.color) for c, s in styles)), scale(tuple((c, s.shape) for c, s in styles)),
            scale(tuple((c, s.dash) for c, s in styles)))


def latency_throughput_chart(styles: tuple[tuple[str, Style], ...], name: str, heading: str,
                             log_latency: bool, legend_cols: int = 1, fields: tuple[str, str] = ("lat_comp_ms",
                                                                                                 "fps_comp"),
                             domains: tuple[tuple[float, float], tuple[float, float]] | None = None) -> alt.LayerChart:
    """Latency (``fields[0]``) against throughput (``fields[1]``, log), one line per config joined in
    batch order (dataset ``points``); both axes over ``domains`` when given, so two panels share
    them; a click on a legend entry highlights that config (named parameter ``name``). Colour: the
    platform's hue, lighter when pruned; shape: precision; dash: op mode."""
    pick = alt.selection_point(name=name, fields=["config"], bind="legend")
    colors, shapes, dashes = style_scales(styles)
    legend_title = "Configuration"
    entries = legend(columns=legend_cols, orient="bottom")
    latency, throughput = fields
    x_domain, y_domain = domains or (None, None)
    x_scale = alt.Scale(type="log" if log_latency else "linear", domain=list(x_domain) if x_domain else alt.Undefined,
                        nice=False if x_domain else alt.Undefined)
    y_scale = alt.Scale(type="log", domain=list(y_domain) if y_domain else alt.Undefined,
                        nice=False if y_domain else alt.Undefined)
    x = alt.X(f"{latency}:Q", title=title(latency) + (", log scale" if log_latency else ""), scale=x_scale)
    y = alt.Y(f"{throughput}:Q", scale=y_scale, title=title(throughput) + ", log scale")
    opacity = alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.12))
    base = alt.Chart(alt.NamedData(name="points")).encode(
        x=x, y=y, color=alt.Color("config:N", scale=colors, title=legend_title, legend=entries), opacity=opacity,
        tooltip=tooltips((*CONFIG_FIELDS, field("batch", "Q", ",d"), field(latency, "Q", ",.4~g"),
                          field(throughput, "Q", ",.0f"))), order="batch:Q")
    lines = base.mark_line(strokeWidth=1.8).encode(
        strokeDash=alt.StrokeDash("config:N", scale=dashes, title=legend_title, legend=entries))
    points = base.mark_point(filled=True, size=45).encode(
        shape=alt.Shape("config:N", scale=shapes, title=legend_title, legend=entries))
    return alt.layer(lines, points).add_params(pick).properties(title=heading, width="container", height=HEIGHT)


def latency_throughput_spec(rows: pd.DataFrame, styles: dict[str, Style], name: str, heading: str,
                            log_latency: bool = True, legend_cols: int = 1,
                            fields: tuple[str, str] = ("lat_comp_ms", "fps_comp"),
                            domains: tuple[tuple[float, float], tuple[float, float]] | None = None) -> dict:
    """Spec of :func:`latency_throughput_chart`; ``legend_cols`` 1 in a half-width column."""
    points = rows[["config", "device", "platform", "precision", "pruning_pct", "dataset", "batch", *fields]]
    structure = (pairs(styles, points["config"].unique()), name, heading, log_latency, legend_cols, tuple(fields),
                 domains)
    return with_data(latency_throughput_chart, structure, points=points)


def variant_shades(variants: pd.DataFrame) -> tuple[tuple[str, str], ...]:
    """(variant, colour) per row of ``variants`` (``variant``, ``topology``, ``pruning_pct``; one row
    each, in legend order): a hue per network (:data:`ui.colors.NETWORK_HUES`), lighter as it is
    pruned further (:func:`ui.colors.shade`)."""
    hues = {t: NETWORK_HUES[i % len(NETWORK_HUES)] for i, t in enumerate(dict.fromkeys(variants["topology"]))}
    rank = variants.groupby("topology", sort=False)["pruning_pct"].rank(ascending=False, method="dense") - 1
    count = variants.groupby("topology", sort=False)["pruning_pct"].transform("nunique")
    return tuple((v, shade(hues[t], int(r), int(n), PRUNING_LIGHTNESS))
                 for v, t, r, n in zip(variants["variant"], variants["topology"], rank, count, strict=True))


def sweep_chart(metric: str, heading: str, shades: tuple[tuple[str, str], ...], groups: tuple[str, ...],
                ticks: tuple[float, ...], batches: tuple[float, float]) -> alt.LayerChart:
    """``metric`` (log) per precision · platform, one column per network variant side by side (full
    width first): a dot per measured batch size (bigger for a bigger batch) on a line over the
    configuration's sweep (dataset ``sweep``). Colour: the network variant, a hue per network and
    lighter when pruned (its own legend); the platform is on the axis."""
    x = alt.X("quant_model:N", sort=list(groups), title="Precision · platform",
              axis=alt.Axis(labelAngle=-30, labelLimit=240, labelOverlap=False))
    offset = alt.XOffset("variant:N", sort=[v for v, _ in shades])
    y_scale = alt.Scale(type="log", nice=False, padding=6)
    axis = alt.Axis(values=list(ticks), format="~g") if ticks else alt.Axis(format="~g")
    color = alt.Color("variant:N", scale=scale(shades), title="Network variant (lighter: pruned)",
                      legend=legend(orient="top", columns=legend_columns(len(shades), 3), symbolStrokeColor="#333",
                                    symbolStrokeWidth=0.5))
    tip = tooltips((field("config", "N"), field("device", "N", label="Platform"), field("precision", "N"),
                    field("variant", "N"), field("batch", "Q", ",d", "Batch"),
                    field("value", "Q", ",.4~g", title(metric)), field("batches", "Q", "d", "Batch sizes measured"),
                    field("low", "Q", ",.4~g", "Lowest over the sweep"),
                    field("high", "Q", ",.4~g", "Highest over the sweep")))
    base = alt.Chart(alt.NamedData(name="sweep")).encode(x=x, xOffset=offset, tooltip=tip)
    lines = base.mark_rule(strokeWidth=1.4).encode(
        y=alt.Y("low:Q", scale=y_scale, title=title(metric) + ", log scale", axis=axis), y2="high:Q", color=color)
    dots = base.mark_point(filled=True, stroke="#333", strokeWidth=0.5, opacity=0.95).encode(
        y=alt.Y("value:Q", scale=y_scale), color=color,
        size=alt.Size("batch:Q", title="Batch size", scale=alt.Scale(type="log", domain=list(batches),
                                                                     range=[18, 150]),
                      legend=legend(orient="top", symbolFillColor="#777", symbolStrokeColor="#333")))
    return alt.layer(lines, dots).properties(title=heading, width="container", height=300)


def sweep_spec(sweep: pd.DataFrame, metric: str, heading: str) -> dict:
    """Spec of :func:`sweep_chart` for :func:`qb_core.measurements.spread.batch_sweep` output."""
    sweep = sweep.assign(variant=variant_label(sweep["topology"], sweep["pruning_pct"]))
    groups = tuple(sweep.sort_values(["precision_rank", "device"])["quant_model"].unique())
    ticks = tuple(log_ticks(float(sweep["value"].min()), float(sweep["value"].max())))
    variants = sweep.drop_duplicates("variant").sort_values(list(VARIANT_KEYS), ascending=[True, False])
    batch = pd.to_numeric(sweep["batch"], errors="coerce")
    batches = (float(max(batch.min(), 1)), float(max(batch.max(), 2)))
    structure = (metric, heading, variant_shades(variants[["variant", *VARIANT_KEYS]]), groups, ticks,
                 batches)
    return with_data(sweep_chart, structure, sweep=sweep)


def pareto_chart(styles: tuple[tuple[str, Style], ...], x_field: str = "fps_comp", maximize_x: bool = True,
                 ) -> alt.LayerChart:
    """Top-1 accuracy against ``x_field`` (log): a line per config (dataset ``points``) and the
    Pareto front (dataset ``front``) as a black staircase: the best accuracy reachable at each x."""
    pick = alt.selection_point(name="pareto_pick", fields=["config"], bind="legend")
    colors, shapes, _ = style_scales(styles)
    legend_title = "Configuration"
    entries = legend(columns=legend_columns(len(styles)), orient="bottom")
    x = alt.X(f"{x_field}:Q", scale=LOG, title=title(x_field) + ", log scale")
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

"""Theory meets measurement: efficiency bars, its spread per family, energy, predicted against
measured Pareto fronts, per-layer rooflines and the calibrated model against the measurements."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from qb_core.labels import title
from qb_core.measurements.dataset import BUNDLED_DATASET
from qb_core.units import us_from_s
from qb_core.vocabulary import CONFIG_KEYS, variant_label
from ui.charts.core import (
    HEIGHT,
    LOG,
    MIN_PLOT,
    field,
    legend,
    log_title,
    pairs,
    scale,
    tooltips,
    with_data,
)

SERIES = ("Peak compute", "Roofline prediction", "Measured")
#: One shape per series, so the dot plot tells them apart without reading lengths on a log axis.
SERIES_SHAPES = ("triangle-right", "diamond", "circle")
JOIN_FIELDS = (field("config", "N"), field("device", "N", label="Platform"), field("precision", "N"),
               field("variant", "N"), field("dataset", "N", label="Data set"), field("status", "N", label="Status"))


def efficiency_chart(colors: tuple[tuple[str, str], ...], rows: tuple[str, ...]) -> alt.LayerChart:
    """Per paired configuration, a dot plot on a log axis (a bar's length means nothing there): the
    platform's peak compute (peak / ops per input), the roofline prediction and the measurement,
    one shape each, a grey line across the gap from measurement to prediction, each row labelled
    with its efficiency right of its last point; colour per platform, rows grouped by platform (datasets ``bars``,
    ``gaps``, ``labels``)."""
    y = alt.Y("row:N", sort=list(rows), title=None, axis=alt.Axis(labelLimit=320, labelOverlap=False))
    x = alt.X("value:Q", scale=LOG, title="Inputs per second, log scale")
    tip = tooltips((*JOIN_FIELDS, field("series", "N", label="Point"), field("value", "Q", ",.0f", "Inputs/s"),
                    field("efficiency_pct", "Q", ".1f"), field("bound", "N"), field("measured_batch", "Q", ",d")))
    gaps = alt.Chart(alt.NamedData(name="gaps")).mark_rule(color="#999", strokeWidth=2).encode(
        y=y, x=alt.X("measured_fps:Q", scale=LOG), x2="predicted_fps:Q")
    dots = alt.Chart(alt.NamedData(name="bars")).mark_point(size=90, filled=True, opacity=0.95).encode(
        y=y, x=x, color=alt.Color("device:N", scale=scale(colors), title="Platform (op mode)", legend=legend()),
        shape=alt.Shape("series:N", scale=alt.Scale(domain=list(SERIES), range=list(SERIES_SHAPES)), title="Point",
                        legend=legend(symbolFillColor="#555", symbolStrokeColor="#555")),
        tooltip=tip)
    labels = alt.Chart(alt.NamedData(name="labels")).mark_text(align="left", dx=8, fontSize=10, fontWeight="bold",
                                                               color="#111")
    labels = labels.encode(y=y, x=x, text="text:N", tooltip=tooltips((*JOIN_FIELDS, field("efficiency_pct", "Q",
                                                                                            ".1f"))))
    return alt.layer(gaps, dots, labels).properties(width="container", height=max(MIN_PLOT, 22 * len(rows)))


def efficiency_spec(paired: pd.DataFrame, device_colors: dict[str, str]) -> dict:
    """Spec of :func:`efficiency_chart` for the paired rows of the join."""
    table = paired.assign(row=paired["device"] + " · " + paired["precision"] + " · " + paired["variant"]
                          + np.where(paired["dataset"] != BUNDLED_DATASET, " · " + paired["dataset"], ""))
    table = table.sort_values(list(CONFIG_KEYS), ascending=[True, True, True, False])
    keep = ["row", "config", "device", "precision", "variant", "dataset", "status", "efficiency_pct", "bound",
            "measured_batch"]
    long = table.melt(id_vars=keep, value_vars=["peak_fps", "predicted_fps", "measured_fps"], var_name="series",
                      value_name="value")
    long["series"] = long["series"].map(dict(zip(["peak_fps", "predicted_fps", "measured_fps"], SERIES, strict=True)))
    measured = long[long["series"] == SERIES[2]]
    rightmost = long.groupby("row")["value"].max()  # the label right of the row's last point, over none of them
    labels = measured.assign(text=measured["efficiency_pct"].map("{:.1f}%".format),
                             value=measured["row"].map(rightmost))
    gaps = table[["row", "measured_fps", "predicted_fps"]]
    structure = (pairs(device_colors, table["device"]), tuple(table["row"]))
    return with_data(efficiency_chart, structure, bars=long, gaps=gaps, labels=labels)


def efficiency_spread_chart(colors: tuple[tuple[str, str], ...], families: tuple[str, ...]) -> alt.LayerChart:
    """Efficiency (log) of every paired configuration per platform family: a point per
    configuration in its platform's colour, the family median as a black tick, 100 % as a rule."""
    y = alt.Y("family:N", sort=list(families), title="Family")
    x = alt.X("efficiency_pct:Q", scale=LOG, title=log_title("efficiency_pct"))
    points = alt.Chart(alt.NamedData(name="points")).mark_point(filled=True, size=70, opacity=0.85).encode(
        x=x, y=y, yOffset=alt.YOffset("jitter:Q"),
        color=alt.Color("device:N", scale=scale(colors), title="Platform (op mode)", legend=legend()),
        tooltip=tooltips((*JOIN_FIELDS, field("efficiency_pct", "Q", ".1f"), field("bound", "N"))))
    medians = alt.Chart(alt.NamedData(name="medians")).mark_tick(color="#000", thickness=3, size=34).encode(
        x=x, y=y, tooltip=tooltips((field("family", "N", label="Family"),
                                    field("efficiency_pct", "Q", ".1f", "Median efficiency (%)"))))
    roof = alt.Chart(alt.NamedData(name="roof")).mark_rule(color="#b00", strokeDash=[4, 3]).encode(x=x)
    return alt.layer(roof, points, medians).properties(width="container", height=max(MIN_PLOT, 70 * len(families)))


def efficiency_spread_spec(paired: pd.DataFrame, device_colors: dict[str, str]) -> dict:
    table = paired[np.isfinite(paired["efficiency_pct"]) & (paired["efficiency_pct"] > 0)]
    rank = table.groupby("family").cumcount()
    points = table.assign(jitter=(rank % 7 - 3) * 5.0)[["family", "device", "jitter", "efficiency_pct", "config",
                                                        "precision", "variant", "dataset", "status", "bound"]]
    medians = table.groupby("family", as_index=False)["efficiency_pct"].median()
    families = tuple(medians.sort_values("efficiency_pct", ascending=False)["family"])
    return with_data(efficiency_spread_chart, (pairs(device_colors, table["device"]), families),
                     points=points, medians=medians, roof=pd.DataFrame({"efficiency_pct": [100.0]}))


ENERGY_SERIES = ("Measured, full board", "Measured, above idle", "Ideal (roofline speed, measured power)")
ENERGY_SHAPES = ("circle", "square", "diamond")


def energy_chart(colors: tuple[tuple[str, str], ...], rows: tuple[str, ...], column: str) -> alt.LayerChart:
    """Energy per input (mJ) or inputs per joule (log) per configuration as a dot plot: measured at
    full board power, measured above the idle power (what the inference itself adds) and ideal (the
    same full power / roofline inputs/s, see :mod:`qb_core.analyses.energy`), one shape each; dataset
    ``energy``, each row with its note where an ideal is above the measured energy."""
    y = alt.Y("row:N", sort=list(rows), title=None, axis=alt.Axis(labelLimit=320, labelOverlap=False))
    return alt.Chart(alt.NamedData(name="energy")).mark_point(size=90, filled=True, opacity=0.95).encode(
        y=y, x=alt.X("value:Q", scale=LOG, title=log_title(column)),
        color=alt.Color("device:N", scale=scale(colors), title="Platform (op mode)", legend=legend()),
        shape=alt.Shape("series:N", scale=alt.Scale(domain=list(ENERGY_SERIES), range=list(ENERGY_SHAPES)),
                        title="Point", legend=legend(symbolFillColor="#555", symbolStrokeColor="#555")),
        tooltip=tooltips((*JOIN_FIELDS, field("series", "N", label="Point"),
                          field("value", "Q", ",.4~g", title(column)),
                          field("full_power_w", "Q", ".3~g"), field("idle_power_w", "Q", ".3~g"),
                          field("power_w", "Q", ".3~g"), field("measured_fps", "Q", ",.0f"),
                          field("predicted_fps", "Q", ",.0f"), field("energy_note", "N", label="Note")))
    ).properties(width="container", height=max(MIN_PLOT, 22 * len(rows)))


def energy_spec(paired: pd.DataFrame, device_colors: dict[str, str], measure: str = "mj_per_input") -> dict:
    """Spec of :func:`energy_chart` over :func:`qb_core.analyses.energy.ideal_energy` rows; ``measure`` is
    ``mj_per_input`` or ``inputs_per_joule``."""
    above = {"mj_per_input": "mj_above_idle", "inputs_per_joule": "inputs_per_joule_above_idle"}[measure]
    ideal = {"mj_per_input": "ideal_mj_per_input", "inputs_per_joule": "ideal_inputs_per_joule"}[measure]
    table = paired[paired[measure].notna()].assign(
        row=lambda f: f["device"] + " · " + f["precision"] + " · " + f["variant"]
        + np.where(f["dataset"] != BUNDLED_DATASET, " · " + f["dataset"], ""))
    table = table.sort_values(list(CONFIG_KEYS), ascending=[True, True, True, False])
    keep = ["row", "config", "device", "precision", "variant", "dataset", "status", "full_power_w", "idle_power_w",
            "power_w", "measured_fps", "predicted_fps", "energy_note"]
    long = table.melt(id_vars=keep, value_vars=[measure, above, ideal], var_name="series", value_name="value")
    long["series"] = long["series"].map(dict(zip([measure, above, ideal], ENERGY_SERIES, strict=True)))
    long = long[np.isfinite(long["value"])]
    return with_data(energy_chart, (pairs(device_colors, table["device"]), tuple(table["row"]), measure), energy=long)


def pareto_gap_chart(colors: tuple[tuple[str, str], ...]) -> alt.LayerChart:
    """Top-1 accuracy against inputs/s (log): predicted points (crosses) and measured points
    (circles) per configuration, and both Pareto fronts (predicted dashed, measured solid);
    datasets ``points`` and ``fronts``."""
    x = alt.X("fps:Q", scale=LOG, title="Inputs per second, log scale: roofline prediction or measured")
    y = alt.Y("top1_pct:Q", scale=alt.Scale(zero=False), title=title("top1_pct"))
    kind = alt.Shape("kind:N", scale=alt.Scale(domain=["predicted", "measured"], range=["cross", "circle"]),
                     title="Point", legend=legend())
    points = alt.Chart(alt.NamedData(name="points")).mark_point(filled=True, size=75, opacity=0.85).encode(
        x=x, y=y, shape=kind,
        color=alt.Color("device:N", scale=scale(colors), title="Platform (op mode)", legend=legend()),
        tooltip=tooltips((field("kind", "N", label="Point"), *JOIN_FIELDS, field("fps", "Q", ",.0f", "Inputs/s"),
                          field("top1_pct", "Q", ".2f"), field("efficiency_pct", "Q", ".1f"),
                          field("on_front", "N", label="On its front"))))
    fronts = alt.Chart(alt.NamedData(name="fronts")).mark_line(color="#000", strokeWidth=2,
                                                               interpolate="step-before").encode(
        x=x, y=y, detail="front:N", order="fps:Q",
        strokeDash=alt.StrokeDash("front:N", scale=alt.Scale(domain=["predicted front", "measured front"],
                                                             range=[[6, 4], [1, 0]]),
                                  title="Pareto front", legend=alt.Legend(symbolType="stroke", symbolSize=400,
                                                                          symbolStrokeColor="#000")))
    return alt.layer(fronts, points).properties(width="container", height=HEIGHT)


def pareto_gap_spec(points: pd.DataFrame, fronts: pd.DataFrame, device_colors: dict[str, str]) -> dict:
    keep = ["kind", "config", "device", "precision", "variant", "dataset", "status", "fps", "top1_pct",
            "efficiency_pct", "on_front"]
    return with_data(pareto_gap_chart, (pairs(device_colors, points["device"]),), points=points[keep],
                     fronts=fronts[["kind", "fps", "top1_pct"]].assign(front=fronts["kind"] + " front"))


LAYER_FIELDS = (field("name", "N", label="Layer"), field("kind", "N", label="Kind"), field("ops", "Q", ",d", "Ops"),
                field("bytes", "Q", ",.0f", "Off-chip bytes"), field("intensity", "Q", ",.1f"),
                field("compute_us", "Q", ",.3~g", "Compute time (µs)"),
                field("memory_us", "Q", ",.3~g", "Memory time (µs)"), field("bound", "N"),
                field("time_share_pct", "Q", ".1f", "Share of the time (%)"))


def layer_roofline_chart(color: str) -> alt.LayerChart:
    """One platform x precision roofline (dataset ``roof``) with each layer of the network as a
    labelled point at its intensity and attainable TOP/s (dataset ``layers``)."""
    x = alt.X("intensity:Q", scale=LOG, title=title("intensity") + ", per layer, log scale")
    y = alt.Y("tops:Q", scale=LOG, title=title("tops") + " attainable, log scale")
    roof = alt.Chart(alt.NamedData(name="roof")).mark_line(color=color, strokeWidth=2.2).encode(
        x=x, y=y, order="point:Q")
    x = alt.X("x:Q", scale=LOG, title=title("intensity") + ", per layer, log scale")
    points = alt.Chart(alt.NamedData(name="layers")).mark_point(filled=True, size=110, color=color,
                                                                stroke="#000", strokeWidth=0.7).encode(
        x=x, y=y, shape=alt.Shape("bound:N", scale=alt.Scale(domain=["memory", "compute"],
                                                             range=["triangle-down", "circle"]),
                                  title="Layer is", legend=legend()),
        tooltip=tooltips(LAYER_FIELDS))
    rows = [alt.Chart(alt.NamedData(name=f"labels_{i}")).mark_text(align="left", dx=6, dy=dy, fontSize=11,
                                                                   color="#111").encode(x=x, y=y, text="names:N")
            for i, dy in enumerate(LABEL_ROWS_DY)]
    at_end = alt.Chart(alt.NamedData(name="labels_end")).mark_text(align="right", dx=-8, dy=-12, fontSize=11,
                                                                   color="#111").encode(x=x, y=y, text="names:N")
    return alt.layer(roof, points, *rows, at_end).properties(width="container", height=HEIGHT - 60)


def layer_time_chart() -> alt.Chart:
    """Time per input of every layer (µs), its compute and its memory time side by side (dataset
    ``times``, in network order by its ``order`` field, so the template never holds layer names:
    a user's network may have thousands); the longer of the two is the layer's time."""
    return alt.Chart(alt.NamedData(name="times")).mark_bar().encode(
        x=alt.X("name:N", sort=alt.EncodingSortField("order", order="ascending"), title="Layer",
                axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("part:N", sort=["compute", "memory"]),
        y=alt.Y("us:Q", title="Time per input (µs)"),
        color=alt.Color("part:N", scale=alt.Scale(domain=["compute", "memory"], range=["#4c78a8", "#e45756"]),
                        title="Time for", legend=legend()),
        opacity=alt.Opacity("binding:N", scale=alt.Scale(domain=["sets the time", "hidden"], range=[1.0, 0.35]),
                            title="", legend=legend()),
        tooltip=tooltips((*LAYER_FIELDS[:2], field("part", "N", label="Time for"), field("us", "Q", ",.3~g",
                                                                                        "Time (µs)"),
                          field("binding", "N", label="")))).properties(width="container", height=280)


def _few(names: pd.Series, limit: int = 2) -> str:
    """Names of the layers at one point: all of them up to ``limit``, else the first and how many
    more (labels stay short enough not to run into their neighbours; the tooltip names each)."""
    names = list(names)
    return ", ".join(names) if len(names) <= limit else f"{names[0]} +{len(names) - 1} more"


#: Points of the per-layer roofline that carry a label (those holding the most time); the others on hover.
MAX_LAYER_LABELS = 4
#: Rows a layer label may sit in, as offsets from its point (px): above, below, further above, further below.
LABEL_ROWS_DY = (-10, 14, -24, 28)
#: Label geometry at a 1280 px window: the plot's narrowest width and a character's width at 11 px (px).
LAYER_PLOT_PX, LABEL_CHAR_PX = 600, 6.4


def label_rows(x: pd.Series, text: pd.Series, x_min: float, x_max: float) -> np.ndarray:
    """The row of :data:`LABEL_ROWS_DY` each label (sorted by ``x``, on a log axis from ``x_min`` to
    ``x_max``) takes: the first whose labels so far end left of it, so no two labels of a row
    overlap; -1 where no row has room (that point is named on hover)."""
    span = max(np.log10(x_max) - np.log10(x_min), 1e-9)
    left = (np.log10(x.to_numpy(dtype=float)) - np.log10(x_min)) / span * LAYER_PLOT_PX
    right = left + 6 + LABEL_CHAR_PX * text.astype(str).str.len().to_numpy()
    ends = np.full(len(LABEL_ROWS_DY), -np.inf)
    rows = np.full(len(x), -1)
    for i, (start, end) in enumerate(zip(left, right, strict=True)):
        free = np.flatnonzero(ends + 4 <= start)
        if free.size:
            rows[i] = free[0]
            ends[free[0]] = end
    return rows


def layer_specs(layers: pd.DataFrame, roof_points: pd.DataFrame, color: str) -> tuple[dict, dict]:
    """Specs of the per-layer roofline and the per-layer time bars for one configuration's layers
    (:func:`qb_core.analyses.layers.layer_roofline`) and its roofline's corner points."""
    computing = layers[layers["bound"] != "none"]
    total = float(layers["time_s"].sum())
    shown = computing.assign(
        tops=computing["attained_tops"], compute_us=us_from_s(computing["compute_s"]),
        memory_us=us_from_s(computing["memory_s"]), time_share_pct=100 * computing["time_s"] / total if total else 0.0)
    shown = shown[shown["tops"] > 0]
    # nothing off chip: no finite intensity, so the layer sits at the right end of its roof (the peak)
    unbounded = ~np.isfinite(shown["intensity"].astype(float))
    right_end = float(roof_points["intensity"].max())
    shown = shown.assign(x=shown["intensity"].where(~unbounded, right_end),
                         intensity=shown["intensity"].where(~unbounded), label=shown["name"],
                         name=shown["name"].where(~unbounded, shown["name"] + " (nothing off chip)"))
    keep = [f[0] for f in LAYER_FIELDS] + ["tops", "x"]
    times = pd.concat([
        layers.assign(part="compute", us=us_from_s(layers["compute_s"]), order=np.arange(len(layers)),
                      binding=np.where(layers["compute_s"] >= layers["memory_s"], "sets the time", "hidden")),
        layers.assign(part="memory", us=us_from_s(layers["memory_s"]), order=np.arange(len(layers)),
                      binding=np.where(layers["memory_s"] > layers["compute_s"], "sets the time", "hidden")),
    ])[["name", "kind", "part", "us", "binding", "order"]]
    position = (shown["x"].round(6).astype(str) + "|" + shown["tops"].round(6).astype(str)).rename("position")
    labels = shown.groupby(position, sort=False).agg(x=("x", "first"), tops=("tops", "first"),
                                                     names=("label", _few), off_chip=("intensity", "count"),
                                                     share=("time_share_pct", "sum"))
    labels["names"] = labels["names"].where(labels["off_chip"] > 0, labels["names"] + ": nothing off chip")
    labels = labels.nlargest(MAX_LAYER_LABELS, "share")  # a deep network: the slowest points named, the rest on hover
    labels = labels.sort_values("x").reset_index(drop=True)
    end, inside = labels[labels["off_chip"] == 0], labels[labels["off_chip"] > 0]  # the right end: label leftwards
    row = label_rows(inside["x"], inside["names"], float(roof_points["intensity"].min()),
                     float(roof_points["intensity"].max()))
    rows = {f"labels_{i}": inside[row == i] for i in range(len(LABEL_ROWS_DY))}
    roofline = with_data(layer_roofline_chart, (color,), roof=roof_points[["point", "intensity", "tops"]],
                         layers=shown[keep], labels_end=end, **rows)
    bars = with_data(layer_time_chart, (), times=times)
    return roofline, bars


MODEL_SHAPES = {"datasheet roofline": "square", "model, tested (held out)": "circle",
                "model, untested (held out)": "diamond"}


def calibration_chart(colors: tuple[tuple[str, str], ...]) -> alt.LayerChart:
    """Prediction against measurement (both log, inputs/s) for each model and configuration
    (dataset ``points``): on the diagonal a prediction is exact, inside the band within +-25 %."""
    x = alt.X("measured_fps:Q", scale=LOG, title=log_title("measured_fps"))
    y = alt.Y("predicted:Q", scale=LOG, title="Predicted inputs/s, log scale")
    band = alt.Chart(alt.NamedData(name="band")).mark_area(opacity=0.15, color="#2a9d8f").encode(
        x=x, y=alt.Y("low:Q", scale=LOG), y2="high:Q")
    diagonal = alt.Chart(alt.NamedData(name="band")).mark_line(color="#333", strokeDash=[4, 3]).encode(
        x=x, y=alt.Y("measured_fps:Q", scale=LOG))
    points = alt.Chart(alt.NamedData(name="points")).mark_point(filled=True, size=70, opacity=0.85).encode(
        x=x, y=y, color=alt.Color("device:N", scale=scale(colors), title="Platform (op mode)", legend=legend()),
        shape=alt.Shape("model:N", scale=alt.Scale(domain=list(MODEL_SHAPES), range=list(MODEL_SHAPES.values())),
                        title="Model", legend=legend()),
        tooltip=tooltips((field("model", "N", label="Model"), field("device", "N", label="Platform"),
                          field("precision", "N"), field("variant", "N"), field("measured_fps", "Q", ",.0f"),
                          field("predicted", "Q", ",.0f", "Predicted inputs/s"), field("error_pct", "Q", "+.1f"))))
    return alt.layer(band, diagonal, points).properties(width="container", height=HEIGHT)


def calibration_spec(table: pd.DataFrame, device_colors: dict[str, str]) -> dict:
    """Spec of :func:`calibration_chart` for :func:`qb_core.model.batch_model.calibration_table` rows: the
    datasheet roofline's and the held-out model's inputs/s against the measured, the model's
    points told apart by whether the hold-out calls them tested."""
    base = table.assign(variant=variant_label(table["topology"], table["pruning_pct"]),
                        model_name=np.where(table["evidence"].eq("tested"), "model, tested (held out)",
                                            "model, untested (held out)"))
    long = pd.concat([
        base.assign(model="datasheet roofline", predicted=base["roofline_fps"]),
        base.assign(model=base["model_name"], predicted=base["predicted_fps"]),
    ], ignore_index=True)[["device", "precision", "variant", "measured_fps", "model", "predicted"]]
    long = long.dropna(subset=["predicted"])
    long["error_pct"] = 100 * (long["predicted"] - long["measured_fps"]) / long["measured_fps"]
    low, high = float(base["measured_fps"].min()) / 1.5, float(base["measured_fps"].max()) * 1.5
    grid = np.geomspace(low, high, 2)
    band = pd.DataFrame({"measured_fps": grid, "low": grid * 0.75, "high": grid * 1.25})
    return with_data(calibration_chart, (pairs(device_colors, base["device"]),), points=long, band=band)



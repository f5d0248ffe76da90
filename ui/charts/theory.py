"""Theory charts: rooflines (with measured points and layer points), prediction heatmaps, the
networks and the hardware at a glance."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from qb_core.analyses.roofline_geometry import name_coinciding
from qb_core.labels import title
from qb_core.roofline_formulas import memory_roof_tops
from qb_core.vocabulary import CONFIG_KEYS, NETWORK_KEYS, PRECISION_RANK, PRECISIONS, TASKS, VARIANT_KEYS, variant_label
from ui.charts.core import (
    HALF_HEIGHT,
    HEIGHT,
    LOG,
    MIN_PLOT,
    compact_number,
    field,
    legend,
    legend_columns,
    log_title,
    pairs,
    scale,
    tooltips,
    with_data,
)
from ui.colors import PRECISION_COLORS, PRECISION_DASHES, PRECISION_SHAPES, TASK_COLORS

ROOF_TOOLTIP = (field("roof_devices", "N", label="Platform(s)"), field("precision", "N"), field("peak_tops"),
                field("bandwidth_gbps"), field("ridge_ops_per_byte"))
MEASURED_TOOLTIP = (field("config", "N"), field("device", "N"), field("precision", "N"), field("variant", "N"),
                    field("dataset", "N", label="Data set"), field("measured_batch", "Q", ",d"),
                    field("measured_fps", "Q", ",.0f"), field("predicted_fps", "Q", ",.0f"),
                    field("efficiency_pct", "Q", ".1f"), field("measured_tops", "Q", ".3~g"),
                    field("intensity", "Q", ",.1f"))
def intensity_labels(rules: pd.DataFrame) -> pd.DataFrame:
    """One label per network x precision, at the group's lowest intensity: ``CNV INT2`` and the
    variants' pruning range when there are several (their verticals sit within a few percent of
    each other), e.g. ``CNV 12.5–100% INT2``; drawn along the vertical, so neighbours never collide."""
    rules = rules[np.isfinite(rules["intensity"])]
    group = rules.groupby(["topology", "precision"], sort=False)
    first = rules.loc[group["intensity"].idxmin()].copy()
    key = pd.MultiIndex.from_frame(first[["topology", "precision"]])
    count = group["pruning_pct"].size().reindex(key).to_numpy()
    low = group["pruning_pct"].min().reindex(key).to_numpy()
    high = group["pruning_pct"].max().reindex(key).to_numpy()
    span = [f"{t} {lo:g}–{hi:g}% {p}" for t, lo, hi, p in zip(first["topology"], low, high, first["precision"],
                                                               strict=True)]
    first["text"] = np.where(count > 1, span, first["variant"].astype(str) + " " + first["precision"].astype(str))
    return first[["text", "intensity", "precision"]]


ACHIEVABLE_TOOLTIP = (field("device", "N", label="Platform"), field("precision", "N"),
                      field("achievable_tops", "Q", ".3~g", "Best measured (TOP/s)"),
                      field("peak_tops", "Q", ".3~g", "Datasheet peak (TOP/s)"),
                      field("achievable_pct", "Q", ".2~g", "Share of the datasheet peak (%)"),
                      field("best_config", "N", label="Measured as"), field("best_task", "N", label="Task"),
                      field("best_batch", "Q", ",d", "Batch"))


#: Vertical labels need this many px between them to be read (11 px type); the plot is at least
#: this wide at a 1280 px window (the legend takes the rest).
LABEL_GAP_PX, MIN_PLOT_WIDTH_PX = 13, 600


def readable_labels(labels: pd.DataFrame, x_min: float, x_max: float) -> pd.DataFrame:
    """The labels that can be read: each at least :data:`LABEL_GAP_PX` from every other one kept,
    on a log axis from ``x_min`` to ``x_max`` drawn :data:`MIN_PLOT_WIDTH_PX` wide. One label per
    network is placed first (so every network that can be named is), then the others; the rest
    are left out (their verticals keep their tooltips)."""
    if labels.empty or not (x_max > x_min > 0):
        return labels
    gap = LABEL_GAP_PX / MIN_PLOT_WIDTH_PX * (np.log10(x_max) - np.log10(x_min))
    labels = labels.reset_index(drop=True)
    network = labels["text"].str.split(" ").str[0]
    first = ~network.duplicated()
    order = list(labels.index[first]) + list(labels.index[~first])
    positions = np.log10(labels["intensity"].astype(float))
    kept: list = []
    for index in order:
        if all(abs(positions[index] - positions[other]) >= gap for other in kept):
            kept.append(index)
    return labels.loc[sorted(kept, key=lambda i: positions[i])]


def labels_left_out(intensities: pd.DataFrame, roof_points: pd.DataFrame) -> int:
    """How many network labels :func:`roofline_spec` leaves out of the chart (to say so)."""
    if intensities.empty:
        return 0
    labels = intensity_labels(intensities)
    return len(labels) - len(readable_labels(labels, float(roof_points["intensity"].min()),
                                             float(roof_points["intensity"].max())))


#: More variant intensities than this draw no verticals over every platform (an ImageNet selection
#: has 50): their operating points on the roofs carry them; focus on one platform to draw them.
MAX_VERTICALS = 24

OPERATING_TOOLTIP = (field("variant", "N"), field("precision", "N"), field("roof_devices", "N", label="Roof of"),
                     field("intensity", "Q", ",.1f"), field("tops", "Q", ".3~g", "Roofline TOP/s"),
                     field("bound", "N", label="Bound"))


def roofline_chart(colors: tuple[tuple[str, str], ...], precisions: tuple[str, ...], ghost: bool,
                   measured: bool = False, verticals: bool = True) -> alt.LayerChart:
    """Log-log rooflines over datasets ``roofs`` (three corner points per line: drawn straight they
    are exactly the memory and compute roofs), ``ridges`` and ``operating`` (each variant's
    operating point on each roof of its precision, hollow); with ``verticals`` a dashed vertical
    per variant x precision at its intensity (``rules``) and their ``labels``; with ``ghost`` the
    datasheet rooflines faded under what-if ones. With ``measured``, each measured configuration
    at (its intensity, its TOP/s) and each platform's best measured TOP/s as a dotted segment under
    its flat roof (dataset ``achievable``). Colour is the platform on every mark, so one legend names
    them; lines that coincide (ZCU104-FINN = ZCU104-BISMO) are drawn inside one another, the first
    wide under the next (dataset ``casing``), so each shows its own colour."""
    x = alt.X("intensity:Q", scale=LOG, title=title("intensity") + ", 2 ops per MAC, log scale")
    y = alt.Y("tops:Q", scale=LOG, title=title("tops") + ", log scale")
    color = alt.Color("device:N", scale=scale(colors), title="Platform (op mode)", legend=legend())
    dash_pairs = tuple((p, tuple(PRECISION_DASHES[p])) for p in precisions)
    shape_pairs = tuple((p, PRECISION_SHAPES[p]) for p in precisions)
    dash = alt.StrokeDash("precision:N", scale=scale(dash_pairs), title="Precision: line dash",
                          legend=legend(orient="top", columns=len(dash_pairs), symbolType="stroke", symbolSize=500,
                                        symbolStrokeWidth=2.2, symbolStrokeColor="#333"))
    layers = []
    if ghost:
        layers.append(alt.Chart(alt.NamedData(name="ghost")).mark_line(strokeWidth=1.5, opacity=0.3).encode(
            x=x, y=y, color=color, strokeDash=dash, detail="roof:N", order="point:Q",
            tooltip=tooltips((*ROOF_TOOLTIP[:2], field("peak_tops", label="Datasheet peak (TOP/s)"),
                              field("bandwidth_gbps", label="Datasheet bandwidth (GB/s)")))))
    layers.append(alt.Chart(alt.NamedData(name="casing")).mark_line(strokeWidth=6.5).encode(
        x=x, y=y, color=color, strokeDash=dash, detail="roof:N", order="point:Q", tooltip=tooltips(ROOF_TOOLTIP)))
    layers.append(alt.Chart(alt.NamedData(name="roofs")).mark_line(strokeWidth=2.2).encode(
        x=x, y=y, color=color, strokeDash=dash, detail="roof:N", order="point:Q", tooltip=tooltips(ROOF_TOOLTIP)))
    layers.append(alt.Chart(alt.NamedData(name="ridges")).mark_point(filled=True, size=60, opacity=1).encode(
        x=x, y=y, color=color, tooltip=tooltips(ROOF_TOOLTIP)))
    if verticals:
        layers.append(alt.Chart(alt.NamedData(name="rules")).mark_rule(strokeDash=[4, 3], color="#666", opacity=0.6)
                      .encode(x=x, tooltip=tooltips((field("variant", "N"), field("precision", "N"),
                                                     field("intensity", "Q", ",.1f")))))
        layers.append(alt.Chart(alt.NamedData(name="labels")).mark_text(
            align="right", baseline="bottom", angle=270, dx=-4, dy=-3, fontSize=10, color="#333")
                      .encode(x=x, y=alt.value(0), text="text:N"))
    layers.append(alt.Chart(alt.NamedData(name="operating")).mark_point(filled=False, size=34, strokeWidth=1.2,
                                                                         opacity=0.85).encode(
        x=x, y=y, color=color, tooltip=tooltips(OPERATING_TOOLTIP)))
    if measured:
        layers.append(alt.Chart(alt.NamedData(name="achievable")).mark_rule(strokeDash=[2, 2], strokeWidth=2,
                                                                           opacity=0.9).encode(
            x=alt.X("x_start:Q", scale=LOG), x2="x_end:Q", y=alt.Y("achievable_tops:Q", scale=LOG), color=color,
            tooltip=tooltips(ACHIEVABLE_TOOLTIP)))
        layers.append(alt.Chart(alt.NamedData(name="measured")).mark_point(
            filled=True, size=90, stroke="#000", strokeWidth=0.8, opacity=0.95).encode(
            x=x, y=alt.Y("measured_tops:Q", scale=LOG), color=color,
            shape=alt.Shape("point_precision:N", scale=scale(shape_pairs), title="Precision: measured point shape",
                            legend=legend(orient="top", columns=len(shape_pairs))),
            tooltip=tooltips(MEASURED_TOOLTIP)))
    return alt.layer(*layers).properties(width="container", height=HEIGHT + 60)


ROOF_COLUMNS = ["roof", "roof_devices", "device", "precision", "point", "intensity", "tops", "peak_tops",
                "bandwidth_gbps", "ridge_ops_per_byte", "coincide_rank"]


def roofline_spec(points: pd.DataFrame, intensities: pd.DataFrame, device_colors: dict[str, str],
                  ghost: pd.DataFrame | None = None, measured: pd.DataFrame | None = None,
                  achievable: pd.DataFrame | None = None, operating: pd.DataFrame | None = None,
                  verticals: bool = True) -> dict:
    """Spec of :func:`roofline_chart` for roofline corner points
    (:func:`qb_core.analyses.roofline_geometry.roofline_points` of
    :func:`qb_core.analyses.roofline_geometry.name_coinciding` hardware), finite variant intensities,
    the variants' operating points (:func:`qb_core.analyses.roofline_geometry.operating_points`) and, optionally,
    datasheet corner points, measured configurations (with their ``roof_devices``) and the best
    measured TOP/s per device x precision (:func:`qb_core.hardware.notes.achievable_peaks` with
    ``x_start``, ``x_end``: the segment under its flat roof)."""
    roofs = points[ROOF_COLUMNS]
    frames = [roofs] + [f for f in (ghost, measured, achievable) if f is not None]
    names = pd.concat([f["device"] for f in frames], ignore_index=True).astype(str).drop_duplicates()
    group_colors = tuple((n, device_colors.get(n, "#555555")) for n in names)
    rules = intensities[["topology", "variant", "precision", "pruning_pct", "intensity"]]
    labels = intensity_labels(rules) if len(rules) else rules.assign(text="")
    labels = readable_labels(labels, float(roofs["intensity"].min()), float(roofs["intensity"].max()))
    operating = operating if operating is not None else pd.DataFrame(columns=["device", *[f[0] for f in
                                                                                          OPERATING_TOOLTIP]])
    last = roofs.groupby(["roof_devices", "precision"])["coincide_rank"].transform("max")
    casing = roofs[roofs["coincide_rank"] < last]  # a line another one is drawn inside
    datasets = {"roofs": roofs, "casing": casing, "ridges": roofs[roofs["point"] == 1], "operating": operating}
    if verticals:
        datasets.update(rules=rules, labels=labels)
    if ghost is not None:
        datasets["ghost"] = ghost[ROOF_COLUMNS]
    if measured is not None:
        datasets["measured"] = measured[["roof_devices", *[f[0] for f in MEASURED_TOOLTIP]]].assign(
            point_precision=measured["precision"])
        columns = [*[f[0] for f in ACHIEVABLE_TOOLTIP], "x_start", "x_end"]
        best = achievable if achievable is not None and len(achievable) else pd.DataFrame(columns=columns)
        best = best.assign(best_task=best["best_task"].map(TASKS)) if len(best) else best  # CIFAR-10, not cifar10
        datasets["achievable"] = best[columns]
    precisions = tuple(p for p in PRECISIONS if p in set(roofs["precision"]))
    structure = (group_colors, precisions, ghost is not None, measured is not None, verticals)
    return with_data(roofline_chart, structure, **datasets)


#: A column label's network part at most this long, so the precision after it is never cut off.
SHORT_VARIANT_CHARS = 28


def short_variants(variants: pd.Series) -> pd.Series:
    """Variant labels cut to :data:`SHORT_VARIANT_CHARS` with an ellipsis (a user's long network
    name), unless two distinct labels would then read the same: those stay whole."""
    labels = variants.astype(str)
    short = labels.where(labels.str.len() <= SHORT_VARIANT_CHARS,
                         labels.str.slice(0, SHORT_VARIANT_CHARS - 1) + "…")
    distinct = pd.DataFrame({"long": labels, "short": short}).drop_duplicates()
    clashing = set(distinct.loc[distinct["short"].duplicated(keep=False), "long"])
    return short.where(~labels.isin(clashing), labels)


PREDICTION_TOOLTIP = (field("device", "N", label="Platform"), field("precision", "N"), field("variant", "N"),
                      field("inputs_per_s", "Q", ",.0f"), field("attainable_tops", "Q", ".3~g"), field("bound", "N"),
                      field("intensity", "Q", ",.1f"))


def _grid(columns: tuple[str, ...], rows: tuple[str, ...], tooltip, by_precision: bool) -> alt.Chart:
    column_title = "Network variant" if by_precision else "Network variant · precision"
    return alt.Chart(alt.NamedData(name="cells")).encode(
        x=alt.X("column:N", sort=list(columns), title=column_title,
                axis=alt.Axis(labelAngle=-40, labelOverlap=False, orient="top", labelLimit=200)),
        y=alt.Y("row:N", sort=list(rows), title="Platform · precision" if by_precision else "Platform",
                axis=alt.Axis(labelOverlap=False, labelLimit=260)),
        tooltip=tooltips(tooltip))


def heatmap_layout(table: pd.DataFrame, by_precision: bool) -> tuple[pd.DataFrame, tuple[str, ...], tuple[str, ...]]:
    """Add ``row`` and ``column`` to heatmap cells; return them with the row and column order.

    Default: rows are platforms, columns variant · precision (blank where a platform lacks the
    precision). ``by_precision``: rows platform · precision, columns the variants (no blanks).
    """
    variant = short_variants(variant_label(table["topology"], table["pruning_pct"]))
    precision = table["precision"].astype(str)
    rank = precision.map(PRECISION_RANK)
    if by_precision:
        cells = table.assign(row=table["device"].astype(str) + " · " + precision, column=variant)
        rows = tuple(cells.assign(rank=rank, first=cells.groupby("device", sort=False).ngroup())
                     .sort_values(["first", "rank"], kind="stable")["row"].unique())
        columns = tuple(cells.sort_values(list(VARIANT_KEYS), ascending=[True, False])["column"].unique())
        return cells, columns, rows
    cells = table.assign(row=table["device"].astype(str), column=variant + " · " + precision)
    ordered = cells.assign(rank=rank).sort_values(["rank", *VARIANT_KEYS], ascending=[True, True, False])
    return cells, tuple(ordered["column"].unique()), tuple(cells["row"].unique())


#: More variant x precision columns than this cannot be read across a 1280 px page (an ImageNet
#: selection has 50): the automatic layout then puts the precision in the rows.
MAX_HEATMAP_COLUMNS = 24


def platform_columns(table: pd.DataFrame) -> int:
    """How many columns the default layout (rows are platforms) of :func:`heatmap_layout` has."""
    return len(table[list(NETWORK_KEYS)].drop_duplicates())


def ink(values: pd.Series, dark_above: float = 0.62, log: bool = True) -> pd.Series:
    """``light`` text on cells whose colour is dark (the top of a sequential log scale), else ``dark``."""
    numbers = values.astype(float)
    scaled = np.log10(numbers) if log else numbers
    low, high = np.nanmin(scaled), np.nanmax(scaled)
    position = (scaled - low) / (high - low) if high > low else scaled * 0.0
    return pd.Series(np.where(position > dark_above, "light", "dark"), index=values.index)


INK = alt.Color("ink:N", scale=alt.Scale(domain=["dark", "light"], range=["#111111", "#ffffff"]), legend=None)


def prediction_heatmap(columns: tuple[str, ...], rows: tuple[str, ...], by_precision: bool = False) -> alt.LayerChart:
    """Predicted inputs/s (log colour, written in each cell) per platform and variant x precision;
    see :func:`heatmap_layout` for the two layouts (dataset ``cells``)."""
    base = _grid(columns, rows, PREDICTION_TOOLTIP, by_precision)
    cells = base.mark_rect().encode(
        color=alt.Color("inputs_per_s:Q", scale=alt.Scale(type="log", scheme="goldred"),
                        title="Predicted inputs/s", legend=alt.Legend(format="~s", orient="top", direction="horizontal",
                                                                      gradientLength=260, titleLimit=300)))
    text = base.mark_text(fontSize=10).encode(text="label:N", color=INK)
    return alt.layer(cells, text).properties(width="container", height=max(MIN_PLOT, 26 * len(rows)))


def prediction_spec(predictions: pd.DataFrame, by_precision: bool = False) -> dict:
    """Spec of :func:`prediction_heatmap` for a table of predictions."""
    table = predictions.assign(variant=variant_label(predictions["topology"], predictions["pruning_pct"]))
    keep = [*VARIANT_KEYS, *[name for name, *_ in PREDICTION_TOOLTIP]]
    table = table[keep].assign(label=table["inputs_per_s"].map(compact_number), ink=ink(table["inputs_per_s"]),
                               bound=table["bound"].astype(str))
    cells, columns, rows = heatmap_layout(table, by_precision)
    return with_data(prediction_heatmap, (columns, rows, by_precision), cells=cells)


CHANGE_TOOLTIP = (field("device", "N", label="Platform"), field("precision", "N"), field("variant", "N"),
                  field("original_inputs_per_s", "Q", ",.0f", "Datasheet prediction (inputs/s)"),
                  field("inputs_per_s", "Q", ",.0f", "What-if prediction (inputs/s)"),
                  field("ratio", "Q", ".3~g", "What-if / datasheet"),
                  field("original_bound", "N", label="Datasheet bound"), field("bound", "N", label="What-if bound"))


def change_heatmap(columns: tuple[str, ...], rows: tuple[str, ...], by_precision: bool = False,
                   reach: float = 10.0) -> alt.LayerChart:
    """What-if / datasheet inputs/s per cell on a diverging log colour scale from 1/``reach`` (red,
    slower) through 1x (white) to ``reach`` (blue, faster); cells whose bound flipped (memory <->
    compute) carry a ⇄ mark and a black border; users' platforms read ``new``."""
    base = _grid(columns, rows, CHANGE_TOOLTIP, by_precision)
    cells = base.mark_rect().encode(
        color=alt.Color("change:Q", title="What-if / datasheet",
                        scale=alt.Scale(type="log", scheme="redblue", domain=[1.0 / reach, reach], clamp=True),
                        legend=alt.Legend(format=".2~g", orient="top", direction="horizontal", gradientLength=260)),
        stroke=alt.Stroke("flipped:N", scale=alt.Scale(domain=["bound flipped", "same bound"],
                                                       range=["#000000", "transparent"]), legend=None),
        strokeWidth=alt.value(2.5))
    text = base.mark_text(fontSize=9).encode(text="label:N", color=INK)
    return alt.layer(cells, text).properties(width="container", height=max(MIN_PLOT, 26 * len(rows)))


def change_spec(comparison: pd.DataFrame, by_precision: bool = False) -> dict:
    """Spec of :func:`change_heatmap` for :func:`qb_core.hardware.whatif.compare`'s table."""
    change = comparison["ratio"].fillna(1.0)
    distance = np.abs(np.log10(change.clip(lower=1e-12)))
    far = distance.max() if len(distance) and distance.max() > 0 else 1.0
    reach = float(10.0 ** max(far, np.log10(1.1)))  # the domain is symmetric around 1x: white there
    table = comparison[[*CONFIG_KEYS, "inputs_per_s", "original_inputs_per_s",
                        "ratio", "bound", "original_bound", "bound_flipped"]].assign(
        variant=variant_label(comparison["topology"], comparison["pruning_pct"]),
        label=comparison["ratio"].map(lambda r: "new" if pd.isna(r) else f"{r:.3g}x")
        + comparison["bound_flipped"].map({True: " ⇄", False: ""}),
        change=change,
        ink=np.where(distance > 0.6 * far, "light", "dark"),
        flipped=comparison["bound_flipped"].map({True: "bound flipped", False: "same bound"}),
        bound=comparison["bound"].astype(str), original_bound=comparison["original_bound"].astype(str),
    )
    cells, columns, rows = heatmap_layout(table, by_precision)
    return with_data(change_heatmap, (columns, rows, by_precision, reach), cells=cells)


NETWORK_TOOLTIP = (field("task_name", "N", label="Task"), field("variant", "N"), field("params", "Q", ",d"),
                   field("gops_per_input", "Q", ",.4~g"), field("ops_source", "N", label="Operation count from"))


def network_ops_chart(variants: tuple[str, ...], tasks: tuple[tuple[str, str], ...]) -> alt.Chart:
    """Operations per input (GOP, log) per network variant as a dot plot (a bar's length means
    nothing on a log axis), coloured by task in the task palette (dataset ``networks``). Variants
    on the y axis: every name stays readable, however many there are."""
    return alt.Chart(alt.NamedData(name="networks")).mark_point(filled=True, size=110, opacity=1).encode(
        y=alt.Y("variant:N", sort=list(variants), title=title("variant"), axis=alt.Axis(labelLimit=200)),
        x=alt.X("gops_per_input:Q", scale=LOG, title=log_title("gops_per_input")),
        color=alt.Color("task_name:N", scale=scale(tasks), title="Task", legend=legend(orient="bottom", columns=3)),
        tooltip=tooltips(NETWORK_TOOLTIP)).properties(width="container", height=network_height(variants))


def network_size_chart(variants: tuple[str, ...], precisions: tuple[str, ...]) -> alt.Chart:
    """Model size (MB, log) per network variant and precision as a dot plot, one shape and one
    shade of a sequential scale per precision (dataset ``sizes``)."""
    return alt.Chart(alt.NamedData(name="sizes")).mark_point(filled=True, size=80, opacity=1).encode(
        y=alt.Y("variant:N", sort=list(variants), title=title("variant"), axis=alt.Axis(labelLimit=200)),
        x=alt.X("model_mb:Q", scale=LOG, title=log_title("model_mb")),
        color=alt.Color("precision:N", scale=scale(tuple((p, PRECISION_COLORS[p]) for p in precisions)),
                        title="Precision", legend=legend(orient="bottom", columns=3)),
        shape=alt.Shape("precision:N", scale=scale(tuple((p, PRECISION_SHAPES[p]) for p in precisions)),
                        title="Precision", legend=legend(orient="bottom", columns=3)),
        tooltip=tooltips((field("variant", "N"), field("precision", "N"), field("model_mb", "Q", ",.4~g"),
                          field("intensity", "Q", ",.1f", "Intensity, weights read per input (ops/byte)")))
    ).properties(width="container", height=network_height(variants))


def network_height(variants: tuple[str, ...]) -> int:
    """Plot height of the two network bar charts (side by side, so equal): 26 px per variant."""
    return max(HALF_HEIGHT, 26 * len(variants))


def networks_specs(networks: pd.DataFrame, sizes: pd.DataFrame) -> tuple[dict, dict]:
    """Specs of the ops and model-size charts of the Networks and hardware page."""
    variants = tuple(networks["variant"])
    ops_table = networks[[f[0] for f in NETWORK_TOOLTIP]]
    tasks = tuple(zip(TASKS.values(), TASK_COLORS, strict=False))
    ops = with_data(network_ops_chart, (variants, tuple(t for t in tasks if t[0] in set(networks["task_name"]))),
                    networks=ops_table)
    precisions = tuple(p for p in PRECISIONS if p in set(sizes["precision"]))
    size_table = sizes[["variant", "precision", "model_mb", "intensity"]]
    size = with_data(network_size_chart, (variants, precisions), sizes=size_table)
    return ops, size


HARDWARE_TOOLTIP = (field("roof_devices", "N", label="Platform(s)"), field("precision", "N"), field("peak_tops"),
                    field("bandwidth_gbps"), field("ridge_ops_per_byte", "Q", ",.1f"),
                    field("source", "N", label="Figures from"))


def hardware_chart(colors: tuple[tuple[str, str], ...], precisions: tuple[str, ...],
                   measured: bool = False) -> alt.LayerChart:
    """Peak TOP/s against bandwidth (both log) per platform x precision (dataset ``hardware``; a
    platform whose figures coincide with a later one's, ZCU104-FINN = ZCU104-BISMO, is drawn larger
    under it, so both colours show), with guides of equal ridge point (dataset ``ridges``,
    labelled by ``ridge_labels``): a point on the 100 ops/byte guide has its ridge there, a point
    above it a higher one. With ``measured``, each device's best measured TOP/s (dataset
    ``achievable``) as a hollow mark under its datasheet point, joined to it by a thin line. Colour
    is the platform on every mark: one legend."""
    x = alt.X("bandwidth_gbps:Q", scale=LOG, title=title("bandwidth_gbps") + ", log scale")
    y = alt.Y("peak_tops:Q", scale=LOG, title="Peak, TOP/s, log scale: datasheet filled, best measured hollow")
    shape = alt.Shape("precision:N", scale=scale(tuple((p, PRECISION_SHAPES[p]) for p in precisions)),
                      title="Precision", legend=legend())
    color = alt.Color("device:N", scale=scale(colors), title="Platform (op mode)",
                      legend=legend(columns=legend_columns(len(colors), 4), orient="bottom"))
    guides = alt.Chart(alt.NamedData(name="ridges")).mark_line(color="#999", strokeDash=[3, 3]).encode(
        x=x, y=y, detail="ridge:N")
    guide_labels = alt.Chart(alt.NamedData(name="ridge_labels")).mark_text(
        align="left", dx=4, dy=-4, color="#777", fontSize=10).encode(x=x, y=y, text="text:N")
    points = alt.Chart(alt.NamedData(name="hardware")).mark_point(filled=True, opacity=0.95).encode(
        x=x, y=y, color=color, shape=shape, size=alt.Size("size_px:Q", scale=None, legend=None),
        tooltip=tooltips(HARDWARE_TOOLTIP))
    layers = [guides, guide_labels, points]
    if measured:
        best = alt.Chart(alt.NamedData(name="achievable"))
        layers.append(best.mark_rule(strokeWidth=1, opacity=0.6).encode(
            x=x, y=alt.Y("achievable_tops:Q", scale=LOG), y2="peak_tops:Q", color=color))
        layers.append(best.mark_point(filled=False, size=120, strokeWidth=2).encode(
            x=x, y=alt.Y("achievable_tops:Q", scale=LOG), color=color, shape=shape,
            tooltip=tooltips(ACHIEVABLE_TOOLTIP)))
    return alt.layer(*layers).properties(width="container", height=HEIGHT)


def hardware_spec(hardware: pd.DataFrame, device_colors: dict[str, str],
                  achievable: pd.DataFrame | None = None) -> dict:
    """Spec of :func:`hardware_chart` for a long catalog (bundled and the user's platforms) and,
    optionally, each device's best measured TOP/s (:func:`qb_core.hardware.notes.achievable_peaks`)."""
    table = name_coinciding(hardware).assign(
        source=hardware["source"].astype(str).str.slice(0, 80) if "source" in hardware else "")
    last = table.groupby(["roof_devices", "precision"])["coincide_rank"].transform("max")
    table = table.assign(size_px=np.where(table["coincide_rank"] < last, 340, 140))  # the later drawn inside
    low = max(float(table["bandwidth_gbps"].min()) / 2, 1e-3)
    high = float(table["bandwidth_gbps"].max()) * 2
    ridges = pd.DataFrame([(r, bw) for r in (10, 100, 1000, 10_000) for bw in (low, high)],
                          columns=["ridge", "bandwidth_gbps"])
    ridges["peak_tops"] = memory_roof_tops(ridges["bandwidth_gbps"], ridges["ridge"])  # peak whose ridge is r
    peak_low, peak_high = float(table["peak_tops"].min()) / 2, float(table["peak_tops"].max()) * 2
    ridges = ridges[(ridges["peak_tops"] >= peak_low / 10) & (ridges["peak_tops"] <= peak_high * 10)]
    ridges = ridges[ridges.groupby("ridge")["ridge"].transform("size") == 2]
    label_rows = ridges.groupby("ridge").tail(1).assign(text=lambda f: f["ridge"].map("ridge {:,} ops/byte".format))
    precisions = tuple(p for p in PRECISIONS if p in set(table["precision"]))
    datasets = {"hardware": table[["device", *[f[0] for f in HARDWARE_TOOLTIP], "size_px"]], "ridges": ridges,
                "ridge_labels": label_rows}
    shown = list(table["device"].astype(str))
    if achievable is not None and len(achievable):
        best = achievable.merge(table[["device", "precision", "bandwidth_gbps"]], on=["device", "precision"])
        best = best.assign(peak_tops=best["peak_tops"].astype(float), best_task=best["best_task"].map(TASKS))
        datasets["achievable"] = best[[*[f[0] for f in ACHIEVABLE_TOOLTIP], "bandwidth_gbps"]]
        shown += list(best["device"].astype(str))
    colors = pairs(device_colors, list(dict.fromkeys(shown)))
    return with_data(hardware_chart, (colors, precisions, "achievable" in datasets), **datasets)

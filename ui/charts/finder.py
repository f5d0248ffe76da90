"""The finder's chart: every candidate the question judged on two of its figures, the feasible
region shaded, the answer marked, measured and predicted points told apart."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from qb_core.analyses.finder import DEPLOYMENT_KEYS, SOURCES, is_evidence
from ui.charts.core import HEIGHT, field, legend, pairs, scale, tooltips, with_data

#: The figures a candidate can be charted on, with their axis titles (the finder's own columns:
#: power is measured full power or datasheet power, latency the batch's, see ``qb_core.analyses.finder``).
AXES: dict[str, str] = {
    "fps": "Throughput (inputs/s)", "latency_ms": "Latency (ms)", "power_w": "Power (W)",
    "mj_per_input": "Energy per input (mJ)", "top1_pct": "Top-1 accuracy (%)",
}  # fmt: skip
#: Figures where more is better (a vertical axis first) and where less is (a horizontal axis
#: first), each in the order the automatic axes take them; with no constraint, power and throughput.
BENEFITS = ("fps", "top1_pct")
COSTS = ("power_w", "latency_ms", "mj_per_input")
AUTO = "auto"
#: A point's standing against the constraints, in legend order, with how strongly it is drawn:
#: colour is the platform, so standing is opacity, and a ring marks the answer and the nearest misses.
STANDING = ("the answer (best batch)", "meets every constraint", "would meet, not evidence", "nearest miss",
            "misses a constraint")
STANDING_OPACITY = (1.0, 0.9, 0.55, 0.9, 0.25)
RINGED = {"the answer (best batch)": ("the answer (best batch)", "#111111"),
          "nearest miss": ("nearest miss", "#e66101")}
SOURCE_SHAPES = {"measured": "circle", "tested": "triangle-up", "untested": "diamond", "roofline": "square"}
SOURCE_TITLES = {"measured": "measured", "tested": "predicted, tested (band)", "untested": "untested model figure",
                 "roofline": "datasheet roofline"}
#: Candidate columns a point carries (the tooltip's).
POINT_COLUMNS = ("device", "precision", "variant", "batch", "source", "standing", "fps", "fps_low", "fps_high",
                 "latency_ms", "power_w", "mj_per_input", "top1_pct")
#: How far the plot reaches past the furthest point or limit: a factor on log axes, a share of
#: the range on the linear accuracy axis.
LOG_PAD, LINEAR_PAD = 1.5, 0.04


def auto_axes(limits: dict[str, object]) -> tuple[str, str]:
    """(x, y) columns that show the constraints given (``limits``: column -> bound): a constrained
    cost across (power, then latency, then energy) against a constrained benefit up (throughput,
    then accuracy); two of a kind share the chart; unconstrained, power and throughput.

    >>> auto_axes({"top1_pct": 70, "latency_ms": 10})
    ('latency_ms', 'top1_pct')
    >>> auto_axes({})
    ('power_w', 'fps')
    """
    benefits = [c for c in BENEFITS if c in limits]
    costs = [c for c in COSTS if c in limits]
    if benefits and costs:
        return costs[0], benefits[0]
    if len(benefits) > 1:
        return benefits[1], benefits[0]
    if len(costs) > 1:
        return costs[0], costs[1]
    return (costs or ["power_w"])[0], (benefits or ["fps"])[0]


def resolve_axes(x_choice: str, y_choice: str, limits: dict[str, object]) -> tuple[str, str]:
    """The (x, y) columns of two axis choices, either of which may be :data:`AUTO`
    (:func:`auto_axes`); an automatic axis never repeats the other axis's figure.

    >>> resolve_axes(AUTO, AUTO, {"min_fps": 1})
    ('power_w', 'fps')
    >>> resolve_axes("fps", AUTO, {})
    ('fps', 'power_w')
    """
    auto_x, auto_y = auto_axes(limits)
    x = x_choice if x_choice != AUTO else (auto_y if y_choice == auto_x else auto_x)
    y = y_choice if y_choice != AUTO else (auto_x if x == auto_y else auto_y)
    return x, y


def is_log(column: str) -> bool:
    return column != "top1_pct"


def axis_title(column: str) -> str:
    return AXES[column] + (", log scale" if is_log(column) else "")


def _axis_scale(column: str) -> alt.Scale:
    return alt.Scale(type="log", nice=False) if is_log(column) else alt.Scale(zero=False, nice=False)


def finder_chart(x_field: str, y_field: str, colors: tuple[tuple[str, str], ...] = ()) -> alt.LayerChart:
    """``y_field`` against ``x_field`` (log, accuracy linear): the feasible region (dataset
    ``region``) shaded with its limits as dashed rules (``x_limits``, ``y_limits``), predicted
    points' throughput band as a bar (``bands``), every judged candidate as a point (``points``):
    colour = platform (``colors``, as on every page), shape = where its figures come from,
    opacity = standing against the constraints, a ring round the answer and the nearest misses
    (``rings``). An invisible ``frame`` sets the plotted extent, so the shaded region reaches the
    plot's edge."""
    x = alt.X(f"{x_field}:Q", title=axis_title(x_field), scale=_axis_scale(x_field))
    y = alt.Y(f"{y_field}:Q", title=axis_title(y_field), scale=_axis_scale(y_field))
    frame = alt.Chart(alt.NamedData(name="frame")).mark_point(opacity=0).encode(x=x, y=y)
    region = alt.Chart(alt.NamedData(name="region")).mark_rect(color="#1b7837", opacity=0.1).encode(
        x=alt.X("x:Q", scale=_axis_scale(x_field)), x2="x2:Q", y=alt.Y("y:Q", scale=_axis_scale(y_field)), y2="y2:Q")
    rule = {"color": "#1b7837", "strokeDash": [6, 4], "strokeWidth": 1.5}
    limit_tip = tooltips((field("limit", "N", label="Constraint"),))
    x_limits = alt.Chart(alt.NamedData(name="x_limits")).mark_rule(**rule).encode(x="value:Q", tooltip=limit_tip)
    y_limits = alt.Chart(alt.NamedData(name="y_limits")).mark_rule(**rule).encode(y="value:Q", tooltip=limit_tip)
    layers = [frame, region, x_limits, y_limits]
    if "fps" in (x_field, y_field):
        bar = {"x": alt.X("fps_low:Q"), "x2": "fps_high:Q", "y": y} if x_field == "fps" else \
            {"y": alt.Y("fps_low:Q"), "y2": "fps_high:Q", "x": x}
        bands = alt.Chart(alt.NamedData(name="bands")).mark_rule(color="#777", opacity=0.6, strokeWidth=1.2)
        layers.append(bands.encode(**bar))
    platform = alt.Color("device:N", title="Platform (op mode)", scale=scale(colors),
                         legend=legend(orient="right"))
    # no legend of its own: the caption names the strengths, the rings' legend the two marked standings
    standing = alt.Opacity("standing:N", title="Constraints", scale=alt.Scale(domain=list(STANDING),
                                                                              range=list(STANDING_OPACITY)),
                           legend=None)
    shape = alt.Shape("source:N", title="Figures", scale=alt.Scale(domain=list(SOURCES),
                                                                   range=[SOURCE_SHAPES[s] for s in SOURCES]),
                      legend=legend(orient="top", columns=4, labelExpr=_source_labels(), symbolFillColor="#555",
                                    symbolStrokeColor="#555", symbolSize=110))
    tip = tooltips((field("device", "N", label="Platform"), field("precision", "N"),
                    field("variant", "N", label="Network variant"), field("batch", "Q", ",d", "Batch"),
                    field("source", "N", label="Figures"), field("standing", "N", label="Constraints"),
                    *(field(c, "Q", ",.4~g", AXES[c]) for c in AXES),
                    field("fps_low", "Q", ",.4~g", "Band low (inputs/s)"),
                    field("fps_high", "Q", ",.4~g", "Band high (inputs/s)")))
    points = alt.Chart(alt.NamedData(name="points")).mark_point(filled=True, size=80, stroke="white",
                                                                strokeWidth=0.6).encode(
        x=x, y=y, color=platform, opacity=standing, shape=shape, tooltip=tip,
        order=alt.Order("order:Q"))  # the answer drawn last, on top
    rings = alt.Chart(alt.NamedData(name="rings")).mark_point(filled=False, size=330, strokeWidth=2.2,
                                                              shape="circle").encode(
        x=x, y=y, stroke=alt.Stroke("ring:N", title="Ringed", scale=alt.Scale(domain=[r for r, _ in RINGED.values()],
                                                                             range=[c for _, c in RINGED.values()]),
                                    legend=legend(orient="bottom", symbolType="circle", symbolSize=110)),
        tooltip=tip)
    layers += [points, rings]
    return alt.layer(*layers).properties(width="container", height=HEIGHT)


def _source_labels() -> str:
    """A Vega expression naming each source in the legend (``predicted (calibrated, band)``)."""
    cases = " : ".join(f"datum.label === '{s}' ? '{SOURCE_TITLES[s]}'" for s in SOURCES)
    return f"{cases} : datum.label"


def _extent(values: list[pd.Series], column: str) -> tuple[float, float] | None:
    numbers = pd.to_numeric(pd.concat(values, ignore_index=True), errors="coerce").to_numpy(dtype=float)
    numbers = numbers[np.isfinite(numbers) & ((numbers > 0) if is_log(column) else True)]
    if not len(numbers):
        return None
    low, high = float(numbers.min()), float(numbers.max())
    if is_log(column):
        return low / LOG_PAD, high * LOG_PAD
    pad = max(high - low, 1.0) * LINEAR_PAD
    return max(low - pad, 0.0), min(high + pad, 100.0)


def _span(limit: tuple[float, bool] | None, extent: tuple[float, float]) -> tuple[float, float]:
    """Where the region lies on one axis: from a minimum to the far end, from the near end to a
    limit, or the whole extent when the axis is not constrained."""
    if limit is None:
        return extent
    value, minimum = limit
    return (value, extent[1]) if minimum else (extent[0], value)


def _limit_rows(limit: tuple[float, bool] | None, column: str) -> pd.DataFrame:
    if limit is None:
        return pd.DataFrame({"value": pd.Series(dtype=float), "limit": pd.Series(dtype=object)})
    value, minimum = limit
    word = "minimum" if minimum else "limit"
    return pd.DataFrame({"value": [value], "limit": [f"{AXES[column]}: {word} {value:,.6g}"]})


def finder_spec(points: pd.DataFrame, x_field: str, y_field: str,
                limits: dict[str, tuple[float, bool]], device_colors: dict[str, str] | None = None) -> dict:
    """Spec of :func:`finder_chart`. ``points``: the judged candidates (:data:`POINT_COLUMNS`;
    rows lacking either figure are not drawn); ``limits``: column -> (bound, is a minimum) for
    the numeric constraints given; ``device_colors``: the app's colour per device. The feasible
    region is the rectangle the constraints on these two axes allow (none when neither is
    constrained)."""
    shown = points[placeable(points, x_field, y_field)]
    order = pd.Series(shown["standing"]).map({s: len(STANDING) - i for i, s in enumerate(STANDING)})
    shown = shown[list(POINT_COLUMNS)].assign(order=order.to_numpy())
    x_limit, y_limit = limits.get(x_field), limits.get(y_field)
    x_extent = _extent([shown[x_field], pd.Series([x_limit[0]] if x_limit else [], dtype=float)], x_field)
    y_extent = _extent([shown[y_field], pd.Series([y_limit[0]] if y_limit else [], dtype=float)], y_field)
    frame = pd.DataFrame({x_field: [], y_field: []}, dtype=float)
    region = pd.DataFrame({"x": [], "x2": [], "y": [], "y2": []}, dtype=float)
    if x_extent and y_extent:
        frame = pd.DataFrame({x_field: list(x_extent), y_field: list(y_extent)})
        if x_limit or y_limit:
            (x0, x1), (y0, y1) = _span(x_limit, x_extent), _span(y_limit, y_extent)
            region = pd.DataFrame({"x": [x0], "x2": [x1], "y": [y0], "y2": [y1]})
    bands = shown[(shown["source"] == "tested") & shown["fps_low"].notna() & shown["fps_high"].notna()]
    colors = pairs(device_colors or {}, shown["device"])
    rings = shown[shown["standing"].isin(list(RINGED))]
    rings = rings.assign(ring=rings["standing"].map({s: r for s, (r, _) in RINGED.items()}))
    return with_data(finder_chart, (x_field, y_field, colors), frame=frame, region=region,
                     x_limits=_limit_rows(x_limit, x_field), y_limits=_limit_rows(y_limit, y_field),
                     bands=bands, points=shown, rings=rings)


def placeable(points: pd.DataFrame, x_field: str, y_field: str) -> pd.Series:
    """Which of ``points`` the chart can place: both figures known and, on a log axis, above 0."""
    mask = points[x_field].notna() & points[y_field].notna()
    for column in (x_field, y_field):
        if is_log(column):
            mask &= points[column] > 0
    return mask


def standing(judged: pd.DataFrame, answer: pd.DataFrame, nearest: pd.DataFrame) -> np.ndarray:
    """Each judged row's standing (:data:`ui.charts.finder.STANDING`): in the answer at its best
    batch, meeting every constraint at another batch, meeting them but not evidence (untested or a
    roofline), one of the nearest misses, or missing."""
    keys = [*DEPLOYMENT_KEYS, "batch"]
    index = pd.MultiIndex.from_frame(judged[keys].astype(str))

    def among(frame: pd.DataFrame) -> np.ndarray:
        return index.isin(pd.MultiIndex.from_frame(frame[keys].astype(str))) if len(frame) else \
            np.zeros(len(judged), dtype=bool)

    meets = judged["meets"].to_numpy(dtype=bool)
    evidence = is_evidence(judged)
    return np.select([among(answer), meets & evidence, meets, among(nearest)], list(STANDING[:4]), STANDING[4])

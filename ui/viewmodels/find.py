"""What the Find page draws, worked out once per question and shared by every session asking it
(:func:`view`): the answer, the nearest misses and the rows that are not evidence as the tables show
them, and the rows left out with their reasons; and the chart of every judged candidate
(:func:`chart`). The page draws them."""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

from qb_core.analyses.finder import Constraints, FinderResult, Objective
from qb_core.model.batch_model import weak_bands
from qb_core.question import Asked
from qb_core.service import Scenario
from qb_core.vocabulary import PRECISIONS, variant_label
from ui import cache, tables
from ui.charts.finder import finder_spec, placeable, standing
from ui.safe import cell_text

#: Table headers (units where the header can carry them).
HEADERS = {"device": "Platform", "precision": "Precision", "variant": "Network", "batch": "Batch",
           "source": "Evidence", "fps": "Inputs/s", "band": "Inputs/s (band)", "latency_ms": "Latency (ms)",
           "power_w": "Power (W)", "mj_per_input": "mJ/input", "top1_pct": "Top-1 (%)", "why": "Why it is here",
           "misses": "Misses", "fps_low": "Band low (inputs/s)", "fps_high": "Band high (inputs/s)",
           "status": "Status"}
#: Significant digits shown per figure.
DIGITS = {"fps": 4, "fps_low": 4, "fps_high": 4, "latency_ms": 4, "power_w": 4, "mj_per_input": 4, "top1_pct": 4}
#: The answer's first rows are shown whole (text wraps, so they fit any window); all of them below.
FIRST_ROWS = 10
#: The core's reasons in fewer words for the table (its full words are in the download); the
#: latency rule, the same on every unmeasured row, is said once in the caption.
SHORTER = (("fps: predicted, tested by the network hold-out (80 % band from this platform's hold-out)",
            "tested prediction"),
           ("fps: predicted, tested by the network hold-out (80 % band pooled over platforms)",
            "tested prediction (band pooled over platforms)"),
           ("fps: the model's figure, untested: ", "untested: "),
           ("fps: datasheet roofline, not a prediction", "datasheet roofline"))
#: What Markdown would read as markup in the core's own words (``fps 884 < 10,000 minimum``).
MARKUP = re.compile(r"([\\`*_{}\[\]()#+!|<>~$])")
#: The answer's sortable table: the figures a reader sorts by first, before the band.
SORTABLE_COLUMNS = ("device", "precision", "variant", "source", "fps", "top1_pct", "latency_ms", "power_w",
                    "mj_per_input", "batch", "fps_low", "fps_high", "why")
FIRST_COLUMNS = ["device", "precision", "variant", "batch", "source", "fps", "latency_ms", "power_w", "mj_per_input",
                 "top1_pct"]


def with_variant(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with the network variant named (``CNV 12.5%``) first, for a download."""
    return rows.assign(variant=variant_label(rows["topology"], rows["pruning_pct"]))[["variant", *rows.columns]]


def shown_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows as the tables show them: the variant named, the band only on tested rows (and for
    an answer whether every constraint still holds at its low end)."""
    predicted = rows["source"].eq("tested").to_numpy()
    low_end = np.where(rows["meets_at_band_low"].astype(bool), "met at the band's low end too",
                       "missed at the band's low end")
    return rows.assign(variant=variant_label(rows["topology"], rows["pruning_pct"]),
                       fps_low=rows["fps_low"].where(predicted), fps_high=rows["fps_high"].where(predicted),
                       why=np.where(predicted & rows["meets"].astype(bool), rows["why"] + "; " + low_end, rows["why"]))


def figure_text(values: pd.Series, column: str) -> pd.Series:
    """Each figure to its column's significant digits, never padded; a batch in full."""
    if column == "batch":
        return values.map(lambda v: "" if pd.isna(v) else f"{int(v):,}")
    return tables.figure_texts(values, DIGITS.get(column, 6), 100.0 if tables.is_throughput(column) else np.inf)


def core_words(values: pd.Series) -> pd.Series:
    """The core's reasons (why, misses) in fewer words, escaped for Markdown (never code spans)."""
    text = values.fillna("").astype(str)
    for long, short in SHORTER:
        text = text.str.replace(long, short, regex=False)
    return text.str.replace(MARKUP, r"\\\1", regex=True)


def whole_frame(rows: pd.DataFrame, last: str) -> pd.DataFrame:
    """``rows`` as the table shown whole and ranked (#), every cell wrapping so it fits any window: the
    deployment (platform · precision · network variant), its batch, where its figures come from,
    the figures (a predicted row's band beside its throughput) and ``last`` (why / misses)."""
    deployment = rows["device"].map(cell_text) + " · " + rows["precision"].map(cell_text) + " · " \
        + rows["variant"].map(cell_text)
    predicted = rows["source"].eq("tested")
    band = " (" + figure_text(rows["fps_low"], "fps_low") + " – " + figure_text(rows["fps_high"], "fps_high") + ")"
    shown = pd.DataFrame({"#": range(1, len(rows) + 1), "Deployment": deployment,
                          HEADERS["batch"]: figure_text(rows["batch"], "batch"), HEADERS["source"]: rows["source"],
                          HEADERS["band" if predicted.any() else "fps"]: figure_text(rows["fps"], "fps")
                          + band.where(predicted, ""),
                          **{HEADERS[c]: figure_text(rows[c], c) for c in FIRST_COLUMNS[6:]},
                          HEADERS[last]: core_words(rows[last])})
    return shown.set_index("#")


class FindView(NamedTuple):
    """One answer of the finder as the page shows it."""

    answer: pd.DataFrame
    answer_table: pd.DataFrame
    #: Every row of the answer, sortable, prepared for :func:`ui.tables.draw` (None: no answer).
    answer_sortable: tables.Table | None
    nearest: pd.DataFrame
    nearest_table: pd.DataFrame
    apart_table: pd.DataFrame
    #: How many rows were left out for each reason, and those rows (platform ... reason), as the
    #: Arrow tables ``st.dataframe`` sends.
    reasons: pa.Table
    gone: pa.Table
    #: The answer, the nearest misses and the rows that are not evidence, each with its variant named,
    #: for the downloads.
    downloads: dict[str, pd.DataFrame]
    #: The platforms of the answer's tested rows whose 80 % band held less than promised in the nested
    #: hold-out (:func:`qb_core.model.batch_model.weak_bands`).
    weak_bands: pd.DataFrame
    #: Deployments judged (inside the task, network, precision and platforms asked for).
    considered: int


def _table(rows: pd.DataFrame, last: str) -> pd.DataFrame:
    """:func:`whole_frame` of ``rows``; nothing where there are no rows (the page shows no table)."""
    return whole_frame(rows, last) if len(rows) else pd.DataFrame()


def sortable(answer: pd.DataFrame) -> tables.Table:
    """Every row of the answer in a sortable table, the band in two number columns, figures to the
    digits the static tables show."""
    headers = {c: st.column_config.NumberColumn(HEADERS[c], format="localized") if c in DIGITS or c == "batch"
               else st.column_config.TextColumn(HEADERS[c]) for c in SORTABLE_COLUMNS}
    return tables.prepare(answer, SORTABLE_COLUMNS, digits=DIGITS, **headers)


def find_view(result: FinderResult, weak: pd.DataFrame | None = None) -> FindView:
    """The tables of :class:`FindView` from a finder result and the model's weak bands (None: no model)."""
    tested = set(result.feasible.loc[result.feasible["source"] == "tested", "platform"])
    weak = weak[weak["platform"].isin(tested)] if weak is not None else pd.DataFrame(columns=["platform"])
    downloads = {"feasible": with_variant(result.feasible), "nearest": with_variant(result.nearest),
                 "not_evidence": with_variant(result.not_evidence)}
    answer = shown_rows(result.feasible)
    nearest = shown_rows(result.nearest)
    dropped = result.dropped
    gone = dropped.assign(variant=variant_label(dropped["topology"], dropped["pruning_pct"]))
    reasons = dropped.groupby("reason").size().rename("rows").reset_index()
    return FindView(answer, _table(answer.head(FIRST_ROWS), "why"), sortable(answer) if len(answer) else None,
                    nearest, _table(nearest, "misses"),
                    _table(shown_rows(result.not_evidence).head(FIRST_ROWS), "why"),
                    tables.arrow_of(reasons), tables.arrow_of(gone[["device", "precision", "variant", "batch", "source",
                                                                    "reason"]]), downloads, weak,
                    result.considered)


class FindOptions(NamedTuple):
    """What the Find page offers for a question and a task: the networks and precisions among its
    candidates (in their order) and every platform among all the question's candidates."""

    networks: tuple[str, ...]
    precisions: tuple[str, ...]
    platforms: tuple[str, ...]


def options(scenario: Scenario, asked: Asked, task: str | None) -> FindOptions:
    """:func:`_options` keyed on what it reads (fit_side()); ``task`` None: every task."""
    return _options(scenario.fit_side(), asked, task)


@cache.cached(32)
def _options(scenario: Scenario, asked: Asked, task: str | None) -> FindOptions:
    candidates = cache.finder_candidates(scenario, asked)
    in_task = candidates if task is None else candidates[candidates["task"] == task]
    offered = set(in_task["precision"])
    return FindOptions(tuple(dict.fromkeys(in_task["topology"].astype(str))),
                       tuple(p for p in PRECISIONS if p in offered),
                       tuple(sorted(set(candidates["platform"].astype(str)), key=str.lower)))


def view(scenario: Scenario, constraints: Constraints, objective: Objective, asked: Asked) -> FindView:
    """:func:`_view` keyed on what it reads (fit_side())."""
    return _view(scenario.fit_side(), constraints, objective, asked)


@cache.cached(32)
def _view(scenario: Scenario, constraints: Constraints, objective: Objective, asked: Asked) -> FindView:
    """What the Find page draws for this question (:func:`find_view` of :func:`ui.cache.find`), once
    per question."""
    model = cache.batch_model(scenario)
    weak = weak_bands(model, asked.level, asked.kind) if model is not None else None
    return find_view(cache.find(scenario, constraints, objective, asked), weak)


def chart(scenario: Scenario, constraints: Constraints, objective: Objective, asked: Asked, x_field: str,
          y_field: str) -> tuple[pd.DataFrame, dict, int]:
    """:func:`_chart` keyed on what it reads (fit_side())."""
    return _chart(scenario.fit_side(), constraints, objective, asked, x_field, y_field)


@cache.cached(32)
def _chart(scenario: Scenario, constraints: Constraints, objective: Objective, asked: Asked, x_field: str,
          y_field: str) -> tuple[pd.DataFrame, dict, int]:
    """Every judged candidate of the finder's answer with its standing, the chart of them on the two
    axes chosen (the constraints on those axes shaded) and how many it places."""
    result = cache.find(scenario, constraints, objective, asked)
    judged = result.judged
    points = judged.assign(variant=variant_label(judged["topology"], judged["pruning_pct"]),
                           standing=standing(judged, result.feasible, result.nearest))
    limits = {limit.column: (bound, limit.minimum) for limit, bound in constraints.limits()}
    colors = cache.device_colors_for(points.assign(op_mode=""), scenario.whatif.custom_text)
    spec = finder_spec(points, x_field, y_field, limits, colors)
    return points, spec, int(placeable(points, x_field, y_field).sum())

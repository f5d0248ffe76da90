"""What Calibrated prediction draws, once per question: the model's answers of the scenario's task
to the question asked (the variant named, the tested band as text) and their table, the held-out
errors and bands per platform, the held-out rows inside the filters with their chart and table, and
the model's terms read as claims."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from qb_core.question import Asked
from qb_core.service import Scenario
from qb_core.vocabulary import CONFIG_KEYS, variant_label
from ui import cache, tables
from ui.charts.gap import calibration_spec
from ui.safe import literal
from ui.tables import figure_texts
from ui.viewmodels.gap import paired
from ui.widgets import Choices
from ui.widgets import choices as widget_choices


def answers(scenario: Scenario, asked: Asked) -> pd.DataFrame:
    """:func:`_answers` keyed on what it reads (model_side().with_task(task))."""
    return _answers(scenario.model_side().with_task(scenario.task), asked)


@cache.cached(16)
def _answers(scenario: Scenario, asked: Asked) -> pd.DataFrame:
    """:func:`ui.cache.model_answers` of the scenario's task as the page shows them: the variant
    named and the tested band as text (``1,234 – 2,345``)."""
    table = cache.model_answers(scenario, asked)
    table = table[table["task"].eq(scenario.task)]
    band = (figure_texts(table["fps_low"], 4, 100.0) + " – " + figure_texts(table["fps_high"], 4, 100.0)).where(
        table["fps_low"].notna() & table["fps_high"].notna(), "")
    return table.assign(variant=variant_label(table["topology"], table["pruning_pct"]), band=band)


#: The two questions the held-out errors table reports, in words.
QUESTION_NAMES = {"latency-b1": "batch-1 latency", "throughput-best": "best-batch throughput",
                  "batch": "at batch N"}
#: The columns of the table of every answer, in order (the download leaves out the band's text).
ANSWER_COLUMNS = ["device", "precision", "variant", "evidence", "latency_ms", "fps", "band", "batch", "fps_low",
                  "fps_high", "latency_low_ms", "latency_high_ms", "roofline_fps", "reason"]


def choices(scenario: Scenario, asked: Asked) -> Choices:
    """:func:`_choices` keyed on what it reads (model_side().with_task(task))."""
    return _choices(scenario.model_side().with_task(scenario.task), asked)


@cache.cached(16)
def _choices(scenario: Scenario, asked: Asked) -> Choices:
    """The answers a session picks one of (platform -> precision -> network) and where each is."""
    return widget_choices(answers(scenario, asked), ("device", "precision", "variant"))


def bands_table(scenario: Scenario) -> tables.Table:
    """:func:`_bands_table` keyed on what it reads (fit_side())."""
    return _bands_table(scenario.fit_side())


@cache.cached(8)
def _bands_table(scenario: Scenario) -> tables.Table:
    """The model's held-out errors and bands per platform, level and question (the fit's, which the
    filters do not move)."""
    model = cache.batch_model(scenario)
    bands = model.bands[model.bands["question"].isin(["latency-b1", "throughput-best"])]
    shown = bands.assign(question=bands["question"].map(QUESTION_NAMES),
                         tested_share=100.0 * bands["tested"] / bands["units"], band_factor=np.exp(bands["band_q"]))
    return tables.prepare(
        shown, ["platform", "level", "question", "tested_median_abs_error_pct", "band_factor", "tested", "units",
                "untested_median_abs_error_pct", "band_source", "band_coverage_pct"], fit=True,
        units=st.column_config.NumberColumn("Held-out rows", format="%d"),
        tested=st.column_config.NumberColumn("Tested", format="%d"),
        tested_median_abs_error_pct=st.column_config.NumberColumn("Median |error| (%)", format="%.1f",
                                                                  help="Of the tested held-out rows."),
        untested_median_abs_error_pct=st.column_config.NumberColumn("Untested: median |error| (%)", format="%.1f"),
        band_factor=st.column_config.NumberColumn("80 % band (x or ÷)", format="%.2f",
                                                  help="A tested prediction's band runs from the prediction divided "
                                                       "by this factor to the prediction times it."),
        band_source=st.column_config.TextColumn("Band from"),
        band_coverage_pct=st.column_config.NumberColumn("Nested band held (%)", format="%.0f"))


@cache.cached(16)
def held_out(scenario: Scenario, holdout: str, question: str,
             level: str) -> tuple[pd.DataFrame, pd.DataFrame, dict | None, tables.Table | None]:
    """The held-out rows of one hold-out, question and level (every task, for the download), those of
    the measured configurations inside the sidebar's filters, and their chart and table (None when
    there are none)."""
    held = cache.calibration_rows(scenario, holdout, question, level)
    keys = list(CONFIG_KEYS)
    inside = pd.MultiIndex.from_frame(paired(scenario)[keys].astype({"pruning_pct": float}))
    shown = held[held["task"].eq(scenario.task).to_numpy()
                 & pd.MultiIndex.from_frame(held[keys].astype({"pruning_pct": float})).isin(inside)]
    if shown.empty:
        return held, shown, None, None
    chart = calibration_spec(shown, cache.device_colors_for(shown, scenario.whatif.custom_text))
    table = tables.prepare(
        shown.assign(variant=variant_label(shown["topology"], shown["pruning_pct"])),
        ["device", "precision", "variant", "measured_fps", "predicted_fps", "error_pct", "evidence", "band_low_fps",
         "band_high_fps", "batch", "status"], fit=True,
        digits={"predicted_fps": 4, "band_low_fps": 4, "band_high_fps": 4},
        measured_fps=st.column_config.NumberColumn("Measured /s"),
        predicted_fps=st.column_config.NumberColumn("Predicted /s"),
        error_pct=st.column_config.NumberColumn("Error (%)", format="%+.1f"),
        batch=st.column_config.NumberColumn("Batch", format="localized"),
        band_low_fps=st.column_config.NumberColumn("Band low /s"),
        band_high_fps=st.column_config.NumberColumn("Band high /s"))
    return held, shown, chart, table


def claims_table(scenario: Scenario) -> tables.Table:
    """:func:`_claims_table` keyed on what it reads (fit_side())."""
    return _claims_table(scenario.fit_side())


@cache.cached(8)
def _claims_table(scenario: Scenario) -> tables.Table:
    """The model per platform x level x term read as claims (:func:`ui.cache.model_claims`)."""
    return tables.prepare(
        cache.model_claims(scenario), ["platform", "level", "term", "claim", "read_as_claim", "coefficient", "rows",
                                       "networks"], fit=True,
        coefficient=st.column_config.NumberColumn("Coefficient", format="%.4g"),
        read_as_claim=st.column_config.CheckboxColumn("Read as a claim"))


def above_datasheet(scenario: Scenario) -> tuple[str, ...]:
    """:func:`_above_datasheet` keyed on what it reads (fit_side())."""
    return _above_datasheet(scenario.fit_side())


@cache.cached(8)
def _above_datasheet(scenario: Scenario) -> tuple[str, ...]:
    """A warning for each term the fit reads as a claim above the datasheet (suspect data or a wrong
    term, never a property of the hardware)."""
    claims = cache.model_claims(scenario)
    if claims.empty:
        return ()
    above = claims[claims["above_datasheet"] & claims["read_as_claim"]]
    return tuple(f"{literal(row.platform)} ({row.level}): the fit says its {row.term} run at {row.claim}, above "
                 "the datasheet: suspect data or a wrong term, not a property of the hardware."
                 for row in above.itertuples())


def answers_table(scenario: Scenario, asked: Asked) -> tables.Table:
    """:func:`_answers_table` keyed on what it reads (model_side().with_task(task))."""
    return _answers_table(scenario.model_side().with_task(scenario.task), asked)


@cache.cached(16)
def _answers_table(scenario: Scenario, asked: Asked) -> tables.Table:
    """Every answer of the scenario's task to ``asked`` (:func:`answers`) as the table shows it."""
    return tables.prepare(
        answers(scenario, asked), ANSWER_COLUMNS, fit=True,
        digits={"latency_ms": 4, "latency_low_ms": 4, "latency_high_ms": 4, "fps": 4, "fps_low": 4, "fps_high": 4,
                "roofline_fps": 4},
        latency_ms=st.column_config.NumberColumn("Latency (ms)"),
        fps=st.column_config.NumberColumn("Inputs/s"),
        band=st.column_config.TextColumn("Band (inputs/s)", help="The 80 % held-out band of a tested prediction."),
        batch=st.column_config.NumberColumn("Batch", format="localized"),
        evidence=st.column_config.TextColumn("Evidence", help="measured; tested: predicted, and a hold-out tested "
                                             "predictions like it; untested: predicted, never tested (why: the last "
                                             "column)."),
        variant=st.column_config.TextColumn("Network"),
        latency_low_ms=st.column_config.NumberColumn("Latency low (ms)"),
        latency_high_ms=st.column_config.NumberColumn("Latency high (ms)"),
        fps_low=st.column_config.NumberColumn("Band low /s"),
        fps_high=st.column_config.NumberColumn("Band high /s"),
        roofline_fps=st.column_config.NumberColumn("Roofline /s"))

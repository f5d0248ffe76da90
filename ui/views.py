"""What a theory page draws from, read off this rerun's scenario (:mod:`ui.scenario`): the
what-if settings, the selection, the what-if hardware inside it and the predictions over it (the
page stops with a clear message when nothing is left)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from qb_core.efficiency import above_peak, pair
from qb_core.explain import why_beaten
from qb_core.filters import Selection, select
from qb_core.model import ModelReport
from qb_core.scenario import Scenario
from qb_core.topology import variant_label
from qb_core.user_networks import UserNetwork
from qb_core.whatif import WhatIf
from ui import data, scenario, sidebar, uploads
from ui.safe import literal_list


@dataclass(frozen=True)
class TheoryView:
    scenario: Scenario
    hardware: pd.DataFrame
    predictions: pd.DataFrame

    @property
    def settings(self) -> WhatIf:
        return self.scenario.whatif

    @property
    def selection(self) -> Selection:
        """The sidebar's selection widened to the user's own CNV width."""
        return self.scenario.theory_selection

    @property
    def networks(self) -> tuple[UserNetwork, ...]:
        """The user's networks of the task."""
        return self.scenario.task_networks


def without_unknown_traffic(predictions: pd.DataFrame) -> pd.DataFrame:
    """``predictions`` without those whose intensity is unknown, saying in a caption which networks
    were left out and why (published totals have no layer list, so no activation traffic)."""
    unknown = predictions["intensity"].isna()
    if unknown.any():
        names = sorted(predictions.loc[unknown, "topology"].astype(str).unique())
        st.caption(f"Left out: {literal_list(names)}. These networks come from published totals without a layer "
                   "list, so their activation traffic, needed with activations off chip, is unknown.")
    return predictions[~unknown]


def view(*, drop_unknown: bool = True) -> TheoryView:
    """Scenario, hardware and predictions of a theory page. With ``drop_unknown``, predictions whose
    intensity is unknown (activation traffic of a network without a layer list, with activations
    off chip) are left out and the page says which."""
    current = scenario.current_or_stop()
    hardware = data.shown_hardware(current)
    if hardware.empty:
        sidebar.no_rows_message("platform x precision pairs")
        st.stop()
    predictions = data.predictions(current)
    if drop_unknown:
        predictions = without_unknown_traffic(predictions)
    if predictions.empty:
        sidebar.no_rows_message("predictions")
        st.stop()
    return TheoryView(current, hardware, predictions)


@dataclass(frozen=True)
class GapView:
    """A theory-meets-measurement page's inputs: the theory view and the join of the measured
    rows inside the filters to its predictions (:func:`qb_core.efficiency.efficiency_table`)."""

    theory: TheoryView
    measured: pd.DataFrame
    join: pd.DataFrame
    datasheet: pd.DataFrame

    @property
    def paired(self) -> pd.DataFrame:
        return self.join[self.join["status"] == "paired"]

    def model(self) -> ModelReport | None:
        """The calibrated model, fitted on every task's measurements (bundled and uploaded) against
        the datasheet catalog: neither the sidebar's filters nor the what-if settings move the fit."""
        return data.model_report(self.theory.scenario, uploads.rows())


def measured_join(theory: TheoryView) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(measured rows inside the filters, the datasheet hardware, their join under the what-if
    settings): a measurement above its platform's datasheet peak is named, not one above a slider."""
    current = theory.scenario
    measured = select(uploads.rows(), current.theory_selection)
    return measured, data.shown_hardware(current, datasheet=True), data.join(current, uploads.rows())


def gap_view() -> GapView:
    """The join under this session's what-if settings and filters (measurements of every batch
    inside the batch range); the page stops with a message when nothing is paired or listed."""
    theory = view(drop_unknown=False)
    measured, datasheet, join = measured_join(theory)
    if join.empty:
        sidebar.no_rows_message("measurements or predictions")
        st.stop()
    return GapView(theory, measured, join, datasheet)


def device_colors(frame: pd.DataFrame) -> dict[str, str]:
    """Device colours for every device of ``frame`` (bundled, own and uploaded)."""
    return data.device_colors_for(frame, scenario.current().whatif.custom_text)


def beaten_predictions(theory_view: TheoryView) -> pd.DataFrame:
    """The measured configurations whose throughput beats the prediction shown for them, with why
    in words: weights that fit on chip (say so and point to *Automatic*), a batch that shares one
    read of the weights, or a measurement above the peak itself. Only the pairing is redone when a
    slider moves; the measured side is cached."""
    current, settings = theory_view.scenario, theory_view.settings
    best = data.best_measured(current, uploads.rows())
    paired = pair(best, theory_view.predictions, settings.weights, settings.activations)
    beaten = paired[paired["measured_fps"] > paired["inputs_per_s"]]
    beaten = beaten.assign(variant=variant_label(beaten["topology"], beaten["pruning_pct"]))
    above = above_peak(beaten, data.shown_hardware(current, datasheet=True))
    return beaten.assign(why=why_beaten(beaten, data.fits(current), above))

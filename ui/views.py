"""What a theory page draws from: the what-if settings, the sidebar selection, the what-if
hardware inside it and the predictions over it (the page stops with a clear message when
nothing is left)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st

from qb_core.efficiency import above_peak, pair
from qb_core.explain import why_beaten
from qb_core.filters import Selection, select
from qb_core.model import ModelReport
from qb_core.topology import variant_label
from qb_core.user_networks import UserNetwork
from qb_core.whatif import WhatIf
from ui import data, sidebar, uploads, user_networks, whatif_state
from ui.safe import literal_list


@dataclass(frozen=True)
class TheoryView:
    settings: WhatIf
    selection: Selection
    hardware: pd.DataFrame
    predictions: pd.DataFrame
    networks: tuple[UserNetwork, ...] = ()


def without_unknown_traffic(predictions: pd.DataFrame) -> pd.DataFrame:
    """``predictions`` without those whose intensity is unknown, saying in a caption which networks
    were left out and why (published totals have no layer list, so no activation traffic)."""
    unknown = predictions["intensity"].isna()
    if unknown.any():
        names = sorted(predictions.loc[unknown, "topology"].astype(str).unique())
        st.caption(f"Left out: {literal_list(names)}. These networks come from published totals without a layer "
                   "list, so their activation traffic, needed with activations off chip, is unknown.")
    return predictions[~unknown]


def selection_with_own_width(selection: Selection, settings: WhatIf) -> Selection:
    """The sidebar selection widened to the user's own CNV width."""
    if settings.width_pct is None or selection.pruning_pcts is None:
        return selection
    return replace(selection, pruning_pcts=(*selection.pruning_pcts, settings.width_pct))


def hardware_or_stop(settings: WhatIf, selection: Selection) -> pd.DataFrame:
    """The what-if long catalog inside the selection; stops with a message when it is empty."""
    hardware = select(data.whatif_hardware_long(settings.custom_text, settings.overrides_text,
                                                settings.bandwidth_scale, settings.peak_scale), selection)
    if hardware.empty:
        sidebar.no_rows_message("platform x precision pairs")
        st.stop()
    return hardware


def view(*, drop_unknown: bool = True) -> TheoryView:
    """Settings, selection, hardware and predictions of a theory page. With ``drop_unknown``,
    predictions whose intensity is unknown (activation traffic of a network without a layer list,
    with activations off chip) are left out and the page says which."""
    settings = whatif_state.current()
    selection = selection_with_own_width(sidebar.current_or_stop(), settings)
    hardware = hardware_or_stop(settings, selection)
    networks = user_networks.for_task(selection.task)
    predictions = select(data.predictions(selection.task, hardware, settings.weights, settings.batch,
                                          settings.activations, settings.width_scales, networks), selection,
                         by_batch=False)
    if drop_unknown:
        predictions = without_unknown_traffic(predictions)
    if predictions.empty:
        sidebar.no_rows_message("predictions")
        st.stop()
    return TheoryView(settings, selection, hardware, predictions, networks)


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
        return data.model_report(uploads.rows(), data.hardware_with(self.theory.settings.custom_text),
                                 user_networks.networks())


def datasheet_hardware(settings: WhatIf, selection: Selection) -> pd.DataFrame:
    """The long catalog inside the selection before any scale or override (own platforms kept)."""
    return select(data.hardware_with(settings.custom_text), selection)


def measured_join(theory: TheoryView) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(measured rows inside the filters, the datasheet hardware, their join under the what-if
    settings): a measurement above its platform's datasheet peak is named, not one above a slider."""
    settings, selection = theory.settings, theory.selection
    measured = select(uploads.rows(), selection)
    datasheet = datasheet_hardware(settings, selection)
    join = data.join(measured, theory.hardware, selection.task, settings.weights, settings.batch,
                     settings.activations, settings.width_scales, datasheet, theory.networks)
    return measured, datasheet, join


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
    return data.device_colors_for(frame, whatif_state.current().custom_text)


def beaten_predictions(theory_view: TheoryView) -> pd.DataFrame:
    """The measured configurations whose throughput beats the prediction shown for them, with why
    in words: weights that fit on chip (say so and point to *Automatic*), a batch that shares one
    read of the weights, or a measurement above the peak itself. Only the pairing is redone when a
    slider moves; the measured side is cached."""
    settings, selection = theory_view.settings, theory_view.selection
    best = data.best_measured(select(uploads.rows(), selection), selection.task)
    paired = pair(best, theory_view.predictions, settings.weights, settings.activations)
    beaten = paired[paired["measured_fps"] > paired["inputs_per_s"]]
    beaten = beaten.assign(variant=variant_label(beaten["topology"], beaten["pruning_pct"]))
    above = above_peak(beaten, datasheet_hardware(settings, selection))
    return beaten.assign(why=why_beaten(beaten, data.fits(theory_view.predictions), above))

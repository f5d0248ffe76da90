"""This session's scenario (:class:`qb_core.service.Scenario`): built once per rerun by the entry
point, after the sidebar has drawn and before the page runs, and read by the page and every cache.

Whatever changes the session's uploads, networks, overrides or own platforms drops the scenario
(:data:`ui.widgets.SCENARIO_KEY`). Those changes happen in widget callbacks and link loading,
before the entry point builds the scenario, so a page never reads a stale one; a read after a
drop builds it again.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qb_core.service import Scenario
from ui import cache, sidebar, uploads, user_networks, whatif_state
from ui.widgets import SCENARIO_KEY


def build(group: str | None = None) -> Scenario:
    """The scenario of the sidebar's current values (the filters of page group ``group``)."""
    scenario = Scenario(selection=sidebar.selection(group), whatif=whatif_state.current(),
                        uploads=uploads.current(), networks=user_networks.networks())
    st.session_state[SCENARIO_KEY] = scenario
    return scenario


def current() -> Scenario:
    """This rerun's scenario."""
    scenario = st.session_state.get(SCENARIO_KEY)
    return scenario if scenario is not None else build()


def current_or_stop() -> Scenario:
    """This rerun's scenario, or a clear message and the end of the page when a filter selects nothing."""
    scenario = current()
    if not sidebar.require_nonempty(scenario.selection):
        st.stop()
    return scenario


def measured_rows() -> pd.DataFrame:
    """This scenario's measurements inside the filters (:func:`ui.cache.selected_rows`); the page
    stops with a clear message when a filter is empty or no row matches."""
    rows = cache.selected_rows(current_or_stop())
    if rows.empty:
        sidebar.no_rows_message()
        st.stop()
    return rows

"""Cached entry points for the pages' explanations (issue 18): what the measurements say about
each platform, computed once per distinct input (beside :mod:`ui.data`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qb_core.platform_notes import achievable_peaks


@st.cache_data(max_entries=16, show_spinner=False)
def achievable(measured: pd.DataFrame, datasheet: pd.DataFrame) -> pd.DataFrame:
    """Best measured TOP/s per device x precision over every task and batch of ``measured``
    (bundled and uploaded) against the ``datasheet`` long catalog
    (:func:`qb_core.platform_notes.achievable_peaks`)."""
    return achievable_peaks(measured, datasheet)

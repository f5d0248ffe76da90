"""What the sidebar's widgets share: how they keep their value, and the keys others set."""

from __future__ import annotations

#: Every sidebar widget lives in the URL (values at their default stay out of it) and keeps its
#: value while a page that does not show it is open.
KEEP = {"bind": "query-params", "persist_state": "session"}


def family_key(family: str) -> str:
    """Widget key (and URL parameter) of a family's platform toggles, e.g. ``hw_fpga``."""
    return f"hw_{family.lower()}"


#: Where this rerun's scenario is kept (:mod:`ui.scenario`); dropped by whatever changes the session
#: under a run, so the next read builds it again.
SCENARIO_KEY = "_scenario"


def drop_scenario() -> None:
    import streamlit as st

    st.session_state.pop(SCENARIO_KEY, None)

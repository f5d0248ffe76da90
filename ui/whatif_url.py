"""The what-if state in the page address: overrides and the user's own platforms travel as
compact JSON (the sliders and choices are widgets bound to the URL themselves). A link that
cannot be used is reported, with the reason, and ignored."""

from __future__ import annotations

import streamlit as st

from qb_core.hardware.whatif import NO_OVERRIDES, NO_PLATFORMS, WhatIf
from qb_core.links import overrides_from_text, platforms_from_text
from ui import whatif_state
from ui.safe import literal


def load_from_url() -> None:
    """Once per session: take overrides and platforms from the link, or say why they were ignored."""
    if st.session_state.get("_whatif_from_url"):
        return
    st.session_state["_whatif_from_url"] = True
    notes = []
    params = st.query_params
    if "platforms" in params:
        try:
            whatif_state.set_custom_records(whatif_state.records_of(platforms_from_text(params["platforms"])))
        except ValueError as exc:
            notes.append(f"The link's own platforms were ignored: {literal(exc, 300)}.")
    if "overrides" in params:
        try:
            whatif_state.set_overrides(overrides_from_text(params["overrides"], whatif_state.all_devices()))
        except ValueError as exc:
            notes.append(f"The link's overrides were ignored: {literal(exc, 300)}.")
    st.session_state["_whatif_notes"] = notes


def notes() -> list[str]:
    """What :func:`load_from_url` had to say (already escaped for Markdown)."""
    return st.session_state.get("_whatif_notes", [])


def show_notes() -> None:
    """The link's problems, on whichever page the link opened, until the user dismisses them."""
    if notes():
        for note in notes():
            st.sidebar.warning(note, icon=":material/link_off:")
        st.sidebar.button("Dismiss", key="dismiss_link_notes", on_click=st.session_state.pop,
                          args=("_whatif_notes", None))


def write_to_url(current: WhatIf) -> None:
    for key, text, empty in (("platforms", current.custom_text, NO_PLATFORMS),
                             ("overrides", current.overrides_text, NO_OVERRIDES)):
        if text != empty:
            if st.query_params.get(key) != text:
                st.query_params[key] = text
        elif key in st.query_params:
            del st.query_params[key]

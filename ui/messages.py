"""One-shot messages from widget callbacks: set during the callback, shown once on the next run."""

from __future__ import annotations

import streamlit as st

LEVELS = ("error", "success")


def flash(scope: str, level: str, text: str) -> None:
    """Queue ``text`` (``error`` or ``success``) for the page ``scope``."""
    st.session_state[f"_{scope}_{level}"] = text


def show(scope: str) -> None:
    """Show and forget the page's queued messages."""
    for level in LEVELS:
        text = st.session_state.pop(f"_{scope}_{level}", None)
        if text:
            getattr(st, level)(text)

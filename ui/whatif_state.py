"""This session's what-if state: the user's overrides and own platforms (kept in
``st.session_state``, never in a module) and the settings of the sidebar's what-if widgets,
read back as one :class:`qb_core.hardware.whatif.WhatIf`."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from qb_core.hardware.whatif import (
    CUSTOM_COLUMNS,
    MAX_CUSTOM_PLATFORMS,
    NO_PLATFORMS,
    WhatIf,
    combined_catalog,
    custom_catalog,
)
from qb_core.links import overrides_to_text, platforms_to_text
from ui import cache
from ui.widgets import drop_scenario

#: The what-if widgets' keys (and URL parameters), declared once: the sidebar draws them, the
#: what-if is read from them, What would it take sets the two scales.
BANDWIDTH_SCALE_KEY, PEAK_SCALE_KEY = "bw_scale", "peak_scale"
WEIGHTS_KEY, WEIGHTS_BATCH_KEY, ACTIVATIONS_KEY = "weights", "weights_batch", "activations"
WIDTH_ON_KEY, WIDTH_PCT_KEY = "width_on", "width_pct"
#: The widgets' defaults: the datasheet, QuTiBench's storage assumption, no own width.
DEFAULT_SETTINGS = WhatIf()
DEFAULT_BATCH_N = 8
DEFAULT_OWN_WIDTH_PCT = 75
DEFAULTS: dict[str, object] = {
    BANDWIDTH_SCALE_KEY: DEFAULT_SETTINGS.bandwidth_scale, PEAK_SCALE_KEY: DEFAULT_SETTINGS.peak_scale,
    WEIGHTS_KEY: DEFAULT_SETTINGS.weights, WEIGHTS_BATCH_KEY: DEFAULT_BATCH_N,
    ACTIVATIONS_KEY: DEFAULT_SETTINGS.activations, WIDTH_ON_KEY: False, WIDTH_PCT_KEY: DEFAULT_OWN_WIDTH_PCT,
}


def overrides() -> dict[str, dict[str, float]]:
    """This session's overrides of the platforms that exist (one of a platform since removed or
    renamed is dropped, so it can never break a page)."""
    stored = st.session_state.setdefault("overrides", {})
    if not stored:
        return stored
    known = set(all_devices())
    if set(stored) - known:
        stored = {device: figures for device, figures in stored.items() if device in known}
        st.session_state["overrides"] = stored
    return stored


def set_overrides(values: dict[str, dict[str, float]]) -> None:
    st.session_state["overrides"] = values
    drop_scenario()


def custom_records() -> list[dict]:
    return st.session_state.setdefault("custom_platforms", [])


def set_custom_records(records: list[dict]) -> None:
    """Validate, then store; raises ValueError (state unchanged) when the list is not usable."""
    if len(records) > MAX_CUSTOM_PLATFORMS:
        raise ValueError(f"at most {MAX_CUSTOM_PLATFORMS} platforms of your own fit in a shareable link")
    frame = custom_catalog(records)
    combined_catalog(cache.catalog(), frame)  # refuses names that clash with the catalog
    st.session_state["custom_platforms"] = records
    drop_scenario()


def records_of(frame: pd.DataFrame) -> list[dict]:
    """Catalog rows of users' platforms back to the plain records kept in session state."""
    table = frame[list(CUSTOM_COLUMNS)].astype(object)
    return table.where(table.notna(), None).to_dict("records")


def custom_frame() -> pd.DataFrame | None:
    """The user's platforms as catalog rows (validated once per distinct list, not per call)."""
    records = custom_records()
    return cache.custom_table(json.dumps(records, sort_keys=True)) if records else None


def all_devices() -> list[str]:
    names = list(cache.catalog()["device"])
    frame = custom_frame()
    return names + ([] if frame is None else list(frame["device"]))


def reset() -> None:
    """Back to the datasheet and QuTiBench's assumption; the user's own platforms stay."""
    for key, value in DEFAULTS.items():
        st.session_state[key] = value
    set_overrides({})


def current() -> WhatIf:
    """This session's settings (defaults where a widget has not run yet)."""
    state = st.session_state

    def value(key: str):
        got = state.get(key)
        return DEFAULTS[key] if got is None else got

    frame = custom_frame()
    return WhatIf(
        bandwidth_scale=float(value(BANDWIDTH_SCALE_KEY)),
        peak_scale=float(value(PEAK_SCALE_KEY)),
        weights=str(value(WEIGHTS_KEY)),
        batch=int(value(WEIGHTS_BATCH_KEY)) if value(WEIGHTS_KEY) == "per-batch" else 1,
        activations=str(value(ACTIVATIONS_KEY)),
        width_pct=float(value(WIDTH_PCT_KEY)) if value(WIDTH_ON_KEY) else None,
        overrides_text=overrides_to_text(overrides()),
        custom_text=NO_PLATFORMS if frame is None else platforms_to_text(frame),
    )

"""The what-if controls in the sidebar: global scales, storage assumption, an own CNV width."""

from __future__ import annotations

import streamlit as st

from qb_core.hardware.whatif import log_scale_steps
from qb_core.vocabulary import ACTIVATION_MODES, WEIGHT_MODES
from ui import whatif_state
from ui.text import ACTIVATION_LABELS, WEIGHT_LABELS
from ui.whatif_state import (
    ACTIVATIONS_KEY,
    BANDWIDTH_SCALE_KEY,
    PEAK_SCALE_KEY,
    WEIGHTS_BATCH_KEY,
    WEIGHTS_KEY,
    WIDTH_ON_KEY,
    WIDTH_PCT_KEY,
)
from ui.widgets import KEEP

SCALES = log_scale_steps()
BATCH_STEPS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]
WIDTH_RANGE = (5, 200)


def render(expanded: bool = True) -> None:
    """The what-if block (theory and theory-vs-measurement pages)."""
    defaults = whatif_state.DEFAULTS
    box = st.sidebar.expander("What-if", expanded=expanded, icon=":material/tune:")
    box.select_slider("Memory bandwidth x", SCALES, value=defaults[BANDWIDTH_SCALE_KEY], key=BANDWIDTH_SCALE_KEY,
                      format_func="{:g}x".format, help="Multiplies every platform's memory bandwidth (log steps, "
                                                       "0.1x to 10x).", **KEEP)
    box.select_slider("Peak TOP/s x", SCALES, value=defaults[PEAK_SCALE_KEY], key=PEAK_SCALE_KEY,
                      format_func="{:g}x".format, help="Multiplies every platform's peak operations per second.",
                      **KEEP)
    box.selectbox("Weights", list(WEIGHT_MODES), index=WEIGHT_MODES.index(defaults[WEIGHTS_KEY]),
                  format_func=WEIGHT_LABELS.get, key=WEIGHTS_KEY, help="Where the network's weights live.", **KEEP)
    if st.session_state.get(WEIGHTS_KEY, defaults[WEIGHTS_KEY]) == "per-batch":
        box.select_slider("Batch N (weights read once per batch)", BATCH_STEPS, value=defaults[WEIGHTS_BATCH_KEY],
                          key=WEIGHTS_BATCH_KEY, **KEEP)
    box.segmented_control("Activations", list(ACTIVATION_MODES), default=defaults[ACTIVATIONS_KEY], required=True,
                          format_func=ACTIVATION_LABELS.get, key=ACTIVATIONS_KEY, **KEEP)
    box.toggle("Add a CNV of my own width", value=defaults[WIDTH_ON_KEY], key=WIDTH_ON_KEY, **KEEP)
    if st.session_state.get(WIDTH_ON_KEY, False):
        box.slider("CNV width (% of the full network)", *WIDTH_RANGE, value=defaults[WIDTH_PCT_KEY], step=5,
                   key=WIDTH_PCT_KEY, **KEEP)
    box.button("Reset to datasheet", on_click=whatif_state.reset, icon=":material/restart_alt:",
               help="Scales back to 1x, no overrides, QuTiBench's storage assumption. Your own platforms stay.")
    overrides, own = whatif_state.overrides(), whatif_state.custom_records()
    if overrides or own:
        box.caption(f"{len(overrides)} platform override(s), {len(own)} platform(s) of your own: "
                    "edit them on the What-if hardware page.")

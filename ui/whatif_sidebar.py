"""The what-if controls in the sidebar: global scales, storage assumption, an own CNV width."""

from __future__ import annotations

import streamlit as st

from qb_core.hardware.whatif import log_scale_steps
from qb_core.vocabulary import ACTIVATION_MODES, WEIGHT_MODES
from ui import whatif_state
from ui.text import ACTIVATION_LABELS, WEIGHT_LABELS
from ui.widgets import KEEP

SCALES = log_scale_steps()
BATCH_STEPS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]
WIDTH_RANGE = (5, 200)


def render(expanded: bool = True) -> None:
    """The what-if block (theory and theory-vs-measurement pages)."""
    defaults = whatif_state.DEFAULTS
    box = st.sidebar.expander("What-if", expanded=expanded, icon=":material/tune:")
    box.select_slider("Memory bandwidth x", SCALES, value=defaults["bw_scale"], key="bw_scale",
                      format_func="{:g}x".format, help="Multiplies every platform's memory bandwidth (log steps, "
                                                       "0.1x to 10x).", **KEEP)
    box.select_slider("Peak TOP/s x", SCALES, value=defaults["peak_scale"], key="peak_scale",
                      format_func="{:g}x".format, help="Multiplies every platform's peak operations per second.",
                      **KEEP)
    box.selectbox("Weights", list(WEIGHT_MODES), index=WEIGHT_MODES.index(defaults["weights"]),
                  format_func=WEIGHT_LABELS.get, key="weights", help="Where the network's weights live.", **KEEP)
    if st.session_state.get("weights", defaults["weights"]) == "per-batch":
        box.select_slider("Batch N (weights read once per batch)", BATCH_STEPS, value=defaults["weights_batch"],
                          key="weights_batch", **KEEP)
    box.segmented_control("Activations", list(ACTIVATION_MODES), default=defaults["activations"], required=True,
                          format_func=ACTIVATION_LABELS.get, key="activations", **KEEP)
    box.toggle("Add a CNV of my own width", value=defaults["width_on"], key="width_on", **KEEP)
    if st.session_state.get("width_on", False):
        box.slider("CNV width (% of the full network)", *WIDTH_RANGE, value=defaults["width_pct"], step=5,
                   key="width_pct", **KEEP)
    box.button("Reset to datasheet", on_click=whatif_state.reset, icon=":material/restart_alt:",
               help="Scales back to 1x, no overrides, QuTiBench's storage assumption. Your own platforms stay.")
    overrides, own = whatif_state.overrides(), whatif_state.custom_records()
    if overrides or own:
        box.caption(f"{len(overrides)} platform override(s), {len(own)} platform(s) of your own: "
                    "edit them on the What-if hardware page.")

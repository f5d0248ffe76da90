"""What-if settings: sidebar controls, the user's overrides and platforms, and their URL form.

Sliders and choices are widgets bound to the URL. Overrides and the user's own platforms are
kept in this session's ``st.session_state`` only (never in a module) and mirrored to the URL as
compact JSON, so a link reproduces the view; a malformed link is reported and ignored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st

from qb_core.filters import Selection, select
from qb_core.topology import ACTIVATION_MODES, WEIGHT_MODES
from qb_core.whatif import (
    CUSTOM_COLUMNS,
    MAX_CUSTOM_PLATFORMS,
    custom_catalog,
    log_scale_steps,
    overrides_from_text,
    overrides_to_text,
    platforms_from_text,
    platforms_to_text,
    whatif_hardware,
)
from ui import data, sidebar

SCALES = log_scale_steps()
BATCH_STEPS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]
WIDTH_RANGE = (5, 200)
WEIGHT_LABELS = {"off-chip": "Off chip, every input", "per-batch": "Off chip, once per batch", "on-chip": "On chip"}
ACTIVATION_LABELS = {"on-chip": "On chip", "off-chip": "Off chip, every layer"}
DEFAULTS: dict[str, object] = {"bw_scale": 1.0, "peak_scale": 1.0, "weights": "off-chip", "weights_batch": 8,
                               "activations": "on-chip", "width_on": False, "width_pct": 75}
ASSUMPTIONS = {
    "off-chip": "**Weights off chip, every input** (QuTiBench's assumption): each input reads every weight from "
                "off-chip memory once; activations are free. Intensity = ops / (params x bytes per weight).",
    "per-batch": "**Weights off chip, once per batch of N**: a batch of N inputs shares one read of the weights, "
                 "so weight traffic per input is divided by N and intensity grows N-fold.",
    "on-chip": "**Weights on chip**: the weights fit in on-chip memory (as in FINN's dataflow designs) and cost "
               "no bandwidth; only off-chip activations, if chosen, move bytes.",
    "act-off-chip": "**Activations off chip**: every layer writes its output feature map off chip and reads its "
                    "input back, from the topology model's activation sizes.",
}


@dataclass(frozen=True)
class WhatIf:
    """This session's what-if settings, hashable so cached functions can key on them."""

    bandwidth_scale: float = 1.0
    peak_scale: float = 1.0
    weights: str = "off-chip"
    batch: int = 1
    activations: str = "on-chip"
    width_pct: float | None = None
    overrides_text: str = "{}"
    custom_text: str = "[]"

    @property
    def hardware_changed(self) -> bool:
        return (self.bandwidth_scale, self.peak_scale, self.overrides_text, self.custom_text) != (1.0, 1.0, "{}", "[]")

    @property
    def active(self) -> bool:
        """True when anything differs from the datasheet and QuTiBench's assumption."""
        storage = (self.weights, self.activations, self.width_pct)
        return self.hardware_changed or storage != ("off-chip", "on-chip", None)

    @property
    def width_scales(self) -> tuple[float, ...]:
        return () if self.width_pct is None else (self.width_pct / 100.0,)


# --- session state: overrides and the user's platforms ---
def overrides() -> dict[str, dict[str, float]]:
    return st.session_state.setdefault("overrides", {})


def custom_records() -> list[dict]:
    return st.session_state.setdefault("custom_platforms", [])


def set_custom_records(records: list[dict]) -> None:
    """Validate, then store; raises ValueError (state unchanged) when the list is not usable."""
    if len(records) > MAX_CUSTOM_PLATFORMS:
        raise ValueError(f"at most {MAX_CUSTOM_PLATFORMS} platforms of your own fit in a shareable link")
    frame = custom_catalog(records)
    whatif_hardware(data.catalog(), frame)  # refuses names that clash with the catalog
    st.session_state["custom_platforms"] = records


def records_of(frame: pd.DataFrame) -> list[dict]:
    """Catalog rows of users' platforms back to the plain records kept in session state."""
    table = frame[list(CUSTOM_COLUMNS)].astype(object)
    return table.where(table.notna(), None).to_dict("records")


def custom_frame() -> pd.DataFrame | None:
    """The user's platforms as catalog rows (validated once per distinct list, not per call)."""
    records = custom_records()
    return data.custom_table(json.dumps(records, sort_keys=True)) if records else None


def all_devices() -> list[str]:
    names = list(data.catalog()["device"])
    frame = custom_frame()
    return names + ([] if frame is None else list(frame["device"]))


# --- URL ---
def load_from_url() -> None:
    """Once per session: take overrides and platforms from the link, or say why they were ignored."""
    if st.session_state.get("_whatif_from_url"):
        return
    st.session_state["_whatif_from_url"] = True
    notes = []
    params = st.query_params
    if "platforms" in params:
        try:
            set_custom_records(records_of(platforms_from_text(params["platforms"])))
        except ValueError as exc:
            notes.append(f"The link's own platforms were ignored: {exc}.")
    if "overrides" in params:
        try:
            st.session_state["overrides"] = overrides_from_text(params["overrides"], all_devices())
        except ValueError as exc:
            notes.append(f"The link's overrides were ignored: {exc}.")
    st.session_state["_whatif_notes"] = notes


def write_to_url(current: WhatIf) -> None:
    for key, text, empty in (("platforms", current.custom_text, "[]"), ("overrides", current.overrides_text, "{}")):
        if text != empty:
            if st.query_params.get(key) != text:
                st.query_params[key] = text
        elif key in st.query_params:
            del st.query_params[key]


# --- sidebar ---
def _reset() -> None:
    for key, value in DEFAULTS.items():
        st.session_state[key] = value
    st.session_state["overrides"] = {}


def render() -> None:
    """The what-if controls in the sidebar (every page, so their values hold)."""
    load_from_url()
    box = st.sidebar.expander("What-if (theory pages)", expanded=True, icon=":material/tune:")
    box.select_slider("Memory bandwidth x", SCALES, value=DEFAULTS["bw_scale"], key="bw_scale",
                      format_func="{:g}x".format, bind="query-params",
                      help="Multiplies every platform's memory bandwidth (log steps, 0.1x to 10x).")
    box.select_slider("Peak TOP/s x", SCALES, value=DEFAULTS["peak_scale"], key="peak_scale",
                      format_func="{:g}x".format, bind="query-params",
                      help="Multiplies every platform's peak operations per second.")
    box.segmented_control("Weights", list(WEIGHT_MODES), default=DEFAULTS["weights"], required=True,
                          format_func=WEIGHT_LABELS.get, key="weights", bind="query-params")
    box.select_slider("Batch N (weights read once per batch)", BATCH_STEPS, value=DEFAULTS["weights_batch"],
                      key="weights_batch", bind="query-params",
                      disabled=st.session_state.get("weights", DEFAULTS["weights"]) != "per-batch")
    box.segmented_control("Activations", list(ACTIVATION_MODES), default=DEFAULTS["activations"], required=True,
                          format_func=ACTIVATION_LABELS.get, key="activations", bind="query-params")
    box.toggle("Add a CNV of my own width", value=DEFAULTS["width_on"], key="width_on", bind="query-params")
    box.slider("CNV width (% of the full network)", *WIDTH_RANGE, value=DEFAULTS["width_pct"], step=5,
               key="width_pct", bind="query-params", disabled=not st.session_state.get("width_on", False))
    box.button("Reset to datasheet", on_click=_reset, icon=":material/restart_alt:",
               help="Scales back to 1x, no overrides, QuTiBench's storage assumption. Your own platforms stay.")
    if overrides() or custom_records():
        box.caption(f"{len(overrides())} platform override(s), {len(custom_records())} platform(s) of your own: "
                    "edit them on the What-if hardware page.")
    for note in st.session_state.get("_whatif_notes", []):
        box.warning(note)


def current() -> WhatIf:
    """This session's settings (defaults where a widget has not run yet)."""
    state = st.session_state

    def value(key: str):
        got = state.get(key)
        return DEFAULTS[key] if got is None else got

    frame = custom_frame()
    return WhatIf(
        bandwidth_scale=float(value("bw_scale")),
        peak_scale=float(value("peak_scale")),
        weights=str(value("weights")),
        batch=int(value("weights_batch")) if value("weights") == "per-batch" else 1,
        activations=str(value("activations")),
        width_pct=float(value("width_pct")) if value("width_on") else None,
        overrides_text=overrides_to_text(overrides()),
        custom_text="[]" if frame is None else platforms_to_text(frame),
    )


@dataclass(frozen=True)
class TheoryView:
    """What a theory page draws from: settings, widened selection, filtered what-if hardware
    and the predictions over it."""

    settings: WhatIf
    selection: Selection
    hardware: pd.DataFrame
    predictions: pd.DataFrame


def theory_view() -> TheoryView:
    """The what-if hardware and predictions inside the filters; the page stops with a clear
    message when a filter is empty or no platform x precision pair is left."""
    settings = current()
    selection = theory_selection(sidebar.current_or_stop(), settings)
    hardware = select(data.whatif_hardware_long(settings.custom_text, settings.overrides_text,
                                                settings.bandwidth_scale, settings.peak_scale), selection)
    if hardware.empty:
        sidebar.no_rows_message("platform x precision pairs")
        st.stop()
    predictions = select(data.predictions(selection.task, hardware, settings.weights, settings.batch,
                                          settings.activations, settings.width_scales), selection, by_batch=False)
    unknown = predictions["intensity"].isna()
    if unknown.any():
        names = ", ".join(sorted(predictions.loc[unknown, "topology"].astype(str).unique()))
        st.caption(f"Left out: {names}. These networks come from published totals without a layer list, so "
                   "their activation traffic, needed with activations off chip, is unknown.")
        predictions = predictions[~unknown]
    if predictions.empty:
        sidebar.no_rows_message("predictions")
        st.stop()
    return TheoryView(settings, selection, hardware, predictions)


def theory_selection(selection: Selection, settings: WhatIf) -> Selection:
    """The sidebar selection widened to the user's platforms and own CNV width."""
    frame = custom_frame()
    platforms = selection.platforms
    if frame is not None and platforms is not None:
        platforms = (*platforms, *frame["platform"])
    pruning = selection.pruning_pcts
    if settings.width_pct is not None and pruning is not None:
        pruning = (*pruning, settings.width_pct)
    return replace(selection, platforms=platforms, pruning_pcts=pruning)

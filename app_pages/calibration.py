"""Calibrated prediction: one question answered on one card (a measurement, or the batch-aware
model's prediction with its evidence), and how wrong the model has been on networks it never saw."""

import numpy as np
import streamlit as st

from qb_core.model.batch_model import BAND_HELD_MIN_PCT, HOLDOUTS, MIN_BAND_ERRORS, RANGE_FACTOR
from qb_core.question import LEVEL_TEXT, LEVELS, QUESTION_TEXT, Asked
from qb_core.vocabulary import TASKS
from ui import tables
from ui.safe import download_csv, literal, option_label
from ui.viewmodels import calibration, theory
from ui.viewmodels.calibration import QUESTION_NAMES

HOLDOUT_NAMES = {"network": "network", "variant": "network variant", "config": "configuration"}
LEVEL_NAMES = {"board": "board", "accelerator": "accelerator"}

st.title("Calibrated prediction")
st.markdown(
    "How fast will a network run on a board, one input at a time or at its best batch, on the board or the "
    "accelerator alone, and how sure is that answer? One model per platform and level, fitted on every measured "
    "batch of every task:\n\n"
    "**time of a batch of B = c_batch + c_layer x layers + c_w x off-chip weight bytes / bandwidth + B x (c_mac x "
    "MAC ops / peak + c_act x activation bytes / bandwidth + c_in)**\n\n"
    "Every number below carries its evidence: **measured** (that configuration at that batch), **tested** (the "
    "hold-out that leaves whole networks out tested predictions like it on that platform; its 80 % band comes from "
    "that platform's held-out errors), or **untested** with the reason (too few networks measured there, a "
    "precision or layer type never measured there, operations or weights more than "
    f"{RANGE_FACTOR:g}x outside what was measured there, a batch outside the measured ones). An untested figure has "
    "no band. The sidebar never changes the fit."
)

gap = theory.gap_view()
model = gap.model()
if model is None:
    st.info("No measured configuration can be modelled: nothing to calibrate.")
    st.stop()
current = gap.theory.scenario

# --- one question, one card ---
st.subheader("Ask one question")
picks = st.columns([2, 1, 2])
kind = picks[0].segmented_control("Question", list(QUESTION_NAMES), format_func=QUESTION_NAMES.get,
                                  default="latency-b1", required=True, key="cal_question", bind="query-params")
batch = picks[1].number_input("Batch N", min_value=1, max_value=1_000_000, value=8, step=1, key="cal_batch",
                              bind="query-params", disabled=kind != "batch")
level = picks[2].segmented_control("Level", list(LEVELS), format_func=LEVEL_NAMES.get, default="board",
                                   required=True, key="cal_level", bind="query-params",
                                   help="Board: " + LEVEL_TEXT["board"] + ". Accelerator: " + LEVEL_TEXT["accelerator"])
asked = Asked(kind, level, int(batch) if kind == "batch" else None)
answers = calibration.answers(current, asked)
if answers.empty:
    st.info(f"No platform x precision x network of {TASKS[current.task]} to answer for.")
    st.stop()
choose = st.columns(3)
picking = calibration.choices(current, asked)
devices = list(picking.offered)
device = choose[0].selectbox("Platform", devices, key="cal_device", format_func=option_label,
                             index=devices.index("TX2-maxn") if "TX2-maxn" in devices else 0)
precision = choose[1].selectbox("Precision", list(picking.offered[device]), key=f"cal_precision_{device}")
variant = choose[2].selectbox("Network", list(picking.offered[device][precision]), key="cal_variant",
                              format_func=option_label)
one = answers.iloc[picking.positions[(device, precision, variant)]]

with st.container(border=True):
    evidence = str(one["evidence"])
    figures = st.columns(3)
    latency, fps = float(one["latency_ms"]), float(one["fps"])
    banded = evidence == "tested"
    figures[0].metric(f"Latency of a batch of {one['batch']:g} (ms)", f"{latency:,.4g}" if latency == latency else "—")
    unbanded = "measured: no band" if evidence == "measured" else "no band: untested"
    figures[0].caption(f"80 % band {one['latency_low_ms']:,.3g} – {one['latency_high_ms']:,.3g} ms" if banded
                       else unbanded)
    figures[1].metric("Throughput (inputs/s)", f"{fps:,.4g}" if fps == fps else "—")
    figures[1].caption(f"80 % band {one['fps_low']:,.3g} – {one['fps_high']:,.3g} inputs/s" if banded
                       else unbanded)
    figures[2].metric("Datasheet roofline (inputs/s)", f"{float(one['roofline_fps']):,.4g}")
    figures[2].caption("a reference line under QuTiBench's storage assumption, never an answer")
    said = {"measured": f"**Measured**: {literal(device)} ran {literal(variant)} at {precision}, batch "
                        f"{one['batch']:g}, at the {level} level.",
            "tested": f"**Predicted, tested**: the network hold-out on {literal(one['platform'])} tested "
                      f"{QUESTION_TEXT[kind]} predictions like this one at the {level} level"
                      + (" (its band pooled over platforms: too few held-out errors on this one)"
                         if one["band_source"] == "pooled over platforms" else "") + ".",
            "untested": f"**Predicted, untested**: {literal(one['reason'], 300)}. The figure is the model's, with no "
                        "band: no hold-out ever tested a prediction like it."}
    st.markdown(f"{asked.text.capitalize()}: " + said.get(evidence, ""))
    held = float(one.get("band_held_pct", np.nan))
    if banded and held == held:
        words = (f"In the nested hold-out this band held {held:.0f} % of the held-out rows (it promises 80 %)"
                 + (": narrower than it promises, read it as a lower bound on the uncertainty."
                    if held < BAND_HELD_MIN_PCT else "."))
        (st.warning if held < BAND_HELD_MIN_PCT else st.caption)(words)
    if evidence == "untested" and latency != latency:
        st.caption("The model has no fit for this platform at this level: only the datasheet roofline is known.")

# --- held-out errors ---
st.subheader("How wrong the model has been, leaving whole networks out")
tables.draw(calibration.bands_table(current), key="cal_bands")
st.caption("Each held-out row is predicted by a fit that never saw its network. *Tested* rows follow the rules "
           "above computed against that fit; untested rows are predicted anyway to show what a refusal saves. The "
           "band is the 80th percentile of the platform's tested held-out errors (pooled over the other platforms "
           f"where it has fewer than {MIN_BAND_ERRORS}); *nested band held* checks it with bands built from fits "
           "that also never saw the row's network. A platform measured on 2 networks cannot be tested: leaving one "
           "out leaves one. Error = (prediction - measured) / measured.")

holdout = st.segmented_control("Hold out", list(HOLDOUTS), default="network", required=True,
                               format_func=lambda h: f"one {HOLDOUT_NAMES[h]}", key="calibration_holdout",
                               bind="query-params")
question = kind
held, shown, held_chart, held_table = calibration.held_out(current, holdout, question, level)
if shown.empty:
    st.info("No measured configuration of this task inside the sidebar's filters.")
else:
    st.vega_lite_chart(held_chart, key="calibration_chart")
    st.caption(f"{QUESTION_TEXT[question].capitalize()} at the {level} level for the measured configurations "
               "inside the sidebar's filters, as inputs/s: the datasheet roofline and the model held out (tested "
               "or untested). On the dashed diagonal a prediction is exact; inside the shaded band within ±25 %.")
    tables.draw(held_table, key="held_out_table")

st.subheader("The model per platform")
tables.draw(calibration.claims_table(current), key="coefficients")
for warning in calibration.above_datasheet(current):
    st.warning(warning)
st.caption("Each coefficient is a claim about the hardware (a share of the datasheet peak or bandwidth, or a time) "
           "only where the fit rests on 3 or more networks and more rows than terms; elsewhere it only fits the "
           "rows. The multiply-accumulates are bounded at 100 % of the peak; weights and activations may be cached "
           "on chip beyond the estimate, so their shares are not bounded.")

st.subheader(f"Every answer for {TASKS[current.task]}")
tables.draw(calibration.answers_table(current, asked), key="calibrated_table")
counts = answers["evidence"].value_counts()
st.caption(f"{asked.text.capitalize()}: {counts.get('measured', 0)} measured, {counts.get('tested', 0)} tested "
           f"predictions, {counts.get('untested', 0)} untested, under the sidebar's what-if settings (a what-if "
           "platform's predictions are untested: the hold-out tested datasheet figures).")
settings = gap.theory.settings
download_csv("Download held-out predictions (CSV)", held, f"calibration_{holdout}_{question}_{level}.csv")
download_csv("Download every answer (CSV)", answers, f"answers_{kind}_{level}{settings.file_suffix()}.csv",
             columns=[c for c in calibration.ANSWER_COLUMNS if c != "band"])

"""Calibrated prediction: a figure to plan with, and how wrong it has been on data it never saw."""

import streamlit as st

from qb_core.calibration import MODELS
from qb_core.topology import variant_label
from ui import charts, data, tables, theory
from ui.safe import download_csv

HOLDOUTS = {"config": "configuration", "variant": "network variant"}

st.title("Calibrated prediction")
st.markdown(
    "The roofline says what a platform could do; the measurements say how far below it each platform runs. "
    "This page fits, from the measurements alone, one small model per platform:\n\n"
    "**time per input = overhead + roofline time / fraction**\n\n"
    "*overhead* is a fixed cost per input (launching layers, moving the input, host round trips) and "
    "*fraction* the share of the roofline the rest of the work reaches. Efficiency is then fraction / (1 + "
    "fraction x overhead / roofline time): small networks are dominated by the overhead, large ones approach "
    "the fraction. Its errors below are **held out**: each prediction comes from a fit that never saw the "
    "configuration (*leave one configuration out*) or any configuration of its network variant (*leave one "
    "variant out*, what predicting an unmeasured network faces)."
)

gap = theory.gap_view()
settings = gap.theory.settings
fitted = gap.calibration()
paired = fitted["paired"]
if paired.empty:
    st.info("No measured configuration inside the filters pairs with a prediction: nothing to calibrate.")
    st.stop()

st.subheader("How wrong each prediction is, held out")
summary = fitted["summary"]
table = summary.pivot(index="model", columns="holdout", values=["median_abs_error_pct", "within_25_pct"])
table.columns = [f"{'Median absolute error, %' if m == 'median_abs_error_pct' else 'Percent within ±25 %'}, "
                 f"leave one {HOLDOUTS[h]} out" for m, h in table.columns]
table = table.reindex(list(MODELS.values())).reset_index().rename(columns={"model": "Model"})
tables.static(table, decimals=1)
uncalibrated = int(summary.loc[summary["column"] == "calibrated_fps", "not_calibrated"].max())
st.caption(f"{len(paired)} paired configurations (on the datasheet hardware: the measurements ran there, so the fit "
           "ignores the what-if sliders; the calibrated predictions below apply it to the what-if roofline)"
           + (f"; {uncalibrated} of them on a platform with no other configuration, left out of the fitted models' "
              "figures" if uncalibrated else "") + ". The two roofline models are not fitted, so both hold-outs give "
           "them the same figures. Error = (prediction - measured) / measured. The baseline fits, per platform, "
           "log(efficiency) against log(ops per input).")

coefficients = fitted["coefficients"].reset_index()
coefficients = coefficients.assign(overhead_us=coefficients["overhead_s"] * 1e6)
st.subheader("The fit per platform")
tables.show(coefficients, ["platform", "overhead_us", "fraction", "fit_rows"], key="coefficients",
            overhead_us=st.column_config.NumberColumn("Overhead per input (µs)", format="%.1f"),
            fraction=st.column_config.NumberColumn("Fraction of the roofline reached", format="%.3f"))

holdout = st.segmented_control("Hold out", ["config", "variant"], default="variant", required=True,
                               format_func=lambda h: f"one {HOLDOUTS[h]}",
                               key="calibration_holdout", bind="query-params")
held = fitted[holdout]
st.vega_lite_chart(charts.calibration_spec(held, theory.device_colors(held)), key="calibration_chart")
st.caption("Each configuration three times: whole-network roofline, per-layer roofline and calibrated (held out). "
           "On the dashed diagonal a prediction is exact; inside the shaded band it is within ±25 %.")

st.subheader("Calibrated predictions to plan with")
calibrated = data.calibrated(gap.theory.predictions, paired)
calibrated = calibrated.assign(variant=variant_label(calibrated["topology"], calibrated["pruning_pct"]))
shown = ["device", "precision", "variant", "roofline_fps", "calibrated_fps", "band_low_fps", "band_high_fps",
         "typical_error_pct", "band_source", "calibrated"]
tables.show(calibrated, shown, key="calibrated_table")
st.caption("Under the sidebar's what-if settings: the fit comes from the measurements, the roofline time from the "
           "what-if hardware. The band holds 80 % of the platform's held-out errors (leave one variant out). "
           "A platform without measurements keeps its raw roofline, marked *not calibrated*: no figure is "
           "invented for it.")
download_csv("Download held-out predictions (CSV)", held, f"calibration_{holdout}{settings.file_suffix()}.csv")
download_csv("Download calibrated predictions (CSV)", calibrated[shown],
             f"calibrated_predictions{settings.file_suffix()}.csv")

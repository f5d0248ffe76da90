"""Calibrated prediction: one physical model per platform across every task, and how wrong it has
been on networks it never saw."""

import pandas as pd
import streamlit as st

from qb_core.model import CALIBRATED, HOLDOUTS, MODEL_COLUMNS
from qb_core.topology import variant_label
from ui import charts, data, tables, uploads, views
from ui.safe import download_csv, literal, literal_list

HOLDOUT_NAMES = {"network": "network", "variant": "network variant", "config": "configuration"}
#: Headers of the model's columns (the join calls ``predicted_fps`` the roofline's; here it is the model's),
#: inputs/s rounded to whole inputs; short, so the status fits beside the figures at 1280 px.
FPS = "%.0f"
MODEL_HEADERS = {
    "status": st.column_config.TextColumn("Status"),
    "measured_fps": st.column_config.NumberColumn("Measured /s", format=FPS),
    "roofline_fps": st.column_config.NumberColumn("Roofline /s", format=FPS),
    "predicted_fps": st.column_config.NumberColumn("Calibrated /s", format=FPS),
    "band_low_fps": st.column_config.NumberColumn("Band low /s", format=FPS),
    "band_high_fps": st.column_config.NumberColumn("Band high /s", format=FPS),
    "error_pct": st.column_config.NumberColumn("Error (%)", format="%+.1f"),
    "level": st.column_config.TextColumn("Faces a new"),
}

st.title("Calibrated prediction")
st.markdown(
    "The roofline says what a platform could do; the measurements say how it behaves. This page fits, on every "
    "task's measurements at once, **one model per platform** whose terms are physical:\n\n"
    "**time per input = c_conv x conv ops / peak + c_fc x FC ops / peak + c_w x weight bytes / bandwidth + c_0**\n\n"
    "conv ops include depthwise layers; weight bytes count only where the weights do not fit in the on-chip "
    "memory; 1 / c is the share of the datasheet peak (or bandwidth) the platform reaches on that kind of work "
    "and c_0 a fixed cost per input. Errors below are **held out**: each prediction comes from a fit that never "
    "saw its whole *network* (what your own network faces), its *network variant*, or its *configuration*. "
    "The sidebar only chooses which rows are shown; it never changes the fit."
)

gap = views.gap_view()
report = gap.model()
if report is None:
    st.info("No measured configuration pairs with a prediction: nothing to calibrate.")
    st.stop()

st.subheader("How wrong each prediction is, held out")
summary = data.model_errors(gap.theory.scenario, uploads.rows())
summary = summary.assign(cell=summary["median_abs_error_pct"].map("{:.1f} %".format) + " over "
                         + summary["predicted_rows"].map("{:,}".format) + " of "
                         + summary["paired_rows"].map("{:,}".format) + " rows")
table = summary.pivot(index="model", columns="holdout", values="cell")
table = table.reindex(index=list(MODEL_COLUMNS.values()), columns=list(HOLDOUTS))
table.columns = [f"Leave one {HOLDOUT_NAMES[h]} out" for h in table.columns]
tables.static(table.reset_index().rename(columns={"model": "Model: median absolute error"}))
ours = summary[summary["model"] == MODEL_COLUMNS["predicted_fps"]].set_index("holdout")
st.caption(
    f"{len(report.rows)} paired configurations of every task. The calibrated model predicts only rows it calls "
    "calibrated: " + ", ".join(f"{ours.loc[h, 'calibrated_pct']:.0f} % leaving one {HOLDOUT_NAMES[h]} out"
                               for h in HOLDOUTS)
    + ". Its 80 % band held " + ", ".join(f"{ours.loc[h, 'band_coverage_pct']:.0f} % ({HOLDOUT_NAMES[h]})"
                                          for h in HOLDOUTS)
    + " of held-out measurements, each band built only from fits that saw neither the row nor its group. "
    "The old form is the model this one replaces (overhead + roofline time / fraction, fitted per task): it "
    "cannot predict a network its task has not measured. Error = (prediction - measured) / measured."
)

holdout = st.segmented_control("Hold out", list(HOLDOUTS), default="network", required=True,
                               format_func=lambda h: f"one {HOLDOUT_NAMES[h]}",
                               key="calibration_holdout", bind="query-params")
per_platform = data.model_errors(gap.theory.scenario, uploads.rows(), holdout, by="platform")
per_platform = per_platform[per_platform["model"] == MODEL_COLUMNS["predicted_fps"]]
tables.show(per_platform, ["platform", "paired_rows", "calibrated_pct", "median_abs_error_pct", "band_coverage_pct"],
            key="platform_errors",
            calibrated_pct=st.column_config.NumberColumn("Calibrated (%)", format="%.0f"),
            median_abs_error_pct=st.column_config.NumberColumn("Median |error| (%)", format="%.1f"),
            band_coverage_pct=st.column_config.NumberColumn("In the 80 % band (%)", format="%.0f"))

held = report.tables[holdout]
selection = gap.theory.selection
keys = ["device", "precision", "topology", "pruning_pct"]
inside = pd.MultiIndex.from_frame(gap.paired[keys].astype({"pruning_pct": float}))
shown = held[held["task"].eq(selection.task).to_numpy()
             & pd.MultiIndex.from_frame(held[keys].astype({"pruning_pct": float})).isin(inside)]
if shown.empty:
    st.info("No paired configuration of this task inside the sidebar's filters.")
else:
    chart_rows = shown.rename(columns={"predicted_fps": "calibrated_fps"})
    st.vega_lite_chart(charts.calibration_spec(chart_rows, views.device_colors(chart_rows)), key="calibration_chart")
    st.caption("The configurations inside the sidebar's filters, three times each: whole-network roofline, "
               "per-layer roofline and calibrated (held out; absent where not calibrated). On the dashed diagonal "
               "a prediction is exact; inside the shaded band it is within ±25 %.")
    tables.show(shown.assign(variant=variant_label(shown["topology"], shown["pruning_pct"])),
                ["device", "precision", "variant", "measured_fps", "predicted_fps", "status", "error_pct",
                 "band_low_fps", "band_high_fps"], key="held_out_table", fit=True, **MODEL_HEADERS)

st.subheader("The model per platform")
coefficients = data.model_coefficients(gap.theory.scenario, uploads.rows())
tables.show(coefficients, ["platform", "term", "claim", "coefficient", "rows", "networks"], key="coefficients",
            coefficient=st.column_config.NumberColumn("Coefficient", format="%.4g"))
suspect = coefficients[coefficients["above_datasheet"]]
for row in suspect.itertuples():
    said = f"{literal(row.platform)}: the fit says its {row.term} run at {row.claim}, which the datasheet rules out. "
    if row.suspect_rows:
        st.warning(said + "The rows that force it are suspect data (measured faster than that work allows at the "
                          f"datasheet figures): {literal_list(row.suspect_rows.split('; '), 8)}.")
    else:
        st.warning(said + "No single measurement is faster than that work alone allows, so the data are not to "
                          "blame: the fit trades this term against the others on too few networks. Read the share "
                          "as poorly determined.")
st.caption("Each coefficient is a claim about the hardware: a share of the datasheet peak or bandwidth (above "
           "100 % is impossible, so the data that force it are named), or a fixed cost. 'Not needed by the data' "
           "means the fit puts no time on that term. A prediction is *not calibrated* where the platform was measured "
           "on fewer than 3 networks and the network is new to it, where its precision or one of its layer types "
           "was never measured there, or where one layer type carries most of its work but never more than a "
           "tenth of that share in the networks measured there (the fit would extrapolate).")

st.subheader("Calibrated predictions to plan with")
predicted = data.model_predictions(gap.theory.scenario, uploads.rows())
predicted = predicted.assign(variant=variant_label(predicted["topology"], predicted["pruning_pct"]))
columns = ["device", "precision", "variant", "predicted_fps", "status", "band_low_fps", "band_high_fps",
           "roofline_fps", "level"]
tables.show(predicted, columns, key="calibrated_table", fit=True, **MODEL_HEADERS)
calibrated_count = int((predicted["status"] == CALIBRATED).sum())
st.caption(f"{calibrated_count} of {len(predicted)} rows calibrated, under the sidebar's what-if settings (a "
           "what-if peak or bandwidth moves the terms it divides). *level* says what the prediction faces: a "
           "network never measured on that platform, a new variant of one that was, or a measured variant at "
           "another precision or op mode; its band is the 80 % band of held-out errors at that level. A row that is "
           "not calibrated has no prediction and no band (none was ever tested), only its roofline and the reason.")
settings = gap.theory.settings
download_csv("Download held-out predictions (CSV)", held, f"calibration_{holdout}.csv")
download_csv("Download calibrated predictions (CSV)", predicted[columns],
             f"calibrated_predictions{settings.file_suffix()}.csv")

"""Measure this machine: the empirical roofline of the machine the app runs on and a network's
latency and throughput on it, kept in the session as your platform and your measurements."""

import pandas as pd
import streamlit as st

from qb_core.host.measure import PRECISIONS as MEASURE_PRECISIONS
from qb_core.host.measure import MeasureError, measure_onnx, to_contribution_csv
from qb_core.host.roofline import host_info, measure_host_roofline, to_platform_row
from qb_core.networks.onnx_export import ExportError
from qb_core.units import gops_text
from qb_core.vocabulary import NETWORK_KEYS
from ui import measure_here, tables
from ui.safe import download_csv, literal, literal_list

st.title("Measure this machine")
info = host_info()
st.markdown(
    "QuTiBench is a method as well as a table: measure latency and throughput of a network at several batch "
    "sizes, and the machine's own roofline, then read both beside the published boards on every page. This page "
    "runs both with onnxruntime **on the machine the app runs on**. The command line does the same on any board "
    "with Python (`python -m qb_core host-roofline` and `python -m qb_core measure NETWORK`); upload its CSVs "
    "on *Your measurements* and *What-if hardware*."
)
st.info(f"This machine: **{literal(info.description)}**. If you opened the app from another computer (a shared "
        "server, Streamlit Community Cloud), that is the server, shared with its other users, not your computer: "
        "its figures vary with their load.", icon=":material/dns:")

# --- the roofline ---
st.subheader("1. Its roofline")
st.markdown("Peak: dense MatMul and Conv through onnxruntime at FP32 and INT8 on every core, the best of several "
            "runs. Bandwidth: a STREAM-like triad (a = b + s c) over arrays far larger than the last-level cache. "
            "The theoretical peak (cores x clock x vector width x 2 for a fused multiply-add) is shown beside it, as "
            "Intel Advisor and the Empirical Roofline Toolkit do.")
left, right = st.columns([2, 1])
budget = left.select_slider("Time for the roofline (s)", [20, 40, 60, 90], value=40, key="host_budget")
if right.button("Measure the roofline", icon=":material/speed:", key="host_go"):
    bar = st.progress(0.0, text="starting")
    st.caption("Changing anything on the page stops the measurement.")
    roofline = measure_host_roofline(budget_s=float(budget),
                                     progress=lambda done, total, text: bar.progress(done / total, text=text))
    bar.empty()
    try:
        st.session_state[measure_here.ROOFLINE_KEY] = (to_platform_row(roofline), roofline)
    except ValueError as exc:
        st.error(f"No roofline: {exc}.", icon=":material/error:")
measured = st.session_state.get(measure_here.ROOFLINE_KEY)
if measured is not None:
    row, roofline = measured
    cols = st.columns(3)
    for column, (precision_name, value, theory) in zip(cols, roofline.peaks(), strict=False):
        column.metric(f"{precision_name} peak (GOP/s)", gops_text(value),
                      None if not (value and theory) else f"{100 * value / theory:.0f} % of theory "
                                                          f"({gops_text(theory)})", delta_color="off")
    cols[2].metric("Bandwidth, triad (GB/s)", f"{roofline.bandwidth_gbps:,.1f}")
    for note in roofline.notes:
        st.caption(literal(note))
    st.caption(f"Theoretical figures: {literal(roofline.assumptions)}.")
    if measure_here.is_own_platform(row["platform"]):
        st.success(f"{literal(row['platform'])} is one of your platforms: every theory page shows its roofline.",
                   icon=":material/check:")
    elif st.button(f"Use {row['platform']} as my platform", icon=":material/add:", key="host_use"):
        try:
            measure_here.use_as_platform(row)
            st.rerun()
        except ValueError as exc:
            st.error(f"Could not add the platform: {exc}", icon=":material/error:")
    download_csv("Download the platform row (CSV, data/hardware.csv's schema)", pd.DataFrame([row]),
                 "host_platform.csv")

# --- a network ---
st.subheader("2. A network on it")
bundled, own = measure_here.bundled_choices(), measure_here.own_choices()
labels = [*own, *bundled]
first, second = st.columns(2)
chosen = first.selectbox("Network", labels, index=labels.index("CNV 100%") if "CNV 100%" in labels else 0,
                         key="measure_network", help="The bundled networks and yours (Your networks), with random "
                                                     "weights and their exact layer shapes.")
precision = second.segmented_control("Precision", list(MEASURE_PRECISIONS), default="FP32", required=True,
                                     key="measure_precision", help="INT8: onnxruntime's static quantization of the "
                                                                   "same graph (QLinearConv, QGemm).")
third, fourth, fifth = st.columns(3)
batches = third.multiselect("Batch sizes", [1, 2, 4, 8, 16, 32, 64], default=[1, 8], key="measure_batches")
runs = fourth.select_slider("Timed runs per batch", [5, 10, 20, 50], value=10, key="measure_runs")
budget_s = fifth.select_slider("Time budget (s)", [15, 30, 60, 120, 300], value=60, key="measure_budget")
if st.button("Measure", type="primary", icon=":material/play_arrow:", key="measure_go", disabled=not batches):
    try:
        if chosen in own:
            network = own[chosen]
            model, name, pct, task = measure_here.own_model(network.name, network.layers_csv), network.name, 100.0, \
                network.task
        else:
            (name, pct), task = bundled[chosen], None
            model = measure_here.bundled_model(name, pct)
    except ExportError as exc:
        st.error(f"{literal(chosen)} cannot be written as a runnable graph: {exc}", icon=":material/error:")
        st.stop()
    bar = st.progress(0.0, text="starting")
    st.caption("Each batch is kept as soon as it is measured; changing anything on the page stops the rest.")
    skipped: list[str] = []
    try:
        result = measure_onnx(model, sorted(batches), runs, 2, None, precision=precision, budget_s=float(budget_s),
                              progress=lambda done, total, text: bar.progress(done / total, text=f"{chosen}: {text}"),
                              topology=name, pruning_pct=pct, task=task, on_rows=measure_here.keep_rows)
        skipped = list(result.skipped)
    except MeasureError as exc:
        st.error(f"{literal(chosen)}: {exc}", icon=":material/error:")
    except ValueError as exc:  # the importer refused the rows: the ones kept before stay
        st.error(f"The rows could not be kept: {exc}", icon=":material/error:")
    bar.empty()
    if skipped:
        st.warning("Not measured: " + "; ".join(literal(s) for s in skipped), icon=":material/timer_off:")

rows = measure_here.measured_rows()
if len(rows):
    st.markdown(f"**Measured here in this session: {len(rows)} row(s)**, also on every measurement page as "
                f"*{measure_here.MEASURED_NAME}* (platform {literal_list(sorted(rows['platform'].unique()))}).")
    tables.show(rows, [*NETWORK_KEYS, "batch", "lat_comp_ms", "lat_sys_ms", "fps_comp",
                       "fps_system", "lat_comp_p90_ms", "lat_comp_p99_ms", "runs", "threads", "provider"],
                key="measured_here_table", fit=True, digits={"lat_comp_ms": 4, "lat_sys_ms": 4, "lat_comp_p90_ms": 4,
                                                             "lat_comp_p99_ms": 4, "fps_comp": 4, "fps_system": 4})
    platform = str(rows["platform"].iloc[0])
    if not measure_here.is_own_platform(platform):
        st.caption(f"{literal(platform)} pairs with predictions, and the calibrated model fits it, once it is one of "
                   "your platforms: measure the roofline above and use it.")
    st.caption("Accelerator latency: the onnxruntime session run alone; board latency: random input preparation, "
               "the run and the output copies. Throughput = batch / median latency; p90 and p99 over the timed runs. "
               "Not measured: accuracy (random weights and inputs), power, session creation and quantization.")
    download_csv("Download the rows (CSV, every column)", rows, "measured_here.csv")
    download_csv("Download as QuTiBench's contribution template (CSV)", to_contribution_csv(rows),
                 "measured_here_contribution.csv")  # to_contribution_csv escapes as to_csv_safe does
    if st.button("Forget the rows measured here", icon=":material/delete:", key="measure_forget"):
        measure_here.forget_rows()
        st.rerun()

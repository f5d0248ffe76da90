"""Home: what the tool answers, the dataset at a glance, how to read a roofline, credits."""

import streamlit as st

from qb_core.topology import TASKS
from ui import data, sidebar, uploads

st.title("QB Explorer")
st.markdown(
    "**How fast, how accurately and at what power can a given neural network run on a given piece "
    "of hardware, and why?** QB Explorer puts the theory (rooflines, predicted throughput) beside the "
    "measurements (latency, throughput, power, accuracy) for CNN inference on FPGAs, GPUs, TPUs, VPUs "
    "and CPUs. Pick an analysis in the navigation; the sidebar filters apply to every page and are "
    "kept in the page address, so a copied link reopens the same view."
)

current = sidebar.selection()
rows = data.measurements()
task_rows = rows[rows["task"] == current.task]
st.subheader(f"The dataset: {TASKS[current.task]}")
cols = st.columns(5)
cols[0].metric("Measured rows", f"{len(task_rows):,}")
cols[1].metric("Platforms measured", task_rows["device"].nunique())
cols[2].metric("Precisions", ", ".join(sorted(task_rows["precision"].astype(str).unique())))
cols[3].metric("Pruning factors", ", ".join(f"{p:g}%" for p in sorted(task_rows["pruning_pct"].unique(), reverse=True)))
cols[4].metric("Platforms in the catalog", data.catalog()["platform"].nunique())
if uploads.uploads():
    st.caption(f"Plus {sum(len(r) for r in uploads.uploads().values()):,} row(s) of your own "
               f"({', '.join(uploads.uploads())}), on the measurement pages.")

st.subheader("How to read a roofline")
st.markdown(
    "A roofline plots performance (TOP/s) against arithmetic intensity (operations per byte moved "
    "off chip), on log-log axes. Left of the ridge point the slanted roof, bandwidth x intensity, "
    "limits the network: it is **memory-bound**, and more bandwidth or fewer bytes (smaller "
    "precision, weights kept on chip) make it faster. Right of the ridge the flat roof, the peak "
    "TOP/s, limits it: it is **compute-bound**, and only a faster platform or fewer operations help."
)
st.caption("Operations count 2 per multiply-accumulate. TOP/s = 10¹² operations per second.")

st.subheader("Credits")
st.markdown(
    "Measurements: QuTiBench, Xilinx Inc., Apache License 2.0 (Xilinx Research Labs, *QuTiBench: "
    "Benchmarking Neural Networks on Heterogeneous Hardware*, 2019). The analyses follow the "
    "QuTiBench CIFAR-10 notebook; operation counts are recomputed from each network's layers."
)

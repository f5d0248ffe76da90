"""QB Explorer: entry point (home page until the analysis pages land)."""

import streamlit as st

from qb_core.measurements import load_measurements

st.set_page_config(page_title="QB Explorer", layout="wide")
st.title("QB Explorer")
st.write("How fast, how accurately and at what power can a given CNN run on a given board, and why?")
data = load_measurements()
st.metric("Measured configurations (all tasks)", f"{len(data):,}")
st.caption("Measurements: QuTiBench, Xilinx Inc., Apache License 2.0")

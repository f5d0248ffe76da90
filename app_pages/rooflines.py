"""Rooflines: is each network variant memory- or compute-bound on each platform?"""

import numpy as np
import streamlit as st

from qb_core.filters import select
from qb_core.roofline import log_axis_range
from ui import charts, data, sidebar

st.title("Rooflines")
st.markdown(
    "Where does each CNV variant sit against each platform's limits? Every line is one platform at one "
    "precision: the slanted part is memory bandwidth x arithmetic intensity, the flat part its peak "
    "TOP/s, and they meet at the ridge point. The dashed verticals are the network variants' "
    "intensities (ops per byte of weights read per input, QuTiBench's assumption): a variant left of "
    "a platform's ridge is memory-bound there, right of it compute-bound. Hover for the figures."
)

current = sidebar.selection()
if not sidebar.require_nonempty(current):
    st.stop()

# --- data ---
hardware = select(data.hardware(), current)
intensity = select(data.intensities(current.task), current)
predictions = select(data.predictions(current.task), current, by_batch=False)
if hardware.empty or intensity.empty:
    sidebar.no_rows_message("platform x precision pairs")
    st.stop()
finite = intensity[np.isfinite(intensity["intensity"])]
x_min, x_max = log_axis_range(np.concatenate([finite["intensity"], hardware["ridge_ops_per_byte"]]))
points = data.rooflines(hardware, x_min, x_max)

# --- chart ---
colors = charts.platform_colors(data.catalog()["platform"])
st.altair_chart(charts.roofline_chart(points, finite, colors), key="roofline_chart")
st.caption(f"{len(hardware)} rooflines (platform x precision) and {len(finite)} variant intensities. "
           "Ops are operations, 2 per multiply-accumulate.")

# --- bound table ---
st.subheader("Ridge points and bounds")
st.markdown("Ridge point = peak / bandwidth (ops/byte). Per variant: *memory* or *compute*-bound at that "
            "platform's precision.")
bounds = data.bounds(predictions)
st.dataframe(bounds, hide_index=True, column_config={
    "device": "platform", "peak_tops": st.column_config.NumberColumn("peak TOP/s", format="%.3g"),
    "bandwidth_gbps": st.column_config.NumberColumn("bandwidth GB/s", format="%.3g"),
    "ridge_ops_per_byte": st.column_config.NumberColumn("ridge ops/byte", format="%.1f")})
st.download_button("Download roofline points (CSV)", points.to_csv(index=False), "rooflines.csv", "text/csv")
st.download_button("Download bounds (CSV)", bounds.to_csv(index=False), "roofline_bounds.csv", "text/csv")

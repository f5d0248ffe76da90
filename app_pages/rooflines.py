"""Rooflines: is each network variant memory- or compute-bound on each platform?"""

import numpy as np
import streamlit as st

from qb_core.filters import select
from qb_core.roofline import log_axis_range
from ui import charts, data, whatif

st.title("Rooflines")
st.markdown(
    "Where does each CNV variant sit against each platform's limits? Every line is one platform at one "
    "precision: the slanted part is memory bandwidth x arithmetic intensity, the flat part its peak "
    "TOP/s, and they meet at the ridge point. The dashed verticals are the network variants' "
    "intensities (operations per byte moved off chip): a variant left of a platform's ridge is "
    "memory-bound there, right of it compute-bound. Hover for the figures; change the hardware or the "
    "storage assumption under *What-if* in the sidebar."
)

# --- data ---
view = whatif.theory_view()
settings, current, hardware = view.settings, view.selection, view.hardware
intensity = select(data.intensities(current.task, settings.weights, settings.batch, settings.activations,
                                    settings.width_scales), current)
finite = intensity[np.isfinite(intensity["intensity"])]
datasheet = select(data.hardware(), current) if settings.hardware_changed else None
ridges = [hardware["ridge_ops_per_byte"]] + ([] if datasheet is None else [datasheet["ridge_ops_per_byte"]])
x_min, x_max = log_axis_range(np.concatenate([finite["intensity"], *ridges]))
points = data.rooflines(hardware, x_min, x_max)
ghost = None if datasheet is None or datasheet.empty else data.rooflines(datasheet, x_min, x_max)

# --- chart ---
st.vega_lite_chart(charts.roofline_spec(points, finite, data.colors(settings.custom_text), ghost),
                   key="roofline_chart")
notes = [f"{len(hardware)} rooflines (platform x precision) and {len(finite)} variant intensities."]
if ghost is not None:
    notes.append("Faded lines: the datasheet rooflines, for comparison.")
if np.isinf(intensity["intensity"]).any():
    notes.append("With weights and activations on chip nothing moves off chip: intensity is infinite, every "
                 "variant is compute-bound and runs at the peak, so no vertical is drawn.")
st.caption(" ".join(notes) + " Ops are operations, 2 per multiply-accumulate.")

with st.expander("What the storage assumptions mean", expanded=settings.active):
    st.markdown("\n\n".join(whatif.ASSUMPTIONS[key] for key in (*whatif.WEIGHT_LABELS, "act-off-chip")))
    st.caption(f"Now: weights {whatif.WEIGHT_LABELS[settings.weights].lower()}"
               + (f" (N = {settings.batch})" if settings.weights == "per-batch" else "")
               + f"; activations {whatif.ACTIVATION_LABELS[settings.activations].lower()}.")

# --- bound table ---
st.subheader("Ridge points and bounds")
st.markdown("Ridge point = peak / bandwidth (ops/byte). Per variant: *memory* or *compute*-bound at that "
            "platform's precision.")
bounds = data.bounds(view.predictions)
st.dataframe(bounds, hide_index=True, column_config={
    "device": "platform", "peak_tops": st.column_config.NumberColumn("peak TOP/s", format="%.3g"),
    "bandwidth_gbps": st.column_config.NumberColumn("bandwidth GB/s", format="%.3g"),
    "ridge_ops_per_byte": st.column_config.NumberColumn("ridge ops/byte", format="%.1f")})
st.download_button("Download roofline points (CSV)", points.to_csv(index=False), "rooflines.csv", "text/csv")
st.download_button("Download bounds (CSV)", bounds.to_csv(index=False), "roofline_bounds.csv", "text/csv")

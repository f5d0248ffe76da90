"""Batch sweeps: how do latency, throughput and power move with pruning and batch size, per platform and
precision?"""

import streamlit as st

from ui import state
from ui.safe import download_csv, literal_list
from ui.viewmodels import measured

st.title("Latency, throughput and power by pruning")
st.markdown(
    "How much does pruning (thinner channels) change latency, throughput and power on each platform "
    "and precision, and how does the batch size move them? Batch size is chosen, not random, so each "
    "configuration is drawn as its sweep rather than a box: a dot per measured batch size (bigger dots for "
    "bigger batches) on a line from the lowest to the highest value (log scale). Within each precision · "
    "platform group each network variant has its own column and colour: a hue per network, from the full "
    "network (darkest) to the most pruned (lightest)."
)

rows = state.measured_rows()
sweeps = measured.sweep_charts(state.current())
for key in ("box_latency", "box_throughput"):
    if sweeps.charts[key] is not None:
        st.vega_lite_chart(sweeps.charts[key], key=key)
single = sweeps.single_power
if sweeps.charts["box_power"] is None:
    st.info("No configuration in the selection has more than one power reading.")
else:
    st.vega_lite_chart(sweeps.charts["box_power"], key="box_power")
if single:
    st.caption(f"Left out of the power plot, as the notebook does: {len(single)} configuration(s) with a single "
               f"power value for every batch size ({literal_list(single, 12)}).")
download_csv("Download the data behind the charts (CSV)", rows, "boxplots.csv")

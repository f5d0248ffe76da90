"""Batch sweeps: how do latency, throughput and power move with pruning and batch size, per platform and
precision?"""

import streamlit as st

from qb_core.measurements.spread import configs_with_single_value
from ui import cache, charts, state
from ui.safe import download_csv, literal_list

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
current = state.current()
for metric, heading, key in (("lat_comp_ms", "Compute latency by platform, precision and pruning", "box_latency"),
                             ("fps_comp", "Compute throughput by platform, precision and pruning", "box_throughput")):
    sweep = cache.sweeps(current, metric)
    if len(sweep):
        st.vega_lite_chart(charts.sweep_spec(sweep, metric, heading), key=key)
single = configs_with_single_value(rows, "full_power_w")
power = cache.sweeps(current, "full_power_w", tuple(single))
if power.empty:
    st.info("No configuration in the selection has more than one power reading.")
else:
    st.vega_lite_chart(charts.sweep_spec(power, "full_power_w", "Full power by platform, precision and pruning"),
                       key="box_power")
if single:
    st.caption(f"Left out of the power plot, as the notebook does: {len(single)} configuration(s) with a single "
               f"power value for every batch size ({literal_list(single, 12)}).")
download_csv("Download the data behind the charts (CSV)", rows, "boxplots.csv")

"""Boxplots: how do latency, throughput and power spread with pruning, per platform and precision?"""

import streamlit as st

from qb_core.spread import configs_with_single_value
from ui import charts, data, scenario, uploads
from ui.safe import download_csv, literal_list

st.title("Latency, throughput and power by pruning")
st.markdown(
    "How much does pruning (thinner channels) change latency, throughput and power on each platform "
    "and precision? Each box spans the measurements of one configuration over its batch sizes (log scale): "
    "whiskers from the minimum to the maximum, the box between the quartiles, a black tick at the median. "
    "Within each precision · platform group the boxes run from the full network (darkest) to the most pruned "
    "(lightest), in the platform's colour."
)

rows = scenario.measured_rows()
current = scenario.current()
colors = {config: style.color for config, style in data.styles_for(current, uploads.rows()).items()}
for metric, heading, key in (("lat_comp_ms", "Compute latency by platform, precision and pruning", "box_latency"),
                             ("fps_comp", "Compute throughput by platform, precision and pruning", "box_throughput")):
    stats = data.boxes(current, rows, metric)
    if len(stats):
        st.vega_lite_chart(charts.boxplot_spec(stats, metric, heading, colors), key=key)
single = configs_with_single_value(rows, "full_power_w")
power = data.boxes(current, rows, "full_power_w", tuple(single))
if power.empty:
    st.info("No configuration in the selection has more than one power reading.")
else:
    st.vega_lite_chart(charts.boxplot_spec(power, "full_power_w", "Full power by platform, precision and pruning",
                                           colors), key="box_power")
if single:
    st.caption(f"Left out of the power plot, as the notebook does: {len(single)} configuration(s) with a single "
               f"power value for every batch size ({literal_list(single, 12)}).")
download_csv("Download the data behind the charts (CSV)", rows, "boxplots.csv")

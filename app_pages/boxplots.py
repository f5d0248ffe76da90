"""Boxplots: how do latency, throughput and power spread with pruning, per platform and precision?"""

import streamlit as st

from qb_core.measurements import configs_with_single_value, with_facet_labels
from ui import charts, sidebar

st.title("Latency, throughput and power by pruning")
st.markdown(
    "How much does pruning (thinner channels) change latency, throughput and power on each platform "
    "and precision? Each box spans the measurements of one configuration over its batch sizes "
    "(log scale); one panel per precision · platform."
)

rows = with_facet_labels(sidebar.measured_rows())

st.vega_lite_chart(charts.boxplot_spec(rows[rows["lat_comp_ms"].notna()], "lat_comp_ms",
                                     "Latency by platform, precision and pruning"), key="box_latency")
st.vega_lite_chart(charts.boxplot_spec(rows[rows["fps_comp"].notna()], "fps_comp",
                                     "Throughput by platform, precision and pruning"), key="box_throughput")
single = configs_with_single_value(rows, "full_power_w")
power_rows = rows[rows["full_power_w"].notna() & ~rows["config"].isin(single)]
if power_rows.empty:
    st.info("No configuration in the selection has more than one power reading.")
else:
    st.vega_lite_chart(charts.boxplot_spec(power_rows, "full_power_w",
                                         "Full power by platform, precision and pruning"), key="box_power")
if single:
    st.caption(f"Left out of the power plot, as the notebook does: {len(single)} configuration(s) with a single "
               f"power value for every batch size ({', '.join(single)}).")
st.download_button("Download the data behind the charts (CSV)", rows.to_csv(index=False), "boxplots.csv",
                   "text/csv")

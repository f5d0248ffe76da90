"""Latency/Throughput: what does a larger batch buy in throughput, and cost in latency?"""

import streamlit as st

from ui import charts, data, sidebar, uploads

#: The notebook's two panels.
DEFAULT_PANELS = (("NCS2", "ZCU104-BISMO", "U96-A53"), ("TX2", "ZCU104-FINN", "U96-A53"))

st.title("Latency versus throughput")
st.markdown(
    "How does each deployment trade latency for throughput as the batch (or stream, or thread count) "
    "grows? Each line is one configuration, platform_precision_pruning, its points joined in batch "
    "order: compute latency in ms across, compute throughput in inputs/s up (log). Click a legend "
    "entry to highlight that configuration; shift-click for several. Panels group platforms as the "
    "QuTiBench notebook does; regroup them below."
)

rows = sidebar.measured_rows("lat_comp_ms", "fps_comp").sort_values(["config", "batch"])
options = list(dict.fromkeys(data.catalog()["platform"]))
left, right, axis = st.columns([2, 2, 1])
panels = [left.multiselect("Left panel", options, default=list(DEFAULT_PANELS[0]), key="panel_a",
                           bind="query-params"),
          right.multiselect("Right panel", options, default=list(DEFAULT_PANELS[1]), key="panel_b",
                            bind="query-params")]
log_latency = axis.toggle("Log latency axis", value=True, key="log_latency")

shades = data.config_shades(uploads.rows(), sidebar.selection().task)
for index, (column, platforms) in enumerate(zip(st.columns(2), panels, strict=True)):
    panel_rows = rows[rows["platform"].isin(platforms)]
    with column:
        if panel_rows.empty:
            st.info("No measurements for this panel's platforms under the current filters.")
            continue
        chart = charts.latency_throughput_spec(panel_rows, shades, name=f"pick_{index}",
                                               title=", ".join(platforms), log_latency=log_latency)
        st.vega_lite_chart(chart, key=f"latency_chart_{index}")
shown = rows[rows["platform"].isin(set(panels[0]) | set(panels[1]))]
st.download_button("Download the data behind the chart (CSV)", shown.to_csv(index=False),
                   "latency_throughput.csv", "text/csv")

"""Latency/Throughput: what does a larger batch buy in throughput, and cost in latency?"""

import streamlit as st

from qb_core.csv_io import echo_list
from ui import charts, data, scenario, sidebar, uploads
from ui.safe import download_csv, option_label

#: The notebook's two panels.
DEFAULT_PANELS = (("NCS2", "ZCU104-BISMO", "U96-A53"), ("TX2", "ZCU104-FINN", "U96-A53"))

st.title("Latency versus throughput")
st.markdown(
    "How does each deployment trade latency for throughput as the batch (or stream, or thread count) "
    "grows? Each line is one configuration, platform_precision_pruning, its points joined in batch "
    "order: compute latency in ms across, compute throughput in inputs/s up (log). Colour: the platform "
    "(lighter when pruned); point shape: the precision; dash: the op mode (dotted: your own file). Click a "
    "legend entry to highlight that configuration; shift-click for several. Panels group platforms as the "
    "QuTiBench notebook does; regroup them below."
)



def panel_defaults(task: str) -> dict[str, list[str]]:
    """The notebook's panels, kept to the platforms measured for ``task``."""
    measured = list(dict.fromkeys(uploads.rows().loc[uploads.rows()["task"] == task, "platform"].astype(str)))
    panels = [[p for p in panel if p in measured] or measured[:3] for panel in DEFAULT_PANELS]
    return {"panel_a": panels[0], "panel_b": panels[1]}


rows = scenario.measured_rows("lat_comp_ms", "fps_comp").sort_values(["config", "batch"])
current = scenario.current()
task = current.task
measured_platforms = list(dict.fromkeys(uploads.rows().loc[uploads.rows()["task"] == task, "platform"].astype(str)))
options = list(dict.fromkeys([*data.catalog()["platform"], *measured_platforms]))
sidebar.page_widgets_follow_task("latency_panels", task, panel_defaults)
defaults = list(panel_defaults(task).values())
left, right, axis = st.columns([2, 2, 1])
panels = [left.multiselect("Left panel", options, default=defaults[0], key="panel_a", bind="query-params",
                           format_func=option_label),
          right.multiselect("Right panel", options, default=defaults[1], key="panel_b", bind="query-params",
                            format_func=option_label)]
log_latency = axis.toggle("Log latency axis", value=True, key="log_latency", bind="query-params")

styles = data.styles_for(current, uploads.rows())
for index, (column, platforms) in enumerate(zip(st.columns(2), panels, strict=True)):
    panel_rows = rows[rows["platform"].isin(platforms)]
    with column:
        if panel_rows.empty:
            st.info("No measurements for this panel's platforms under the current filters.")
            continue
        heading = ("Left: " if index == 0 else "Right: ") + echo_list(platforms, 6)
        chart = charts.latency_throughput_spec(panel_rows, styles, name=f"pick_{index}", heading=heading,
                                               log_latency=log_latency, legend_cols=1)
        st.vega_lite_chart(chart, key=f"latency_chart_{index}")
shown = rows[rows["platform"].isin(set(panels[0]) | set(panels[1]))]
download_csv("Download the data behind the charts (CSV)", shown, "latency_throughput.csv")

"""Latency/Throughput: what does a larger batch buy in throughput, and cost in latency?"""

import streamlit as st

from qb_core.csv_io import echo_list
from qb_core.question import LEVEL_COLUMNS, level_figures
from ui import cache, charts, sidebar, state, uploads
from ui.charts.core import padded_range
from ui.safe import download_csv, option_label

#: The notebook's two panels.
DEFAULT_PANELS = (("NCS2", "ZCU104-BISMO", "U96-A53"), ("TX2", "ZCU104-FINN", "U96-A53"))

st.title("Latency versus throughput")
st.markdown(
    "How does each deployment trade latency for throughput as the batch (or stream, or thread count) "
    "grows? Each line is one configuration, platform_precision_pruning, its points joined in batch "
    "order: latency of the batch in ms across, throughput in inputs/s up (log), the accelerator's (compute) or "
    "the board's (system) figures as the sidebar chooses. Colour: the platform "
    "(lighter when pruned); point shape: the precision; dash: the op mode (dotted: your own file). Click a "
    "legend entry to highlight that configuration; shift-click for several. Panels group platforms as the "
    "QuTiBench notebook does; regroup them below."
)



def panel_defaults(task: str) -> dict[str, list[str]]:
    """The notebook's panels, kept to the platforms measured for ``task``."""
    measured = list(dict.fromkeys(uploads.rows().loc[uploads.rows()["task"] == task, "platform"].astype(str)))
    panels = [[p for p in panel if p in measured] or measured[:3] for panel in DEFAULT_PANELS]
    return {"panel_a": panels[0], "panel_b": panels[1]}


level = sidebar.level()
latency_column, fps_column = LEVEL_COLUMNS[level]
rows = state.measured_rows()
fps, latency = level_figures(rows, level)
rows = rows.assign(**{fps_column: fps, latency_column: latency}).dropna(subset=[fps_column, latency_column])
if rows.empty:
    st.info(f"No measurement inside the filters has {level}-level figures ({latency_column}, {fps_column}); "
            "choose the other figures in the sidebar.")
    st.stop()
rows = rows.sort_values(["config", "batch"])
current = state.current()
task = current.task
measured_platforms = list(dict.fromkeys(uploads.rows().loc[uploads.rows()["task"] == task, "platform"].astype(str)))
options = list(dict.fromkeys([*cache.catalog()["platform"], *measured_platforms]))
sidebar.page_widgets_follow_task("latency_panels", task, panel_defaults)
defaults = list(panel_defaults(task).values())
left, right, axis = st.columns([2, 2, 1])
panels = [left.multiselect("Left panel", options, default=defaults[0], key="panel_a", bind="query-params",
                           format_func=option_label),
          right.multiselect("Right panel", options, default=defaults[1], key="panel_b", bind="query-params",
                            format_func=option_label)]
log_latency = axis.toggle("Log latency axis", value=True, key="log_latency", bind="query-params")

styles = cache.styles(current.task, current.uploads)
both = rows[rows["platform"].isin(set(panels[0]) | set(panels[1]))]
domains = (padded_range(both[latency_column], log_latency), padded_range(both[fps_column])) if len(both) else None
st.caption(f"{'Board' if level == 'board' else 'Accelerator'} figures ({latency_column}, {fps_column}; the "
           "sidebar's *Figures* switches); both panels share their axes. Where only one of the two was measured, "
           "the other is batch / throughput or batch / latency.")
for index, (column, platforms) in enumerate(zip(st.columns(2), panels, strict=True)):
    panel_rows = rows[rows["platform"].isin(platforms)]
    with column:
        if panel_rows.empty:
            st.info("No measurements for this panel's platforms under the current filters.")
            continue
        heading = ("Left: " if index == 0 else "Right: ") + echo_list(platforms, 6)
        chart = charts.latency_throughput_spec(panel_rows, styles, name=f"pick_{index}", heading=heading,
                                               log_latency=log_latency, legend_cols=1,
                                               fields=(latency_column, fps_column), domains=domains)
        st.vega_lite_chart(chart, key=f"latency_chart_{index}")
download_csv("Download the data behind the charts (CSV)", both, f"latency_throughput_{level}.csv")

"""Latency/Throughput: what does a larger batch buy in throughput, and cost in latency?"""

import streamlit as st

from qb_core.question import LEVEL_COLUMNS
from ui import cache, sidebar, state
from ui.safe import download_csv, option_label
from ui.viewmodels import measured as measured_views

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
    measured = cache.measured_platforms(task, state.current().uploads)
    panels = [[p for p in panel if p in measured] or measured[:3] for panel in DEFAULT_PANELS]
    return {"panel_a": panels[0], "panel_b": panels[1]}


level = sidebar.level()
latency_column, fps_column = LEVEL_COLUMNS[level]
current = state.current_or_stop()
view = measured_views.level_rows(current, level)
if view.selected == 0:
    sidebar.no_rows_message()
    st.stop()
if view.rows.empty:
    st.info(f"No measurement inside the filters has {level}-level figures ({latency_column}, {fps_column}); "
            "choose the other figures in the sidebar.")
    st.stop()
task = current.task
options = list(dict.fromkeys([*cache.catalog()["platform"], *cache.measured_platforms(task, current.uploads)]))
sidebar.page_widgets_follow_task("latency_panels", task, panel_defaults)
defaults = list(panel_defaults(task).values())
left, right, axis = st.columns([2, 2, 1])
panels = [left.multiselect("Left panel", options, default=defaults[0], key="panel_a", bind="query-params",
                           format_func=option_label),
          right.multiselect("Right panel", options, default=defaults[1], key="panel_b", bind="query-params",
                            format_func=option_label)]
log_latency = axis.toggle("Log latency axis", value=True, key="log_latency", bind="query-params")

both, panel_charts = measured_views.latency_charts(current, level, (tuple(panels[0]), tuple(panels[1])), log_latency)
st.caption(f"{'Board' if level == 'board' else 'Accelerator'} figures ({latency_column}, {fps_column}; the "
           "sidebar's *Figures* switches); both panels share their axes. Where only one of the two was measured, "
           "the other is batch / throughput or batch / latency.")
for index, (column, chart) in enumerate(zip(st.columns(2), panel_charts, strict=True)):
    with column:
        if chart is None:
            st.info("No measurements for this panel's platforms under the current filters.")
            continue
        st.vega_lite_chart(chart, key=f"latency_chart_{index}")
download_csv("Download the data behind the charts (CSV)", both, f"latency_throughput_{level}.csv")

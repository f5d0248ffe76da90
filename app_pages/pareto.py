"""Pareto: which configurations give the best accuracy for their throughput, latency, power or energy?"""

import streamlit as st

from qb_core.analyses.pareto import OBJECTIVES
from ui import sidebar, state, tables
from ui.safe import download_csv
from ui.viewmodels import measured

#: Short names (they appear in the page address) -> measured column.
TRADE_OFFS = {"throughput": "fps_comp", "latency": "lat_comp_ms", "power": "full_power_w",
              "energy (inputs/J)": "inputs_per_joule"}

st.title("Accuracy versus performance: the design space")
st.markdown(
    "Which deployments are worth considering? Each line is one configuration (platform, precision, "
    "pruning) across its batch sizes: top-1 accuracy against the chosen measure. The black staircase "
    "is the Pareto front over every point shown: no other measurement is better in both. Its points "
    "are listed below. The roofline's own front is on *Predicted vs measured Pareto*."
)

choice = st.segmented_control("Trade accuracy against", list(TRADE_OFFS), default="throughput", required=True,
                              key="pareto_x", bind="query-params")
x_field = TRADE_OFFS[choice]
objective = OBJECTIVES[x_field]
st.caption(f"{objective.label} in {objective.unit}: {'more' if objective.maximize else 'less'} is better."
           + (" Energy efficiency = compute throughput / full power." if x_field == "inputs_per_joule" else ""))
with_accuracy, rows, front, chart = measured.pareto_view(state.current_or_stop(), x_field)
if not with_accuracy:
    sidebar.no_rows_message()
    st.stop()
if rows.empty:
    sidebar.no_rows_message(f"measurements with {objective.label.lower()}")
    st.stop()
st.vega_lite_chart(chart, key="pareto_chart")
st.subheader(f"The Pareto front: {len(front)} point(s)")
tables.draw(measured.pareto_table(state.current_or_stop(), x_field), key="front_table")
download_csv("Download the front (CSV)", front, "pareto_front.csv", columns=measured.pareto_columns(x_field))
download_csv("Download every point (CSV)", rows, "pareto_points.csv")

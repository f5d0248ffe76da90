"""Pareto: which configurations give the best accuracy for their throughput, latency or power?"""

import streamlit as st

from qb_core.pareto import OBJECTIVES, pareto_front, with_efficiency
from ui import charts, data, sidebar, uploads

#: Short names (they appear in the page address) -> measured column.
TRADE_OFFS = {"throughput": "fps_comp", "latency": "lat_comp_ms", "power": "full_power_w",
              "efficiency": "inputs_per_joule"}

st.title("Accuracy versus performance: the design space")
st.markdown(
    "Which deployments are worth considering? Each line is one configuration (platform, precision, "
    "pruning) across its batch sizes: top-1 accuracy against the chosen measure. The black staircase "
    "is the Pareto front over every point shown: no other measurement is better in both. Its points "
    "are listed below."
)


choice = st.segmented_control("Trade accuracy against", list(TRADE_OFFS), default="throughput", required=True,
                              key="pareto_x", bind="query-params")
x_field = TRADE_OFFS[choice]
objective = OBJECTIVES[x_field]
st.caption(f"{objective.label} in {objective.unit}: {'more' if objective.maximize else 'less'} is better."
           + (" Energy efficiency = compute throughput / full power." if choice == "efficiency" else ""))
rows = with_efficiency(sidebar.measured_rows("top1_pct")).dropna(subset=[x_field])
if rows.empty:
    sidebar.no_rows_message(f"measurements with {objective.label.lower()}")
    st.stop()
front = pareto_front(rows, x_field, "top1_pct")

shades = data.config_shades(uploads.rows(), sidebar.selection().task)
x_title = f"{objective.label} ({objective.unit})"
st.vega_lite_chart(charts.pareto_spec(rows, front, shades, x_field, x_title, objective.maximize), key="pareto_chart")
st.subheader(f"The Pareto front: {len(front)} point(s)")
columns = list(dict.fromkeys(["config", "device", "precision", "pruning_pct", "batch", "top1_pct", x_field,
                              "fps_comp", "lat_comp_ms", "full_power_w"]))
st.dataframe(front[columns], hide_index=True)
st.download_button("Download the front (CSV)", front[columns].to_csv(index=False), "pareto_front.csv",
                   "text/csv")
st.download_button("Download every point shown (CSV)", rows.to_csv(index=False), "pareto_points.csv",
                   "text/csv")

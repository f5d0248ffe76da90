"""Pareto: which configurations give the best accuracy for their throughput?"""

import streamlit as st

from qb_core.pareto import pareto_front
from ui import charts, data, sidebar, uploads

st.title("Accuracy versus throughput: the design space")
st.markdown(
    "Which deployments are worth considering? Each line is one configuration (platform, precision, "
    "pruning) across its batch sizes: top-1 accuracy against compute throughput. The black staircase "
    "is the Pareto front over every point shown: no other measurement is both faster and more "
    "accurate than a point on it. Its points are listed below."
)

rows = sidebar.measured_rows("fps_comp", "top1_pct")
front = pareto_front(rows, "fps_comp", "top1_pct")

shades = data.config_shades(uploads.rows(), sidebar.selection().task)
st.vega_lite_chart(charts.pareto_spec(rows, front, shades), key="pareto_chart")
st.subheader(f"The Pareto front: {len(front)} point(s)")
columns = ["config", "device", "precision", "pruning_pct", "batch", "fps_comp", "top1_pct",
           "lat_comp_ms", "full_power_w"]
st.dataframe(front[columns], hide_index=True)
st.download_button("Download the front (CSV)", front[columns].to_csv(index=False), "pareto_front.csv",
                   "text/csv")
st.download_button("Download every point shown (CSV)", rows.to_csv(index=False), "pareto_points.csv",
                   "text/csv")

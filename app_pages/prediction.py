"""Prediction: how many inputs per second can each platform reach, in theory?"""

import streamlit as st

from qb_core.filters import select
from ui import charts, data, sidebar

st.title("Performance prediction")
st.markdown(
    "What throughput does the roofline promise? Each cell is the attainable TOP/s of a platform at one "
    "precision, min(peak, bandwidth x intensity), divided by the variant's operations per input: the "
    "inputs per second an ideal implementation would reach. Cells are blank where the platform has "
    "no native support for the precision. Pruning and low precision together give the largest figures."
)

current = sidebar.selection()
if not sidebar.require_nonempty(current):
    st.stop()

predictions = select(data.predictions(current.task), current, by_batch=False)
if predictions.empty:
    sidebar.no_rows_message("predictions")
    st.stop()

st.altair_chart(charts.prediction_heatmap(predictions), key="prediction_heatmap", width="content")
st.caption("Colour: log scale of predicted inputs/s. Hover a cell for attainable TOP/s and the bound.")
columns = ["device", "precision", "topology", "pruning_pct", "ops_per_input", "weight_bytes", "intensity",
           "peak_tops", "bandwidth_gbps", "attainable_tops", "inputs_per_s", "bound"]
st.download_button("Download predictions (CSV)", predictions[columns].to_csv(index=False), "predictions.csv",
                   "text/csv")

"""Predicted vs measured Pareto: which deployments would be best in theory, which are in practice?"""

import streamlit as st

from ui import tables
from ui.safe import download_csv
from ui.viewmodels import gap as gap_views
from ui.viewmodels import theory

st.title("Accuracy against throughput: predicted and measured")
st.markdown(
    "Which deployments would be worth it if every platform reached its roofline, and which are in practice? "
    "**Crosses**: each platform x precision x variant at its roofline prediction, with the published top-1 "
    "accuracy of that variant and precision (where none is published, the top-1 measured for it). **Circles**: "
    "each measured configuration at its best "
    "throughput and the accuracy measured there. The dashed staircase is the predicted Pareto front, the "
    "solid one the measured front; hover a point for its status in the join."
)

gap = theory.gap_view()
points, fronts, chart = gap_views.pareto_gap(gap.theory.scenario)
notes = gap_views.pareto_gap_notes(gap.theory.scenario)
if chart is None:
    st.info("No point inside the filters has both a throughput and an accuracy.")
    st.stop()
st.vega_lite_chart(chart, key="pareto_gap_chart")
if notes.borrowed_note:
    st.caption(notes.borrowed_note)
if notes.unplaced_note:
    st.caption(notes.unplaced_note)
st.subheader("The two fronts")
fronts_table, accuracy_table = gap_views.pareto_gap_tables(gap.theory.scenario)
tables.draw(fronts_table, key="fronts_table")
st.subheader("Published accuracy")
tables.draw(accuracy_table, key="accuracy_table")
suffix = gap.theory.settings.file_suffix()
download_csv("Download every point (CSV)", points, f"pareto_predicted_measured{suffix}.csv",
             columns=gap_views.FRONT_COLUMNS)

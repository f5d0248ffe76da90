"""Energy: how many millijoules does one input cost, measured and ideal?"""

import streamlit as st

from qb_core.labels import title
from ui import tables
from ui.safe import download_csv
from ui.viewmodels import gap as gap_views
from ui.viewmodels import theory

st.title("Energy per input")
st.markdown(
    "What does one inference cost in energy? **Measured: full board power / the accelerator's measured inputs "
    "per second** (compute throughput, as the notebook divides, at the configuration's best throughput; Find "
    "at the board level divides by the board's inputs per second instead, so its energy is higher where the host "
    "adds time), and **above idle: (full - idle power) / the same inputs per second**, what the inference adds to "
    "a board that would be on anyway. **Ideal: the same measured power / "
    "roofline inputs per second**: the energy the board, drawing what it drew at that op mode, would spend at its "
    "roofline speed. "
    "The datasheet gives one power figure per board (the TX2's 15 W serves maxn, maxp and maxq: the ceiling "
    "of its fastest mode), so the energy at the datasheet power is in the table only, with a note wherever it "
    "is above the measured energy. Lower is better; inputs per joule is the inverse."
)

gap = theory.gap_view()
energy = gap_views.energy_view(gap.theory.scenario)
measure = st.segmented_control("Show", ["mj_per_input", "inputs_per_joule"], default="mj_per_input",
                               required=True, format_func=title, key="energy_measure", bind="query-params")
if not energy.has_power:
    st.info("No paired configuration inside the filters has a measured power figure.")
    st.stop()

for warning in energy.warnings:
    st.warning(warning, icon=":material/warning:")
if energy.constant_note:
    st.caption(energy.constant_note)

st.vega_lite_chart(gap_views.energy_chart(gap.theory.scenario, measure), key="energy_bars")
st.caption("Log axis, one shape per figure: circle, measured at full board power; square, measured above the "
           "board's idle power (what the inference itself adds; missing where no idle power was measured); diamond, "
           "ideal (roofline inputs/s at the measured power). " + energy.beats_note)
if energy.datasheet_note:
    st.caption(energy.datasheet_note)
if energy.missing_note:
    st.caption(energy.missing_note)
tables.draw(energy.table, key="energy_table")
download_csv("Download the energy table (CSV)", energy.download, f"energy{gap.theory.settings.file_suffix()}.csv")

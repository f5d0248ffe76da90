"""Energy: how many millijoules does one input cost, measured and predicted?"""

import streamlit as st

from qb_core.labels import title
from ui import charts, tables, theory
from ui.safe import download_csv, literal_list

st.title("Energy per input")
st.markdown(
    "What does one inference cost in energy? **Measured: full board power / measured inputs per second** "
    "(at the configuration's best throughput). **Predicted: datasheet power / roofline inputs per second**, "
    "where the datasheet gives a power figure (or your own platform has one): the energy an ideal "
    "implementation would spend at full power. Lower is better; inputs per joule is the inverse."
)

gap = theory.gap_view()
paired = gap.paired
measure = st.segmented_control("Show", ["mj_per_input", "inputs_per_joule"], default="mj_per_input",
                               required=True, format_func=title, key="energy_measure", bind="query-params")
with_power = paired[paired["mj_per_input"].notna()]
if with_power.empty:
    st.info("No paired configuration inside the filters has a measured power figure.")
    st.stop()
st.vega_lite_chart(charts.energy_spec(with_power, theory.device_colors(with_power), measure), key="energy_bars")
no_datasheet = sorted(set(with_power.loc[with_power["power_w"].isna(), "device"]))
st.caption("Log axis. Solid: measured; faint: predicted from the datasheet power. "
           + (f"No datasheet power, so no prediction, for {literal_list(no_datasheet)}." if no_datasheet else ""))
missing = paired[paired["mj_per_input"].isna()]
if len(missing):
    st.caption(f"Left out for lack of a measured power figure: {literal_list(missing['config'])}.")
shown = ["config", "device", "precision", "variant", "dataset", "measured_fps", "full_power_w", "mj_per_input",
         "inputs_per_joule", "predicted_fps", "power_w", "predicted_mj_per_input", "predicted_inputs_per_joule"]
tables.show(with_power, shown, key="energy_table")
download_csv("Download the energy table (CSV)", with_power[shown], f"energy{gap.theory.settings.file_suffix()}.csv")

"""Energy: how many millijoules does one input cost, measured and ideal?"""

import streamlit as st

from qb_core.labels import title
from ui import tables
from ui.safe import download_csv, literal, literal_list
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
paired, constant, setups = gap_views.energy_rows(gap.theory.scenario)
measure = st.segmented_control("Show", ["mj_per_input", "inputs_per_joule"], default="mj_per_input",
                               required=True, format_func=title, key="energy_measure", bind="query-params")
with_power = paired[paired["mj_per_input"].notna()]
if with_power.empty:
    st.info("No paired configuration inside the filters has a measured power figure.")
    st.stop()

for row in constant[constant["scope"] == "device"].itertuples():
    st.warning(f"{literal(row.device)} reports {row.full_power_w:.3g} W in all {row.rows} of its rows (every "
               "precision, pruning and batch): a constant, not a per-run measurement, so its energy here follows "
               "its throughput alone.", icon=":material/warning:")
for device, group in setups.groupby("device"):
    parts = "; ".join(f"{row.base_power_w:.3g} W under {row.networks}" for row in group.itertuples())
    st.warning(f"{literal(device)} was measured on {len(group)} setups (base power {parts}): different host "
               "boards, so its energies compare only within one setup.", icon=":material/warning:")
flat = constant[constant["scope"] == "configuration"]
if len(flat):
    st.caption(f"The same power at every batch size (a constant, not a per-run measurement): "
               f"{literal_list(flat['config'], 12)}.")

st.vega_lite_chart(gap_views.energy_chart(gap.theory.scenario, measure), key="energy_bars")
noted = with_power[with_power["energy_note"] != ""]
beats = noted[noted["ideal_mj_per_input"] > noted["mj_per_input"]]
st.caption("Log axis, one shape per figure: circle, measured at full board power; square, measured above the "
           "board's idle power (what the inference itself adds; missing where no idle power was measured); diamond, "
           "ideal (roofline inputs/s at the measured power). "
           + (f"The ideal is above the measured energy for {len(beats)} configuration(s) "
              f"({literal_list(beats['config'])}): each beats its roofline (efficiency above 100 %), so the "
              "roofline's storage assumption does not hold there; hover a bar for its note."
              if len(beats) else "No ideal is above its measured energy."))
sheet = noted[(noted["predicted_mj_per_input"] > noted["mj_per_input"])
              & (noted["ideal_mj_per_input"] <= noted["mj_per_input"])]
if len(sheet):
    st.caption(f"At the datasheet power, {len(sheet)} configuration(s) would cost more than measured "
               f"({literal_list(sheet['config'])}): the datasheet figure is the board's ceiling, not the power "
               "of the op mode measured. The table's note says which power each ran at.")
missing = paired[paired["mj_per_input"].isna()]
if len(missing):
    st.caption(f"Left out for lack of a measured power figure: {literal_list(missing['config'])}.")
shown = ["device", "precision", "variant", "mj_per_input", "mj_above_idle", "ideal_mj_per_input", "energy_note",
         "full_power_w", "idle_power_w",
         "measured_fps", "predicted_fps", "inputs_per_joule", "ideal_inputs_per_joule", "power_w",
         "predicted_mj_per_input", "config", "dataset"]
tables.show(with_power, shown, key="energy_table", fit=True)
download_csv("Download the energy table (CSV)", with_power[shown], f"energy{gap.theory.settings.file_suffix()}.csv")

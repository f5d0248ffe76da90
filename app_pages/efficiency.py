"""Efficiency: how close does each deployment come to its roofline?"""

import streamlit as st

from qb_core.efficiency import BEATS_PEAK, BEATS_ROOFLINE, summary
from ui import charts, tables, theory
from ui.safe import download_csv, literal_list

st.title("Efficiency: measured against the roofline")
st.markdown(
    "How close does each deployment come to what its roofline promises? Every measured configuration "
    "(platform x precision x network variant) is joined to the roofline prediction for the same platform, "
    "precision and variant under the sidebar's what-if settings. **Efficiency = measured / predicted inputs "
    "per second**, the measurement being the configuration's best over its batch sizes. Nothing is dropped: "
    "a configuration without a prediction, or a prediction nothing was measured for, is listed below with "
    "the reason."
)

gap = theory.gap_view()
join, paired, settings = gap.join, gap.paired, gap.theory.settings
counts = summary(join)
cols = st.columns(4)
cols[0].metric("Paired configurations", counts["paired"])
cols[1].metric("Median efficiency", f"{counts['median_efficiency_pct']:.1f}%" if counts["paired"] else "none")
cols[2].metric("Predictions not measured", counts["predicted-only"])
cols[3].metric("Measured without prediction", counts["measured-only"])

beaten = paired[paired["reason"] == BEATS_ROOFLINE]
over_peak = paired[paired["reason"] == BEATS_PEAK]
if len(beaten):
    st.warning(f"**{len(beaten)} configuration(s) run above the roofline** ({literal_list(beaten['config'])}): the "
               "storage assumption cannot hold for them. Typically the weights stay on chip instead of being read by "
               "every input: choose *Automatic* (on chip where they fit) or *Off chip, once per batch* under "
               "What-if in the sidebar and see which remain.")
if len(over_peak):
    st.error(f"**{len(over_peak)} configuration(s) measure above the platform's peak compute** "
             f"({literal_list(over_peak['config'])}): no storage assumption explains that. Check the measurement, "
             "the network's operation count or the datasheet peak.")

if paired.empty:
    st.info("No measured configuration inside the filters has a prediction; the tables below say why.")
else:
    colors = theory.device_colors(paired)
    st.subheader("Peak, prediction and measurement per configuration")
    st.vega_lite_chart(charts.efficiency_spec(paired, colors), key="efficiency_bars")
    st.caption("Log axis, inputs per second. Faintest bar: the platform's peak compute (peak TOP/s / ops per "
               "input, what no storage assumption can beat); middle: the roofline prediction; solid: the "
               "measurement, labelled with its efficiency.")
    st.subheader("Efficiency per platform family")
    st.vega_lite_chart(charts.efficiency_spread_spec(paired, colors), key="efficiency_spread")
    st.caption("One point per configuration (log axis); black tick: the family's median; red dashed line: 100 %.")

shown = ["config", "device", "precision", "variant", "dataset", "measured_fps", "measured_batch", "predicted_fps",
         "efficiency_pct", "bound", "intensity", "measured_tops", "peak_fps", "weights_on_chip", "reason"]
st.subheader("The join")
tables.show(paired, shown, key="join_table")
unpaired = join[join["status"] != "paired"]
st.subheader(f"Not paired: {len(unpaired)} row(s)")
if unpaired.empty:
    st.caption("Every measured configuration and every prediction inside the filters is paired.")
else:
    tables.show(unpaired, ["status", "device", "precision", "variant", "dataset", "config", "measured_fps",
                           "predicted_fps", "reason"], key="unpaired_table")
download_csv("Download the join (CSV)", join, f"efficiency{settings.file_suffix()}.csv")

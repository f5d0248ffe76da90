"""Efficiency: how close does each deployment come to its roofline?"""


import streamlit as st

from qb_core.analyses.explain import hardware_whatif_text
from ui import tables, why
from ui.safe import download_csv, literal_list
from ui.viewmodels import gap as gap_views
from ui.viewmodels import theory

st.title("Efficiency: measured against the roofline")
top = st.container()
st.markdown(
    "How close does each deployment come to what its roofline promises? Every measured configuration "
    "(platform x precision x network variant) is joined to the roofline prediction for the same platform, "
    "precision and variant under the sidebar's what-if settings. **Efficiency = measured / predicted inputs "
    "per second**, the measurement being the configuration's best over its batch sizes. Nothing is dropped: "
    "a configuration without a prediction, or a prediction nothing was measured for, is listed below with "
    "the reason."
)

gap = theory.gap_view()
join, settings = gap.join, gap.theory.settings
efficiency = gap_views.efficiency_view(gap.theory.scenario)
paired, counts, datasheet_pct = efficiency.paired, efficiency.counts, efficiency.datasheet_pct
if datasheet_pct is not None:  # efficiency against hypothetical hardware: say so first, the datasheet's beside
    overridden = list(settings.overrides)
    what = ", ".join(filter(None, [hardware_whatif_text(settings.bandwidth_scale, settings.peak_scale, []),
                                   f"{literal_list(overridden, 4)} overridden" if overridden else ""]))
    top.warning(f"**Efficiency against hypothetical hardware** ({what}): each figure below is measured / "
                "the what-if roofline, not the roofline of the board measured. Against the datasheet: median "
                f"{datasheet_pct['efficiency_pct'].median():.1f}% over {len(datasheet_pct)} paired configuration(s); "
                "the join's *Datasheet efficiency* column gives each one's.", icon=":material/tune:")
cols = st.columns(4)
cols[0].metric("Paired configurations", counts["paired"])
if efficiency.held_median_pct is not None:
    # the default storage assumption cannot hold where measurements beat it: lead with one that can
    cols[1].metric("Median efficiency, weights on chip where they fit", f"{efficiency.held_median_pct:.1f}%",
                   help=f"QuTiBench's assumption (every weight read off chip per input) cannot hold for the "
                        f"{efficiency.beaten} configuration(s) measured above its roofline; under it the median would "
                        f"read {counts['median_efficiency_pct']:.1f}%. Choose the storage in the sidebar's What-if.")
else:
    cols[1].metric("Median efficiency", f"{counts['median_efficiency_pct']:.1f}%" if counts["paired"] else "none",
                   help="Against the what-if hardware in the sidebar." if settings.hardware_changed else None)
cols[2].metric("Predictions not measured", counts["predicted-only"])
cols[3].metric("Measured without prediction", counts["measured-only"])

if efficiency.beaten:
    st.warning(f"**Measured above the roofline.** {gap_views.fits_summary(gap.theory.scenario)} "
               "The storage assumption cannot hold for them: choose *Automatic* (on chip where they fit) or *Off "
               "chip, once per batch* under What-if in the sidebar and see which remain.")
if efficiency.over_peak_note:
    st.error(efficiency.over_peak_note)

if paired.empty:
    st.info("No measured configuration inside the filters has a prediction; the tables below say why.")
else:
    bars, spread = gap_views.efficiency_charts(gap.theory.scenario)
    st.subheader("Peak, prediction and measurement per configuration")
    st.vega_lite_chart(bars, key="efficiency_bars")
    st.caption("Log axis, inputs per second, one shape per figure: triangle, the platform's peak compute (peak "
               "TOP/s / ops per input, what no storage assumption can beat); diamond, the roofline prediction; "
               "circle, the measurement, a grey line across its gap to the prediction; each row's efficiency "
               "(measured / predicted) written right of its last point.")
    st.subheader("Efficiency per platform family")
    st.vega_lite_chart(spread, key="efficiency_spread")
    st.caption("One point per configuration (log axis); black tick: the family's median; red dashed line: 100 %.")
    st.subheader("Why each platform runs where it runs")
    why.show_platform_reasons(gap.theory.scenario)

st.subheader("The join")
tables.draw(efficiency.join_table, key="join_table")
st.subheader(f"Not paired: {efficiency.unpaired} row(s)")
if efficiency.unpaired_table is None:
    st.caption("Every measured configuration and every prediction inside the filters is paired.")
else:
    tables.draw(efficiency.unpaired_table, key="unpaired_table")
download_csv("Download the join (CSV)", join, f"efficiency{settings.file_suffix()}.csv")

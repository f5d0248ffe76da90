"""Prediction: how many inputs per second can each platform reach, in theory?"""

import streamlit as st

from ui import charts, tables
from ui.safe import download_csv, literal_list
from ui.viewmodels import theory

st.title("Performance prediction")
st.markdown(
    "What throughput does the roofline promise? Each cell is the attainable TOP/s of a platform at one "
    "precision, min(peak, bandwidth x intensity), divided by the variant's operations per input: the "
    "inputs per second an ideal implementation would reach. Cells are blank where the platform has "
    "no native support for the precision. How far real deployments fall short, and a prediction "
    "calibrated on the measurements, are under *Theory vs measurement*."
)

view = theory.view()
settings, predictions = view.settings, view.predictions

layout = st.segmented_control("Rows", ["Automatic", "Platform", "Platform · precision"], default="Automatic",
                              required=True, key="heatmap_rows", bind="query-params",
                              help="Platform: one row per platform, columns per variant and precision (blank where "
                                   "the precision is not native). Platform · precision: one row per pair, columns "
                                   f"per variant. Automatic: by platform unless that needs more than "
                                   f"{charts.MAX_HEATMAP_COLUMNS} columns.")
shown = theory.prediction_view(view.scenario)
columns_by_platform = shown.platform_columns
by_precision = layout == "Platform · precision" or (layout == "Automatic"
                                                    and columns_by_platform > charts.MAX_HEATMAP_COLUMNS)
if layout == "Automatic" and by_precision:
    st.caption(f"One row per platform · precision: by platform the heatmap would need {columns_by_platform} columns, "
               "too many to read.")
st.vega_lite_chart(theory.prediction_chart(view.scenario, by_precision), key="prediction_heatmap")
st.caption("Colour: log scale of predicted inputs/s; each cell's figure in three significant digits (k = "
           "thousand, M = million). Hover a cell for attainable TOP/s and the bound."
           + (" Under the what-if settings in the sidebar." if settings.active else ""))
beaten = theory.beaten_predictions(view.scenario)
if len(beaten):
    st.warning(f"**Measurements beat {len(beaten)} of these predictions** ({literal_list(beaten['config'])}), so the "
               "storage assumption cannot hold for them: " + " ".join(dict.fromkeys(beaten["why"])))

if settings.active:
    st.subheader("Change against the datasheet")
    st.markdown("What-if inputs/s divided by the datasheet prediction (QuTiBench's storage assumption, no "
                "scaling) on a colour scale symmetric around 1x (white): blue is faster, red slower. **⇄ and a "
                "black border** mark cells whose bound flipped between memory and compute; *new* marks your own "
                "platforms and widths.")
    change_spec, flipped = theory.change_chart(view.scenario, by_precision)
    st.vega_lite_chart(change_spec, key="change_heatmap")
    st.caption(f"{flipped} cell(s) changed bound.")

with st.expander("The predictions as a table"):
    tables.draw(shown.table)
download_csv("Download predictions (CSV)", predictions, f"predictions{settings.file_suffix()}.csv",
             columns=theory.PREDICTION_COLUMNS)

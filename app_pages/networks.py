"""Networks and hardware: the tables a researcher reads first, for every task."""

import streamlit as st

from qb_core.vocabulary import TASKS
from ui import cache, state, tables
from ui.safe import download_csv, literal, literal_list
from ui.viewmodels import theory

st.title("Networks and hardware")
st.markdown(
    "What does each network cost, and what does each platform offer? Parameters, operations per input "
    "(2 per multiply-accumulate), model size and arithmetic intensity per precision (weights read once per "
    "input, QuTiBench's default), and the published top-1 (top-5) accuracy; then the hardware catalog with "
    "each platform's ridge point."
)

# --- networks ---
current_scenario = state.current_or_stop()
current = current_scenario.selection
every_task = st.toggle("Every task", value=True, key="networks_all", bind="query-params",
                       help="Off: only the task chosen in the sidebar.")
tasks = list(TASKS) if every_task else [current.task]
wide = cache.networks(tuple(tasks), current.precisions)[1]
st.subheader("Networks")
network_table, compared_table, layers_table = theory.networks_tables(tuple(tasks), current.precisions)
tables.draw(network_table, key="networks_table")
st.caption("*not measured*: the accuracy table has no figure (`nm`) for that network and precision.")
missing = cache.unmeasurable(tuple(tasks))
if len(missing):
    st.warning("Measured but without a published operation count, so their throughput in ops/s, intensity and "
               "predictions are unknown: " + literal(", ".join(missing)) + ".")
ops_spec, size_spec = theory.network_charts(tuple(tasks), current.precisions)
left, right = st.columns(2)
left.vega_lite_chart(ops_spec, key="networks_ops")
right.vega_lite_chart(size_spec, key="networks_size")
download_csv("Download the networks table (CSV)", wide, "networks.csv")

if compared_table is not None:
    st.markdown("**Layer model against a published count.** CNV and MLP are counted from their layers "
                "(3x3 convolutions without padding, 2x2 max-pools, fully connected layers). The published "
                "exact counts (`topology_details.csv`) agree for every variant but CNV 12.5 %, where the "
                "published figure is 107,136 ops (1.3 %) higher; QuTiBench's other table rounds it to 0.01 GOP. "
                "The larger variants match to the operation, so the 12.5 % figure is the outlier: the app uses "
                "the layer model.")
    tables.draw(compared_table, key="model_vs_published")
if layers_table is not None:
    st.markdown("**ImageNet layer tables against QuTiBench's published totals.** Each ImageNet network is rebuilt "
                "layer by layer from its paper (sources in `data/README.md`) for the per-layer view, the activation "
                "traffic and the calibrated model; the roofline keeps the published (rounded) totals. Where the two "
                "differ by more than 3 %, the note says why.")
    tables.draw(layers_table, key="layers_vs_published")

# --- hardware ---
st.subheader("Hardware")
catalog, hardware_chart, together, catalog_table = theory.hardware_view(current_scenario)
tables.draw(catalog_table, key="hardware_table")
st.vega_lite_chart(hardware_chart, key="hardware_chart")
st.caption("Filled: each platform at one native precision, its datasheet peak against its bandwidth, in the "
           "platform's colour (platforms with the same figures share a point, the first drawn larger under the next"
           + (f": {literal_list(together, 4)}" if together else "") + "). Hollow, joined to it by a "
           "thin line: the best TOP/s measured on that platform and precision (any task, any batch; a configuration "
           "measured above the datasheet peak left out), its achievable peak. Grey dashed guides: points of equal "
           "ridge (10, 100, 1,000 ops/byte; a point above a guide has a higher ridge), so a network needs at least "
           "that many ops per byte there to be compute-bound; each point's own ridge is in its tooltip and the "
           "table. Your own platforms (What-if hardware) are included, marked *your own platform*.")
download_csv("Download the hardware table (CSV)", catalog[theory.HARDWARE_COLUMNS], "hardware.csv")

"""Networks and hardware: the tables a researcher reads first, for every task."""

import streamlit as st

from qb_core.vocabulary import PRECISIONS, TASKS, VARIANT_KEYS
from ui import cache, state, tables
from ui.safe import download_csv, literal, literal_list
from ui.viewmodels import theory


def count_columns(ours: str) -> dict[str, object]:
    """Headers of the params and ops columns, ours (``ours`` names where they come from) beside the
    published ones, in full (never rounded)."""
    return {f"{column}{suffix}": st.column_config.NumberColumn(f"{name} ({source})", format="localized")
            for column, name in (("params", "Params"), ("ops_per_input", "Ops"))
            for suffix, source in (("", ours), ("_published", "published"))}


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
long, wide = cache.networks(tuple(tasks), current.precisions)
st.subheader("Networks")
config = {}
for precision in PRECISIONS:
    config[f"model_mb_{precision.lower()}"] = st.column_config.NumberColumn(f"Size {precision} (MB)", format="%.3f")
    config[f"intensity_{precision.lower()}"] = st.column_config.NumberColumn(f"Ops/byte {precision}", format="%.1f")
    config[f"accuracy_{precision.lower()}"] = f"Top-1 (top-5) {precision} (%)"
shown = [c for c in wide.columns if c not in (*VARIANT_KEYS, "gops_per_input")]
tables.show(wide, shown, key="networks_table", **config)
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

compared = cache.published_comparison()
compared = compared[compared["task"].isin(tasks)]
compared = compared.assign(task=compared["task"].map(TASKS))
if len(compared):
    st.markdown("**Layer model against a published count.** CNV and MLP are counted from their layers "
                "(3x3 convolutions without padding, 2x2 max-pools, fully connected layers). The published "
                "exact counts (`topology_details.csv`) agree for every variant but CNV 12.5 %, where the "
                "published figure is 107,136 ops (1.3 %) higher; QuTiBench's other table rounds it to 0.01 GOP. "
                "The larger variants match to the operation, so the 12.5 % figure is the outlier: the app uses "
                "the layer model.")
    tables.show(compared, key="model_vs_published", **count_columns("layer model"), **{
        "ops_difference": st.column_config.NumberColumn("Published - model (ops)", format="localized"),
        "ops_difference_pct": st.column_config.NumberColumn("Difference (%)", format="%.2f"),
        "agrees": st.column_config.CheckboxColumn("Agree")})
tables_vs_published = cache.layer_tables_vs_published(tuple(tasks))
if len(tables_vs_published):
    st.markdown("**ImageNet layer tables against QuTiBench's published totals.** Each ImageNet network is rebuilt "
                "layer by layer from its paper (sources in `data/README.md`) for the per-layer view, the activation "
                "traffic and the calibrated model; the roofline keeps the published (rounded) totals. Where the two "
                "differ by more than 3 %, the note says why.")
    tables.show(tables_vs_published.assign(task=tables_vs_published["task"].map(TASKS)), key="layers_vs_published",
                **count_columns("layer table"),
                **{"params_difference_pct": st.column_config.NumberColumn("Params difference (%)", format="%+.1f"),
                   "ops_difference_pct": st.column_config.NumberColumn("Ops difference (%)", format="%+.1f"),
                   "within_3_pct": st.column_config.CheckboxColumn("Within 3 %")})

# --- hardware ---
st.subheader("Hardware")
catalog, hardware_chart, together = theory.hardware_view(current_scenario)
shown = ["device", "precision", "peak_tops", "achievable_tops", "achievable_pct", "bandwidth_gbps",
         "ridge_ops_per_byte", "on_chip_mb", "execution", "family", "vendor", "toolflow", "memory_gb", "power_w",
         "source"]
tables.show(catalog, shown, key="hardware_table", fit=True)
st.vega_lite_chart(hardware_chart, key="hardware_chart")
st.caption("Filled: each platform at one native precision, its datasheet peak against its bandwidth, in the "
           "platform's colour (platforms with the same figures share a point, the first drawn larger under the next"
           + (f": {literal_list(together, 4)}" if together else "") + "). Hollow, joined to it by a "
           "thin line: the best TOP/s measured on that platform and precision (any task, any batch; a configuration "
           "measured above the datasheet peak left out), its achievable peak. Grey dashed guides: points of equal "
           "ridge (10, 100, 1,000 ops/byte; a point above a guide has a higher ridge), so a network needs at least "
           "that many ops per byte there to be compute-bound; each point's own ridge is in its tooltip and the "
           "table. Your own platforms (What-if hardware) are included, marked *your own platform*.")
download_csv("Download the hardware table (CSV)", catalog[shown], "hardware.csv")

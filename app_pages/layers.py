"""Per-layer roofline: which layer limits a network on a platform, and is it memory or compute?"""

from dataclasses import replace

import streamlit as st

from qb_core.analyses.explain import bottleneck_sentence
from qb_core.analyses.layers import execution_storage
from ui import cache, charts, tables
from ui.safe import download_csv, literal
from ui.viewmodels import layers as layer_views
from ui.viewmodels import theory

STORAGE_WORDS = {"off-chip": "read off chip for every input", "per-batch": "read off chip once per batch",
                 "on-chip": "on chip", "automatic": "on chip where they fit"}

st.title("Per-layer roofline")
st.markdown(
    "Which layer holds the network back? Every layer gets its own point on the platform's roofline: its "
    "operations, the bytes it moves off chip under the storage assumption, its intensity, and its time per "
    "input = max(ops / peak, bytes / bandwidth). **Layer-by-layer** platforms (GPU, CPU, VPU, TPU, DPU, "
    "BISMO) run one layer after the other, so the time per input is the sum of the layer times. "
    "**Dataflow** platforms (FINN) run every layer at once as a pipeline stage, so the slowest stage sets the "
    "pace; the model gives each of the L stages an equal share of the chip (peak / L, bandwidth / L), the "
    "unbalanced extreme. A folding factor per layer would balance the stages, and perfectly balanced the "
    "pipeline reaches the whole-network roofline; real builds sit between the two. Clock frequency, folding "
    "limits of the fabric and kernel launch overheads are not modelled (the Calibrated prediction page "
    "fits a fixed cost per input and each layer type's share of the peak from the measurements)."
)

gap = theory.gap_view()
settings = gap.theory.settings
offered = cache.layer_choices(gap.theory.scenario).offered
if not offered:
    st.info("No network inside the filters has a layer table, so there is no per-layer view.")
    st.stop()

devices = list(offered)
left, middle, right = st.columns(3)
default_device = "TX2-maxp" if "TX2-maxp" in devices else devices[0]
device = left.selectbox("Platform", devices, index=devices.index(default_device), key="layer_device")
precision = middle.selectbox("Precision", list(offered[device]), key=f"layer_precision_{device}")
variant = right.selectbox("Network variant", list(offered[device][precision]), key="layer_variant")
config_key = (device, precision, variant)
chosen = layer_views.pick(gap.theory.scenario, config_key)
row = chosen.row

execution = str(row["execution"].iloc[0])
weights_mode, activations_mode = execution_storage(execution)
storage = st.segmented_control(
    "Storage in this view", ["execution", "sidebar"], required=True, default="execution", key="layer_storage",
    bind="query-params", format_func={"execution": "by how the platform runs", "sidebar": "the sidebar's"}.get,
    help="By how the platform runs: a dataflow build keeps weights on chip where they fit and streams "
         "activations on chip; a layer-by-layer engine reads weights and writes and reads every activation off "
         "chip. The sidebar's: its What-if storage assumption, as on the other theory pages.")
if storage == "sidebar":
    weights_mode, activations_mode = settings.weights, settings.activations
storage_here = replace(settings.storage, weights=weights_mode, activations=activations_mode)
st.caption(f"Storage here: weights {STORAGE_WORDS[weights_mode]}, activations {STORAGE_WORDS[activations_mode]}"
           + (f" ({literal(device)} runs {execution})." if storage == "execution" else " (the sidebar's)."))
report = cache.layer_report(gap.theory.scenario, config_key, storage_here)
layers, bottleneck = report.layers, report.bottleneck
measured = chosen.measured
cols = st.columns(3)
cols[0].metric("Per-layer model", f"{report.layer_fps:,.0f}",
               help="Sum of layer times (layer-by-layer) or the slowest stage (dataflow).")
cols[1].metric("Whole-network roofline", f"{row['inputs_per_s'].iloc[0]:,.0f}")
cols[2].metric("Measured, best batch", f"{measured['measured_fps'].max():,.0f}" if len(measured) else "not measured")
st.caption(f"Inputs per second. {literal(device)} runs networks {execution}.")
if len(measured):
    best = measured.loc[measured["measured_fps"].idxmax()]
    beaten = cache.layer_model_beaten(gap.theory.scenario, config_key, storage_here, float(best["measured_fps"]),
                                     int(best["measured_batch"]), report.layer_fps)
    if beaten:
        st.info(beaten, icon=":material/info:")
st.markdown(f"**The bottleneck is {literal(bottleneck['name'])}**: {bottleneck_sentence(layers, execution)}")

roofline_spec, time_spec = theory.layer_charts(gap.theory.scenario, config_key, storage_here, chosen.color)
st.vega_lite_chart(roofline_spec, key="layer_roofline")
shown_layers = layer_views.details(gap.theory.scenario, config_key, storage_here)
points = shown_layers.points
st.caption("Each computing layer at (its intensity, the TOP/s it attains); pools do no operations and are left out. "
           + (f"The {charts.MAX_LAYER_LABELS} points holding the most time are named; hover for the other "
              f"{points - charts.MAX_LAYER_LABELS}. " if points > charts.MAX_LAYER_LABELS else "")
           + ("Dataflow: the roof drawn is one stage's equal share of the chip. " if execution == "dataflow" else "")
           + ("Layers that move nothing off chip have no finite intensity: they are drawn at the right end of the "
              "roof, at the peak, and labelled so." if shown_layers.unbounded else ""))
st.vega_lite_chart(time_spec, key="layer_times")
st.caption("Compute time = ops / peak, memory time = bytes / bandwidth; the longer one (solid) is the layer's time. "
           + ("Dataflow: the stages run at once, so the pace is the longest bar, not their sum."
              if execution == "dataflow" else "Layer by layer: the time per input is the sum of the layer times."))
tables.draw(shown_layers.table, key="layers_table")
download_csv("Download the layers (CSV)", shown_layers.download, f"layers_{device}_{precision}_{variant}.csv")

"""Your networks: bring your own CNN (ONNX or a layer table) and see it on every theory page."""

import streamlit as st

from qb_core.layer_csv import MAX_CSV_BYTES, MAX_ROWS, template_path
from qb_core.layer_table import layer_totals
from qb_core.onnx_import import MAX_NODES, MAX_ONNX_BYTES
from qb_core.topology import PRECISIONS, TASKS
from qb_core.user_networks import LINK_CSV_CHARS, MAX_NETWORKS
from ui import messages, scenario, tables, user_networks
from ui.safe import download_csv, literal

st.title("Your networks")
st.markdown(
    "Planning with your own model rather than CNV? Upload it as an **ONNX file** (opset 11 or later) or as a "
    "**layer table** (CSV with the columns `layer, type, ops, weights, in_activations, out_activations`, one row per "
    "layer for one input; types `conv`, `depthwise`, `fc`, `pool`, `eltwise`). The import counts **2 operations per "
    "multiply-accumulate**, like every figure in the app; pooling and element-wise layers count none; activations, "
    "batch normalisation (folded into the layer before it), reshapes and concatenations are accounted for as no "
    "work; an operator the import does not know is named in a warning and counted as 0 ops. Your network then "
    "appears on Rooflines, Prediction, Per-layer roofline, What would it take and Calibrated prediction for its task, "
    "at the precisions you choose. It stays in this browser session; small ones also travel in the page address."
)
st.caption(f"Limits: ONNX files up to {MAX_ONNX_BYTES / 1e6:,.0f} MB and {MAX_NODES:,} nodes, weights stored in the "
           f"file (external data is refused); layer tables up to {MAX_CSV_BYTES / 1e6:,.0f} MB and {MAX_ROWS:,} "
           f"rows; {MAX_NETWORKS} networks per session; a link carries networks whose layer table is under "
           f"{LINK_CSV_CHARS:,} characters.")
download_csv("Download a layer-table template (CSV)", template_path().read_text(encoding="utf-8"),
             "layer_table_template.csv", key="network_template")
messages.show("network")


def _add() -> None:
    upload = st.session_state.get("network_upload")
    if upload is None:
        messages.flash("network", "error", "Choose an ONNX file or a layer-table CSV first.")
        return
    state = st.session_state
    try:
        imported = user_networks.read_file(upload.name, upload.getvalue(), state.get("network_name") or None)
        network = user_networks.add(imported, state.get("network_name") or imported.name, state["network_task"],
                                    tuple(state.get("network_precisions") or ()), upload.name)
    except ValueError as exc:
        messages.flash("network", "error", f"Not added: {literal(exc, 400)}. Nothing was changed.")
        return
    messages.flash("network", "success", f"{literal(network.name)} added for {TASKS[network.task]}"
                   + (f" with {len(network.warnings)} warning(s), listed below." if network.warnings else "."))


with st.container(border=True):
    st.file_uploader("ONNX file or layer-table CSV", type=["onnx", "csv"], key="network_upload")
    left, middle, right = st.columns([2, 1, 2])
    left.text_input("Name (default: the graph's name or the file name)", key="network_name", max_chars=80)
    middle.selectbox("Task", list(TASKS), format_func=TASKS.get, key="network_task",
                     index=list(TASKS).index(scenario.current().task))
    right.multiselect("Precisions it is meant for", list(PRECISIONS), default=["INT8", "FP16"],
                      key="network_precisions")
    st.button("Add to my networks", on_click=_add, icon=":material/upload:")

too_large = set(user_networks.write_to_url())
for index, network in enumerate(user_networks.networks()):
    with st.container(border=True):
        totals = layer_totals(network.layers)
        st.markdown(f"**{literal(network.name)}** ({TASKS[network.task]}, {', '.join(network.precisions)}) from "
                    f"{literal(network.source or 'a link')}: {len(network.layers):,} layers, "
                    f"{totals['params']:,} parameters, {totals['ops_per_input']:,} ops per input, "
                    f"{totals['activation_elems']:,} activation elements (read and written, all layers).")
        if network.name in too_large:
            st.caption("Not in the page address (too large, or the link is full): a shared link will not carry "
                       "this network.")
        for warning in network.warnings:
            st.warning(literal(warning, 600), icon=":material/warning:")
        with st.expander("Layer table"):
            tables.show(network.layers, key=f"network_layers_{index}")
        download_csv("Download its layer table (CSV)", network.layers_csv, f"{network.name}_layers.csv",
                     key=f"network_csv_{index}")
        st.button("Remove this network", key=f"remove_network_{index}", on_click=user_networks.remove,
                  args=(network.name,))
if user_networks.networks():
    st.caption("See them on " + ", ".join(["Rooflines", "Prediction", "Per-layer roofline", "What would it take",
                                           "Calibrated prediction"]) + " with the sidebar's task set to theirs: "
               + ", ".join(sorted({TASKS[n.task] for n in user_networks.networks()})) + ".")
else:
    st.caption("No networks of your own yet.")

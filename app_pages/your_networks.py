"""Your networks: bring your own CNN (ONNX or a layer table) and see it on every theory page."""

import streamlit as st

from qb_core.networks.layer_csv import MAX_CSV_BYTES, MAX_ROWS, template_path
from qb_core.networks.layer_table import layer_totals
from qb_core.networks.onnx_import import MAX_NODES
from qb_core.networks.onnx_shapes import parse_input_shapes
from qb_core.networks.user import LINK_CSV_CHARS, MAX_NETWORKS
from qb_core.vocabulary import PRECISIONS, TASKS
from ui import messages, state, tables, upload_slot, user_networks
from ui.safe import download_csv, literal
from ui.user_networks import NETWORK_UPLOAD_MB, STRUCTURE_ONLY_EXPORT

SCOPE = "network"
QUANTIZED = ("INT8", "INT4")

st.title("Your networks")
st.markdown(
    "Planning with your own model rather than the bundled networks? Upload it as an **ONNX file** (opset 11 or "
    "later, from either "
    "PyTorch exporter, float or quantized) or as a **layer table** (CSV with the columns `layer, type, ops, weights, "
    "in_activations, out_activations`, one row per layer for one input; types `conv`, `depthwise`, `fc`, `pool`, "
    "`eltwise`). The import reads the model's structure, never its weights, and counts **2 operations per "
    "multiply-accumulate**, like every figure in the app. Parameters follow the bundled networks' convention: a "
    "batch normalisation after a layer is that layer's bias; one that cannot fold (and a layer norm) keeps its scale "
    "and shift. Your network then appears on Rooflines, Prediction, Per-layer roofline, What would it take, "
    "Calibrated prediction and Find a deployment for its task, at the precisions you choose. It stays in this browser "
    "session; small ones also travel in the page address."
)
st.caption(f"Limits: network files up to {NETWORK_UPLOAD_MB} MB here (the command line takes any size) and "
           f"{MAX_NODES:,} nodes; external weight data is never needed (the model file alone is read); layer tables "
           f"up to {MAX_CSV_BYTES / 1e6:,.0f} MB and {MAX_ROWS:,} rows; {MAX_NETWORKS} networks per session; a link "
           f"carries networks whose layer table is under {LINK_CSV_CHARS:,} characters.")
with st.expander(f"A model over {NETWORK_UPLOAD_MB} MB (VGG16 is 553 MB)?"):
    st.markdown("Your browser refuses it (the file shows in red; hover it for the reason). Upload its structure "
                "instead, which the import reads the same way: save a copy without the weights' data,")
    st.code(STRUCTURE_ONLY_EXPORT, language="bash")
    st.markdown("or write its layer table with the command line (any size) and upload the CSV:")
    st.code("python -m qb_core network big.onnx > big_layers.csv", language="bash")
download_csv("Download a layer-table template (CSV)", template_path().read_text(encoding="utf-8"),
             "layer_table_template.csv", key="network_template")
with st.container():  # one slot whatever it holds, so the uploader below keeps its place between runs
    messages.show(SCOPE)


def _read(file_name: str, content) -> object:
    """Read the file the moment it arrives (and again when the input size changes)."""
    state = st.session_state
    imported = user_networks.read_file(file_name, content, None,
                                       parse_input_shapes(state.get("network_input_shape") or None))
    if imported.stored_precision in QUANTIZED:
        state["network_precisions"] = [imported.stored_precision]
    return imported


def _add(pending: upload_slot.Pending) -> str:
    state = st.session_state
    imported = pending.result
    network = user_networks.add(imported, state.get("network_name") or imported.name, state["network_task"],
                                tuple(state.get("network_precisions") or ()), pending.file_name)
    return (f"{literal(network.name)} added for {TASKS[network.task]}"
            + (f" with {len(network.warnings)} warning(s), listed below." if network.warnings else "."))


def _preview(pending: upload_slot.Pending) -> None:
    imported = pending.result
    totals = layer_totals(imported.layers)
    name = st.session_state.get("network_name") or imported.name
    stored = f"; weights stored as {imported.stored_precision}." if imported.stored_precision else "."
    st.markdown(f"Ready to add {literal(pending.file_name)} as {literal(name)}: {len(imported.layers):,} layers, "
                f"{totals['params']:,} parameters, {totals['ops_per_input']:,} ops per input{stored}")
    if imported.incomplete:
        st.warning(f"{literal(imported.incomplete, 400)}: its predictions will be marked untested.",
                   icon=":material/warning:")
    for warning in imported.warnings:
        st.warning(literal(warning, 600), icon=":material/warning:")


with st.container(border=True):
    pending = upload_slot.uploader(SCOPE, "ONNX file or layer-table CSV", None, NETWORK_UPLOAD_MB, _read,
                                   help=f"Up to {NETWORK_UPLOAD_MB} MB; a PyTorch checkpoint or another format is "
                                        "named, with how to export it to ONNX.")
    left, middle, right = st.columns([2, 1, 2])
    left.text_input("Name (default: the graph's name or the file name)", key="network_name", max_chars=80)
    middle.selectbox("Task", list(TASKS), format_func=TASKS.get, key="network_task",
                     index=list(TASKS).index(state.current().task))
    right.multiselect("Precisions it is meant for", list(PRECISIONS), default=["INT8", "FP16"],
                      key="network_precisions")
    st.text_input("Input size, for dynamic dimensions (e.g. 1x3x224x224, or image=1x3x224x224 for one of several "
                  "inputs)", key="network_input_shape", max_chars=200, on_change=upload_slot.read_now,
                  args=(SCOPE, _read))
    if pending is not None:
        _preview(pending)
    upload_slot.add_button(SCOPE, "Add", _add)

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
        if network.incomplete:
            st.warning(f"{literal(network.incomplete, 400)}: its predictions are marked untested.",
                       icon=":material/warning:")
        for warning in network.warnings:
            st.warning(literal(warning, 600), icon=":material/warning:")
        for note in network.notes:
            st.caption(literal(note, 400))
        with st.expander("Layer table"):
            tables.show(network.layers, key=f"network_layers_{index}")
        download_csv("Download its layer table (CSV)", network.layers_csv, f"{network.name}_layers.csv",
                     key=f"network_csv_{index}")
        st.button("Remove this network", key=f"remove_network_{index}", on_click=user_networks.remove,
                  args=(network.name,))
if user_networks.networks():
    st.caption("See them with the sidebar's task set to theirs ("
               + ", ".join(sorted({TASKS[n.task] for n in user_networks.networks()})) + "):")
    links = st.columns(6)
    for column, (page, label) in zip(links, [("app_pages/rooflines.py", "Rooflines"),
                                             ("app_pages/prediction.py", "Prediction"),
                                             ("app_pages/layers.py", "Per-layer roofline"),
                                             ("app_pages/what_it_takes.py", "What would it take"),
                                             ("app_pages/calibration.py", "Calibrated prediction"),
                                             ("app_pages/find.py", "Find a deployment")], strict=True):
        column.page_link(page, label=label)
else:
    st.caption("No networks of your own yet.")

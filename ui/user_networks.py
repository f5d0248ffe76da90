"""This session's own networks (uploaded ONNX files or layer tables): kept in the session only, and
in the page address when small enough to travel in a link."""

from __future__ import annotations

import streamlit as st

from qb_core.csv_io import DataFormatError
from qb_core.links import networks_from_text, networks_to_text
from qb_core.networks.files import read_network_bytes
from qb_core.networks.imported import NetworkImport
from qb_core.networks.user import MAX_NETWORKS, UserNetwork, make_network
from ui.safe import literal
from ui.widgets import drop_scenario

KEY = "user_networks"
LINK_KEY = "nets"
#: The largest network file the app takes (MB); equal to ``server.maxUploadSize`` in
#: ``.streamlit/config.toml`` (a widget cannot take more than the server) and large enough for a
#: ResNet-50 (102 MB). Bigger models: a structure-only export, or the command line's layer table.
NETWORK_UPLOAD_MB = 200
STRUCTURE_ONLY_EXPORT = ("python -c \"import onnx; m = onnx.load('big.onnx'); [t.ClearField('raw_data') for t in "
                         "m.graph.initializer]; onnx.save(m, 'big_structure.onnx')\"")


def networks() -> tuple[UserNetwork, ...]:
    """Every network of this session, in the order they were added."""
    return st.session_state.get(KEY, ())


def read_file(file_name: str, content, name: str | None = None,
              input_shapes: dict[str, tuple[int, ...]] | None = None) -> NetworkImport:
    """An uploaded network file (bytes or a buffer): ONNX, a layer CSV, or refused with one sentence
    saying what it is (:mod:`qb_core.networks.files`); ValueError naming the file when it cannot be
    used."""
    try:
        return read_network_bytes(content, file_name, name, input_shapes)
    except DataFormatError as exc:
        raise ValueError(str(exc).strip().splitlines()[0]) from None


def add(imported: NetworkImport, name: str, task: str, precisions: tuple[str, ...], source: str) -> UserNetwork:
    """Add a checked network to this session; raises ValueError and changes nothing otherwise."""
    current = networks()
    if len(current) >= MAX_NETWORKS:
        raise ValueError(f"at most {MAX_NETWORKS} networks per session: remove one first")
    network = make_network(name, task, precisions, imported.layers, source, taken=tuple(n.name for n in current),
                           warnings=imported.warnings, notes=imported.notes, incomplete=imported.incomplete)
    st.session_state[KEY] = (*current, network)
    drop_scenario()
    return network


def remove(name: str) -> None:
    st.session_state[KEY] = tuple(n for n in networks() if n.name != name)
    drop_scenario()


def load_from_url() -> None:
    """Once per session: the link's networks, or a note saying why they were ignored."""
    if st.session_state.get("_nets_from_url"):
        return
    st.session_state["_nets_from_url"] = True
    if LINK_KEY in st.query_params:
        try:
            st.session_state[KEY] = networks_from_text(st.query_params[LINK_KEY])
        except ValueError as exc:
            st.session_state.setdefault("_whatif_notes", []).append(
                f"The link's networks were ignored: {literal(exc, 300)}.")


def write_to_url() -> tuple[str, ...]:
    """Put the small networks in the page address; returns the names too large for a link."""
    text, left_out = networks_to_text(networks())
    if text:
        if st.query_params.get(LINK_KEY) != text:
            st.query_params[LINK_KEY] = text
    elif LINK_KEY in st.query_params:
        del st.query_params[LINK_KEY]
    return left_out

"""What the "Measure this machine" page keeps in the session: the networks it can run (bundled
variants and the user's own, as ONNX), the roofline measured here as the user's platform, and the
rows measured here as one of the user's measurement files, so every page shows them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qb_core.csv_io import to_csv_safe
from qb_core.hardware.whatif import CUSTOM_COLUMNS
from qb_core.measurements.dataset import TIDY_COLUMNS
from qb_core.networks.onnx_export import bundled_onnx, bundled_variants, default_shape, export_network
from qb_core.networks.user import UserNetwork
from ui import uploads, user_networks, whatif_state

#: The measurement file the rows measured here are kept as (one, growing with every run).
MEASURED_NAME = "measured on this machine.csv"
ROWS_KEY = "_measured_here"
ROOFLINE_KEY = "_host_roofline"


def bundled_choices() -> dict[str, tuple[str, float]]:
    """Label -> (topology, pruning %) of every bundled variant with a layer table."""
    return {f"{t} {p:g}%": (t, float(p)) for t, p in bundled_variants()}


def own_choices() -> dict[str, UserNetwork]:
    """Label -> the user's own networks of this session."""
    return {f"{n.name} (yours)": n for n in user_networks.networks()}


@st.cache_data(max_entries=8, show_spinner=False)
def bundled_model(topology: str, pruning_pct: float) -> bytes:
    """A bundled variant as ONNX (deterministic: the same bytes for every session)."""
    return bundled_onnx(topology, pruning_pct)


@st.cache_data(max_entries=8, show_spinner=False)
def own_model(name: str, layers_csv: str) -> bytes:
    """A user's layer table as ONNX with random weights (raises ExportError with one line)."""
    layers = UserNetwork(name, "cifar10", ("FP32",), layers_csv).layers
    return export_network(layers, default_shape(int(layers["in_activations"].iloc[0])), name)


def measured_rows() -> pd.DataFrame:
    """Every row measured here in this session (all columns, percentiles included)."""
    return st.session_state.get(ROWS_KEY, pd.DataFrame())


def keep_rows(rows: pd.DataFrame) -> None:
    """Add ``rows`` to this session's measurements: kept here whole and as the measurement file
    :data:`MEASURED_NAME` (the tidy columns), which every page reads. Raises ValueError (nothing
    changed) when the importer refuses them."""
    combined = pd.concat([measured_rows(), rows], ignore_index=True)
    text = to_csv_safe(combined[list(TIDY_COLUMNS)]).encode()
    uploads.add(MEASURED_NAME, text)
    st.session_state[ROWS_KEY] = combined


def forget_rows() -> None:
    st.session_state.pop(ROWS_KEY, None)
    uploads.remove(MEASURED_NAME)


def use_as_platform(row: dict) -> None:
    """The roofline measured here as one of the user's platforms (replacing one of the same name);
    raises ValueError (nothing changed) when it is not a usable platform."""
    record = {column: row.get(column) for column in CUSTOM_COLUMNS}
    kept = [r for r in whatif_state.custom_records() if r.get("platform") != record["platform"]]
    whatif_state.set_custom_records([*kept, record])


def is_own_platform(name: str) -> bool:
    return any(r.get("platform") == name for r in whatif_state.custom_records())

"""Cached entry points into qb_core: loads and derivations run once per distinct input.

The bundled tables are loaded once per process and shared read-only (``st.cache_resource``: no
copy per call; pandas' copy-on-write keeps derived frames from touching them). Derivations use
``st.cache_data``, which hands each caller its own copy.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType

import pandas as pd
import streamlit as st

from qb_core.hardware import FAMILIES, catalog_long, default_catalog
from qb_core.measurements import load_measurements
from qb_core.overview import overview_table
from qb_core.roofline import bound_table, intensity_table, predict, roofline_points, scale_catalog
from qb_core.topology import PUBLISHED_PRUNING_PCT
from qb_core.whatif import apply_overrides, combined_catalog, custom_catalog, platforms_from_text
from ui.charts import config_colors, platform_colors


@st.cache_resource(show_spinner=False)
def measurements() -> pd.DataFrame:
    """The bundled tidy measurements (shared, read-only)."""
    return load_measurements()


@st.cache_resource(show_spinner=False)
def catalog() -> pd.DataFrame:
    """The bundled wide hardware catalog (shared, read-only)."""
    return default_catalog().copy()


@st.cache_resource(show_spinner=False)
def filter_options(task: str) -> Mapping[str, object]:
    """Options of the sidebar filters for the bundled data (shared, read-only)."""
    return measured_options(catalog(), measurements(), task)


def measured_options(catalog_table: pd.DataFrame, rows: pd.DataFrame, task: str) -> Mapping[str, object]:
    """Platforms by family (catalog plus boards only in ``rows``), batch sizes and pruning factors
    measured for ``task`` (with the published ones)."""
    firsts = catalog_table[["platform", "family"]].drop_duplicates("platform")
    extra = rows.loc[~rows["platform"].isin(firsts["platform"]), ["platform", "family"]].astype(str)
    firsts = pd.concat([firsts, extra.drop_duplicates("platform")], ignore_index=True)
    families = {f: firsts.loc[firsts["family"] == f, "platform"].tolist() for f in FAMILIES}
    task_rows = rows[rows["task"] == task]
    return MappingProxyType({  # shared between sessions: immutable all the way down
        "families": MappingProxyType({family: tuple(names) for family, names in families.items() if names}),
        "batches": tuple(sorted(int(b) for b in task_rows["batch"].unique())) or (1,),
        "pruning": tuple(sorted({*PUBLISHED_PRUNING_PCT, *(float(p) for p in task_rows["pruning_pct"].unique())},
                                reverse=True)),
        "op_modes": tuple(m for m in catalog_table["op_mode"].drop_duplicates() if m),
    })


@st.cache_resource(show_spinner=False)
def hardware() -> pd.DataFrame:
    """The bundled catalog, one row per platform x op mode x native precision."""
    return catalog_long()


@st.cache_data(max_entries=64, show_spinner=False)
def predictions(task: str, hardware_long: pd.DataFrame | None = None, weights: str = "off-chip", batch: int = 1,
                activations: str = "on-chip", width_scales: tuple[float, ...] = ()) -> pd.DataFrame:
    """Roofline predictions for every platform x precision x topology variant of ``task``."""
    return predict(task, hardware_long, weights=weights, batch=batch, activations=activations,
                   width_scales=width_scales)


@st.cache_data(max_entries=64, show_spinner=False)
def rooflines(hardware_long: pd.DataFrame, x_min: float, x_max: float) -> pd.DataFrame:
    return roofline_points(hardware_long, x_min, x_max)


@st.cache_data(max_entries=64, show_spinner=False)
def bounds(prediction_table: pd.DataFrame) -> pd.DataFrame:
    return bound_table(prediction_table)


@st.cache_data(max_entries=8, show_spinner=False)
def overview(measurement_table: pd.DataFrame, task: str) -> pd.DataFrame:
    return overview_table(measurement_table, task)


@st.cache_data(max_entries=64, show_spinner=False)
def intensities(task: str, weights: str = "off-chip", batch: int = 1, activations: str = "on-chip",
                width_scales: tuple[float, ...] = ()) -> pd.DataFrame:
    return intensity_table(task, width_scales, weights=weights, batch=batch, activations=activations)


@st.cache_data(max_entries=32, show_spinner=False)
def _shades(pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    table = pd.DataFrame(list(pairs), columns=["config", "platform"])
    return config_colors(table, platform_colors([*catalog()["platform"], *table["platform"]]))


def config_shades(rows: pd.DataFrame, task: str) -> dict[str, str]:
    """Config -> colour (a shade of its platform's colour), fixed per task whatever the filters."""
    task_rows = rows.loc[rows["task"] == task, ["config", "platform"]].astype(str).drop_duplicates()
    return _shades(tuple(task_rows.itertuples(index=False, name=None)))


@st.cache_data(max_entries=16, show_spinner=False)
def hardware_with(custom_text: str) -> pd.DataFrame:
    """Long catalog of the bundled platforms plus the user's own (validated), before any what-if."""
    custom = platforms_from_text(custom_text) if custom_text != "[]" else None
    return catalog_long(combined_catalog(catalog(), custom))


@st.cache_data(max_entries=64, show_spinner=False)
def whatif_hardware_long(custom_text: str, overrides_text: str, bandwidth_scale: float,
                         peak_scale: float) -> pd.DataFrame:
    """Long what-if catalog from this session's settings (their text forms are the cache key):
    scales first, then the absolute overrides (see :func:`qb_core.whatif.whatif_hardware`)."""
    scaled = scale_catalog(hardware_with(custom_text), bandwidth_scale, peak_scale)
    return apply_overrides(scaled, json.loads(overrides_text))


@st.cache_data(max_entries=32, show_spinner=False)
def custom_table(records_json: str) -> pd.DataFrame:
    """A session's own platforms (JSON records, the cache key) as validated catalog rows."""
    return custom_catalog(json.loads(records_json))


@st.cache_data(max_entries=16, show_spinner=False)
def colors(custom_text: str = "[]") -> dict[str, str]:
    """Platform -> colour: the catalog's order, then the user's platforms."""
    names = list(catalog()["platform"])
    if custom_text != "[]":
        names += list(platforms_from_text(custom_text)["platform"])
    return platform_colors(names)

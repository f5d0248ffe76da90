"""What the Per-layer roofline page draws, worked out once per question and shared by every session
asking it (the platforms, precisions and network variants it offers are :func:`ui.cache.layer_choices`): the chosen
configuration's whole-network row, its paired measurements and colour (:func:`pick`), and its layers
as the table and the download show them (:func:`details`)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import streamlit as st

from qb_core.question import Storage
from qb_core.service import Scenario
from qb_core.units import us_from_s
from ui import cache, tables
from ui.viewmodels.gap import paired

#: The layer table's columns, in order.
LAYER_COLUMNS = ("name", "kind", "ops", "params", "bytes", "intensity", "compute_us", "memory_us", "time_us", "bound")
#: A colour for a platform the palette does not know.
FALLBACK_COLOR = "#1f77b4"


class LayerPick(NamedTuple):
    """The configuration chosen, as a whole network."""

    #: Its whole-network prediction (one row).
    row: pd.DataFrame
    #: Its measurements that have a prediction (:func:`ui.viewmodels.gap.paired`).
    measured: pd.DataFrame
    #: Its platform's colour in the charts.
    color: str


@cache.cached(64)
def pick(scenario: Scenario, config_key: cache.ConfigKey) -> LayerPick:
    """:class:`LayerPick` of one configuration (platform, precision, variant label)."""
    device, precision, variant = config_key
    row = cache.configuration(scenario, config_key)
    measured = paired(scenario)
    measured = measured[(measured["device"] == device) & (measured["precision"] == precision)
                        & (measured["variant"] == variant)]
    color = cache.device_colors_for(row, scenario.whatif.custom_text).get(device, FALLBACK_COLOR)
    return LayerPick(row, measured, color)


class LayerDetails(NamedTuple):
    """One configuration's layers as the page shows them."""

    #: Distinct (intensity, attained TOP/s) points of the computing layers on the roofline.
    points: int
    #: Whether a computing layer moves nothing off chip (no finite intensity).
    unbounded: bool
    #: The layer table's columns, times in µs, for the download.
    download: pd.DataFrame
    table: tables.Table


def details(scenario: Scenario, config_key: cache.ConfigKey, storage: Storage) -> LayerDetails:
    """:func:`_details` keyed on what it reads (theory_side())."""
    return _details(scenario.theory_side(), config_key, storage)


@cache.cached(64)
def _details(scenario: Scenario, config_key: cache.ConfigKey, storage: Storage) -> LayerDetails:
    layers = cache.layer_report(scenario, config_key, storage).layers
    computing = layers[layers["bound"] != "none"]
    points = computing[["intensity", "attained_tops"]].round(6).drop_duplicates()
    download = layers.assign(compute_us=us_from_s(layers["compute_s"]), memory_us=us_from_s(layers["memory_s"]),
                             time_us=us_from_s(layers["time_s"]))[list(LAYER_COLUMNS)]
    table = tables.prepare(download, LAYER_COLUMNS, name="Layer",
                           bytes=st.column_config.NumberColumn("Off-chip bytes", format="localized"),
                           compute_us=st.column_config.NumberColumn("Compute time (µs)", format="%.3f"),
                           memory_us=st.column_config.NumberColumn("Memory time (µs)", format="%.3f"),
                           time_us=st.column_config.NumberColumn("Layer time (µs)", format="%.3f"))
    unbounded = not np.isfinite(computing["intensity"].to_numpy(dtype=float)).all()
    return LayerDetails(len(points), unbounded, download, table)

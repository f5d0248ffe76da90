"""Cached entry points into qb_core: loads and derivations run once per distinct input.

The bundled tables are loaded once per process and shared read-only (``st.cache_resource``: no
copy per call; pandas' copy-on-write keeps derived frames from touching them). Derivations use
``st.cache_data``, which hands each caller its own copy; their arguments are small tables or
the text forms of this session's settings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pandas as pd
import streamlit as st

from qb_core.accuracy import load_accuracy
from qb_core.efficiency import best_measured as qb_best_measured
from qb_core.efficiency import efficiency_table
from qb_core.filters import filter_options as core_filter_options
from qb_core.finder import combined_candidates, left_out_rows
from qb_core.hardware import catalog_long, default_catalog
from qb_core.layers import LayerReport
from qb_core.layers import layer_report as qb_layer_report
from qb_core.measurements import BUNDLED_DATASET, load_measurements
from qb_core.model import (
    ModelReport,
    build_report,
    coefficient_table,
    model_grid_predictions,
    unmeasured_predictions,
)
from qb_core.networks import layer_tables_vs_published as qb_layer_tables_vs_published
from qb_core.networks import model_vs_published, networks_long, networks_wide
from qb_core.overview import overview_table
from qb_core.roofline import (
    bound_table,
    intensity_table,
    merge_coinciding,
    predict,
    roofline_points,
    weights_fit_table,
)
from qb_core.spread import box_statistics
from qb_core.user_networks import UserNetwork
from qb_core.whatif import NO_PLATFORMS, combined_catalog, custom_catalog, platforms_from_text, whatif_long
from ui.colors import Style, config_styles, device_colors, platform_colors


@st.cache_resource(show_spinner=False)
def measurements() -> pd.DataFrame:
    """The bundled tidy measurements (shared, read-only)."""
    return load_measurements().assign(dataset=BUNDLED_DATASET)


@st.cache_resource(show_spinner=False)
def catalog() -> pd.DataFrame:
    """The bundled wide hardware catalog (shared, read-only)."""
    return default_catalog().copy()


@st.cache_resource(show_spinner=False)
def accuracy() -> pd.DataFrame:
    """Published top-1 (top-5) accuracy per network variant and precision (shared, read-only)."""
    return load_accuracy()


@st.cache_resource(show_spinner=False)
def filter_options(task: str) -> Mapping[str, object]:
    """Options of the sidebar filters for the bundled data (shared, read-only)."""
    return core_filter_options(catalog(), measurements(), task)


@st.cache_resource(show_spinner=False)
def hardware() -> pd.DataFrame:
    """The bundled catalog, one row per platform x op mode x native precision."""
    return catalog_long()


@st.cache_data(max_entries=64, show_spinner=False)
def predictions(task: str, hardware_long: pd.DataFrame | None = None, weights: str = "off-chip", batch: int = 1,
                activations: str = "on-chip", width_scales: tuple[float, ...] = (),
                networks: tuple[UserNetwork, ...] = ()) -> pd.DataFrame:
    """Roofline predictions for every platform x precision x topology variant of ``task`` (the
    user's ``networks`` of that task included)."""
    return predict(task, hardware_long, weights=weights, batch=batch, activations=activations,
                   width_scales=width_scales, networks=networks)


@st.cache_data(max_entries=64, show_spinner=False)
def rooflines(hardware_long: pd.DataFrame, x_min: float, x_max: float) -> pd.DataFrame:
    """Corner points of every distinct roofline (coinciding platforms named together)."""
    return roofline_points(merge_coinciding(hardware_long), x_min, x_max)


@st.cache_data(max_entries=64, show_spinner=False)
def bounds(prediction_table: pd.DataFrame) -> pd.DataFrame:
    return bound_table(prediction_table)


@st.cache_data(max_entries=8, show_spinner=False)
def overview(measurement_table: pd.DataFrame, task: str) -> pd.DataFrame:
    return overview_table(measurement_table, task)


@st.cache_data(max_entries=64, show_spinner=False)
def intensities(task: str, weights: str = "off-chip", batch: int = 1, activations: str = "on-chip",
                width_scales: tuple[float, ...] = (), networks: tuple[UserNetwork, ...] = ()) -> pd.DataFrame:
    return intensity_table(task, width_scales, weights=weights, batch=batch, activations=activations,
                           networks=networks)


@st.cache_data(max_entries=16, show_spinner=False)
def hardware_with(custom_text: str) -> pd.DataFrame:
    """Long catalog of the bundled platforms plus the user's own (validated), before any what-if."""
    custom = platforms_from_text(custom_text) if custom_text != NO_PLATFORMS else None
    return catalog_long(combined_catalog(catalog(), custom))


@st.cache_data(max_entries=64, show_spinner=False)
def whatif_hardware_long(custom_text: str, overrides_text: str, bandwidth_scale: float,
                         peak_scale: float) -> pd.DataFrame:
    """Long what-if catalog from this session's settings (their text forms are the cache key);
    the rule itself is :func:`qb_core.whatif.whatif_long`."""
    return whatif_long(hardware_with(custom_text), bandwidth_scale, peak_scale, json.loads(overrides_text))


@st.cache_data(max_entries=16, show_spinner=False)
def hardware_table(custom_text: str) -> pd.DataFrame:
    """The long catalog with each platform's vendor, off-chip memory and source (the user's own
    platforms marked as such), for the Networks and hardware page."""
    details = catalog()[["platform", "op_mode", "vendor", "memory_gb", "source"]]
    table = hardware_with(custom_text).merge(details, on=["platform", "op_mode"], how="left")
    return table.assign(source=table["source"].fillna("your own platform"))


@st.cache_data(max_entries=32, show_spinner=False)
def custom_table(records_json: str) -> pd.DataFrame:
    """A session's own platforms (JSON records, the cache key) as validated catalog rows."""
    return custom_catalog(json.loads(records_json))


@st.cache_data(max_entries=32, show_spinner=False)
def colors(custom_text: str = NO_PLATFORMS, extra: tuple[str, ...] = ()) -> dict[str, str]:
    """Platform -> colour: the catalog's order, then the user's platforms, then uploaded boards."""
    names = list(catalog()["platform"])
    if custom_text != NO_PLATFORMS:
        names += list(platforms_from_text(custom_text)["platform"])
    return platform_colors([*names, *extra])


@st.cache_data(max_entries=32, show_spinner=False)
def device_palette(custom_text: str = NO_PLATFORMS, extra: tuple[tuple[str, str, str], ...] = ()) -> dict[str, str]:
    """Device (platform + op mode) -> colour: shades of the platform's hue; ``extra`` holds
    (device, platform, op_mode) of uploaded boards."""
    devices = hardware_with(custom_text)[["device", "platform", "op_mode"]]
    devices = pd.concat([devices, pd.DataFrame(list(extra), columns=["device", "platform", "op_mode"])],
                        ignore_index=True)
    return device_colors(devices, colors(custom_text, tuple(dict.fromkeys(p for _, p, _ in extra))))


def device_colors_for(rows: pd.DataFrame, custom_text: str = NO_PLATFORMS) -> dict[str, str]:
    """:func:`device_palette` covering every device of ``rows`` (bundled, own and uploaded)."""
    known = set(hardware_with(custom_text)["device"])
    extra = rows.loc[~rows["device"].astype(str).isin(known), ["device", "platform", "op_mode"]].astype(str)
    return device_palette(custom_text, tuple(extra.drop_duplicates().itertuples(index=False, name=None)))


@st.cache_data(max_entries=32, show_spinner=False)
def _styles(table: pd.DataFrame, custom_text: str) -> dict[str, Style]:
    return config_styles(table, colors(custom_text, tuple(table["platform"].astype(str).unique())))


def styles_for(rows: pd.DataFrame, task: str, custom_text: str = NO_PLATFORMS) -> dict[str, Style]:
    """Config -> style, fixed per task whatever the filters (computed from every row of the task)."""
    task_rows = rows.loc[rows["task"] == task, ["config", "platform", "op_mode", "precision", "pruning_pct",
                                                "dataset"]]
    return _styles(task_rows.astype(str).drop_duplicates().astype({"pruning_pct": float}), custom_text)


@st.cache_data(max_entries=32, show_spinner=False)
def join(measured: pd.DataFrame, hardware_long: pd.DataFrame, task: str, weights: str, batch: int,
         activations: str, width_scales: tuple[float, ...], datasheet: pd.DataFrame | None = None,
         networks: tuple[UserNetwork, ...] = ()) -> pd.DataFrame:
    """The measurement-prediction join (:func:`qb_core.efficiency.efficiency_table`)."""
    return efficiency_table(measured, hardware_long, task, weights=weights, batch=batch, activations=activations,
                            width_scales=width_scales, datasheet=datasheet, networks=networks)


@st.cache_data(max_entries=16, show_spinner=False)
def best_measured(measured: pd.DataFrame, task: str) -> pd.DataFrame:
    """Each measured configuration of ``task`` at its best batch (:func:`qb_core.efficiency.best_measured`)."""
    return qb_best_measured(measured[measured["task"] == task])


@st.cache_data(max_entries=8, show_spinner=False)
def model_report(measured: pd.DataFrame, datasheet: pd.DataFrame,
                 networks: tuple[UserNetwork, ...] = ()) -> ModelReport | None:
    """The calibrated model fitted on every task's paired rows of ``measured`` (bundled plus this
    session's uploads) against the datasheet catalog: never on the sidebar's filtered rows."""
    try:
        return build_report(measured, datasheet, networks)
    except ValueError:
        return None


@st.cache_data(max_entries=16, show_spinner=False)
def model_predictions(report: ModelReport, prediction_table: pd.DataFrame,
                      networks: tuple[UserNetwork, ...] = ()) -> pd.DataFrame:
    """The calibrated model applied to a (what-if) prediction table, each row with status and band."""
    return model_grid_predictions(report.fitted, prediction_table, networks)


@st.cache_data(max_entries=16, show_spinner=False)
def networks(tasks: tuple[str, ...], precisions: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The networks of ``tasks`` per variant x precision (long) and per variant (wide)."""
    long = networks_long(tasks, accuracy())
    long = long[long["precision"].isin(precisions)]
    return long, networks_wide(long)


@st.cache_resource(show_spinner=False)
def layer_tables_vs_published(tasks: tuple[str, ...]) -> pd.DataFrame:
    """The ImageNet layer tables against the published totals (shared, read-only)."""
    return qb_layer_tables_vs_published(tasks)


@st.cache_resource(show_spinner=False)
def published_comparison() -> pd.DataFrame:
    """The layer model against published counts (shared, read-only)."""
    return model_vs_published()


@st.cache_data(max_entries=64, show_spinner=False)
def fits(prediction_table: pd.DataFrame) -> pd.DataFrame:
    """Whether each variant's weights fit on chip (:func:`qb_core.roofline.weights_fit_table`)."""
    return weights_fit_table(prediction_table)


@st.cache_data(max_entries=64, show_spinner=False)
def boxes(rows: pd.DataFrame, column: str, leave_out: tuple[str, ...] = ()) -> pd.DataFrame:
    """Box statistics of ``column`` per configuration (:func:`qb_core.spread.box_statistics`)."""
    return box_statistics(rows[~rows["config"].isin(leave_out)], column)


@st.cache_data(max_entries=64, show_spinner=False)
def layer_report(config: pd.DataFrame, weights: str, batch: int, activations: str,
                 networks: tuple[UserNetwork, ...] = ()) -> LayerReport:
    """One configuration layer by layer (:func:`qb_core.layers.layer_report`)."""
    return qb_layer_report(config, weights, batch, activations, networks)


@st.cache_data(max_entries=8, show_spinner=False)
def model_coefficients(report: ModelReport) -> pd.DataFrame:
    """The model per platform x term with what each coefficient claims (:func:`qb_core.model.coefficient_table`)."""
    return coefficient_table(report.fitted)


@st.cache_data(max_entries=8, show_spinner=False)
def finder_candidates(measured: pd.DataFrame, datasheet: pd.DataFrame,
                      networks: tuple[UserNetwork, ...] = ()) -> pd.DataFrame:
    """Every deployment the finder weighs: each measured row (bundled and uploaded) at every batch,
    and the calibrated model's prediction of every platform x precision x variant not measured
    (:func:`qb_core.model.unmeasured_predictions`; the raw roofline where not calibrated)."""
    return combined_candidates(measured, finder_predictions(measured, datasheet, networks), accuracy())


@st.cache_data(max_entries=8, show_spinner=False)
def finder_predictions(measured: pd.DataFrame, datasheet: pd.DataFrame,
                       networks: tuple[UserNetwork, ...] = ()) -> pd.DataFrame | None:
    """The calibrated model's predictions of everything not measured (None when nothing pairs),
    computed once for both the finder's candidates and what they leave out."""
    report = model_report(measured, datasheet, networks)
    return unmeasured_predictions(report, datasheet, networks) if report is not None else None


@st.cache_data(max_entries=8, show_spinner=False)
def finder_left_out(measured: pd.DataFrame, datasheet: pd.DataFrame,
                    networks: tuple[UserNetwork, ...] = ()) -> pd.DataFrame:
    """What the finder's candidates leave out, and why (:func:`qb_core.finder.left_out_rows`)."""
    return left_out_rows(measured, finder_predictions(measured, datasheet, networks))

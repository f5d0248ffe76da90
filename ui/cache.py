"""Thin cached wrappers over :mod:`qb_core.service` and the core: loads and derivations run once
per distinct question.

The bundled tables are loaded once per process and shared read-only (``st.cache_resource``: no
copy per call; pandas' copy-on-write keeps derived frames from touching them). Derivations are
shared read-only the same way (:func:`cached`: no pickled copy per rerun, entries bounded) and are
keyed on small values only, never on a DataFrame: the session's :class:`qb_core.service.Scenario`
(hashed as its digest, :attr:`~qb_core.service.Scenario.key`) or the narrower value of what a
derivation depends on (:meth:`~qb_core.service.Scenario.theory_side`, ``measurement_side``,
``fit_side``), a :class:`~qb_core.question.HardwareWhatIf`, a :class:`~qb_core.question.Storage`.
A cached function reads nothing but its arguments: the measurements come with the scenario's
:class:`~qb_core.service.Uploads` (their digests are the key, :func:`measured_rows` resolves
them), so no frame travels beside a key. What a page draws from these is in :mod:`ui.viewmodels`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace

import pandas as pd
import streamlit as st

from qb_core import service as qs
from qb_core.analyses.efficiency import best_measured as qb_best_measured
from qb_core.analyses.explain import beats_layer_model
from qb_core.analyses.filters import filter_options as core_filter_options
from qb_core.analyses.filters import select
from qb_core.analyses.finder import (
    Constraints,
    FinderResult,
    Objective,
    combined_candidates,
    find_deployments,
    left_out_rows,
)
from qb_core.analyses.layers import LayerReport
from qb_core.analyses.overview import overview_table
from qb_core.analyses.predictions import bound_table, weights_fit_table
from qb_core.analyses.roofline_geometry import name_coinciding, roofline_points
from qb_core.hardware.catalog import catalog_long, default_catalog
from qb_core.hardware.notes import achievable_peaks
from qb_core.hardware.whatif import NO_PLATFORMS, WhatIf, custom_catalog, device_figures
from qb_core.links import platforms_from_text
from qb_core.measurements.accuracy import load_accuracy
from qb_core.measurements.dataset import BUNDLED_DATASET, load_measurements
from qb_core.measurements.spread import batch_sweep
from qb_core.model.batch_model import (
    BatchModel,
    answer,
    build_batch_model,
    calibration_table,
    coefficient_claims,
    model_grid,
    predict_rows,
)
from qb_core.networks.bundled import with_layer_tables
from qb_core.networks.summary import layer_tables_vs_published as qb_layer_tables_vs_published
from qb_core.networks.summary import model_vs_published, networks_long, networks_wide, unmeasurable_variants
from qb_core.networks.user import UserNetwork
from qb_core.question import Asked, HardwareWhatIf, Storage
from qb_core.service import Scenario, Uploads
from qb_core.vocabulary import variant_label
from ui.colors import Style, config_styles, device_colors, platform_colors
from ui.widgets import Choices, choices

#: Values hashed by their digest (computed once per value), never field by field.
HASH_FUNCS = {Scenario: lambda scenario: scenario.key,
              Uploads: lambda uploads: repr(uploads.files),
              UserNetwork: lambda network: network.digest,
              HardwareWhatIf: repr,
              Storage: repr}

#: One configuration of a scenario: (device, precision, network variant as labelled).
ConfigKey = tuple[str, str, str]


def cached(max_entries: int):
    """A shared read-only cache keyed on small values (scenarios by their digest), bounded to
    ``max_entries``. Results are never changed in place: a page derives new frames from them
    (tests/test_nothing_visible_changes.py opens every page in a second session and compares)."""
    return st.cache_resource(max_entries=max_entries, show_spinner=False, hash_funcs=HASH_FUNCS)


@st.cache_resource(show_spinner=False)
def measurements() -> pd.DataFrame:
    """The bundled tidy measurements (shared, read-only)."""
    return load_measurements().assign(dataset=BUNDLED_DATASET)


def measured_rows(uploads: Uploads) -> pd.DataFrame:
    """The measurements a scenario's uploads name: the bundled ones, or the session's table of them
    and its uploaded files."""
    return measurements() if uploads.rows is None else uploads.rows


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


@cached(16)
def hardware_with(custom_text: str) -> pd.DataFrame:
    """Long catalog of the bundled platforms plus the user's own (validated), before any what-if."""
    return qs.datasheet_catalog(catalog(), HardwareWhatIf(custom_text=custom_text))


@cached(16)
def datasheet_figures(custom_text: str) -> dict[str, dict[str, float]]:
    """Each platform's overridable datasheet figures (:func:`qb_core.hardware.whatif.device_figures`),
    own platforms included, in the catalog's order."""
    long = hardware_with(custom_text)
    return {device: device_figures(long, device) for device in dict.fromkeys(long["device"].astype(str))}


@cached(64)
def whatif_hardware_long(hardware: HardwareWhatIf) -> pd.DataFrame:
    """Long what-if catalog of this session's hardware what-if, one value that is also the cache key
    (:func:`qb_core.service.whatif_catalog`)."""
    return qs.whatif_catalog(hardware_with(hardware.custom_text), hardware)


@cached(16)
def hardware_table(custom_text: str) -> pd.DataFrame:
    """The long catalog with each platform's vendor, off-chip memory and source (the user's own
    platforms marked as such), for the Networks and hardware page."""
    details = catalog()[["platform", "op_mode", "vendor", "memory_gb", "source"]]
    table = hardware_with(custom_text).merge(details, on=["platform", "op_mode"], how="left")
    return table.assign(source=table["source"].fillna("your own platform"))


@cached(32)
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


@cached(32)
def measured_platforms(task: str, uploads: Uploads) -> list[str]:
    """The platforms measured for ``task`` (bundled and uploaded), in the order of the rows."""
    rows = measured_rows(uploads)
    return list(dict.fromkeys(rows.loc[rows["task"] == task, "platform"].astype(str)))


@cached(32)
def styles(task: str, uploads: Uploads) -> dict[str, Style]:
    """Config -> style, fixed per task whatever the filters: computed from every measured row of
    the task, bundled and uploaded."""
    rows = measured_rows(uploads)
    task_rows = rows.loc[rows["task"] == task, ["config", "platform", "op_mode", "precision", "topology",
                                                "pruning_pct", "dataset"]]
    table = task_rows.astype(str).drop_duplicates().astype({"pruning_pct": float})
    return config_styles(table, colors(NO_PLATFORMS, tuple(table["platform"].astype(str).unique())))


def catalog_of(settings: WhatIf, datasheet: bool = False) -> pd.DataFrame:
    """The long catalog (own platforms included) under the what-if ``settings``, or the datasheet's
    (also what settings without a scale or override give: one cached catalog, not two equal ones)."""
    if datasheet or settings.hardware == settings.hardware.on_datasheet:
        return hardware_with(settings.custom_text)
    return whatif_hardware_long(settings.hardware)


# --- the theory side: everything a scenario's hardware and predictions decide (no upload) ---

def shown_hardware(scenario: Scenario, datasheet: bool = False) -> pd.DataFrame:
    """The long catalog inside the scenario's (theory) selection: under its what-if settings, or
    the ``datasheet`` (own platforms included, no scale or override)."""
    return _shown_hardware(scenario.theory_side(datasheet))


@cached(64)
def _shown_hardware(scenario: Scenario) -> pd.DataFrame:
    return select(catalog_of(scenario.whatif), scenario.theory_selection)


def predictions(scenario: Scenario, datasheet: bool = False) -> pd.DataFrame:
    """Roofline predictions of the scenario (:func:`qb_core.service.predictions`), over its what-if
    hardware or the ``datasheet``'s. The uploads do not enter them, so sessions share them."""
    return _predictions(scenario.theory_side(datasheet))


@cached(64)
def _predictions(scenario: Scenario) -> pd.DataFrame:
    return qs.predictions(catalog_of(scenario.whatif), scenario)


def notebook_predictions(scenario: Scenario) -> pd.DataFrame:
    """The datasheet prediction under QuTiBench's storage assumption with no what-if at all (the
    bundled platforms only), inside the scenario's selection: what the what-if is compared to."""
    return predictions(replace(scenario, whatif=WhatIf(), uploads=Uploads()))


def rooflines(scenario: Scenario, x_min: float, x_max: float, ghost: bool = False) -> pd.DataFrame:
    """Corner points of every roofline shown (coinciding platforms named together); with
    ``ghost``, of the bundled datasheet rooflines drawn faded behind what-if ones."""
    return _rooflines(scenario.theory_side(datasheet=ghost), x_min, x_max, ghost)


@cached(64)
def _rooflines(scenario: Scenario, x_min: float, x_max: float, ghost: bool = False) -> pd.DataFrame:
    hardware_long = select(hardware(), scenario.theory_selection) if ghost else shown_hardware(scenario)
    return roofline_points(name_coinciding(hardware_long), x_min, x_max)


def bounds(scenario: Scenario) -> pd.DataFrame:
    """Ridge point and bound per platform x precision x variant (:func:`qb_core.analyses.predictions.bound_table`)."""
    return _bounds(scenario.theory_side())


@cached(64)
def _bounds(scenario: Scenario) -> pd.DataFrame:
    return bound_table(predictions(scenario))


def fits(scenario: Scenario) -> pd.DataFrame:
    """Whether each variant's weights fit on chip (:func:`qb_core.analyses.predictions.weights_fit_table`)."""
    return _fits(scenario.theory_side())


@cached(64)
def _fits(scenario: Scenario) -> pd.DataFrame:
    return weights_fit_table(predictions(scenario))


def intensities(scenario: Scenario, own_width: bool = True) -> pd.DataFrame:
    """Intensity per variant x precision of the scenario's task (:func:`qb_core.service.intensities`),
    with the user's own CNV width or without it."""
    return _intensities(scenario.theory_side(datasheet=True), own_width)


@cached(64)
def _intensities(scenario: Scenario, own_width: bool = True) -> pd.DataFrame:
    return qs.intensities(scenario, None if own_width else ())


def layer_configurations(scenario: Scenario) -> pd.DataFrame:
    """The scenario's predictions of the networks that have a layer table (bundled, or the user's):
    what the per-layer view can show."""
    return _layer_configurations(scenario.theory_side())


@cached(64)
def _layer_configurations(scenario: Scenario) -> pd.DataFrame:
    return with_layer_tables(predictions(scenario), scenario.task_networks)


def layer_choices(scenario: Scenario) -> Choices:
    """Platform -> precision -> network variant among :func:`layer_configurations`, in their order,
    and where each first is."""
    return _layer_choices(scenario.theory_side())


@cached(64)
def _layer_choices(scenario: Scenario) -> Choices:
    rows = _layer_configurations(scenario)
    named = rows.assign(variant=variant_label(rows["topology"], rows["pruning_pct"]))
    return choices(named, ("device", "precision", "variant"))


def configuration(scenario: Scenario, config_key: ConfigKey) -> pd.DataFrame:
    """The whole-network row of one configuration (platform, precision, variant label) among
    :func:`layer_configurations`."""
    return _configuration(scenario.theory_side(), config_key)


@cached(64)
def _configuration(scenario: Scenario, config_key: ConfigKey) -> pd.DataFrame:
    return _layer_configurations(scenario).iloc[[_layer_choices(scenario).positions[config_key]]]


def _with_storage(scenario: Scenario, storage: Storage) -> Scenario:
    return replace(scenario, whatif=replace(scenario.whatif, weights=storage.weights, batch=storage.batch,
                                            activations=storage.activations))


def layer_report(scenario: Scenario, config_key: ConfigKey, storage: Storage) -> LayerReport:
    """One configuration of the scenario layer by layer with its data stored as ``storage`` says
    (:func:`qb_core.service.configuration_layers`)."""
    return _layer_report(scenario.theory_side(), config_key, storage)


@cached(64)
def _layer_report(scenario: Scenario, config_key: ConfigKey, storage: Storage) -> LayerReport:
    return qs.configuration_layers(_configuration(scenario, config_key), _with_storage(scenario, storage))


def layer_model_beaten(scenario: Scenario, config_key: ConfigKey, storage: Storage, measured_fps: float,
                       measured_batch: int, layer_fps: float) -> str | None:
    """Why a measurement beats the per-layer model of its configuration, or None
    (:func:`qb_core.analyses.explain.beats_layer_model`, which predicts the layers again at the measured batch)."""
    return _layer_model_beaten(scenario.theory_side(), config_key, storage, measured_fps, measured_batch, layer_fps)


@cached(64)
def _layer_model_beaten(scenario: Scenario, config_key: ConfigKey, storage: Storage, measured_fps: float,
                        measured_batch: int, layer_fps: float) -> str | None:
    return beats_layer_model(_configuration(scenario, config_key), measured_fps, measured_batch, layer_fps, storage,
                             scenario.task_networks)


# --- the measured side: keyed on the scenario, whose uploads' digests stand for the rows ---

def join(scenario: Scenario, datasheet: bool = False) -> pd.DataFrame:
    """The measurement-prediction join (:func:`qb_core.service.join`) of the session's measurements
    (bundled and uploaded), over the what-if hardware or the ``datasheet``'s (which a slider does
    not move)."""
    return _join(scenario.on_datasheet() if datasheet else scenario)


@cached(32)
def _join(scenario: Scenario) -> pd.DataFrame:
    return qs.join(measured_rows(scenario.uploads), catalog_of(scenario.whatif),
                   catalog_of(scenario.whatif, True), scenario, best=best_measured(scenario))


def best_measured(scenario: Scenario) -> pd.DataFrame:
    """Each measured configuration inside the (theory) selection at its best batch
    (:func:`qb_core.analyses.efficiency.best_measured`): the measured side, which no slider moves."""
    return _best_measured(scenario.measurement_side())


@cached(16)
def _best_measured(scenario: Scenario) -> pd.DataFrame:
    rows = select(measured_rows(scenario.uploads), scenario.theory_selection)
    return qb_best_measured(rows[rows["task"] == scenario.task])


def selected_rows(scenario: Scenario) -> pd.DataFrame:
    """The scenario's measurements (bundled and uploaded) inside its filters, once per question."""
    return _selected_rows(scenario.measurement_side())


@cached(16)
def _selected_rows(scenario: Scenario) -> pd.DataFrame:
    return select(measured_rows(scenario.uploads), scenario.selection)


def overview(scenario: Scenario) -> pd.DataFrame:
    """The overview table (:func:`qb_core.analyses.overview.overview_table`) of the scenario's
    measurements inside its filters, a row per platform chosen."""
    return _overview(scenario.measurement_side())


@cached(8)
def _overview(scenario: Scenario) -> pd.DataFrame:
    table = overview_table(selected_rows(scenario), scenario.task)
    platforms = scenario.selection.platforms
    return table if platforms is None else table[table["platform"].isin(platforms)]


def sweeps(scenario: Scenario, column: str, leave_out: tuple[str, ...] = ()) -> pd.DataFrame:
    """The batch sweep of ``column`` per configuration of the scenario's measurements inside its
    filters, but those of ``leave_out`` (:func:`qb_core.measurements.spread.batch_sweep`)."""
    return _sweeps(scenario.measurement_side(), column, leave_out)


@cached(64)
def _sweeps(scenario: Scenario, column: str, leave_out: tuple[str, ...] = ()) -> pd.DataFrame:
    rows = selected_rows(scenario)
    return batch_sweep(rows[~rows["config"].isin(leave_out)], column)


# --- the calibrated model and the finder: every task's measurements, whatever the filters ---

def batch_model(scenario: Scenario) -> BatchModel | None:
    """The batch-aware model (:mod:`qb_core.model.batch_model`) fitted on every measured batch of
    the scenario's measurements (bundled plus uploaded) against the datasheet catalog: never on the
    sidebar's filtered rows, keyed on :meth:`~qb_core.service.Scenario.fit_side` only. Shared
    read-only, at most 8 fits held; None when nothing can be modelled."""
    return _batch_model(scenario.fit_side())


@cached(8)
def _batch_model(fit: Scenario) -> BatchModel | None:
    rows = measured_rows(fit.uploads)
    if not len(rows):
        return None
    return build_batch_model(rows, hardware_with(fit.whatif.custom_text), fit.networks)


def model_answers(scenario: Scenario, asked: Asked) -> pd.DataFrame:
    """The model's answer to ``asked`` for every platform x precision x variant of every task under
    the scenario's what-if hardware, measurements in place where they answer
    (:func:`qb_core.model.batch_model.answer`); empty when nothing can be modelled. Keyed on
    :meth:`~qb_core.service.Scenario.model_side`: no filter or storage setting moves it."""
    return _model_answers(scenario.model_side(), asked)


@cached(16)
def _model_answers(scenario: Scenario, asked: Asked) -> pd.DataFrame:
    model = batch_model(scenario)
    if model is None:
        return pd.DataFrame()
    return answer(model, _whatif_grid(scenario), asked.level, asked.kind, asked.batch)


@cached(8)
def _whatif_grid(scenario: Scenario) -> pd.DataFrame:
    """The model's grid under the scenario's hardware, what-if devices flagged: built once for every
    question and level asked of it."""
    hardware = catalog_of(scenario.whatif)
    return model_grid(hardware, scenario.networks, scenario.whatif.changed_devices(hardware["device"]))


def datasheet_grid(scenario: Scenario) -> pd.DataFrame:
    """Every platform x precision x variant of every task on the datasheet (own platforms
    included) with what the model reads and the roofline's inputs/s (:func:`qb_core.model.batch_model.model_grid`)."""
    return _datasheet_grid(scenario.fit_side())


@cached(8)
def _datasheet_grid(fit: Scenario) -> pd.DataFrame:
    return model_grid(hardware_with(fit.whatif.custom_text), fit.networks)


def calibration_rows(scenario: Scenario, holdout: str, question: str, level: str) -> pd.DataFrame | None:
    """The held-out rows of one hold-out, question and level (:func:`qb_core.model.batch_model.calibration_table`)."""
    return _calibration_rows(scenario.fit_side(), holdout, question, level)


@cached(16)
def _calibration_rows(fit: Scenario, holdout: str, question: str, level: str) -> pd.DataFrame | None:
    model = _batch_model(fit)
    if model is None:
        return None
    return calibration_table(model, holdout, question, level, _datasheet_grid(fit))


def model_claims(scenario: Scenario) -> pd.DataFrame:
    """The model per platform x level x term read as claims (:func:`qb_core.model.batch_model.coefficient_claims`)."""
    return _model_claims(scenario.fit_side())


@cached(8)
def _model_claims(fit: Scenario) -> pd.DataFrame:
    model = _batch_model(fit)
    return pd.DataFrame() if model is None else coefficient_claims(model)


def finder_candidates(scenario: Scenario, asked: Asked) -> pd.DataFrame:
    """Every deployment the finder weighs for the question: each measured row (bundled and uploaded)
    at the question's batch and level, and the batch-aware model's answer (tested, untested, or
    the roofline where it has none) for every platform x precision x variant the measurements do not
    answer."""
    return _finder_candidates(scenario.fit_side(), asked)


@cached(8)
def _finder_candidates(fit: Scenario, asked: Asked) -> pd.DataFrame:
    return combined_candidates(measured_rows(fit.uploads), _finder_answers(fit, asked), accuracy(), asked)


@cached(8)
def _finder_answers(fit: Scenario, asked: Asked) -> pd.DataFrame | None:
    """The model's answers on the datasheet (None when nothing can be modelled), computed once for
    both the finder's candidates and what they leave out."""
    model = _batch_model(fit)
    if model is None:
        return None
    return predict_rows(model, _datasheet_grid(fit), asked.level, asked.kind, asked.batch)


def find(scenario: Scenario, constraints: Constraints, objective: Objective, asked: Asked) -> FinderResult:
    """The finder's answer to ``asked`` under ``constraints`` ranked by ``objective``
    (:func:`qb_core.analyses.finder.find_deployments`), once per question."""
    return _find(scenario.fit_side(), constraints, objective, asked)


@cached(32)
def _find(fit: Scenario, constraints: Constraints, objective: Objective, asked: Asked) -> FinderResult:
    return find_deployments(_finder_candidates(fit, asked), constraints, objective,
                            left_out=_finder_left_out(fit, asked))


@cached(8)
def _finder_left_out(fit: Scenario, asked: Asked) -> pd.DataFrame:
    return left_out_rows(measured_rows(fit.uploads), _finder_answers(fit, asked), asked)


def achievable(scenario: Scenario) -> pd.DataFrame:
    """Best measured TOP/s per device x precision over every task and batch of the scenario's
    measurements (bundled and uploaded) against the datasheet (:func:`qb_core.hardware.notes.achievable_peaks`)."""
    return _achievable(scenario.fit_side())


@cached(16)
def _achievable(fit: Scenario) -> pd.DataFrame:
    return achievable_peaks(measured_rows(fit.uploads), hardware_with(fit.whatif.custom_text))


# --- the networks: no scenario, only the tasks and precisions asked ---

@cached(16)
def networks(tasks: tuple[str, ...], precisions: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The networks of ``tasks`` per variant x precision (long) and per variant (wide)."""
    long = networks_long(tasks, accuracy())
    long = long[long["precision"].isin(precisions)]
    return long, networks_wide(long)


@cached(8)
def unmeasurable(tasks: tuple[str, ...]) -> list[str]:
    """Measured networks of ``tasks`` without a published operation count
    (:func:`qb_core.networks.summary.unmeasurable_variants`)."""
    return unmeasurable_variants(measurements(), list(tasks))


@st.cache_resource(show_spinner=False)
def layer_tables_vs_published(tasks: tuple[str, ...]) -> pd.DataFrame:
    """The ImageNet layer tables against the published totals (shared, read-only)."""
    return qb_layer_tables_vs_published(tasks)


@st.cache_resource(show_spinner=False)
def published_comparison() -> pd.DataFrame:
    """The layer model against published counts (shared, read-only)."""
    return model_vs_published()

"""Cached entry points into qb_core: loads and derivations run once per distinct question.

The bundled tables are loaded once per process and shared read-only (``st.cache_resource``: no
copy per call; pandas' copy-on-write keeps derived frames from touching them). Derivations are
shared read-only the same way (:func:`cached`: no pickled copy per rerun, entries bounded) and are
keyed on small values only: the session's :class:`qb_core.service.Scenario` (hashed as its digest,
:attr:`~qb_core.service.Scenario.key`) or a part of it, never on a DataFrame. A frame a
derivation needs is passed as an underscore argument, which Streamlit does not hash: it is the
one the scenario names (the session's measurements are named by the uploads' digests), so the
key decides the result.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace

import pandas as pd
import streamlit as st

from qb_core import service as qs
from qb_core.analyses.efficiency import best_measured as qb_best_measured
from qb_core.analyses.energy import constant_power, ideal_energy, power_setups
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
from qb_core.analyses.pareto import OBJECTIVES, pareto_front, predicted_and_measured, with_efficiency
from qb_core.analyses.predictions import bound_table, weights_fit_table
from qb_core.analyses.roofline_geometry import coinciding_names, name_coinciding, roofline_points
from qb_core.hardware.catalog import catalog_long, default_catalog
from qb_core.hardware.notes import achievable_peaks, platform_report
from qb_core.hardware.whatif import NO_PLATFORMS, WhatIf, custom_catalog
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
from qb_core.networks.summary import layer_tables_vs_published as qb_layer_tables_vs_published
from qb_core.networks.summary import model_vs_published, networks_long, networks_wide, unmeasurable_variants
from qb_core.networks.user import UserNetwork
from qb_core.question import Asked, HardwareWhatIf
from qb_core.service import Scenario
from qb_core.vocabulary import variant_label
from ui.charts.finder import finder_spec, placeable, standing
from ui.charts.gap import efficiency_spec, efficiency_spread_spec, energy_spec, layer_specs, pareto_gap_spec
from ui.charts.measured import pareto_spec
from ui.charts.theory import hardware_spec, networks_specs, prediction_spec
from ui.colors import Style, config_styles, device_colors, platform_colors
from ui.find_view import FindView
from ui.find_view import find_view as make_find_view
from ui.safe import cell_text
from ui.tables import figure_texts

#: A scenario is hashed as its digest (computed once per value), never field by field.
HASH_FUNCS = {Scenario: lambda scenario: scenario.key,
              UserNetwork: lambda network: network.digest,
              HardwareWhatIf: repr}


def cached(max_entries: int):
    """A shared read-only cache keyed on small values (scenarios by their digest), bounded to
    ``max_entries``. Results are never changed in place: a page derives new frames from them
    (tests/test_shared_caches.py opens every page twice and compares)."""
    return st.cache_resource(max_entries=max_entries, show_spinner=False, hash_funcs=HASH_FUNCS)


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


@cached(16)
def hardware_with(custom_text: str) -> pd.DataFrame:
    """Long catalog of the bundled platforms plus the user's own (validated), before any what-if."""
    return qs.datasheet_catalog(catalog(), HardwareWhatIf(custom_text=custom_text))


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


def catalog_of(settings: WhatIf, datasheet: bool = False) -> pd.DataFrame:
    """The long catalog (own platforms included) under the what-if ``settings``, or the datasheet's."""
    if datasheet:
        return hardware_with(settings.custom_text)
    return whatif_hardware_long(settings.hardware)


# --- the theory side: everything a scenario's hardware and predictions decide ---

def shown_hardware(scenario: Scenario, datasheet: bool = False) -> pd.DataFrame:
    """The long catalog inside the scenario's (theory) selection: under its what-if settings, or
    the ``datasheet`` (own platforms included, no scale or override)."""
    return _shown_hardware(without_uploads(scenario, datasheet), datasheet)


@cached(64)
def _shown_hardware(scenario: Scenario, datasheet: bool = False) -> pd.DataFrame:
    return select(catalog_of(scenario.whatif, datasheet), scenario.theory_selection)


def predictions(scenario: Scenario, datasheet: bool = False) -> pd.DataFrame:
    """Roofline predictions of the scenario (:func:`qb_core.service.predictions`), over its what-if
    hardware or the ``datasheet``'s. The uploads do not enter them, so sessions share them."""
    return _predictions(without_uploads(scenario, datasheet), datasheet)


@cached(64)
def _predictions(scenario: Scenario, datasheet: bool = False) -> pd.DataFrame:
    return qs.predictions(catalog_of(scenario.whatif, datasheet), scenario)


def without_uploads(scenario: Scenario, datasheet: bool = False) -> Scenario:
    """The part of a scenario the theory side depends on: its uploads play no part there, nor, on
    the ``datasheet``, its scales and overrides."""
    scenario = scenario.on_datasheet() if datasheet else scenario
    return replace(scenario, uploads=()) if scenario.uploads else scenario


def notebook_predictions(scenario: Scenario) -> pd.DataFrame:
    """The datasheet prediction under QuTiBench's storage assumption with no what-if at all (the
    bundled platforms only), inside the scenario's selection: what the what-if is compared to."""
    return predictions(replace(scenario, whatif=WhatIf(), uploads=()))


def rooflines(scenario: Scenario, x_min: float, x_max: float, ghost: bool = False) -> pd.DataFrame:
    """Corner points of every roofline shown (coinciding platforms named together); with
    ``ghost``, of the bundled datasheet rooflines drawn faded behind what-if ones."""
    return _rooflines(without_uploads(scenario, datasheet=ghost), x_min, x_max, ghost)


@cached(64)
def _rooflines(scenario: Scenario, x_min: float, x_max: float, ghost: bool = False) -> pd.DataFrame:
    hardware_long = select(hardware(), scenario.theory_selection) if ghost else shown_hardware(scenario)
    return roofline_points(name_coinciding(hardware_long), x_min, x_max)


def bounds(scenario: Scenario) -> pd.DataFrame:
    """Ridge point and bound per platform x precision x variant (:func:`qb_core.analyses.predictions.bound_table`)."""
    return _bounds(without_uploads(scenario))


@cached(64)
def _bounds(scenario: Scenario) -> pd.DataFrame:
    return bound_table(predictions(scenario))


def fits(scenario: Scenario) -> pd.DataFrame:
    """Whether each variant's weights fit on chip (:func:`qb_core.analyses.predictions.weights_fit_table`)."""
    return _fits(without_uploads(scenario))


@cached(64)
def _fits(scenario: Scenario) -> pd.DataFrame:
    return weights_fit_table(predictions(scenario))


def intensities(scenario: Scenario, own_width: bool = True) -> pd.DataFrame:
    """Intensity per variant x precision of the scenario's task (:func:`qb_core.service.intensities`),
    with the user's own CNV width or without it."""
    return _intensities(without_uploads(scenario, datasheet=True), own_width)


@cached(64)
def _intensities(scenario: Scenario, own_width: bool = True) -> pd.DataFrame:
    return qs.intensities(scenario, None if own_width else ())


def layer_report(scenario: Scenario, config_key: tuple[str, str, str], _config: pd.DataFrame) -> LayerReport:
    """One configuration layer by layer (:func:`qb_core.service.configuration_layers`): ``config_key``
    (device, precision, variant) names the one-row prediction ``_config`` of the scenario."""
    return _layer_report(without_uploads(scenario), config_key, _config)


@cached(64)
def _layer_report(scenario: Scenario, config_key: tuple[str, str, str], _config: pd.DataFrame) -> LayerReport:
    return qs.configuration_layers(_config, scenario)


def layer_charts(scenario: Scenario, config_key: tuple[str, str, str], config: pd.DataFrame,
                 color: str) -> tuple[dict, dict]:
    """The per-layer roofline and time bars of one configuration (:func:`layer_report`), built once
    per scenario and configuration."""
    return _layer_charts(without_uploads(scenario), config_key, config, color)


@cached(64)
def _layer_charts(scenario: Scenario, config_key: tuple[str, str, str], _config: pd.DataFrame,
                  color: str) -> tuple[dict, dict]:

    report = _layer_report(scenario, config_key, _config)
    return layer_specs(report.layers, report.roof, color)


@cached(64)
def layer_model_beaten(scenario: Scenario, config_key: tuple[str, str, str], _config: pd.DataFrame,
                       measured_fps: float, measured_batch: int, layer_fps: float) -> str | None:
    """Why a measurement beats the per-layer model of its configuration, or None
    (:func:`qb_core.analyses.explain.beats_layer_model`, which predicts the layers again at the measured batch)."""
    return beats_layer_model(_config, measured_fps, measured_batch, layer_fps, scenario.whatif.storage,
                             scenario.task_networks)


def prediction_chart(scenario: Scenario, by_precision: bool) -> dict:
    """The Prediction page's heatmap of the scenario's predictions (rows per platform, or per
    platform and precision), built once per scenario."""
    return _prediction_chart(without_uploads(scenario), by_precision)


@cached(64)
def _prediction_chart(scenario: Scenario, by_precision: bool) -> dict:

    return prediction_spec(_predictions(scenario), by_precision)


# --- the measured side: keyed on the scenario, whose uploads' digests stand for the rows ---

def join(scenario: Scenario, measured: pd.DataFrame, datasheet: bool = False) -> pd.DataFrame:
    """The measurement-prediction join (:func:`qb_core.service.join`) of the session's measurements
    ``measured`` (bundled and uploaded), over the what-if hardware or the ``datasheet``'s (which a
    slider does not move)."""
    return _join(scenario.on_datasheet() if datasheet else scenario, measured, datasheet)


@cached(32)
def _join(scenario: Scenario, _measured: pd.DataFrame, datasheet: bool = False) -> pd.DataFrame:
    return qs.join(_measured, catalog_of(scenario.whatif, datasheet), catalog_of(scenario.whatif, True), scenario,
                   best=best_measured(scenario, _measured))


def best_measured(scenario: Scenario, measured: pd.DataFrame) -> pd.DataFrame:
    """Each measured configuration inside the (theory) selection at its best batch
    (:func:`qb_core.analyses.efficiency.best_measured`): the measured side, which no slider moves."""
    return _best_measured(scenario.measurement_side(), measured)


@cached(16)
def _best_measured(scenario: Scenario, _measured: pd.DataFrame) -> pd.DataFrame:
    rows = select(_measured, scenario.theory_selection)
    return qb_best_measured(rows[rows["task"] == scenario.task])


@cached(8)
def overview(scenario: Scenario, _rows: pd.DataFrame) -> pd.DataFrame:
    """The overview table (:func:`qb_core.analyses.overview.overview_table`) of the scenario's
    measured rows ``_rows``."""
    return overview_table(_rows, scenario.task)


@cached(64)
def sweeps(scenario: Scenario, _rows: pd.DataFrame, column: str, leave_out: tuple[str, ...] = ()) -> pd.DataFrame:
    """The batch sweep of ``column`` per configuration of the scenario's measured rows ``_rows``
    (:func:`qb_core.measurements.spread.batch_sweep`)."""
    return batch_sweep(_rows[~_rows["config"].isin(leave_out)], column)


@cached(32)
def _styles(task: str, uploads: tuple[tuple[str, str], ...], _rows: pd.DataFrame) -> dict[str, Style]:
    task_rows = _rows.loc[_rows["task"] == task, ["config", "platform", "op_mode", "precision", "topology",
                                                   "pruning_pct", "dataset"]]
    table = task_rows.astype(str).drop_duplicates().astype({"pruning_pct": float})
    return config_styles(table, colors(NO_PLATFORMS, tuple(table["platform"].astype(str).unique())))


def styles_for(scenario: Scenario, measured: pd.DataFrame) -> dict[str, Style]:
    """Config -> style, fixed per task whatever the filters (computed from every measured row of
    the task, bundled and uploaded: ``measured``, named by the scenario's uploads)."""
    return _styles(scenario.task, scenario.uploads, measured)


@cached(32)
def pareto_view(scenario: Scenario, _measured: pd.DataFrame, x_field: str) -> tuple[int, pd.DataFrame, pd.DataFrame,
                                                                                    dict | None]:
    """The Pareto page of the scenario's measurements against ``x_field``: how many rows inside the
    filters have a top-1, those with ``x_field`` too (energy efficiency added), their front and the
    chart (None when no row is left)."""

    rows = select(_measured, scenario.selection).dropna(subset=["top1_pct"])
    with_accuracy = len(rows)
    rows = with_efficiency(rows).dropna(subset=[x_field])
    if rows.empty:
        return with_accuracy, rows, rows, None
    front = pareto_front(rows, x_field, "top1_pct")
    spec = pareto_spec(rows, front, styles_for(scenario, _measured), x_field, OBJECTIVES[x_field].maximize)
    return with_accuracy, rows, front, spec


# --- the calibrated model and the finder: every task's measurements, whatever the filters ---

def batch_model(scenario: Scenario, measured: pd.DataFrame) -> BatchModel | None:
    """The batch-aware model (:mod:`qb_core.model.batch_model`) fitted on every measured batch of
    ``measured`` (bundled plus this session's uploads) against the datasheet catalog: never on the
    sidebar's filtered rows, keyed on :attr:`~qb_core.service.Scenario.fit_key` only. Shared
    read-only, at most 8 fits held; None when nothing can be modelled."""
    return _batch_model(scenario.fit_key, measured, hardware_with(scenario.whatif.custom_text), scenario.networks)


@cached(8)
def _batch_model(fit_key: str, _measured: pd.DataFrame, _datasheet: pd.DataFrame,
                 _networks: tuple[UserNetwork, ...]) -> BatchModel | None:
    rows = _measured
    if not len(rows):
        return None
    return build_batch_model(rows, _datasheet, _networks)


def model_answers(scenario: Scenario, measured: pd.DataFrame, asked: Asked, datasheet: bool = False) -> pd.DataFrame:
    """The model's answer to ``asked`` for every platform x precision x variant of every task under
    the scenario's hardware (what-if, or the ``datasheet``), measurements in place where they
    answer (:func:`qb_core.model.batch_model.answer`); empty when nothing can be modelled."""
    return _model_answers(scenario.on_datasheet() if datasheet else scenario, measured, asked)


@cached(16)
def task_answers(scenario: Scenario, _measured: pd.DataFrame, asked: Asked) -> pd.DataFrame:
    """:func:`model_answers` of the scenario's task as Calibrated prediction shows them: the variant
    named and the tested band as text (``1,234 – 2,345``), once per question."""
    answers = model_answers(scenario, _measured, asked)
    answers = answers[answers["task"].eq(scenario.task)]
    band = (figure_texts(answers["fps_low"], 4, 100.0) + " – " + figure_texts(answers["fps_high"], 4, 100.0)).where(
        answers["fps_low"].notna() & answers["fps_high"].notna(), "")
    return answers.assign(variant=variant_label(answers["topology"], answers["pruning_pct"]), band=band)


@cached(16)
def _model_answers(scenario: Scenario, _measured: pd.DataFrame, asked: Asked) -> pd.DataFrame:
    model = batch_model(scenario, _measured)
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
    return _datasheet_grid(scenario.fit_key, hardware_with(scenario.whatif.custom_text), scenario.networks)


@cached(8)
def _datasheet_grid(fit_key: str, _datasheet: pd.DataFrame, _networks: tuple[UserNetwork, ...]) -> pd.DataFrame:
    return model_grid(_datasheet, _networks)


def calibration_rows(scenario: Scenario, measured: pd.DataFrame, holdout: str, question: str,
                     level: str) -> pd.DataFrame | None:
    """The held-out rows of one hold-out, question and level (:func:`qb_core.model.batch_model.calibration_table`)."""
    return _calibration_rows(scenario.fit_key, measured, hardware_with(scenario.whatif.custom_text),
                             scenario.networks, holdout, question, level)


@cached(16)
def _calibration_rows(fit_key: str, _measured: pd.DataFrame, _datasheet: pd.DataFrame,
                      _networks: tuple[UserNetwork, ...], holdout: str, question: str,
                      level: str) -> pd.DataFrame | None:
    model = _batch_model(fit_key, _measured, _datasheet, _networks)
    if model is None:
        return None
    return calibration_table(model, holdout, question, level, _datasheet_grid(fit_key, _datasheet, _networks))


def model_claims(scenario: Scenario, measured: pd.DataFrame) -> pd.DataFrame:
    """The model per platform x level x term read as claims (:func:`qb_core.model.batch_model.coefficient_claims`)."""
    return _model_claims(scenario.fit_key, measured, hardware_with(scenario.whatif.custom_text), scenario.networks)


@cached(8)
def _model_claims(fit_key: str, _measured: pd.DataFrame, _datasheet: pd.DataFrame,
                  _networks: tuple[UserNetwork, ...]) -> pd.DataFrame:
    model = _batch_model(fit_key, _measured, _datasheet, _networks)
    return pd.DataFrame() if model is None else coefficient_claims(model)


@cached(32)
def find_chart(scenario: Scenario, _measured: pd.DataFrame, constraints: Constraints, objective: Objective,
               asked: Asked, x_field: str, y_field: str) -> tuple[pd.DataFrame, dict, int]:
    """Every judged candidate of the finder's answer (:func:`find`) with its standing, the chart of
    them on the two axes chosen (the constraints on those axes shaded) and how many it places."""

    result = find(scenario, _measured, constraints, objective, asked)
    judged = result.judged
    points = judged.assign(variant=variant_label(judged["topology"], judged["pruning_pct"]),
                           standing=standing(judged, result.feasible, result.nearest))
    limits = {limit.column: (bound, limit.minimum) for limit, bound in constraints.limits()}
    colors = device_colors_for(points.assign(op_mode=""), scenario.whatif.custom_text)
    return points, finder_spec(points, x_field, y_field, limits, colors), int(placeable(points, x_field,
                                                                                         y_field).sum())


def finder_candidates(scenario: Scenario, measured: pd.DataFrame, asked: Asked) -> pd.DataFrame:
    """Every deployment the finder weighs for the question: each measured row (bundled and uploaded)
    at the question's batch and level, and the batch-aware model's answer (tested, untested, or
    the roofline where it has none) for every platform x precision x variant the measurements do not
    answer."""
    return _finder_candidates(scenario.fit_key, measured, hardware_with(scenario.whatif.custom_text),
                              scenario.networks, asked)


@cached(8)
def _finder_candidates(fit_key: str, _measured: pd.DataFrame, _datasheet: pd.DataFrame,
                       _networks: tuple[UserNetwork, ...], asked: Asked) -> pd.DataFrame:
    return combined_candidates(_measured, _finder_answers(fit_key, _measured, _datasheet, _networks, asked),
                               accuracy(), asked)


@cached(8)
def _finder_answers(fit_key: str, _measured: pd.DataFrame, _datasheet: pd.DataFrame,
                    _networks: tuple[UserNetwork, ...], asked: Asked) -> pd.DataFrame | None:
    """The model's answers on the datasheet (None when nothing can be modelled), computed once for
    both the finder's candidates and what they leave out."""
    model = _batch_model(fit_key, _measured, _datasheet, _networks)
    if model is None:
        return None
    return predict_rows(model, _datasheet_grid(fit_key, _datasheet, _networks), asked.level, asked.kind, asked.batch)


def find(scenario: Scenario, measured: pd.DataFrame, constraints: Constraints, objective: Objective,
         asked: Asked) -> FinderResult:
    """The finder's answer to ``asked`` under ``constraints`` ranked by ``objective``
    (:func:`qb_core.analyses.finder.find_deployments`), once per question."""
    return _find(scenario.fit_key, measured, hardware_with(scenario.whatif.custom_text), scenario.networks,
                 constraints, objective, asked)


@cached(32)
def find_view(scenario: Scenario, _measured: pd.DataFrame, constraints: Constraints, objective: Objective,
              asked: Asked) -> FindView:
    """What the Find page draws for this question (:func:`ui.find_view.find_view`), once per question."""
    return make_find_view(find(scenario, _measured, constraints, objective, asked))


@cached(32)
def _find(fit_key: str, _measured: pd.DataFrame, _datasheet: pd.DataFrame, _networks: tuple[UserNetwork, ...],
          constraints: Constraints, objective: Objective, asked: Asked) -> FinderResult:
    candidates = _finder_candidates(fit_key, _measured, _datasheet, _networks, asked)
    left_out = _finder_left_out(fit_key, _measured, _datasheet, _networks, asked)
    return find_deployments(candidates, constraints, objective, left_out=left_out)


@cached(8)
def _finder_left_out(fit_key: str, _measured: pd.DataFrame, _datasheet: pd.DataFrame,
                     _networks: tuple[UserNetwork, ...], asked: Asked) -> pd.DataFrame:
    return left_out_rows(_measured, _finder_answers(fit_key, _measured, _datasheet, _networks, asked), asked)


@cached(32)
def efficiency_charts(scenario: Scenario, _measured: pd.DataFrame) -> tuple[dict, dict]:
    """The Efficiency page's two chart specs (bars per configuration, spread per family) over the
    scenario's paired rows, built once per scenario: a new session only looks them up."""

    paired = join(scenario, _measured)
    paired = paired[paired["status"] == "paired"]
    colors = device_colors_for(paired, scenario.whatif.custom_text)
    return efficiency_spec(paired, colors), efficiency_spread_spec(paired, colors)


@cached(32)
def energy_rows(scenario: Scenario, _measured: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The scenario's paired rows with their ideal energy (:func:`qb_core.analyses.energy.ideal_energy`), the
    constant power figures of the devices among them that report power
    (:func:`qb_core.analyses.energy.constant_power`) and the devices measured on several setups
    (:func:`qb_core.analyses.energy.power_setups`)."""
    joined = join(scenario, _measured)
    paired = ideal_energy(joined[joined["status"] == "paired"])
    devices = set(paired.loc[paired["mj_per_input"].notna(), "device"])
    measured = select(_measured, scenario.theory_selection)
    shown = measured[measured["device"].isin(devices)]
    return paired, constant_power(shown), power_setups(shown)


@cached(32)
def energy_chart(scenario: Scenario, _measured: pd.DataFrame, measure: str) -> dict:
    """The Energy page's bars of ``measure`` (mJ per input or inputs per joule) per configuration."""

    paired = energy_rows(scenario, _measured)[0]
    with_power = paired[paired["mj_per_input"].notna()]
    return energy_spec(with_power, device_colors_for(with_power, scenario.whatif.custom_text), measure)


@cached(32)
def pareto_gap(scenario: Scenario, _measured: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, dict | None]:
    """The predicted and measured points of the scenario with their fronts
    (:func:`qb_core.analyses.pareto.predicted_and_measured`) and the chart of those that can be placed
    (None when none can)."""

    points, fronts = predicted_and_measured(join(scenario, _measured), accuracy())
    placed = points[points["top1_pct"].notna() & (points["fps"] > 0)]
    if placed.empty:
        return points, fronts, None
    return points, fronts, pareto_gap_spec(placed, fronts, device_colors_for(placed, scenario.whatif.custom_text))


@cached(16)
def hardware_view(scenario: Scenario, _measured: pd.DataFrame) -> tuple[pd.DataFrame, dict, list[str]]:
    """The Networks and hardware page's catalog inside the selection with each device's best
    measured TOP/s, its chart, and the names of platforms whose figures coincide."""

    best = achievable(scenario, _measured)
    table = select(hardware_table(scenario.whatif.custom_text), scenario.selection)
    table = table.merge(best[["device", "precision", "achievable_tops", "achievable_pct"]],
                        on=["device", "precision"], how="left")
    spec = hardware_spec(table, device_colors_for(table, scenario.whatif.custom_text), best)
    return table, spec, sorted({n for n in coinciding_names(table) if " = " in n})


@cached(16)
def network_charts(tasks: tuple[str, ...], precisions: tuple[str, ...]) -> tuple[dict, dict]:
    """The operations and size charts of the networks of ``tasks`` at ``precisions``."""

    long, wide = networks(tasks, precisions)
    return networks_specs(wide, long)


@cached(8)
def unmeasurable(tasks: tuple[str, ...]) -> list[str]:
    """Measured networks of ``tasks`` without a published operation count
    (:func:`qb_core.networks.summary.unmeasurable_variants`)."""
    return unmeasurable_variants(measurements(), list(tasks))


@cached(32)
def platform_reasons(scenario: Scenario, _measured: pd.DataFrame) -> pd.DataFrame:
    """Per platform of the scenario's paired rows: its efficiency range, its best measured share of
    the datasheet peak and the recorded cause (:func:`qb_core.hardware.notes.platform_report`)."""
    paired = join(scenario, _measured)
    return platform_report(paired[paired["status"] == "paired"], achievable(scenario, _measured), name=cell_text)


def achievable(scenario: Scenario, measured: pd.DataFrame) -> pd.DataFrame:
    """Best measured TOP/s per device x precision over every task and batch of ``measured`` (bundled
    and uploaded) against the datasheet (:func:`qb_core.hardware.notes.achievable_peaks`)."""
    return _achievable(scenario.fit_key, measured, hardware_with(scenario.whatif.custom_text))


@cached(16)
def _achievable(fit_key: str, _measured: pd.DataFrame, _datasheet: pd.DataFrame) -> pd.DataFrame:
    return achievable_peaks(_measured, _datasheet)


@cached(16)
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

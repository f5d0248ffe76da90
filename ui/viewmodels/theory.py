"""What the theory pages draw, read off this rerun's scenario (:mod:`ui.state`): the what-if
settings, the selection, the what-if hardware inside it and the predictions over it (the page stops
with a clear message when nothing is left), the join a theory-meets-measurement page starts from,
and the charts built from them once per question (rooflines, the prediction heatmap, per-layer
rooflines, networks and hardware at a glance)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
import streamlit as st

from qb_core.analyses.efficiency import above_peak, pair
from qb_core.analyses.explain import why_beaten
from qb_core.analyses.filters import Selection, select
from qb_core.analyses.predictions import what_it_takes
from qb_core.analyses.roofline_geometry import coinciding_names, log_axis_range, operating_points
from qb_core.hardware.whatif import WhatIf, compare
from qb_core.model.batch_model import TESTED, BatchModel, predict_rows, scale_for_target
from qb_core.question import LEVELS, Storage
from qb_core.service import Scenario
from qb_core.vocabulary import CONFIG_KEYS, PRECISIONS, TASKS, VARIANT_KEYS, variant_label
from ui import cache, charts, sidebar, state, tables
from ui.charts.gap import layer_specs
from ui.charts.theory import hardware_spec, labels_left_out, networks_specs, prediction_spec
from ui.safe import cell_text, literal, literal_list
from ui.widgets import Choices, choices


@dataclass(frozen=True)
class TheoryView:
    scenario: Scenario
    hardware: pd.DataFrame
    predictions: pd.DataFrame

    @property
    def settings(self) -> WhatIf:
        return self.scenario.whatif

    @property
    def selection(self) -> Selection:
        """The sidebar's selection widened to the user's own CNV width."""
        return self.scenario.theory_selection


def unknown_traffic_note(predictions: pd.DataFrame) -> str | None:
    """The caption naming the networks whose intensity is unknown (published totals have no layer
    list, so no activation traffic); None: nothing left out."""
    unknown = predictions["intensity"].isna()
    if not unknown.any():
        return None
    names = sorted(predictions.loc[unknown, "topology"].astype(str).unique())
    return (f"Left out: {literal_list(names)}. These networks come from published totals without a layer "
            "list, so their activation traffic, needed with activations off chip, is unknown.")


def known_traffic(scenario: Scenario) -> tuple[str | None, pd.DataFrame]:
    """:func:`_known_traffic` keyed on what it reads (theory_side())."""
    return _known_traffic(scenario.theory_side())


@cache.cached(32)
def _known_traffic(scenario: Scenario) -> tuple[str | None, pd.DataFrame]:
    """The scenario's predictions whose intensity is known, and the caption naming the networks left
    out (:func:`unknown_traffic_note`)."""
    predictions = cache.predictions(scenario)
    return unknown_traffic_note(predictions), predictions[predictions["intensity"].notna()]


#: The Prediction page's table columns, in order.
PREDICTION_COLUMNS = (*CONFIG_KEYS, "ops_per_input", "weight_bytes", "bytes_per_input", "intensity", "peak_tops",
                      "bandwidth_gbps", "attainable_tops", "inputs_per_s", "bound")


class PredictionView(NamedTuple):
    """What the Prediction page counts and lists around its heatmap, once per question."""

    #: Columns the heatmap needs with one row per platform.
    platform_columns: int
    table: tables.Table


def prediction_view(scenario: Scenario) -> PredictionView:
    """:func:`_prediction_view` keyed on what it reads (theory_side())."""
    return _prediction_view(scenario.theory_side())


@cache.cached(32)
def _prediction_view(scenario: Scenario) -> PredictionView:
    predictions = known_traffic(scenario)[1]
    return PredictionView(charts.platform_columns(predictions), tables.prepare(predictions, PREDICTION_COLUMNS))


def hardware_devices(scenario: Scenario) -> list[str]:
    """The platforms shown (:func:`ui.cache.shown_hardware`), each once, in order."""
    return _hardware_devices(scenario.theory_side())


@cache.cached(32)
def _hardware_devices(scenario: Scenario) -> list[str]:
    return list(dict.fromkeys(cache.shown_hardware(scenario)["device"].astype(str)))


class TakeChoices(NamedTuple):
    """What would it take's choices: the datasheet predictions with a known traffic, the platform ->
    precision -> variant choices among them, and the caption naming the networks left out (None:
    none)."""

    rows: pd.DataFrame
    choices: Choices
    left_out: str | None


def take_choices(scenario: Scenario) -> TakeChoices:
    """:func:`_take_choices` keyed on what it reads (theory_side(datasheet=True))."""
    return _take_choices(scenario.theory_side(True))


@cache.cached(16)
def _take_choices(scenario: Scenario) -> TakeChoices:
    datasheet = cache.predictions(scenario, datasheet=True)
    rows = datasheet[datasheet["intensity"].notna()].reset_index(drop=True)
    named = rows.assign(variant=variant_label(rows["topology"], rows["pruning_pct"]))
    return TakeChoices(rows, choices(named, ("device", "precision", "variant")), unknown_traffic_note(datasheet))


def take_need(scenario: Scenario, config_key: cache.ConfigKey, target_fps: float) -> tuple[pd.DataFrame, pd.Series]:
    """:func:`_take_need` keyed on what it reads (theory_side(datasheet=True))."""
    return _take_need(scenario.theory_side(True), config_key, target_fps)


@cache.cached(64)
def _take_need(scenario: Scenario, config_key: cache.ConfigKey, target_fps: float) -> tuple[pd.DataFrame, pd.Series]:
    """The chosen configuration's datasheet prediction (one row) and what it takes to reach
    ``target_fps`` (:func:`qb_core.analyses.predictions.what_it_takes`)."""
    taken = _take_choices(scenario)
    row = taken.rows.iloc[[taken.choices.positions[config_key]]]
    return row, what_it_takes(row, target_fps).iloc[0]


def view(*, drop_unknown: bool = True) -> TheoryView:
    """Scenario, hardware and predictions of a theory page. With ``drop_unknown``, predictions whose
    intensity is unknown (activation traffic of a network without a layer list, with activations
    off chip) are left out and the page says which."""
    current = state.current_or_stop()
    hardware = cache.shown_hardware(current)
    if hardware.empty:
        sidebar.no_rows_message("platform x precision pairs")
        st.stop()
    if drop_unknown:
        note, predictions = known_traffic(current)
        if note:
            st.caption(note)
    else:
        predictions = cache.predictions(current)
    if predictions.empty:
        sidebar.no_rows_message("predictions")
        st.stop()
    return TheoryView(current, hardware, predictions)


@dataclass(frozen=True)
class GapView:
    """A theory-meets-measurement page's inputs: the theory view and the join of the measured
    rows inside the filters to its predictions (:func:`qb_core.analyses.efficiency.efficiency_table`)."""

    theory: TheoryView
    join: pd.DataFrame

    def model(self) -> BatchModel | None:
        """The batch-aware model, fitted on every task's measurements (bundled and uploaded) against
        the datasheet catalog: neither the sidebar's filters nor the what-if settings move the fit."""
        return cache.batch_model(self.theory.scenario)


def gap_view() -> GapView:
    """The join under this session's what-if settings and filters (measurements of every batch
    inside the batch range); the page stops with a message when nothing is paired or listed."""
    theory = view(drop_unknown=False)
    join = cache.join(theory.scenario)
    if join.empty:
        sidebar.no_rows_message("measurements or predictions")
        st.stop()
    return GapView(theory, join)


@cache.cached(32)
def beaten_predictions(current: Scenario) -> pd.DataFrame:
    """The measured configurations (of the session's measurements) whose throughput
    beats the prediction shown for them, with why in words: weights that fit on chip (say so and
    point to *Automatic*), a batch that shares one read of the weights, or a measurement above the
    peak itself. Only the pairing is redone when a slider moves; the measured side is cached."""
    settings = current.whatif
    best = cache.best_measured(current)
    paired = pair(best, cache.predictions(current), settings.storage)
    beaten = paired[paired["measured_fps"] > paired["inputs_per_s"]]
    beaten = beaten.assign(variant=variant_label(beaten["topology"], beaten["pruning_pct"]))
    above = above_peak(beaten, cache.shown_hardware(current, datasheet=True))
    return beaten.assign(why=why_beaten(beaten, cache.fits(current), above))


class RooflineChart(NamedTuple):
    """What the Rooflines page draws and says: the spec, the frames behind it (downloads, counts)."""

    spec: dict
    points: pd.DataFrame
    intensities: pd.DataFrame
    ghost: pd.DataFrame | None
    measured: pd.DataFrame | None
    unlabelled: int
    infinite: bool
    operating: pd.DataFrame
    verticals: bool
    #: Distinct rooflines drawn (platform x precision; coinciding lines count once).
    distinct: int


@cache.cached(32)
def roofline_chart(current: Scenario, show_measured: bool,
                   tasks: tuple[str, ...] | None, focus: str | None = None) -> RooflineChart:
    """The roofline chart of the scenario: every roof inside the selection (the datasheet's faded
    behind what-if ones), or only ``focus``'s; the variants' intensities (of ``tasks``' networks at
    once, else the selection's) as operating points on the roofs of their precision, and as
    labelled verticals where few enough to read (:data:`ui.charts.theory.MAX_VERTICALS`) or one
    platform is in focus; with ``show_measured`` the paired measurements (of every task in
    ``tasks``) and each platform's best measured TOP/s. Built once per scenario and choice."""
    selection, settings = current.theory_selection, current.whatif
    hardware = cache.shown_hardware(current)
    if focus is not None:
        hardware = hardware[hardware["device"].astype(str) == focus]
    parts = [cache.intensities(current.with_task(task), own_width=task == current.task)
             for task in (tasks or (current.task,))]
    intensity = pd.concat(parts, ignore_index=True)
    intensity = intensity[intensity["precision"].isin(selection.precisions)]
    if tasks is None:
        intensity = select(intensity, selection)
    if focus is not None:
        intensity = intensity[intensity["precision"].isin(set(hardware["precision"]))]
    finite = intensity[np.isfinite(intensity["intensity"])]
    datasheet = select(cache.hardware(), selection) if settings.hardware_changed else None
    if datasheet is not None and focus is not None:
        datasheet = datasheet[datasheet["device"].astype(str) == focus]
    ridges = [hardware["ridge_ops_per_byte"]] + ([] if datasheet is None else [datasheet["ridge_ops_per_byte"]])
    x_min, x_max = log_axis_range(np.concatenate([finite["intensity"], *ridges]))
    measured = best = None
    if show_measured:
        joins = [cache.join(current.with_task(task)) for task in (tasks or (current.task,))]
        join = pd.concat(joins, ignore_index=True)
        paired = join[(join["status"] == "paired") & np.isfinite(join["intensity"])]
        names = hardware.assign(roof_devices=coinciding_names(cache.shown_hardware(current)).reindex(hardware.index))
        names = names[["device", "precision", "roof_devices"]]
        measured = paired.merge(names, on=["device", "precision"], how="inner")
        roofs = names.merge(hardware[["device", "precision", "ridge_ops_per_byte"]], on=["device", "precision"])
        best = cache.achievable(current).merge(roofs, on=["device", "precision"])  # the roofs shown
        best = best.assign(x_start=best["ridge_ops_per_byte"], x_end=x_max)
    points = cache.rooflines(current, x_min, x_max)
    ghost = None if datasheet is None or datasheet.empty else cache.rooflines(current, x_min, x_max, ghost=True)
    if focus is not None:
        points = points[points["device"].astype(str) == focus]
        ghost = None if ghost is None else ghost[ghost["device"].astype(str) == focus]
    corners = points[points["point"] == 1]
    operating = operating_points(corners.drop_duplicates(["roof_devices", "precision"]), finite)  # once per line
    verticals = focus is not None or len(finite) <= charts.MAX_VERTICALS
    colors = cache.device_colors_for(cache.shown_hardware(current), settings.custom_text)
    spec = charts.roofline_spec(points, finite, colors, ghost, measured, best, operating, verticals)
    return RooflineChart(spec, points, finite, ghost, measured, labels_left_out(finite, points) if verticals else 0,
                         bool(np.isinf(intensity["intensity"]).any()), operating, verticals,
                         len(points.drop_duplicates(["roof_devices", "precision"])))


def prediction_chart(scenario: Scenario, by_precision: bool) -> dict:
    """The Prediction page's heatmap of the scenario's predictions (rows per platform, or per
    platform and precision)."""
    return _prediction_chart(scenario.theory_side(), by_precision)


@cache.cached(64)
def _prediction_chart(scenario: Scenario, by_precision: bool) -> dict:
    return prediction_spec(cache.predictions(scenario), by_precision)


def layer_charts(scenario: Scenario, config_key: cache.ConfigKey, storage: Storage, color: str) -> tuple[dict, dict]:
    """The per-layer roofline and time bars of one configuration (:func:`ui.cache.layer_report`)."""
    return _layer_charts(scenario.theory_side(), config_key, storage, color)


@cache.cached(64)
def _layer_charts(scenario: Scenario, config_key: cache.ConfigKey, storage: Storage, color: str) -> tuple[dict, dict]:
    report = cache.layer_report(scenario, config_key, storage)
    return layer_specs(report.layers, report.roof, color)


#: The hardware table's columns, in order.
HARDWARE_COLUMNS = ["device", "precision", "peak_tops", "achievable_tops", "achievable_pct", "bandwidth_gbps",
                    "ridge_ops_per_byte", "on_chip_mb", "execution", "family", "vendor", "toolflow", "memory_gb",
                    "power_w", "source"]


def hardware_view(scenario: Scenario) -> tuple[pd.DataFrame, dict, list[str], tables.Table]:
    """:func:`_hardware_view` keyed on what it reads (on_datasheet())."""
    return _hardware_view(scenario.on_datasheet())


@cache.cached(16)
def _hardware_view(scenario: Scenario) -> tuple[pd.DataFrame, dict, list[str], tables.Table]:
    """The Networks and hardware page's catalog inside the selection with each device's best
    measured TOP/s, its chart, the names of platforms whose figures coincide, and its table."""
    best = cache.achievable(scenario)
    table = select(cache.hardware_table(scenario.whatif.custom_text), scenario.selection)
    table = table.merge(best[["device", "precision", "achievable_tops", "achievable_pct"]],
                        on=["device", "precision"], how="left")
    spec = hardware_spec(table, cache.device_colors_for(table, scenario.whatif.custom_text), best)
    together = sorted({n for n in coinciding_names(table) if " = " in n})
    return table, spec, together, tables.prepare(table, HARDWARE_COLUMNS, fit=True)


def count_columns(ours: str) -> dict[str, object]:
    """Headers of the params and ops columns, ours (``ours`` names where they come from) beside the
    published ones, in full (never rounded)."""
    return {f"{column}{suffix}": st.column_config.NumberColumn(f"{name} ({source})", format="localized")
            for column, name in (("params", "Params"), ("ops_per_input", "Ops"))
            for suffix, source in (("", ours), ("_published", "published"))}


@cache.cached(16)
def networks_tables(tasks: tuple[str, ...], precisions: tuple[str, ...]) -> tuple[
        tables.Table, tables.Table | None, tables.Table | None]:
    """The Networks and hardware page's tables of ``tasks``' networks at ``precisions``: each variant's
    costs, the layer model against a published count and the ImageNet layer tables against the
    published totals (None where the tasks have none)."""
    wide = cache.networks(tasks, precisions)[1]
    config: dict[str, object] = {}
    for precision in PRECISIONS:
        config[f"model_mb_{precision.lower()}"] = st.column_config.NumberColumn(f"Size {precision} (MB)",
                                                                                format="%.3f")
        config[f"intensity_{precision.lower()}"] = st.column_config.NumberColumn(f"Ops/byte {precision}",
                                                                                 format="%.1f")
        config[f"accuracy_{precision.lower()}"] = f"Top-1 (top-5) {precision} (%)"
    network_table = tables.prepare(wide, [c for c in wide.columns if c not in (*VARIANT_KEYS, "gops_per_input")],
                                   **config)
    compared = cache.published_comparison()
    compared = compared[compared["task"].isin(tasks)]
    compared_table = tables.prepare(compared.assign(task=compared["task"].map(TASKS)), **count_columns("layer model"),
                                    **{"ops_difference": st.column_config.NumberColumn("Published - model (ops)",
                                                                                       format="localized"),
                                       "ops_difference_pct": st.column_config.NumberColumn("Difference (%)",
                                                                                           format="%.2f"),
                                       "agrees": st.column_config.CheckboxColumn("Agree")}) if len(compared) else None
    layers = cache.layer_tables_vs_published(tasks)
    layers_table = tables.prepare(
        layers.assign(task=layers["task"].map(TASKS)), **count_columns("layer table"),
        **{"params_difference_pct": st.column_config.NumberColumn("Params difference (%)", format="%+.1f"),
           "ops_difference_pct": st.column_config.NumberColumn("Ops difference (%)", format="%+.1f"),
           "within_3_pct": st.column_config.CheckboxColumn("Within 3 %")}) if len(layers) else None
    return network_table, compared_table, layers_table


@cache.cached(16)
def network_charts(tasks: tuple[str, ...], precisions: tuple[str, ...]) -> tuple[dict, dict]:
    """The operations and size charts of the networks of ``tasks`` at ``precisions``."""
    long, wide = cache.networks(tasks, precisions)
    return networks_specs(wide, long)


def model_reach(scenario: Scenario, config: tuple, target_fps: float) -> list[str] | None:
    """:func:`_model_reach` keyed on what it reads (on_datasheet())."""
    return _model_reach(scenario.on_datasheet(), config, target_fps)


@cache.cached(32)
def _model_reach(scenario: Scenario, config: tuple, target_fps: float) -> list[str] | None:
    """What would it take by the batch-aware model, per level: the scale of the configuration's
    platform's peak and bandwidth (together, and each alone) at which it would measure
    ``target_fps`` at its best batch, with the evidence behind the model's figure; a line per level,
    or None when nothing can be modelled. ``config`` is the configuration's key (CONFIG_KEYS)."""
    model = cache.batch_model(scenario)
    if model is None:
        return None
    key = pd.DataFrame([config], columns=list(CONFIG_KEYS)).astype({"pruning_pct": float})
    row = cache.predictions(scenario, datasheet=True).merge(key)
    modelled = cache.datasheet_grid(scenario).merge(key)
    peak_tops, bandwidth_gbps = float(row["peak_tops"].iloc[0]), float(row["bandwidth_gbps"].iloc[0])
    lines = []
    for level in LEVELS:
        both, best, why = scale_for_target(model, modelled, level, target_fps)
        peak_only = scale_for_target(model, modelled, level, target_fps, ("peak",))[0]
        bandwidth_only = scale_for_target(model, modelled, level, target_fps, ("bandwidth",))[0]
        if why:
            lines.append(f"- **{level}**: not reachable by bandwidth and peak: {literal(why, 300)}.")
            continue
        alone = [f"the peak alone {peak_only:,.2f}x" if peak_only == peak_only else "the peak alone will not do it",
                 f"the bandwidth alone {bandwidth_only:,.2f}x" if bandwidth_only == bandwidth_only
                 else "the bandwidth alone will not do it"]
        today = predict_rows(model, modelled, level, "batch", float(best)).iloc[0]
        evidence = ("tested: the hold-out tested predictions like it on this platform" if today["evidence"] == TESTED
                    else f"untested: {today['reason']}")
        lines.append(f"- **{level}**: both together **{both:,.2f}x** ({peak_tops * both:,.2f} TOP/s and "
                     f"{bandwidth_gbps * both:,.1f} GB/s) would measure {target_fps:,.0f} inputs/s at batch {best:,}; "
                     f"{alone[0]}, {alone[1]}. *Evidence*: {cell_text(evidence)}.")
    return lines


def fits_table(scenario: Scenario) -> tables.Table:
    """:func:`_fits_table` keyed on what it reads (theory_side())."""
    return _fits_table(scenario.theory_side())


@cache.cached(64)
def _fits_table(scenario: Scenario) -> tables.Table:
    """The Rooflines page's table of whether each variant's weights fit on chip (:func:`ui.cache.fits`)."""
    return tables.prepare(cache.fits(scenario))


def bounds_table(scenario: Scenario) -> tables.Table:
    """:func:`_bounds_table` keyed on what it reads (theory_side())."""
    return _bounds_table(scenario.theory_side())


@cache.cached(64)
def _bounds_table(scenario: Scenario) -> tables.Table:
    """The Rooflines page's table of ridge points and bounds (:func:`ui.cache.bounds`): the bounds
    between each platform's ridge and its peak and bandwidth."""
    bounds = cache.bounds(scenario)
    first, last = ["device", "precision", "ridge_ops_per_byte"], ["peak_tops", "bandwidth_gbps"]
    return tables.prepare(bounds, [*first, *[c for c in bounds.columns if c not in first + last], *last], fit=True)


def change_chart(scenario: Scenario, by_precision: bool) -> tuple[dict, int]:
    """The Prediction page's what-if predictions against the datasheet's (:func:`_change_chart`),
    keyed on the theory side."""
    return _change_chart(scenario.theory_side(), by_precision)


@cache.cached(64)
def _change_chart(scenario: Scenario, by_precision: bool) -> tuple[dict, int]:
    """The heatmap of what-if inputs/s over the notebook's datasheet prediction (predictions whose
    activation traffic is unknown left out, as the page leaves them out) and how many cells changed
    bound (:func:`qb_core.hardware.whatif.compare`)."""
    predictions = cache.predictions(scenario)
    comparison = compare(cache.notebook_predictions(scenario), predictions[predictions["intensity"].notna()])
    return charts.change_spec(comparison, by_precision), int(comparison["bound_flipped"].sum())

"""What the theory-meets-measurement pages draw (Efficiency, Energy, Predicted vs measured Pareto)
and why each platform runs where it runs, from the scenario's join, once per question."""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import pandas as pd
import streamlit as st

from qb_core.analyses.efficiency import BEATS_PEAK, BEATS_ROOFLINE, summary
from qb_core.analyses.energy import constant_power, ideal_energy, power_setups
from qb_core.analyses.explain import above_roofline_summary
from qb_core.analyses.filters import select
from qb_core.analyses.pareto import predicted_and_measured
from qb_core.hardware.notes import platform_report
from qb_core.service import Scenario
from qb_core.vocabulary import MEASURED_CONFIG_KEYS
from ui import cache, tables
from ui.charts.gap import efficiency_spec, efficiency_spread_spec, energy_spec, pareto_gap_spec
from ui.safe import cell_text, literal, literal_list


@cache.cached(32)
def paired(scenario: Scenario) -> pd.DataFrame:
    """The scenario's measurements that have a prediction (:func:`ui.cache.join`, status paired), once
    per question."""
    joined = cache.join(scenario)
    return joined[joined["status"] == "paired"]


@cache.cached(32)
def efficiency_charts(scenario: Scenario) -> tuple[dict, dict]:
    """The Efficiency page's two chart specs (bars per configuration, spread per family) over the
    scenario's paired rows."""
    rows = paired(scenario)
    colors = cache.device_colors_for(rows, scenario.whatif.custom_text)
    return efficiency_spec(rows, colors), efficiency_spread_spec(rows, colors)


@cache.cached(32)
def energy_rows(scenario: Scenario) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The scenario's paired rows with their ideal energy (:func:`qb_core.analyses.energy.ideal_energy`), the
    constant power figures of the devices among them that report power
    (:func:`qb_core.analyses.energy.constant_power`) and the devices measured on several setups
    (:func:`qb_core.analyses.energy.power_setups`)."""
    rows = ideal_energy(paired(scenario))
    devices = set(rows.loc[rows["mj_per_input"].notna(), "device"])
    measured = select(cache.measured_rows(scenario.uploads), scenario.theory_selection)
    shown = measured[measured["device"].isin(devices)]
    return rows, constant_power(shown), power_setups(shown)


#: The Energy page's table columns, in order.
ENERGY_COLUMNS = ("device", "precision", "variant", "mj_per_input", "mj_above_idle", "ideal_mj_per_input",
                  "energy_note", "full_power_w", "idle_power_w", "measured_fps", "predicted_fps", "inputs_per_joule",
                  "ideal_inputs_per_joule", "power_w", "predicted_mj_per_input", "config", "dataset")


class EnergyView(NamedTuple):
    """What the Energy page says and shows around its chart, once per question."""

    #: Whether any paired configuration has a measured power figure (else the page has nothing to show).
    has_power: bool
    #: Devices that report one constant power, and devices measured on several setups.
    warnings: tuple[str, ...]
    #: Configurations with the same power at every batch (None: none).
    constant_note: str | None
    #: Where the ideal is above the measured energy (the chart's caption ends with it).
    beats_note: str
    #: Where the datasheet power would cost more than measured (None: nowhere).
    datasheet_note: str | None
    #: Configurations left out for lack of a power figure (None: none).
    missing_note: str | None
    table: tables.Table | None
    download: pd.DataFrame


@cache.cached(32)
def energy_view(scenario: Scenario) -> EnergyView:
    """:class:`EnergyView` of the scenario's paired rows (:func:`energy_rows`)."""
    paired_rows, constant, setups = energy_rows(scenario)
    with_power = paired_rows[paired_rows["mj_per_input"].notna()]
    warnings = [f"{literal(row.device)} reports {row.full_power_w:.3g} W in all {row.rows} of its rows (every "
                "precision, pruning and batch): a constant, not a per-run measurement, so its energy here follows "
                "its throughput alone." for row in constant[constant["scope"] == "device"].itertuples()]
    for device, group in setups.groupby("device"):
        parts = "; ".join(f"{row.base_power_w:.3g} W under {row.networks}" for row in group.itertuples())
        warnings.append(f"{literal(device)} was measured on {len(group)} setups (base power {parts}): different "
                        "host boards, so its energies compare only within one setup.")
    flat = constant[constant["scope"] == "configuration"]
    noted = with_power[with_power["energy_note"] != ""]
    beats = noted[noted["ideal_mj_per_input"] > noted["mj_per_input"]]
    sheet = noted[(noted["predicted_mj_per_input"] > noted["mj_per_input"])
                  & (noted["ideal_mj_per_input"] <= noted["mj_per_input"])]
    missing = paired_rows[paired_rows["mj_per_input"].isna()]
    return EnergyView(
        has_power=not with_power.empty, warnings=tuple(warnings),
        constant_note=(f"The same power at every batch size (a constant, not a per-run measurement): "
                       f"{literal_list(flat['config'], 12)}." if len(flat) else None),
        beats_note=(f"The ideal is above the measured energy for {len(beats)} configuration(s) "
                    f"({literal_list(beats['config'])}): each beats its roofline (efficiency above 100 %), so the "
                    "roofline's storage assumption does not hold there; hover a bar for its note."
                    if len(beats) else "No ideal is above its measured energy."),
        datasheet_note=(f"At the datasheet power, {len(sheet)} configuration(s) would cost more than measured "
                        f"({literal_list(sheet['config'])}): the datasheet figure is the board's ceiling, not the "
                        "power of the op mode measured. The table's note says which power each ran at."
                        if len(sheet) else None),
        missing_note=(f"Left out for lack of a measured power figure: {literal_list(missing['config'])}."
                      if len(missing) else None),
        table=tables.prepare(with_power, ENERGY_COLUMNS, fit=True) if len(with_power) else None,
        download=with_power[list(ENERGY_COLUMNS)])


@cache.cached(32)
def energy_chart(scenario: Scenario, measure: str) -> dict:
    """The Energy page's bars of ``measure`` (mJ per input or inputs per joule) per configuration."""
    rows = energy_rows(scenario)[0]
    with_power = rows[rows["mj_per_input"].notna()]
    return energy_spec(with_power, cache.device_colors_for(with_power, scenario.whatif.custom_text), measure)


class ParetoGapNotes(NamedTuple):
    """What the Predicted vs measured Pareto page says beside its chart."""

    #: Predictions placed at a measured accuracy (None: none), and those left out (None: none).
    borrowed_note: str | None
    unplaced_note: str | None


def _variant_names(points: pd.DataFrame) -> pd.Series:
    names = points.drop_duplicates(["variant", "precision"])
    return names["variant"] + " " + names["precision"]


@cache.cached(32)
def pareto_gap_notes(scenario: Scenario) -> ParetoGapNotes:
    """:class:`ParetoGapNotes` of :func:`pareto_gap`'s points."""
    points = pareto_gap(scenario)[0]
    placed = points[points["top1_pct"].notna() & (points["fps"] > 0)]
    unplaced = points[points["top1_pct"].isna()]
    borrowed = placed[(placed["kind"] == "predicted") & (placed["accuracy_from"] != "published")]
    return ParetoGapNotes(
        (f"{len(borrowed)} prediction(s) have no published accuracy and are placed at the top-1 measured for "
         f"their variant and precision (median of the runs shown): {literal_list(_variant_names(borrowed))}."
         if len(borrowed) else None),
        (f"Left out: {len(unplaced)} prediction(s) with neither a published nor a measured accuracy for their "
         f"variant and precision ({literal_list(_variant_names(unplaced))}), so they cannot be placed."
         if len(unplaced) else None))


@cache.cached(32)
def pareto_gap(scenario: Scenario) -> tuple[pd.DataFrame, pd.DataFrame, dict | None]:
    """The predicted and measured points of the scenario with their fronts
    (:func:`qb_core.analyses.pareto.predicted_and_measured`) and the chart of those that can be placed
    (None when none can)."""
    points, fronts = predicted_and_measured(cache.join(scenario), cache.accuracy())
    placed = points[points["top1_pct"].notna() & (points["fps"] > 0)]
    if placed.empty:
        return points, fronts, None
    return points, fronts, pareto_gap_spec(placed, fronts, cache.device_colors_for(placed,
                                                                                   scenario.whatif.custom_text))


@cache.cached(32)
def fits_summary(scenario: Scenario) -> str:
    """Which measured configurations beat their roofline, and whether weights fitting on chip explain
    it (:func:`qb_core.analyses.explain.above_roofline_summary`), once per question."""
    return above_roofline_summary(paired(scenario), cache.fits(scenario), cell_text)


@cache.cached(32)
def platform_reasons(scenario: Scenario) -> pd.DataFrame:
    """Per platform of the scenario's paired rows: its efficiency range, its best measured share of
    the datasheet peak and the recorded cause (:func:`qb_core.hardware.notes.platform_report`)."""
    return platform_report(paired(scenario), cache.achievable(scenario), name=cell_text)


class EfficiencyView(NamedTuple):
    """What the Efficiency page counts and lists: the paired rows (with each one's efficiency against
    the datasheet beside when the hardware is a what-if), the join's counts, those datasheet
    efficiencies (None on the datasheet), the join's table and the rows not paired (their count and
    table, None when every row is paired)."""

    paired: pd.DataFrame
    counts: dict
    datasheet_pct: pd.DataFrame | None
    join_table: tables.Table
    unpaired: int
    unpaired_table: tables.Table | None
    #: How many paired rows beat their roofline, and which beat the platform's peak (the error's text;
    #: None: none).
    beaten: int
    over_peak_note: str | None
    #: With weights read off chip and rows beating that roofline: the median efficiency with weights
    #: on chip where they fit (None otherwise).
    held_median_pct: float | None


@cache.cached(32)
def efficiency_view(scenario: Scenario) -> EfficiencyView:
    """:class:`EfficiencyView` of the scenario's join (:func:`ui.cache.join`)."""
    joined = cache.join(scenario)
    rows = paired(scenario)
    datasheet_pct = None
    if scenario.whatif.hardware_changed:
        datasheet_pct = paired(scenario.on_datasheet())[[*MEASURED_CONFIG_KEYS, "efficiency_pct"]]
        rows = rows.merge(datasheet_pct.rename(columns={"efficiency_pct": "datasheet_efficiency_pct"}),
                          on=list(MEASURED_CONFIG_KEYS), how="left")
    shown = ["config", "measured_fps", "predicted_fps", "efficiency_pct",
             *(["datasheet_efficiency_pct"] if datasheet_pct is not None else []), "bound", "measured_batch",
             "reason", "device", "precision", "variant", "dataset", "intensity", "measured_tops", "peak_fps",
             "weights_on_chip"]
    unpaired = joined[joined["status"] != "paired"]
    unpaired_table = None if unpaired.empty else tables.prepare(
        unpaired, ["status", "device", "precision", "variant", "reason", "dataset", "config", "measured_fps",
                   "predicted_fps"], fit=True)
    beaten = int((rows["reason"] == BEATS_ROOFLINE).sum())
    over_peak = rows[rows["reason"] == BEATS_PEAK]
    over_peak_note = None if over_peak.empty else (
        f"**{len(over_peak)} configuration(s) measure above the platform's peak compute** "
        f"({literal_list(over_peak['config'])}): no storage assumption explains that. Check the measurement, "
        "the network's operation count or the datasheet peak.")
    held_median_pct = None
    if beaten and scenario.whatif.weights == "off-chip":
        holding = replace(scenario, whatif=replace(scenario.whatif, weights="automatic"))
        held_median_pct = float(summary(cache.join(holding))["median_efficiency_pct"])
    return EfficiencyView(rows, summary(joined), datasheet_pct, tables.prepare(rows, shown, fit=True), len(unpaired),
                          unpaired_table, beaten, over_peak_note, held_median_pct)


#: The columns of the table of the two fronts (and of the download of every point).
FRONT_COLUMNS = ["kind", "config", "top1_pct", "fps", "status", "efficiency_pct", "accuracy_from", "device",
                 "precision", "variant"]


@cache.cached(32)
def pareto_gap_tables(scenario: Scenario) -> tuple[tables.Table, tables.Table]:
    """The predicted vs measured Pareto page's tables: the two fronts, and the published accuracy of
    the scenario's task."""
    fronts = pareto_gap(scenario)[1]
    accuracy = cache.accuracy()
    return (tables.prepare(fronts, FRONT_COLUMNS, fit=True, kind="Point",
                           fps=st.column_config.NumberColumn("Inputs/s", format="localized")),
            tables.prepare(accuracy[accuracy["task"] == scenario.task],
                           measured=st.column_config.CheckboxColumn("Measured (not nm)")))

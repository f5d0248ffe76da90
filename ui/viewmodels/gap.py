"""What the theory-meets-measurement pages draw (Efficiency, Energy, Predicted vs measured Pareto)
and why each platform runs where it runs, from the scenario's join, once per question."""

from __future__ import annotations

import pandas as pd

from qb_core.analyses.energy import constant_power, ideal_energy, power_setups
from qb_core.analyses.filters import select
from qb_core.analyses.pareto import predicted_and_measured
from qb_core.hardware.notes import platform_report
from qb_core.service import Scenario
from ui import cache
from ui.charts.gap import efficiency_spec, efficiency_spread_spec, energy_spec, pareto_gap_spec
from ui.safe import cell_text


def paired(scenario: Scenario) -> pd.DataFrame:
    """The scenario's measurements that have a prediction (:func:`ui.cache.join`, status paired)."""
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


@cache.cached(32)
def energy_chart(scenario: Scenario, measure: str) -> dict:
    """The Energy page's bars of ``measure`` (mJ per input or inputs per joule) per configuration."""
    rows = energy_rows(scenario)[0]
    with_power = rows[rows["mj_per_input"].notna()]
    return energy_spec(with_power, cache.device_colors_for(with_power, scenario.whatif.custom_text), measure)


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
def platform_reasons(scenario: Scenario) -> pd.DataFrame:
    """Per platform of the scenario's paired rows: its efficiency range, its best measured share of
    the datasheet peak and the recorded cause (:func:`qb_core.hardware.notes.platform_report`)."""
    return platform_report(paired(scenario), cache.achievable(scenario), name=cell_text)

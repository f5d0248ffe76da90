"""What the measurement pages draw beyond the rows themselves, once per question: Latency/Throughput's
rows and panels, the batch sweeps' charts, and the Pareto page's rows, front and chart."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from qb_core.analyses.filters import select
from qb_core.analyses.pareto import OBJECTIVES, pareto_front, with_efficiency
from qb_core.csv_io import echo_list
from qb_core.measurements.spread import configs_with_single_value
from qb_core.question import LEVEL_COLUMNS, level_figures
from qb_core.service import Scenario
from ui import cache, tables
from ui.charts.core import padded_range
from ui.charts.measured import latency_throughput_spec, pareto_spec, sweep_spec


def pareto_view(scenario: Scenario, x_field: str) -> tuple[int, pd.DataFrame, pd.DataFrame, dict | None]:
    """:func:`_pareto_view` keyed on what it reads (measurement_side())."""
    return _pareto_view(scenario.measurement_side(), x_field)


@cache.cached(32)
def _pareto_view(scenario: Scenario, x_field: str) -> tuple[int, pd.DataFrame, pd.DataFrame, dict | None]:
    """The Pareto page of the scenario's measurements against ``x_field``: how many rows inside the
    filters have a top-1, those with ``x_field`` too (energy efficiency added), their front and the
    chart (None when no row is left)."""
    rows = select(cache.measured_rows(scenario.uploads), scenario.selection).dropna(subset=["top1_pct"])
    with_accuracy = len(rows)
    rows = with_efficiency(rows).dropna(subset=[x_field])
    if rows.empty:
        return with_accuracy, rows, rows, None
    front = pareto_front(rows, x_field, "top1_pct")
    spec = pareto_spec(rows, front, cache.styles(scenario.task, scenario.uploads), x_field,
                       OBJECTIVES[x_field].maximize)
    return with_accuracy, rows, front, spec


def pareto_columns(x_field: str) -> list[str]:
    """The Pareto front table's columns, the figure traded against second after top-1."""
    return list(dict.fromkeys(["config", "top1_pct", x_field, "batch", "fps_comp", "lat_comp_ms", "full_power_w",
                               "device", "precision", "pruning_pct", "dataset"]))


def pareto_table(scenario: Scenario, x_field: str) -> tables.Table:
    """:func:`_pareto_table` keyed on what it reads (measurement_side())."""
    return _pareto_table(scenario.measurement_side(), x_field)


@cache.cached(32)
def _pareto_table(scenario: Scenario, x_field: str) -> tables.Table:
    """The Pareto front of :func:`pareto_view` as its table shows it."""
    return tables.prepare(_pareto_view(scenario, x_field)[2], pareto_columns(x_field), fit=True)


#: The overview table's labels beyond the plain-language titles.
OVERVIEW_LABELS = {"op_modes": "Op modes", "batch_sweep": "Batch / streams / threads"}


def overview_table(scenario: Scenario) -> pd.DataFrame:
    """:func:`_overview_table` keyed on what it reads (measurement_side())."""
    return _overview_table(scenario.measurement_side())


@cache.cached(16)
def _overview_table(scenario: Scenario) -> pd.DataFrame:
    """The overview (:func:`ui.cache.overview`) as ``st.table`` shows it: platform and data set
    first, every cell as text."""
    table = cache.overview(scenario)
    columns = ["platform", "dataset", *[c for c in table.columns if c not in ("platform", "dataset")]]
    return tables.static_frame(table.astype(str), columns, labels=OVERVIEW_LABELS)


#: The batch sweeps drawn: chart key -> (measured column, heading).
SWEEPS = {"box_latency": ("lat_comp_ms", "Compute latency by platform, precision and pruning"),
          "box_throughput": ("fps_comp", "Compute throughput by platform, precision and pruning"),
          "box_power": ("full_power_w", "Full power by platform, precision and pruning")}


class SweepCharts(NamedTuple):
    """The batch sweeps of the scenario's measurements inside its filters: chart key -> spec (None
    when nothing is left to draw), and the configurations left out of the power sweep because they
    have a single power value for every batch size (as the notebook does)."""

    charts: dict[str, dict | None]
    single_power: list[str]


def sweep_charts(scenario: Scenario) -> SweepCharts:
    """:func:`_sweep_charts` keyed on what it reads (measurement_side())."""
    return _sweep_charts(scenario.measurement_side())


@cache.cached(32)
def _sweep_charts(scenario: Scenario) -> SweepCharts:
    """:class:`SweepCharts` of the scenario (:func:`ui.cache.sweeps`)."""
    single = configs_with_single_value(cache.selected_rows(scenario), "full_power_w")
    charts = {}
    for key, (column, heading) in SWEEPS.items():
        sweep = cache.sweeps(scenario, column, tuple(single) if column == "full_power_w" else ())
        charts[key] = sweep_spec(sweep, column, heading) if len(sweep) else None
    return SweepCharts(charts, single)


class LevelRows(NamedTuple):
    """The scenario's measurements inside its filters (how many), and those with figures at one
    level (each filled in from the other figure and the batch where only one was measured), sorted
    by configuration and batch."""

    selected: int
    rows: pd.DataFrame


def level_rows(scenario: Scenario, level: str) -> LevelRows:
    """:func:`_level_rows` keyed on what it reads (measurement_side())."""
    return _level_rows(scenario.measurement_side(), level)


@cache.cached(32)
def _level_rows(scenario: Scenario, level: str) -> LevelRows:
    """:class:`LevelRows` at ``level`` (:func:`qb_core.question.level_figures`)."""
    selected = cache.selected_rows(scenario)
    latency_column, fps_column = LEVEL_COLUMNS[level]
    fps, latency = level_figures(selected, level)
    rows = selected.assign(**{fps_column: fps, latency_column: latency}).dropna(subset=[fps_column, latency_column])
    return LevelRows(len(selected), rows.sort_values(["config", "batch"]))


def latency_charts(scenario: Scenario, level: str, panels: tuple[tuple[str, ...], tuple[str, ...]],
                   log_latency: bool) -> tuple[pd.DataFrame, list[dict | None]]:
    """:func:`_latency_charts` keyed on what it reads (measurement_side())."""
    return _latency_charts(scenario.measurement_side(), level, panels, log_latency)


@cache.cached(32)
def _latency_charts(scenario: Scenario, level: str, panels: tuple[tuple[str, ...], tuple[str, ...]],
                   log_latency: bool) -> tuple[pd.DataFrame, list[dict | None]]:
    """Latency/Throughput's rows of both panels' platforms and each panel's chart (None when it has
    no rows), on shared axes."""
    rows = level_rows(scenario, level).rows
    latency_column, fps_column = LEVEL_COLUMNS[level]
    styles = cache.styles(scenario.task, scenario.uploads)
    both = rows[rows["platform"].isin(set(panels[0]) | set(panels[1]))]
    domains = (padded_range(both[latency_column], log_latency), padded_range(both[fps_column])) if len(both) \
        else None
    charts: list[dict | None] = []
    for index, platforms in enumerate(panels):
        panel_rows = rows[rows["platform"].isin(platforms)]
        heading = ("Left: " if index == 0 else "Right: ") + echo_list(list(platforms), 6)
        charts.append(None if panel_rows.empty else latency_throughput_spec(
            panel_rows, styles, name=f"pick_{index}", heading=heading, log_latency=log_latency, legend_cols=1,
            fields=(latency_column, fps_column), domains=domains))
    return both, charts

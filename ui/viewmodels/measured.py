"""What the measurement pages draw beyond the rows themselves, once per question: the batch sweeps'
charts, and the Pareto page's rows, front and chart."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from qb_core.analyses.filters import select
from qb_core.analyses.pareto import OBJECTIVES, pareto_front, with_efficiency
from qb_core.measurements.spread import configs_with_single_value
from qb_core.service import Scenario
from ui import cache
from ui.charts.measured import pareto_spec, sweep_spec


@cache.cached(32)
def pareto_view(scenario: Scenario, x_field: str) -> tuple[int, pd.DataFrame, pd.DataFrame, dict | None]:
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


@cache.cached(32)
def sweep_charts(scenario: Scenario) -> SweepCharts:
    """:class:`SweepCharts` of the scenario (:func:`ui.cache.sweeps`)."""
    single = configs_with_single_value(cache.selected_rows(scenario), "full_power_w")
    charts = {}
    for key, (column, heading) in SWEEPS.items():
        sweep = cache.sweeps(scenario, column, tuple(single) if column == "full_power_w" else ())
        charts[key] = sweep_spec(sweep, column, heading) if len(sweep) else None
    return SweepCharts(charts, single)

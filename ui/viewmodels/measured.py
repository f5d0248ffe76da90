"""What the measurement pages draw beyond the rows themselves: the Pareto page's rows, front and
chart, once per question."""

from __future__ import annotations

import pandas as pd

from qb_core.analyses.filters import select
from qb_core.analyses.pareto import OBJECTIVES, pareto_front, with_efficiency
from qb_core.service import Scenario
from ui import cache
from ui.charts.measured import pareto_spec


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

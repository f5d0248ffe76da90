"""Why each platform runs where it runs: the recorded causes with their sources beside what the
measurements shown say (efficiency range, best measured share of the datasheet peak)."""

from __future__ import annotations

import streamlit as st

from qb_core.service import Scenario
from ui import cache
from ui.safe import cell_text
from ui.viewmodels import gap


def show_platform_reasons(current: Scenario) -> None:
    """One paragraph per platform of the scenario's paired rows (the join's, as shown): how far from its
    roofline it runs here, the best it measured anywhere, and the recorded cause with its source."""
    st.markdown(platform_reasons_text(current))


@cache.cached(32)
def platform_reasons_text(current: Scenario) -> str:
    """The paragraphs :func:`show_platform_reasons` shows, once per question."""
    report = gap.platform_reasons(current)
    lines = []
    for row in report.itertuples(index=False):
        head = (f"**{cell_text(row.platform)}**: {row.efficiency_range} of its roofline over {row.configurations} "
                f"configuration(s) shown")
        best = (f"; best measured anywhere (a configuration measured above the datasheet peak left out): "
                f"{row.achievable}") if row.achievable else ""
        why = (f". {row.why} *Source: {row.source}.*" if row.why
               else ". No cause is recorded for this platform; the figures are what the measurements say.")
        lines.append(f"- {head}{best}{why}")
    return "\n".join(lines)

"""What Calibrated prediction draws: the model's answers of the scenario's task to the question
asked, the variant named and the tested band as text, once per question."""

from __future__ import annotations

import pandas as pd

from qb_core.question import Asked
from qb_core.service import Scenario
from qb_core.vocabulary import variant_label
from ui import cache
from ui.tables import figure_texts


@cache.cached(16)
def answers(scenario: Scenario, asked: Asked) -> pd.DataFrame:
    """:func:`ui.cache.model_answers` of the scenario's task as the page shows them: the variant
    named and the tested band as text (``1,234 – 2,345``)."""
    table = cache.model_answers(scenario, asked)
    table = table[table["task"].eq(scenario.task)]
    band = (figure_texts(table["fps_low"], 4, 100.0) + " – " + figure_texts(table["fps_high"], 4, 100.0)).where(
        table["fps_low"].notna() & table["fps_high"].notna(), "")
    return table.assign(variant=variant_label(table["topology"], table["pruning_pct"]), band=band)

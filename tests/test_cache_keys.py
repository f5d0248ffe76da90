"""The caches key on small values: no cached function in ``ui`` takes a table or a model report,
nor an argument Streamlit does not hash (an underscore one: a frame beside its key); the
measurements come with the scenario's Uploads, keyed by their digests; and a scenario is hashed as
its digest, computed once."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from qb_core.analyses.filters import Selection
from qb_core.hardware.whatif import WhatIf
from qb_core.service import Scenario, Uploads
from ui import cache
from ui.cache import HASH_FUNCS

UI_DIR = Path(__file__).resolve().parent.parent / "ui"
HEAVY = ("DataFrame", "ModelReport", "LayerReport")


def cached_functions():
    for path in sorted(UI_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            decorators = [ast.unparse(d) for d in getattr(node, "decorator_list", ())]
            if isinstance(node, ast.FunctionDef) and any("cache_data" in d or "cache_resource(max_entries" in d
                                                         or re.match(r"(cache\.)?cached\(", d) for d in decorators):
                yield path.name, node


def test_there_are_cached_functions_to_check():
    assert len(list(cached_functions())) >= 20


@pytest.mark.parametrize("where,function", [(p, f) for p, f in cached_functions()], ids=lambda v: getattr(v, "name", v))
def test_no_cached_function_takes_a_table_or_an_unhashed_argument(where, function):
    for argument in function.args.args:
        annotation = ast.unparse(argument.annotation) if argument.annotation is not None else ""
        assert not any(heavy in annotation for heavy in HEAVY), f"{where}:{function.name} takes {argument.arg}"
        assert not argument.arg.startswith("_"), f"{where}:{function.name}: {argument.arg} travels beside the key"


def test_uploads_are_keyed_by_their_digests_and_bring_their_rows():
    bundled = cache.measurements()
    files = (("few.csv", "a" * 20),)
    first = bundled[bundled["task"] == "cifar10"].head(40)
    few = Uploads(files, first)
    assert cache.measured_rows(Uploads()) is bundled and cache.measured_rows(few) is few.rows
    assert few == Uploads(files, bundled.head(5)) and hash(few) == hash(Uploads(files, bundled.head(5)))
    with pytest.raises(ValueError, match="rows"):
        Uploads(files)
    scenario = Scenario(Selection(task="cifar10"))
    mine = cache.overview(replace(scenario, uploads=few))
    assert not mine.equals(cache.overview(scenario))  # the rows the digests name, not the bundled ones
    # the same files (same digests) name the same rows: the cached table is shared
    assert cache.overview(replace(scenario, uploads=Uploads(files, first.copy()))) is mine


def test_a_scenario_is_hashed_as_its_digest_which_every_part_moves():
    base = Scenario(Selection(task="cifar10", precisions=("INT8",)))
    key = HASH_FUNCS[Scenario](base)
    assert key == base.key and len(key) == 24
    changed = [replace(base, selection=Selection(task="mnist", precisions=("INT8",))),
               replace(base, whatif=WhatIf(bandwidth_scale=2.0)),
               replace(base, uploads=Uploads((("mine.csv", "0" * 20),), pd.DataFrame()))]
    assert len({key, *(HASH_FUNCS[Scenario](s) for s in changed)}) == 4
    assert Scenario(Selection(task="cifar10", precisions=("INT8",))).key == key  # equal values, equal keys


def test_the_fit_side_ignores_filters_and_scales_but_not_uploads():
    base = Scenario(Selection(task="cifar10"))

    def fit_key(scenario: Scenario) -> str:
        return scenario.fit_side().key

    assert fit_key(replace(base, selection=Selection(task="mnist"), whatif=WhatIf(peak_scale=3.0))) == fit_key(base)
    assert fit_key(replace(base, uploads=Uploads((("mine.csv", "1" * 20),), pd.DataFrame()))) != fit_key(base)
    assert fit_key(replace(base, whatif=WhatIf(custom_text='[["B","GPU",1.0,null,{"INT8":1.0}]]'))) != fit_key(base)

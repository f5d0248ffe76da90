"""The caches key on small values: no cached function in ``ui`` hashes a table or a model report
(a frame it needs comes as an underscore argument, which Streamlit does not hash, named by the
scenario), and a scenario is hashed as its digest, computed once."""

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
def test_no_cached_function_hashes_a_table(where, function):
    for argument in function.args.args:
        annotation = ast.unparse(argument.annotation) if argument.annotation is not None else ""
        if any(heavy in annotation for heavy in HEAVY):
            assert argument.arg.startswith("_"), f"{where}:{function.name} hashes {argument.arg}: {annotation}"


def test_a_scenario_is_hashed_as_its_digest_which_every_part_moves():
    base = Scenario(Selection(task="cifar10", precisions=("INT8",)))
    key = HASH_FUNCS[Scenario](base)
    assert key == base.key and len(key) == 24
    changed = [replace(base, selection=Selection(task="mnist", precisions=("INT8",))),
               replace(base, whatif=WhatIf(bandwidth_scale=2.0)),
               replace(base, uploads=Uploads((("mine.csv", "0" * 20),), pd.DataFrame()))]
    assert len({key, *(HASH_FUNCS[Scenario](s) for s in changed)}) == 4
    assert Scenario(Selection(task="cifar10", precisions=("INT8",))).key == key  # equal values, equal keys


def test_the_fit_key_ignores_filters_and_scales_but_not_uploads():
    base = Scenario(Selection(task="cifar10"))
    assert replace(base, selection=Selection(task="mnist"), whatif=WhatIf(peak_scale=3.0)).fit_key == base.fit_key
    assert replace(base, uploads=Uploads((("mine.csv", "1" * 20),), pd.DataFrame())).fit_key != base.fit_key
    assert replace(base, whatif=WhatIf(custom_text='[["B","GPU",1.0,null,{"INT8":1.0}]]')).fit_key != base.fit_key

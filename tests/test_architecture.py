"""The shape of the code holds (issue 26): no import circle, no layer of ``qb_core`` importing a higher
one, no project import inside a function, the core free of the app; configuration identity, time units,
seconds per input and weights-fit-on-chip each have one home. Each check catches a planted breach."""

from __future__ import annotations

import ast
import functools
import io
import re
import sys
import tokenize
from pathlib import Path

import numpy as np

from devtools import imports
from qb_core.networks.traffic import weights_fit_on_chip
from qb_core.units import (
    batch_latency_ms,
    inputs_per_s_from_seconds,
    ms_from_s,
    s_from_ms,
    seconds_per_input,
    throughput_of,
    us_from_s,
)
from qb_core.vocabulary import CONFIG_KEYS, MEASURED_CONFIG_KEYS, NETWORK_KEYS, VARIANT_KEYS


def test_the_project_has_no_circle_no_upward_import_and_no_local_project_import():
    assert imports.violations() == []


def test_every_core_module_is_in_a_layer():
    modules, _ = imports.graph()
    assert {m for m in modules if m.startswith("qb_core") and imports.core_layer(m) is None} == set()
    assert imports.core_layer("qb_core.networks.zoo") < imports.core_layer("qb_core.analyses.finder") \
        < imports.core_layer("qb_core.service") < imports.core_layer("qb_core.cli.main")


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_the_checker_finds_a_circle_an_upward_import_a_local_import_and_the_app_in_the_core(tmp_path: Path):
    root = _tree(tmp_path, {
        "qb_core/__init__.py": "",
        "qb_core/units.py": "from qb_core.service import x\n",
        "qb_core/service.py": "from qb_core import units\n\ndef f():\n    from qb_core.networks import zoo\n",
        "qb_core/networks/__init__.py": "",
        "qb_core/networks/zoo.py": "import streamlit\n",
        "qb_core/elsewhere.py": "",
    })
    found = imports.violations(root)
    assert "circle: qb_core.service <-> qb_core.units" in found
    assert "qb_core.units:1 imports qb_core.service, a higher layer" in found
    assert "qb_core.service:4 imports qb_core.networks.zoo inside a function" in found
    assert "qb_core.networks.zoo:1 imports streamlit: the core stays free of the app" in found
    assert "qb_core.elsewhere is in no layer of devtools.imports.CORE_LAYERS" in found


def test_from_package_import_module_names_the_module(tmp_path: Path):
    root = _tree(tmp_path, {"qb_core/__init__.py": "", "qb_core/model/__init__.py": "",
                            "qb_core/model/batch_model.py": "", "qb_core/cli/__init__.py": "",
                            "qb_core/cli/main.py": "from qb_core.model import batch_model as bm\n"})
    _, edges = imports.graph(root)
    assert [(e.importer, e.imported) for e in edges] == [("qb_core.cli.main", "qb_core.model.batch_model")]


# --- facts with one home (a copy elsewhere fails here) ---

PROJECT = Path(__file__).resolve().parent.parent
APP_CODE = [p for folder in ("qb_core", "ui", "app_pages") for p in sorted((PROJECT / folder).rglob("*.py"))]


@functools.cache
def code_lines(path: Path) -> tuple[tuple[int, str], ...]:
    """(line number, code) of a file without its docstrings and comments (f-strings kept: a
    conversion can hide in one)."""
    text = path.read_text(encoding="utf-8")
    docs = {n for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            for n in range(node.lineno, node.end_lineno + 1)}
    comments = {tok.start[0]: tok.start[1] for tok in tokenize.generate_tokens(io.StringIO(text).readline)
                if tok.type == tokenize.COMMENT}
    return tuple((n, line[:comments.get(n, len(line))]) for n, line in enumerate(text.splitlines(), 1)
                 if n not in docs)


def copies(pattern: str, home: tuple[str, ...]) -> list[str]:
    """``file:line`` of every code line matching ``pattern`` outside the ``home`` files."""
    regex = re.compile(pattern)
    return [f"{path.relative_to(PROJECT)}:{n}" for path in APP_CODE if path.name not in home
            for n, line in code_lines(path) if regex.search(line)]


def test_configuration_identity_has_one_home():
    assert copies(r'"device", "precision", "topology", "pruning_pct"|"topology", "pruning_pct"',
                  ("vocabulary.py",)) == []
    assert (CONFIG_KEYS, VARIANT_KEYS) == (("device", "precision", "topology", "pruning_pct"),
                                           ("topology", "pruning_pct"))
    assert ("dataset", *CONFIG_KEYS) == MEASURED_CONFIG_KEYS and (*VARIANT_KEYS, "precision") == NETWORK_KEYS


def test_time_units_and_seconds_per_input_have_one_home():
    time_name = r"(_ms\b|_s\b|_us\b|_s\"|_ms\"|µs|latency|seconds)"
    literal = r"(\b1e3\b|\b1e6\b|\b1e-3\b|\b1e-6\b|\b1000(\.0)?\b)"
    assert copies(rf"{time_name}.*[*/] *{literal}|{literal} *[*/].*{time_name}", ("units.py",)) == []
    assert copies(r"\b1(\.0)? */ *\(?[\w\[\]\"']*(fps|inputs_per_s|per_input_s)", ("units.py",)) == []
    assert float(ms_from_s(0.25)) == 250.0 and float(us_from_s(0.25)) == 250_000.0 and float(s_from_ms(250)) == 0.25
    assert float(batch_latency_ms(8, 400.0)) == 20.0 and float(throughput_of(8, 20.0)) == 400.0
    assert float(seconds_per_input(400.0)) == 0.0025 and float(inputs_per_s_from_seconds(0.0025)) == 400.0


def test_weights_fit_on_chip_has_one_home():
    assert copies(r"weight_bytes.*<=.*on_chip|on_chip.*>=.*weight_bytes", ("traffic.py",)) == []
    assert list(weights_fit_on_chip(np.array([1e6, 1e6 + 1, 5.0]), np.array([1.0, 1.0, np.nan]))) == [True, False,
                                                                                                      False]


def test_the_checks_above_find_a_planted_copy(tmp_path: Path, monkeypatch):
    planted = tmp_path / "planted.py"
    planted.write_text('"""latency_ms * 1000.0 in a docstring is prose."""\nKEYS = ["topology", "pruning_pct"]\n'
                       'x = latency_s * 1000.0  # a copy\nrate = 1.0 / row["fps"]\n')
    monkeypatch.setattr(sys.modules[__name__], "APP_CODE", [planted])
    monkeypatch.setattr(sys.modules[__name__], "PROJECT", tmp_path)
    assert copies(r'"topology", "pruning_pct"', ()) == ["planted.py:2"]
    assert copies(r"_s\b.*[*/] *\b1000(\.0)?\b", ()) == ["planted.py:3"]
    assert copies(r"\b1(\.0)? */ *\(?[\w\[\]\"']*(fps|inputs_per_s|per_input_s)", ()) == ["planted.py:4"]


# --- the README's layout lists every module ---

def layout_paths(readme: str) -> set[str]:
    """Paths named by the README's layout tree: indentation (2 spaces a level) nests a name under the
    folder above it; a line may start with several ``*.py`` names of one folder."""
    section = readme.split("## Layout", 1)[1].split("```", 2)[1]
    paths: set[str] = set()
    stack: list[tuple[int, str]] = []
    for line in section.splitlines():
        depth, words = (len(line) - len(line.lstrip(" "))) // 2, line.split()
        if not words or not re.fullmatch(r"[\w.]+(/|\.py)", words[0]):
            continue
        while stack and stack[-1][0] >= depth:
            stack.pop()
        folder = "".join(name for _, name in stack)
        if words[0].endswith("/"):
            stack.append((depth, words[0]))
            continue
        for word in words:
            if not re.fullmatch(r"\w+\.py", word):
                break
            paths.add(folder + word)
    return paths


def test_the_readme_layout_lists_every_module_where_it_lives():
    listed = layout_paths((PROJECT / "README.md").read_text(encoding="utf-8"))
    modules = {str(p.relative_to(PROJECT)) for folder in ("qb_core", "ui", "app_pages", "devtools")
               for p in (PROJECT / folder).rglob("*.py") if p.name != "__init__.py" or p.parent.name == "qb_core"}
    assert modules - listed == set()
    assert {p for p in listed if p.startswith(("qb_core/", "ui/", "app_pages/", "devtools/"))} - modules == set()

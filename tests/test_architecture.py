"""The shape of the code holds (issue 26): no import circle, no layer of ``qb_core`` importing a higher
one, no project import inside a function, the core free of the app; the checker itself catches each
of those when they are planted."""

from __future__ import annotations

from pathlib import Path

from devtools import imports


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

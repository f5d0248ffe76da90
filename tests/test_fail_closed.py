"""Extension points fail closed and facts have one home (issue 26): a CLI command without its handler,
a platform family the app cannot draw, a model term without its quantity are refused loudly; the
above-peak tolerance lives in qb_core.units only."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qb_core.cli import main as cli_main
from qb_core.cli.main import COMMANDS, build_parser, run
from qb_core.cli.registry import Command
from qb_core.csv_io import DataFormatError
from qb_core.hardware.catalog import FAMILIES, FAMILIES_CSV, load_catalog, load_families
from qb_core.model import batch_model as bm
from qb_core.units import ABOVE_TOLERANCE, above

CORE = Path(__file__).resolve().parent.parent / "qb_core"


def _choices(parser) -> dict:
    return next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction").choices


def test_every_command_runs_its_own_handler():
    """The parser is built from COMMANDS: each subcommand's parsed arguments carry that command's
    run, so a command cannot exist without its handler nor reach another command's."""
    parser = build_parser()
    assert list(_choices(parser)) == [command.name for command in COMMANDS]
    for command in COMMANDS:
        assert _choices(parser)[command.name].get_default("run") is command.run, command.name
    assert len({id(command.run) for command in COMMANDS}) == len(COMMANDS)


def test_a_command_registered_twice_is_refused():
    twice = (*COMMANDS, Command(name=COMMANDS[0].name, help="again", add_arguments=lambda parser: None,
                                run=lambda args, out, err: 0))
    with pytest.raises(ValueError, match=COMMANDS[0].name):
        build_parser(twice)


def test_a_new_command_needs_only_its_registration(monkeypatch):
    """A command added to COMMANDS is parsed and run, with its own flags, through run()."""
    calls = []

    def add(parser):
        parser.add_argument("--times", type=int, default=1)

    def go(args, out, err):
        calls.append(args.times)
        out.write("done\n")
        return 0

    monkeypatch.setattr(cli_main, "COMMANDS", (*COMMANDS, Command(name="hello", help="says done", add_arguments=add,
                                                                  run=go)))
    out = io.StringIO()
    assert run(["hello", "--times", "3"], out, io.StringIO()) == 0
    assert calls == [3] and out.getvalue() == "done\n"


def test_a_family_the_app_cannot_draw_is_refused_at_load(tmp_path: Path):
    bad = tmp_path / "neuro.csv"
    bad.write_text("platform,family,bandwidth_gbps,peak_tops_int8\nNeuro1,Neuromorphic,10,5\n")
    with pytest.raises(DataFormatError, match="Neuromorphic"):
        load_catalog(bad)
    err = io.StringIO()
    assert run(["predict", "--platforms", str(bad)], io.StringIO(), err) == 2 and "Neuromorphic" in err.getvalue()


def test_each_model_term_reads_its_own_quantity_by_name():
    rows = pd.DataFrame({"precision": ["INT8"], "bandwidth_gbps": [10.0], "peak_tops": [2.0], "on_chip_mb": [1.0],
                         "params": [3_000_000.0], "conv_ops": [8e8], "depthwise_ops": [1e8], "fc_ops": [1e8],
                         "activation_elems": [5e5], "mac_layers": [12.0]})
    q = dict(zip(bm.TERM_NAMES, bm.quantities(rows)[0], strict=True))
    assert q["macs_s"] == pytest.approx(1e9 / 2e12) and q["layer_s"] == 12.0
    assert q["weights_s"] == pytest.approx((3e6 - 1e6) / 10e9) and q["activations_s"] == pytest.approx(5e5 / 10e9)
    assert q["batch_s"] == q["input_s"] == 1.0


def test_a_term_without_its_quantity_is_refused(monkeypatch):
    monkeypatch.setattr(bm, "TERMS", (*bm.TERMS, bm.Term("cache_s", "input", "cache misses", "misses", "seconds")))
    rows = pd.DataFrame({"precision": ["INT8"], "bandwidth_gbps": [10.0], "peak_tops": [2.0], "on_chip_mb": [1.0],
                         "params": [1.0], "conv_ops": [1.0], "depthwise_ops": [0.0], "fc_ops": [0.0],
                         "activation_elems": [1.0], "mac_layers": [1.0]})
    with pytest.raises(KeyError, match="cache_s"):
        bm.quantities(rows)


def test_the_above_peak_tolerance_has_one_home():
    assert above(1.0 + 2 * ABOVE_TOLERANCE, 1.0) and not above(1.0 + ABOVE_TOLERANCE / 2, 1.0)
    assert not bool(above(np.nan, 1.0)) and not bool(above(1.0, np.nan))
    copies = [f"{p.name}:{n}" for p in CORE.rglob("*.py") if p.name != "units.py"
              for n, line in enumerate(p.read_text().splitlines(), 1)
              if re.search(r"1\s*\+\s*1e-\d+|\+\s*1e-9", line)]
    assert copies == []


def test_a_family_is_a_row_of_data_families_csv(tmp_path: Path):
    assert tuple(pd.read_csv(FAMILIES_CSV)["family"]) == FAMILIES and FAMILIES[-1] == "Other"
    grown = tmp_path / "families.csv"
    grown.write_text(FAMILIES_CSV.read_text() + "Neuromorphic,spiking chips\n")
    assert load_families(grown) == (*FAMILIES, "Neuromorphic")
    for text in ("family,what\n", "family,what\nFPGA,a\nFPGA,b\nOther,c\n", "family,what\nFPGA,a\n", "what\nx\n"):
        grown.write_text(text)
        with pytest.raises(DataFormatError, match="distinct names, Other among them"):
            load_families(grown)

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

from qb_core.cli.main import STREAM_COMMANDS, TABLE_COMMANDS, commands, run
from qb_core.csv_io import DataFormatError
from qb_core.hardware.catalog import FAMILIES, FAMILIES_CSV, load_catalog, load_families
from qb_core.model import batch_model as bm
from qb_core.units import ABOVE_TOLERANCE, above

CORE = Path(__file__).resolve().parent.parent / "qb_core"


def test_every_command_has_exactly_one_handler():
    assert commands() == set(TABLE_COMMANDS) | set(STREAM_COMMANDS)
    assert not set(TABLE_COMMANDS) & set(STREAM_COMMANDS)


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

"""Measure this machine (issue 27): the command line's export, measure and host-roofline, and the
page that runs them here and puts the results into the session as your platform and your rows."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from devtools.apptest import new_app, open_page
from qb_core.cli.main import run
from qb_core.hardware.catalog import load_catalog
from qb_core.host.roofline import measure_host_roofline, to_platform_row
from qb_core.networks.bundled import network_layers
from qb_core.networks.files import read_network_path
from qb_core.networks.layer_csv import layer_table_csv
from qb_core.networks.onnx_export import default_shape
from ui import measure_here


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


class TestCommandLine:
    def test_export_writes_a_graph_that_imports_as_the_bundled_table(self, tmp_path: Path):
        target = tmp_path / "cnv.onnx"
        code, _, err = cli("export", "cnv 25%", "--output", str(target))
        assert code == 0 and "input N x 3x32x32" in err
        back = read_network_path(target).layers
        expected = network_layers("CNV", 25.0)
        assert back[list(expected.columns)].astype(str).equals(expected.astype(str))

    def test_export_of_a_layer_table_csv_round_trips(self, tmp_path: Path):
        table = network_layers("MLP", 50.0)
        source = tmp_path / "mine.csv"
        source.write_text(layer_table_csv(table))
        code, _, _ = cli("export", f"{source}:Mine", "--output", str(tmp_path / "mine.onnx"))
        assert code == 0
        back = read_network_path(tmp_path / "mine.onnx").layers
        assert back["ops"].tolist() == table["ops"].tolist() and back["weights"].tolist() == table["weights"].tolist()

    def test_measure_writes_one_row_per_batch_in_the_tidy_schema(self, tmp_path: Path):
        code, out, err = cli("measure", "MLP 12.5%", "--batch", "1,4", "--runs", "3", "--warmup", "1")
        assert code == 0, err
        rows = pd.read_csv(io.StringIO(out))
        assert rows["batch"].tolist() == [1, 4] and set(rows["task"]) == {"mnist"}
        assert rows["fps_comp"].tolist() == pytest.approx((1000 * rows["batch"] / rows["lat_comp_ms"]).tolist())
        assert (rows["lat_comp_ms"] <= rows["lat_sys_ms"]).all()  # the board waits for the run and more
        assert rows["ops_per_input"].tolist() == [network_layers("MLP", 12.5)["ops"].sum()] * 2
        assert set(rows["family"]) == {"CPU"} and rows["platform"].str.startswith("Host-").all()
        assert rows["full_power_w"].isna().all()  # never estimated
        assert "host:" in err

    def test_measure_refuses_what_it_cannot_run_in_one_line(self, tmp_path: Path):
        bad = tmp_path / "bad.onnx"
        bad.write_bytes(b"\x08\x07not a model at all")
        for argv in (("measure", "NoSuchNet"), ("measure", str(bad)), ("measure", "CNV", "--batch", "0"),
                     ("export", "CNV", "--output", str(tmp_path / "missing" / "x.onnx"))):
            code, out, err = cli(*argv)
            assert code == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err, (argv, err)

    def test_host_roofline_writes_a_platform_row_the_catalog_reads(self, tmp_path: Path):
        target = tmp_path / "host.csv"
        code, _, err = cli("host-roofline", "--matrix-side", "64", "--triad-mb", "4", "--budget-s", "30", "--output",
                           str(target))
        assert code == 0, err
        row = load_catalog(target).iloc[0]
        assert row["family"] == "CPU" and row["bandwidth_gbps"] > 0 and row["peak_tops_fp32"] > 0
        assert "% of the theoretical" in err or "FP32 peak" in err

    def test_a_layer_tables_default_input_is_an_image_where_it_can_be(self):
        assert default_shape(3 * 32 * 32) == (3, 32, 32)
        assert default_shape(28 * 28) == (1, 28, 28)
        assert default_shape(1000) == (1000,)


@pytest.fixture(scope="module")
def small_roofline():
    """A roofline measured here on small arrays (a page test needs its shape, not its figures)."""
    roofline = measure_host_roofline(budget_s=30, matrix_side=64, triad_bytes=4_000_000, repeats=2)
    return to_platform_row(roofline), roofline


class TestPage:
    def test_measuring_keeps_every_batch_as_rows_every_page_reads(self):
        at = open_page(new_app().run(), "measure_here")
        assert not at.exception and "This machine:" in at.info[0].value
        at.selectbox(key="measure_network").set_value("CNV 50%").run()
        at.multiselect(key="measure_batches").set_value([1, 2]).run()
        at.button(key="measure_go").click().run()
        assert not at.exception and not at.error
        rows = at.session_state[measure_here.ROWS_KEY]
        assert rows["batch"].tolist() == [1, 2] and set(rows["pruning_pct"]) == {50.0}
        shown = at.dataframe[0].value
        assert len(shown) == 2
        assert measure_here.MEASURED_NAME in at.session_state["uploads"]
        platform = rows["platform"].iloc[0]
        open_page(at, "overview")
        assert not at.exception
        assert platform in at.table[0].value.index.astype(str).tolist()  # a row of its own beside the bundled boards

    def test_the_roofline_becomes_your_platform_and_pairs_with_your_rows(self, small_roofline):
        at = new_app().run()
        at.session_state[measure_here.ROOFLINE_KEY] = small_roofline
        open_page(at, "measure_here")
        row = small_roofline[0]
        at.button(key="host_use").click().run()
        assert not at.exception
        assert [r["platform"] for r in at.session_state["custom_platforms"]] == [row["platform"]]
        assert any(row["platform"] in s.value for s in at.success)
        at.multiselect(key="measure_batches").set_value([1]).run()
        at.button(key="measure_go").click().run()
        open_page(at, "efficiency")
        paired = at.dataframe[0].value  # the join's paired rows
        host = paired[paired["config"].astype(str).str.startswith(row["platform"])]
        assert len(host) == 1  # measured here, predicted from the roofline measured here
        ops = float(network_layers("CNV", 100.0)["ops"].sum())
        weights = float(network_layers("CNV", 100.0)["weights"].sum()) * 4  # FP32 weights read once per input
        roof = min(row["peak_tops_fp32"] * 1e12, row["bandwidth_gbps"] * 1e9 * ops / weights)
        assert host["predicted_fps"].item() == pytest.approx(roof / ops, rel=1e-6)

    def test_forgetting_removes_the_rows_from_every_page(self):
        at = open_page(new_app().run(), "measure_here")
        at.multiselect(key="measure_batches").set_value([1]).run()
        at.button(key="measure_go").click().run()
        at.button(key="measure_forget").click().run()
        assert measure_here.MEASURED_NAME not in at.session_state["uploads"]
        assert not at.dataframe

import io
import subprocess
import sys

import pandas as pd
import pytest

from qb_core.paths import PROJECT_DIR


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qb_core", *args], cwd=PROJECT_DIR,
                          capture_output=True, text=True, timeout=60)


def table(*args: str) -> pd.DataFrame:
    done = cli(*args)
    assert done.returncode == 0, done.stderr
    return pd.read_csv(io.StringIO(done.stdout))


def test_topologies_columns_and_figures():
    out = table("topologies")
    assert {"topology", "pruning_pct", "params", "ops_per_input", "intensity_int8"} <= set(out.columns)
    assert out["ops_per_input"].tolist() == [469_449_728, 118_922_752, 30_510_848, 8_017_792]
    assert table("topologies", "--task", "mnist")["params"].iloc[0] == 10_014_720


def test_predict_contract_and_what_if_flags():
    out = table("predict")
    contract = {"platform", "op_mode", "precision", "topology", "pruning_pct", "ops_per_input", "weight_bytes",
                "intensity", "peak_tops", "bandwidth_gbps", "attainable_tops", "inputs_per_s", "bound"}
    assert contract <= set(out.columns)
    assert set(out["bound"]) == {"memory", "compute"}
    doubled = table("predict", "--bandwidth-scale", "2", "--peak-scale", "3")
    assert (doubled["bandwidth_gbps"] == 2 * out["bandwidth_gbps"]).all()
    assert doubled["peak_tops"].to_numpy() == pytest.approx(3 * out["peak_tops"].to_numpy())


def test_predict_storage_flags_and_custom_platforms(tmp_path):
    batched = table("predict", "--weights", "per-batch", "--batch", "4")
    base = table("predict")
    assert batched["intensity"].to_numpy() == pytest.approx(4 * base["intensity"].to_numpy())
    custom = tmp_path / "mine.csv"
    custom.write_text("platform,op_mode,family,peak_tops_int8,bandwidth_gbps\nMyBoard,,FPGA,10,100\n")
    out = table("predict", "--platforms", str(custom))
    mine = out[out["platform"] == "MyBoard"]
    assert len(mine) == 4 and (mine["precision"] == "INT8").all()


def test_overview_and_pareto():
    overview = table("overview")
    assert "na" in set(overview["CNV"])
    front = table("pareto")
    assert {"config", "fps_comp", "top1"} <= set(front.columns)
    assert front["fps_comp"].is_monotonic_increasing and front["top1"].is_monotonic_decreasing
    finn = table("pareto", "--platform", "ZCU104-FINN")
    assert set(finn["platform"]) == {"ZCU104-FINN"}


def test_import_qutibench_writes_the_tidy_table(tmp_path, fixtures):
    target = tmp_path / "out.csv"
    done = cli("import-qutibench", str(fixtures / "qutibench_quirks.csv"), "--output", str(target))
    assert done.returncode == 0
    assert "line 8: skipped: no measured values" in done.stderr
    assert len(pd.read_csv(target)) == 10  # 14 data lines, 4 skipped


@pytest.mark.parametrize("args", [
    ("predict", "--bandwidth-scale", "0"),
    ("predict", "--peak-scale", "abc"),
    ("predict", "--task", "coco"),
    ("predict", "--batch", "0"),
    ("frobnicate",),
    ("import-qutibench", "/no/such/file.csv"),
    ("predict", "--platforms", "/no/such/platforms.csv"),
])
def test_bad_arguments_exit_2_with_one_line(args):
    done = cli(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_malformed_platform_file_is_one_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("platform,op_mode,family,peak_tops_int8,bandwidth_gbps\nMyBoard,,FPGA,10,0\n")
    done = cli("predict", "--platforms", str(bad))
    assert done.returncode == 2 and "bandwidth must be a number above 0" in done.stderr


def test_pareto_over_other_objectives():
    front = table("pareto", "--x", "lat_comp_ms")
    assert front["lat_comp_ms"].is_monotonic_increasing and front["top1"].is_monotonic_increasing
    efficient = table("pareto", "--x", "inputs_per_joule", "--y", "full_power_w")
    assert (efficient["inputs_per_joule"] == efficient["fps_comp"] / efficient["full_power_w"]).all()
    assert cli("pareto", "--x", "colour").returncode == 2


def test_a_closed_pipe_is_not_an_error(tmp_path, fixtures):
    lines = (fixtures / "template_rows.csv").read_text().splitlines()
    big = tmp_path / "big.csv"
    big.write_text("\n".join([lines[0], *lines[1:] * 3000]) + "\n")  # far more than a pipe buffer holds
    done = subprocess.run(f"{sys.executable} -m qb_core import-qutibench {big} | head -1", shell=True,
                          cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120)
    assert done.stdout.startswith("task,topology")
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr

"""The command line's contract: CSV on stdout, one line on stderr and exit 2 for what a user gets
wrong. Commands run in-process (``qb_core.cli.main.run``); two tests start a real interpreter for
``python -m qb_core`` and a closed pipe."""

from __future__ import annotations

import io
import subprocess
import sys
from dataclasses import dataclass

import pandas as pd
import pytest

from qb_core.cli.estimate import ESTIMATE_COLUMNS
from qb_core.cli.main import run
from qb_core.model.batch_model import CALIBRATE_COLUMNS
from qb_core.paths import PROJECT_DIR


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


def cli(*args: str) -> Done:
    out, err = io.StringIO(), io.StringIO()
    try:
        code = run(list(args), out, err)
    except SystemExit as exit_:  # argparse's own refusals
        code = exit_.code
    return Done(code, out.getvalue(), err.getvalue())


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


def test_efficiency_prints_the_join_with_the_issue_columns():
    out = table("efficiency")
    contract = ["device", "platform", "op_mode", "precision", "topology", "pruning_pct", "status", "measured_fps",
                "measured_batch", "predicted_fps", "efficiency_pct", "bound", "intensity", "measured_tops", "reason"]
    assert set(contract) <= set(out.columns)
    assert out["status"].value_counts().to_dict() == {"paired": 46, "predicted-only": 34}
    tx2 = out[(out["device"] == "TX2-maxp") & (out["precision"] == "FP16") & (out["pruning_pct"] == 100)]
    assert round(tx2["efficiency_pct"].item(), 1) == 79.2
    doubled = table("efficiency", "--bandwidth-scale", "2")
    finn = doubled[(doubled["device"] == "ZCU104-FINN") & (doubled["precision"] == "INT2")
                   & (doubled["pruning_pct"] == 100)]
    assert finn["efficiency_pct"].item() == pytest.approx(2979.082 / (2 * 19.2e9 / 1_539_424) * 100)


def test_efficiency_lists_an_uploaded_unknown_board_as_measured_only(tmp_path, fixtures):
    done = cli("efficiency", "--measurements", str(fixtures / "qutibench_quirks.csv"))
    assert done.returncode == 0
    assert "line 8: skipped: no measured values" in done.stderr
    out = pd.read_csv(io.StringIO(done.stdout))
    board = out[out["platform"] == "MyBoard"]
    assert board["status"].tolist() == ["measured-only"]
    assert "is not in the hardware catalog" in board["reason"].item()


def test_calibrate_fits_every_task_and_prints_the_contract_columns():
    out = table("calibrate", "--holdout", "variant", "--level", "accelerator")
    assert list(out.columns) == list(CALIBRATE_COLUMNS)
    assert set(out["task"]) == {"cifar10", "mnist", "imagenet"} and set(out["level"]) == {"accelerator"}
    measured = pd.read_csv(PROJECT_DIR / "data" / "measurements.csv")
    with_figures = measured[measured["fps_comp"].notna() | measured["lat_comp_ms"].notna()]
    assert len(out) == len(with_figures[["device", "precision", "topology", "pruning_pct"]].drop_duplicates())
    tested = out[out["evidence"] == "tested"]
    assert (tested["status"] == "tested").all() and tested["band_low_fps"].notna().all()
    assert out.loc[out["evidence"] != "tested", "band_low_fps"].isna().all()
    assert out.loc[out["evidence"] != "tested", "status"].str.startswith("untested: ").all()
    error = 100 * (out["predicted_fps"] - out["measured_fps"]) / out["measured_fps"]  # throughput-best: on fps
    assert out["error_pct"].to_numpy() == pytest.approx(error.to_numpy())
    latency = table("calibrate", "--question", "latency-b1")
    assert (latency["batch"] == 1).all() and set(latency["level"]) == {"board"}
    error = 100 * (latency["predicted_latency_ms"] - latency["measured_latency_ms"]) / latency["measured_latency_ms"]
    assert latency["error_pct"].to_numpy() == pytest.approx(error.to_numpy(), nan_ok=True)
    finn = table("calibrate", "--level", "accelerator")
    finn = finn[finn["device"] == "ZCU104-FINN"].set_index("topology")["status"]
    assert set(finn["CNV"]) == {"untested: ZCU104-FINN's accelerator fit rests on 1 network(s) (MLP): too few for "
                                "a network hold-out"}
    coefficients = table("calibrate", "--coefficients")
    assert len(coefficients) == 6 * len(coefficients[["platform", "level"]].drop_duplicates())
    assert cli("calibrate", "--holdout", "platform").returncode == 2
    assert cli("calibrate", "--question", "batch").returncode == 2  # batch N needs --batch


def test_estimate_answers_one_network_on_every_device_with_its_evidence(tmp_path):
    out = table("estimate", "--network", "ResNet-50 80%", "--precision", "FP16")
    assert list(out.columns) == list(ESTIMATE_COLUMNS)
    assert set(out["device"]) == {"TX2-maxn", "TX2-maxp", "TX2-maxq", "NCS2"} and set(out["batch"]) == {1}
    tx2 = out.set_index("device").loc["TX2-maxn"]
    assert tx2["evidence"] == "tested" and tx2["latency_low_ms"] < tx2["latency_ms"] < tx2["latency_high_ms"]
    assert tx2["fps"] == pytest.approx(1000 / tx2["latency_ms"])
    measured = table("estimate", "--network", "ResNet-50", "--device", "NCS2", "--level", "accelerator")
    assert measured[["precision", "evidence"]].values.tolist() == [["INT8", "untested"], ["FP16", "measured"]]
    data = pd.read_csv(PROJECT_DIR / "data" / "measurements.csv")
    ncs2 = data[(data["device"] == "NCS2") & (data["topology"] == "ResNet-50") & (data["pruning_pct"] == 100)
                & (data["batch"] == 1)]
    assert measured["latency_ms"].iloc[1] == pytest.approx(ncs2["lat_comp_ms"].item())
    layers = tmp_path / "tiny.csv"
    layers.write_text("layer,type,ops,weights,in_activations,out_activations\nc1,conv,884736,448,3072,16384\n"
                      "fc,fc,320,170,16,10\n")
    mine = table("estimate", "--network", f"{layers}:Tiny", "--device", "EdgeTPU-fast", "--batch", "1")
    assert mine["network"].tolist() == ["Tiny"] and mine["evidence"].tolist() == ["untested"]
    assert "ops per input is more than 4x outside" in mine["reason"].iloc[0]
    assert cli("estimate", "--network", "NoSuchNet").returncode == 2


def test_import_qutibench_writes_the_tidy_table(tmp_path, fixtures):
    target = tmp_path / "out.csv"
    done = cli("import-qutibench", str(fixtures / "qutibench_quirks.csv"), "--output", str(target))
    assert done.returncode == 0
    assert "line 8: skipped: no measured values" in done.stderr
    assert len(pd.read_csv(target)) == 10  # 14 data lines, 4 skipped


def test_names_that_look_like_formulas_are_escaped_and_read_back(tmp_path):
    source = tmp_path / "evil.csv"
    source.write_text("NN_Topology,HWType,Precision,batch/thread/stream,fps-comp,top1 [%],PruningFactor\n"
                      "CNV,=HYPERLINK(\"http://x\"),INT8,1,100,80,100%\n")
    done = cli("import-qutibench", str(source))
    assert "'=HYPERLINK" in done.stdout  # a spreadsheet shows it as text
    target = tmp_path / "tidy.csv"
    target.write_text(done.stdout)
    front = table("pareto", "--measurements", str(target))
    assert front["platform"].tolist() == ["'=HYPERLINK(\"http://x\")"]  # escaped again on the way out
    assert cli("efficiency", "--measurements", str(target)).returncode == 0


@pytest.mark.parametrize(("args", "message"), [
    (("predict", "--bandwidth-scale", "0"), "must be a number above 0"),
    (("predict", "--peak-scale", "abc"), "is not a number"),
    (("predict", "--task", "coco"), "invalid choice"),
    (("predict", "--batch", "0"), "must be at least 1"),
    (("frobnicate",), "invalid choice"),
    (("import-qutibench", "/no/such/file.csv"), "file not found: /no/such/file.csv"),
    (("predict", "--platforms", "/no/such/platforms.csv"), "file not found: /no/such/platforms.csv"),
    (("pareto", "--measurements", "/no/such/m.csv"), "file not found: /no/such/m.csv"),
    (("efficiency", "--measurements", "/no/such/m.csv"), "file not found: /no/such/m.csv"),
])
def test_bad_arguments_exit_2_with_one_line(args, message):
    done = cli(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert message in done.stderr


def test_an_empty_file_is_named_the_same_way_by_every_command(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    for command in (("import-qutibench", str(empty)), ("pareto", "--measurements", str(empty)),
                    ("efficiency", "--measurements", str(empty)), ("predict", "--platforms", str(empty))):
        done = cli(*command)
        assert done.returncode == 2
        assert done.stderr.strip() == f"qb_core: {empty}: the file is empty", command


def test_malformed_platform_file_is_one_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("platform,op_mode,family,peak_tops_int8,bandwidth_gbps\nMyBoard,,FPGA,10,0\n")
    done = cli("predict", "--platforms", str(bad))
    assert done.returncode == 2 and "bandwidth must be a number above 0" in done.stderr


def test_impossible_uploaded_values_never_reach_the_front(tmp_path):
    source = tmp_path / "inf.csv"
    source.write_text("NN_Topology,HWType,Precision,batch/thread/stream,fps-comp,top1 [%],PruningFactor\n"
                      "CNV,MyBoard,INT8,1,inf,90,100%\nCNV,MyBoard,INT8,2,1e309,90,100%\n"
                      "CNV,MyBoard,INT8,4,500,150,100%\nCNV,MyBoard,INT8,8,400,88,100%\n")
    done = cli("pareto", "--measurements", str(source))
    assert done.returncode == 0
    front = pd.read_csv(io.StringIO(done.stdout))
    assert front["fps_comp"].tolist() == [400.0]
    assert "line 2: skipped: fps_comp 'inf' is outside the valid range" in done.stderr
    assert "line 4: skipped: top1_pct '150' is outside the valid range" in done.stderr


def test_pareto_over_other_objectives():
    front = table("pareto", "--x", "lat_comp_ms")
    assert front["lat_comp_ms"].is_monotonic_increasing and front["top1"].is_monotonic_increasing
    efficient = table("pareto", "--x", "inputs_per_joule", "--y", "full_power_w")
    assert (efficient["inputs_per_joule"] == efficient["fps_comp"] / efficient["full_power_w"]).all()
    assert cli("pareto", "--x", "colour").returncode == 2


def test_python_dash_m_runs_the_command_line():
    done = subprocess.run([sys.executable, "-m", "qb_core", "topologies"], cwd=PROJECT_DIR, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("topology,task,pruning_pct")
    bad = subprocess.run([sys.executable, "-m", "qb_core", "predict", "--batch", "0"], cwd=PROJECT_DIR,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def test_a_closed_pipe_is_not_an_error(tmp_path, fixtures):
    lines = (fixtures / "template_rows.csv").read_text().splitlines()
    big = tmp_path / "big.csv"
    big.write_text("\n".join([lines[0], *lines[1:] * 3000]) + "\n")  # far more than a pipe buffer holds
    done = subprocess.run(f"{sys.executable} -m qb_core import-qutibench {big} | head -1", shell=True,
                          cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120)
    assert done.stdout.startswith("task,topology")
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_predict_adds_a_network_file_to_the_grid(tmp_path):
    template = PROJECT_DIR / "data" / "layer_table_template.csv"
    base, more = table("predict"), table("predict", "--network", str(template))
    added = more[more["topology"] == "layer_table_template"]
    assert len(more) == len(base) + len(added) and len(added) == len(base) // 4  # one variant beside CNV's four
    layers = pd.read_csv(template)
    assert (added["ops_per_input"] == layers["ops"].sum()).all() and (added["params"] == layers["weights"].sum()).all()
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x08not a model")
    done = cli("predict", "--network", str(bad))
    assert done.returncode == 2 and "bad.onnx" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_network_prints_the_layer_table_and_find_answers_the_worked_example():
    layers = table("network", str(PROJECT_DIR / "data" / "layer_table_template.csv"))
    assert list(layers.columns) == ["layer", "type", "ops", "weights", "in_activations", "out_activations"]
    found = table("find", "--topology", "CNV", "--precision", "INT2", "--min-fps", "10000", "--max-power-w", "5",
                  "--level", "accelerator")
    assert len(found) == 5 and not found["meets"].any()
    assert found.iloc[0]["misses"] == "power 12.6 W > 5 W limit"
    assert cli("find", "--max-power-w", "0").returncode == 2


def test_find_answers_from_a_file_whose_board_no_prediction_knows(tmp_path):
    mine = tmp_path / "mine.csv"
    mine.write_text("NN_Topology,HWType,Precision,batch/thread/stream,lat-comp,fps-comp,top1 [%],FullPwr [W],"
                    "PruningFactor\nCNV,MyBoard,INT8,1,0.1,9000,85,3.0,100%\n")
    done = cli("find", "--measurements", str(mine), "--max-power-w", "5", "--level", "accelerator")
    assert done.returncode == 0 and "only measured deployments" in done.stderr
    answer = pd.read_csv(io.StringIO(done.stdout))
    assert answer[["device", "source", "meets"]].values.tolist() == [["MyBoard", "measured", True]]


@pytest.mark.parametrize("argv,flag", [
    (["predict", "--batch", "2000000"], "--batch"),
    (["efficiency", "--batch", "1000001"], "--batch"),
    (["calibrate", "--batch", "1000001"], "--batch"),
    (["find", "--latency-batch", "1000001"], "--latency-batch"),
    (["find", "--question", "batch"], "--question/--batch"),
])
def test_a_batch_no_question_can_take_is_one_line_and_exit_2(argv, flag):
    """A batch above 1,000,000 (what a Storage and a question accept) or a question at batch N without
    N is refused at the flag, never a traceback from deep inside the service."""
    err = io.StringIO()
    assert run(argv, io.StringIO(), err) == 2
    assert flag in err.getvalue() and len(err.getvalue().strip().splitlines()) == 1

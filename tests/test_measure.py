"""Measuring on this machine (qb_core.host.measure) and its roofline (qb_core.host.roofline): the rows'
arithmetic, the budget, stop and refusals, the contribution CSV read back by the importer, and the
host platform read back as a user's platform. Tiny networks, few runs: fast on a busy machine."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import replace
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest
from onnx import TensorProto, helper, numpy_helper

from qb_core.hardware.whatif import platforms_from_csv
from qb_core.host.measure import MEASURE_COLUMNS, MeasureError, measure_onnx, to_contribution_csv
from qb_core.host.roofline import (
    HostInfo,
    host_info,
    host_platform_name,
    measure_host_roofline,
    stream_triad,
    theoretical_peaks,
    to_platform_row,
)
from qb_core.measurements.dataset import TIDY_COLUMNS, read_any
from qb_core.networks.onnx_export import bundled_onnx


@lru_cache(maxsize=1)
def cnv() -> bytes:
    return bundled_onnx("CNV", 12.5)


def fixed_batch_model() -> bytes:
    """x [1, 8] @ w [8, 4]: a model whose batch is fixed at 1."""
    w = numpy_helper.from_array(np.ones((8, 4), dtype=np.float32), "w")
    graph = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"], name="fc")], "fixed",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])], [w])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model.SerializeToString()


def measured(**kwargs):
    args = {"batches": [1, 4], "runs": 5, "warmup": 1, "threads": 1, "topology": "CNV", "pruning_pct": 12.5}
    return measure_onnx(cnv(), **(args | kwargs))


# --- measure_onnx -------------------------------------------------------------------------------

def test_rows_follow_the_schema_and_their_own_arithmetic():
    result = measured(power_w=12.0)
    rows = result.rows
    assert tuple(rows.columns) == MEASURE_COLUMNS and tuple(rows.columns[:len(TIDY_COLUMNS)]) == TIDY_COLUMNS
    assert rows["batch"].tolist() == [1, 4] and result.skipped == () and not result.stopped
    assert (rows["task"] == "cifar10").all() and (rows["family"] == "CPU").all() and (rows["level"] == "l2").all()
    assert (rows["platform"] == host_platform_name()).all() and rows["platform"].iloc[0].startswith("Host-")
    assert (rows["ops_per_input"] == 8_017_792).all()  # CNV 12.5 %, the layer model's count
    assert (rows["full_power_w"] == 12.0).all() and rows[["top1_pct", "base_power_w"]].isna().all(axis=None)
    np.testing.assert_allclose(rows["fps_comp"], rows["batch"] / (rows["lat_comp_ms"] / 1e3))
    np.testing.assert_allclose(rows["fps_system"], rows["batch"] / (rows["lat_sys_ms"] / 1e3))
    np.testing.assert_allclose(rows["tp_comp_ops_per_s"], rows["fps_comp"] * 8_017_792)
    for level in ("sys", "comp"):
        p50, p90, p99 = (rows[f"lat_{level}_p{p}_ms"] for p in (50, 90, 99))
        assert (p50 == rows[f"lat_{level}_ms"]).all() and (p50 <= p90).all() and (p90 <= p99).all()
    for p in (50, 90, 99):  # the board's time contains the accelerator's, run by run
        assert (rows[f"lat_sys_p{p}_ms"] >= rows[f"lat_comp_p{p}_ms"]).all()
    assert (rows["runs"] == 5).all() and (rows["threads"] == 1).all()
    assert rows["onnxruntime_version"].iloc[0] == host_info().onnxruntime_version


def test_progress_counts_every_run():
    calls = []
    measured(progress=lambda done, total, text: calls.append((done, total, text)))
    assert [c[0] for c in calls] == list(range(1, 13)) and {c[1] for c in calls} == {12}
    assert calls[0][2] == "batch 1: warm-up 1 of 1" and calls[-1][2] == "batch 4: run 5 of 5"


def test_the_budget_keeps_the_rows_measured_and_names_the_batch_it_skips():
    result = measured(batches=[1, 2, 1_000_000], runs=2, warmup=0, budget_s=5.0)
    assert result.rows["batch"].tolist() == [1, 2]
    (line,) = result.skipped
    assert line.startswith("batch 1000000: not measured: it would take about") and "of the 5 s budget" in line


def test_the_budget_cuts_a_batch_between_runs():
    started = time.perf_counter()
    result = measured(batches=[1], runs=10**6, warmup=0, budget_s=0.5)
    assert time.perf_counter() - started < 5
    assert result.rows.empty and list(result.rows.columns) == list(MEASURE_COLUMNS)
    assert result.skipped[0].startswith("batch 1: not measured: the 0.5 s budget ran out after")


def test_stop_ends_the_run_between_runs_and_keeps_finished_batches():
    calls = {"n": 0}

    def stop():
        calls["n"] += 1
        return calls["n"] > 8  # batch 1 takes 6 checks (1 warm-up + 5 runs)

    result = measured(batches=[1, 2, 4], stop=stop)
    assert result.stopped and result.rows["batch"].tolist() == [1]
    assert result.skipped[0].startswith("batch 2: not measured: stopped after")
    assert result.skipped[1] == "batch 4: not measured: stopped"


def test_a_batch_the_session_refuses_is_one_line_and_the_others_go_on():
    result = measure_onnx(fixed_batch_model(), [1, 2], runs=3, warmup=1, threads=1, topology="tiny")
    assert result.rows["batch"].tolist() == [1]
    (line,) = result.skipped
    assert line.startswith("batch 2: onnxruntime refused it: ") and "\n" not in line
    assert result.rows["ops_per_input"].iloc[0] == 64  # not a known network: counted from the model
    assert result.rows["task"].iloc[0] == "imagenet"  # the project's default task for other networks


def test_int8_runs_the_quantized_graph_and_leaves_logging_as_it_was():
    handlers = list(logging.root.handlers)
    result = measured(precision="INT8", batches=[2], runs=3)
    assert logging.root.handlers == handlers
    assert result.rows["precision"].tolist() == ["INT8"] and result.rows["lat_comp_ms"].iloc[0] > 0
    assert any("quantized statically to QDQ" in n for n in result.notes)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"batches": []}, "batches must be one or more whole numbers"),
    ({"batches": [0, 2]}, "batches must be one or more whole numbers"),
    ({"runs": 0}, "runs must be a whole number of at least 1"),
    ({"precision": "FP16"}, "precision must be one of FP32, INT8"),
    ({"provider": "NoSuchExecutionProvider"}, "provider 'NoSuchExecutionProvider' is not available"),
    ({"budget_s": float("nan")}, "the time budget must be"),
    ({"power_w": -3.0}, "power must be a measured number of watts"),
])
def test_bad_arguments_are_one_line(kwargs, match):
    with pytest.raises(MeasureError, match=match) as info:
        measured(**kwargs)
    assert "\n" not in str(info.value)


def test_bytes_that_are_not_a_model_are_one_line():
    with pytest.raises(MeasureError, match="not a readable ONNX model") as info:
        measure_onnx(b"\x08\x07garbage", [1], runs=1, warmup=0, threads=1)
    assert "\n" not in str(info.value)


# --- contribution CSV ---------------------------------------------------------------------------

def test_the_contribution_csv_reads_back_through_the_importer_with_the_same_figures():
    rows = measured(power_w=9.5).rows
    text = to_contribution_csv(rows)
    assert text.splitlines()[0].startswith("NN_Topology,HWType,Precision,Op mode,batch/thread/stream,lat-sys,")
    back = read_any(text.encode(), "mine.csv")
    got = back.measurements
    assert len(got) == len(rows)
    for column in ("topology", "platform", "precision", "task", "device", "config", "level"):
        assert got[column].astype(str).tolist() == rows[column].astype(str).tolist(), column
    for column in ("pruning_pct", "batch", "lat_sys_ms", "lat_comp_ms", "fps_system", "fps_comp", "full_power_w",
                   "ops_per_input", "tp_comp_ops_per_s"):
        np.testing.assert_allclose(got[column].astype(float), rows[column].astype(float), rtol=1e-12, err_msg=column)
    # the only remark: the host is not in the bundled catalog (its family reads back as Other)
    assert set(back.problems["severity"]) == {"warning"}
    assert back.problems["reason"].str.contains("is not in the hardware catalog").all()


# --- the host roofline --------------------------------------------------------------------------

def plain_triad_gbps(elements: int, repeats: int = 5) -> float:
    """The same triad written plainly (a = b + 3 c, block by block so each array streams once
    and no array-sized temporary does), bytes counted as STREAM does: 3 x 8 per element."""
    a, b, c = np.zeros(elements), np.full(elements, 1.5), np.full(elements, 2.0)
    block = 65_536
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        for low in range(0, elements, block):
            np.add(b[low:low + block], 3.0 * c[low:low + block], out=a[low:low + block])
        best = min(best, time.perf_counter() - start)
    assert np.all(a == 7.5)
    return 24 * elements / best / 1e9


def test_the_triad_matches_a_plain_numpy_triad_within_15_percent():
    elements = 48_000_000 // 8  # 3 x 48 MB: beyond the caches of common machines
    ours, plain = [], []
    for _ in range(2):  # interleaved, best of each: a busy machine slows both alike
        ours.append(stream_triad(elements, threads=1, repeats=5).gbps)
        plain.append(plain_triad_gbps(elements))
    assert stream_triad(1000, threads=2, repeats=1).correct
    assert max(ours) == pytest.approx(max(plain), rel=0.15)


def test_theoretical_peaks_from_first_principles():
    zen4 = replace(host_info(), vendor="AuthenticAMD", cpu_family=25, clock_ghz=2.6, clock_source="test",
                   flags=frozenset({"avx2", "avx512f", "fma", "avx512_vnni"}), physical_cores=2)
    fp32, int8, words = theoretical_peaks(zen4)
    assert fp32 == pytest.approx(2 * 2.6e9 * 2 * 8 * 2 / 1e12)  # 256-bit units: 8 FP32 lanes, FMA
    assert int8 == pytest.approx(2 * 2.6e9 * 2 * 32 * 2 / 1e12)  # 32 byte MACs per unit with VNNI
    assert "Zen 4" in words and "assumed" in words
    skylake = replace(zen4, vendor="GenuineIntel", cpu_family=6, flags=frozenset({"avx2", "avx512f", "fma"}))
    assert theoretical_peaks(skylake)[0] == pytest.approx(2 * 2.6e9 * 2 * 16 * 2 / 1e12)
    assert theoretical_peaks(skylake)[1] == pytest.approx(2 * 2.6e9 * 2 * 64 * 2 / 1e12 / 2)  # no VNNI: half
    assert theoretical_peaks(replace(zen4, clock_ghz=None))[:2] == (None, None)


def test_platform_names():
    intel = replace(host_info(), cpu_model="Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz")
    assert host_platform_name(intel) == "Host-Intel-Xeon-Platinum-8370C"
    amd = replace(host_info(), cpu_model="AMD Ryzen 9 7950X 16-Core Processor")
    assert host_platform_name(amd) == "Host-AMD-Ryzen-9-7950X"
    assert isinstance(host_info(), HostInfo) and host_info().logical_cpus >= 1


def test_host_roofline_reads_back_as_a_users_platform():
    calls = []
    roofline = measure_host_roofline(threads=1, budget_s=30, matrix_side=64, triad_bytes=8_000_000, repeats=2,
                                     progress=lambda *a: calls.append(a))
    assert [c[0] for c in calls] == [0, 1, 2, 3, 4, 5] and calls[-1][1] == 5
    assert all(v > 0 for v in (roofline.fp32_matmul_tops, roofline.fp32_conv_tops, roofline.int8_matmul_tops,
                               roofline.int8_conv_tops, roofline.bandwidth_gbps))
    assert roofline.peak_fp32_tops == max(roofline.fp32_matmul_tops, roofline.fp32_conv_tops)
    assert roofline.triad.correct and roofline.triad.elements == 1_000_000
    row = to_platform_row(roofline)
    assert row["power_w"] is None and row["family"] == "CPU" and row["toolflow"] == "onnxruntime"
    assert row["source"].startswith("measured on this machine: ") and "(theoretical: " in row["source"]
    catalog = platforms_from_csv(pd.DataFrame([row]).to_csv(index=False), "host.csv")
    got = catalog.iloc[0]
    assert got["platform"] == roofline.platform and got["family"] == "CPU" and got["execution"] == "layer-by-layer"
    assert got["peak_tops_fp32"] == pytest.approx(roofline.peak_fp32_tops)
    assert got["peak_tops_int8"] == pytest.approx(roofline.peak_int8_tops)
    assert got["bandwidth_gbps"] == pytest.approx(roofline.bandwidth_gbps)
    if host_info().llc_bytes:
        assert got["on_chip_mb"] == pytest.approx(host_info().llc_bytes / 1e6)


def test_host_roofline_stop_and_budget_leave_steps_empty_and_say_so():
    stopped = measure_host_roofline(threads=1, matrix_side=64, triad_bytes=8_000_000, repeats=1, stop=lambda: True)
    assert stopped.stopped and stopped.triad is None and stopped.fp32_matmul_tops is None
    with pytest.raises(ValueError, match="lacks a measured peak or bandwidth"):
        to_platform_row(stopped)
    quick = measure_host_roofline(threads=1, budget_s=1e-9, matrix_side=64, triad_bytes=8_000_000, repeats=1)
    assert quick.triad is None and any("budget ran out" in n for n in quick.notes)


def test_each_batch_is_handed_over_as_soon_as_it_is_measured():
    handed = []
    result = measured(batches=[1, 2, 4], on_rows=handed.append)
    assert [len(rows) for rows in handed] == [1, 1, 1]
    together = pd.concat(handed, ignore_index=True)
    assert together["batch"].tolist() == result.rows["batch"].tolist() == [1, 2, 4]
    assert together["lat_comp_ms"].tolist() == result.rows["lat_comp_ms"].tolist()

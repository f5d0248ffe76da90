"""qb_core.model.batch_model: the fit against a brute-force refit, hold-outs that never see what they
judge, evidence on constructed cases, answers at the question's batch and level, the target scale."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from qb_core.hardware.catalog import catalog_long
from qb_core.measurements.dataset import load_measurements
from qb_core.model import batch_model as bm
from qb_core.question import Asked


@pytest.fixture(scope="module")
def measured() -> pd.DataFrame:
    return load_measurements()


@pytest.fixture(scope="module")
def model(measured) -> bm.BatchModel:
    return bm.build_batch_model(measured, catalog_long())


@pytest.fixture(scope="module")
def grid() -> pd.DataFrame:
    return bm.model_grid(catalog_long())


def brute_force_fit(rows: pd.DataFrame) -> np.ndarray:
    """min sum (t_pred / t - 1)^2 with c_mac >= 1 and every other c >= 0, by trying every support
    with numpy's least squares on the rows themselves (not on normal equations)."""
    base = bm.quantities(rows)
    x = bm.design(base, rows["batch"].to_numpy(dtype=float)) / rows["time_s"].to_numpy(dtype=float)[:, None]
    bound = np.array([1.0 if t.claim == "peak" else 0.0 for t in bm.TERMS])
    target = 1.0 - x @ bound
    best, best_residual = np.zeros(6), float(target @ target)
    for size in range(1, 7):
        for support in itertools.combinations(range(6), size):
            columns = list(support)
            solution, *_ = np.linalg.lstsq(x[:, columns], target, rcond=None)
            if np.any(solution < 0):
                continue
            c = np.zeros(6)
            c[columns] = solution
            residual = float(np.sum((x @ c - target) ** 2))
            if residual < best_residual - 1e-12 * best_residual:
                best, best_residual = c, residual
    return best + bound


@pytest.mark.parametrize(("platform", "level", "left_out"), [
    ("TX2", "accelerator", "ResNet-50"), ("NCS2", "board", "CNV"), ("EdgeTPU", "accelerator", "MobileNetv1"),
    ("ZCU104-DPU", "board", "GoogLeNetv1"),
])
def test_held_out_predictions_equal_a_brute_force_refit_without_the_network(model, platform, level, left_out):
    rows = model.rows
    train = rows[(rows["platform"] == platform) & (rows["level"] == level) & (rows["topology"] != left_out)]
    coefficients = brute_force_fit(train)
    judged = rows[(rows["platform"] == platform) & (rows["level"] == level) & (rows["topology"] == left_out)]
    expected = bm.seconds(coefficients, bm.quantities(judged), judged["batch"].to_numpy(dtype=float))
    units = model.holdout[(model.holdout["question"] == "batch") & (model.holdout["platform"] == platform)
                          & (model.holdout["level"] == level) & (model.holdout["topology"] == left_out)]
    assert len(units) == len(judged)
    assert units["predicted"].to_numpy() == pytest.approx(expected, rel=1e-6)


def test_the_full_fit_equals_a_brute_force_refit(model):
    rows = model.rows
    for platform, level in (("TX2", "board"), ("NCS2", "accelerator")):
        train = rows[(rows["platform"] == platform) & (rows["level"] == level)]
        fitted = model.coefficients.loc[(platform, level), list(bm.TERM_NAMES)].to_numpy(dtype=float)
        assert fitted == pytest.approx(brute_force_fit(train), rel=1e-6, abs=1e-12)


def test_a_held_out_network_never_enters_its_own_fit(measured):
    """Its measurements 7x slower change nothing in its held-out predictions, tested or not."""
    base = bm.build_batch_model(measured, catalog_long())
    slower = measured.copy()
    mask = (slower["platform"] == "TX2") & (slower["topology"] == "GoogLeNetv1")
    for column in ("lat_comp_ms", "lat_sys_ms"):
        slower.loc[mask, column] *= 7
    for column in ("fps_comp", "fps_system"):
        slower.loc[mask, column] /= 7
    changed = bm.build_batch_model(slower, catalog_long())
    pick = lambda h: h[(h["platform"] == "TX2") & (h["topology"] == "GoogLeNetv1")].sort_values(  # noqa: E731
        ["level", "question", "device", "precision", "batch"])
    a, b = pick(base.holdout), pick(changed.holdout)
    assert np.array_equal(a["predicted"].to_numpy(), b["predicted"].to_numpy())
    assert (a["reason"].to_numpy() == b["reason"].to_numpy()).all()
    assert not np.allclose(a["measured"].to_numpy(), b["measured"].to_numpy())


def test_every_multiply_accumulate_share_is_at_most_the_peak(model):
    assert (model.coefficients["macs_s"] >= 1.0 - 1e-12).all()
    claims = bm.coefficient_claims(model)
    macs = claims[claims["term"] == "multiply-accumulates"]
    assert not macs["above_datasheet"].any()


def test_latency_is_linear_in_the_batch_and_throughput_best_at_the_largest_batch(model, grid):
    row = grid[(grid["device"] == "TX2-maxn") & (grid["precision"] == "FP16") & (grid["topology"] == "ResNet-50")
               & (grid["pruning_pct"] == 80.0)]
    times = [bm.predict_rows(model, row, "accelerator", "batch", b)["latency_ms"].iloc[0] for b in (1, 2, 3)]
    assert times[2] - times[1] == pytest.approx(times[1] - times[0])
    best = bm.predict_rows(model, row, "accelerator", "throughput-best")
    assert best["batch"].iloc[0] == 128  # TX2's largest measured batch
    assert best["fps"].iloc[0] == pytest.approx(128 / best["latency_ms"].iloc[0] * 1000)


# --- evidence on constructed cases ---

def reason_of(model: bm.BatchModel, grid: pd.DataFrame, level: str = "accelerator", question: str = "latency-b1",
              **where) -> str:
    rows = grid
    for column, value in where.items():
        rows = rows[rows[column] == value]
    out = bm.predict_rows(model, rows.head(1), level, question)
    return str(out["reason"].iloc[0]) if out["evidence"].iloc[0] != bm.TESTED else ""


def test_the_batch_1_question_on_tx2_returns_tested_predictions(model, grid):
    rows = grid[(grid["device"] == "TX2-maxn") & (grid["topology"] == "ResNet-50")]
    out = bm.answer(model, rows, "board", "latency-b1")
    predicted = out[out["evidence"] == bm.TESTED]
    assert len(predicted) >= 4 and (predicted["batch"] == 1).all()
    assert (predicted["latency_low_ms"] < predicted["latency_ms"]).all()
    assert (predicted["latency_ms"] < predicted["latency_high_ms"]).all()
    measured = out[out["evidence"] == bm.MEASURED].set_index(["precision", "pruning_pct"])
    assert measured.loc[("FP16", 100.0), "latency_ms"] == pytest.approx(14.23)  # TX2-maxn FP16, lat_sys at batch 1


def test_an_unmeasured_precision_is_untested(model, grid):
    assert reason_of(model, grid, device="NCS2", precision="INT8", topology="ResNet-50") == \
        "INT8 was never measured on NCS2"


def test_a_layer_type_never_measured_there_is_untested(model, grid):
    assert reason_of(model, grid, device="TX2-maxn", precision="FP16", topology="MobileNetv1") == \
        "depthwise layers were never measured on TX2"


def test_a_network_100x_smaller_than_anything_measured_is_untested(model, grid):
    reason = reason_of(model, grid, device="EdgeTPU-fast", precision="INT8", topology="CNV", pruning_pct=12.5)
    assert reason.startswith("8.02 M ops per input is more than 4x outside the 1.14 G-19.3 G measured on EdgeTPU")


def test_a_platform_with_two_networks_has_no_tested_prediction(model, grid):
    """ZCU102-DPU measured GoogLeNet and ResNet-50: leaving one out leaves one, so its hold-out tests
    nothing and no new network on it is called tested."""
    assert model.trained[("ZCU102-DPU", "accelerator")].networks == frozenset({"GoogLeNetv1", "ResNet-50"})
    held = model.holdout[(model.holdout["platform"] == "ZCU102-DPU")]
    assert (held["evidence"] != bm.TESTED).all()
    assert held["reason"].str.contains("too few for a network hold-out").all()
    reason = reason_of(model, grid, device="ZCU102-DPU", precision="INT8", topology="ResNet-50", pruning_pct=80.0)
    assert reason == "the hold-out on this platform tested no batch-1 latency at the accelerator level"


def test_whatif_hardware_and_a_partly_counted_network_are_untested(model, grid):
    row = grid[(grid["device"] == "TX2-maxn") & (grid["precision"] == "FP16") & (grid["topology"] == "ResNet-50")
               & (grid["pruning_pct"] == 80.0)]
    assert bm.predict_rows(model, row, "board", "latency-b1")["evidence"].iloc[0] == bm.TESTED
    scaled = bm.predict_rows(model, row.assign(whatif=True, bandwidth_gbps=row["bandwidth_gbps"] * 2), "board",
                             "latency-b1")
    assert scaled["evidence"].iloc[0] == "untested" and "what-if hardware" in scaled["reason"].iloc[0]
    partial = bm.predict_rows(model, row.assign(incomplete="counted in part: 3 layers without shapes"), "board",
                              "latency-b1")
    assert partial["reason"].iloc[0] == "the network was counted in part: 3 layers without shapes"
    assert np.isnan(partial["latency_low_ms"].iloc[0])


def test_a_batch_outside_the_measured_ones_is_untested(model, grid):
    row = grid[(grid["device"] == "EdgeTPU-fast") & (grid["topology"] == "ResNet-50") & (grid["pruning_pct"] == 80.0)]
    out = bm.predict_rows(model, row, "accelerator", "batch", 8)
    assert out["reason"].iloc[0] == "batch 8 is outside the batches measured on EdgeTPU (1-1)"


def test_refusals_are_computed_the_same_way_in_the_hold_out_and_the_app(model):
    """A held-out unit's reason is untested_reason applied to the fit without its network."""
    rows = model.rows
    train = rows[(rows["platform"] == "TX2") & (rows["level"] == "board") & (rows["topology"] != "MLP")]
    judged = rows[(rows["platform"] == "TX2") & (rows["level"] == "board") & (rows["topology"] == "MLP")]
    reasons = bm.untested_reason(bm.trained(train), judged, "TX2", "board")
    units = model.holdout[(model.holdout["question"] == "batch") & (model.holdout["platform"] == "TX2")
                          & (model.holdout["level"] == "board") & (model.holdout["topology"] == "MLP")]
    assert sorted(units["reason"]) == sorted(reasons)
    assert any("ops per input is more than 4x outside" in r for r in reasons)


def test_bands_come_from_the_platforms_own_errors_or_say_they_are_pooled(model):
    bands = model.bands.set_index(["platform", "level", "question"])
    own = bands.loc[("TX2", "accelerator", "latency-b1")]
    tested = model.holdout[(model.holdout["platform"] == "TX2") & (model.holdout["level"] == "accelerator")
                           & (model.holdout["question"] == "latency-b1") & (model.holdout["evidence"] == bm.TESTED)]
    assert own["band_source"] == "platform"
    assert own["band_q"] == pytest.approx(np.quantile(np.abs(tested["log_ratio"]), 0.8))
    pooled = bands.loc[("ZCU102-DPU", "accelerator", "latency-b1")]
    assert pooled["band_source"] == "pooled over platforms" and pooled["tested"] == 0


def test_variant_and_config_hold_outs_judge_every_row_by_the_same_rules(model):
    for holdout in ("variant", "config"):
        table = bm.judge_holdout(model, holdout)
        assert set(table["question"]) == set(bm.QUESTIONS)
        assert table["evidence"].isin([bm.TESTED, "untested"]).all()
        assert (table.loc[table["evidence"] == bm.TESTED, "reason"] == "").all()


# --- what it takes ---

def test_scale_for_target_reaches_the_target_at_the_best_batch(model, grid):
    row = grid[(grid["device"] == "TX2-maxn") & (grid["precision"] == "FP16") & (grid["topology"] == "ResNet-50")
               & (grid["pruning_pct"] == 100.0)]
    today = bm.predict_rows(model, row, "accelerator", "throughput-best")["fps"].iloc[0]
    scale, best, why = bm.scale_for_target(model, row, "accelerator", 2 * today)
    assert why == "" and best == 128 and scale > 2  # fixed costs do not scale: more than 2x
    faster = row.assign(peak_tops=row["peak_tops"] * scale, bandwidth_gbps=row["bandwidth_gbps"] * scale)
    reached = bm.predict_rows(model, faster, "accelerator", "batch", best)["fps"].iloc[0]
    assert reached == pytest.approx(2 * today)
    impossible, _, why = bm.scale_for_target(model, row, "accelerator", 1e9)
    assert np.isnan(impossible) and "that its peak and bandwidth do not change" in why


def test_the_question_value_refuses_bad_questions():
    assert Asked("latency-b1").fixed_batch == 1 and Asked("batch", batch=16).fixed_batch == 16
    assert Asked("throughput-best").fixed_batch is None and Asked("latency-b1", batch=9).batch is None
    for bad in ({"kind": "fastest"}, {"level": "chip"}, {"kind": "batch"}, {"kind": "batch", "batch": 0},
                {"kind": "batch", "batch": True}):
        with pytest.raises(ValueError):
            Asked(**bad)


def test_a_tested_answer_carries_how_often_its_band_held_and_weak_bands_are_named(model, grid):
    rows = bm.predict_rows(model, grid, "accelerator", "latency-b1")
    bands = model.bands[(model.bands["level"] == "accelerator") & (model.bands["question"] == "latency-b1")]
    held = bands.set_index("platform")["band_coverage_pct"]
    tested = rows[rows["evidence"] == bm.TESTED]
    assert len(tested) and (tested["band_held_pct"] == tested["platform"].map(held)).all()
    assert rows.loc[rows["evidence"] != bm.TESTED, "band_held_pct"].isna().all()
    weak = bm.weak_bands(model, "accelerator", "latency-b1").set_index("platform")["band_held_pct"]
    assert set(weak.index) == set(held[held < bm.BAND_HELD_MIN_PCT].index)
    assert "TX2" in weak.index and weak["TX2"] < 70  # the TX2 band is too narrow for a new network

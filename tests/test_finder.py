"""Find a deployment: the finder against a brute-force filter, the nearest ranking, worked examples
pinned from the bundled data at both levels, the model's tested, untested and roofline candidates
(only evidence meets), validation and the CLI contract."""

from __future__ import annotations

import argparse
import io
import math

import numpy as np
import pandas as pd
import pytest

from qb_core.analyses.finder import (
    CANDIDATE_COLUMNS,
    EVIDENCE,
    LEFT_OUT_COLUMNS,
    RESULT_COLUMNS,
    UNKNOWN_MISS,
    Constraints,
    combined_candidates,
    find_deployments,
    left_out_rows,
    measured_candidates,
    model_candidates,
    readable,
)
from qb_core.cli.find import (
    FIND_COLUMNS,
    add_find_arguments,
    candidates_for,
    constraints_from_args,
    find_command,
    find_question,
)
from qb_core.measurements.dataset import load_measurements
from qb_core.question import Asked

#: QuTiBench's compute figures at every batch (what the finder weighed before the question existed)
ACCELERATOR = Asked("throughput-best", "accelerator")
ACCELERATOR_B1 = Asked("latency-b1", "accelerator")

# --- shared data ---

ACCURACY = pd.DataFrame({
    "topology": ["CNV", "CNV", "CNV", "MLP"], "pruning_pct": [100.0, 50.0, 12.5, 100.0],
    "precision": ["FP16", "FP16", "INT8", "INT8"], "top1_pct": [87.02, np.nan, np.nan, 98.0],
})  # fmt: skip


def prediction(**overrides) -> dict:
    """One row of the model's answers (:func:`qb_core.model.batch_model.predict_rows`): by default no
    model figure (the roofline only)."""
    row = {"task": "cifar10", "device": "TX2-maxp", "platform": "TX2", "precision": "INT8", "topology": "CNV",
           "pruning_pct": 100.0, "batch": 1, "roofline_fps": 4000.0, "fps": np.nan, "fps_low": np.nan,
           "fps_high": np.nan, "latency_ms": np.nan, "evidence": "untested", "reason": "no fit",
           "band_source": "", "power_w": np.nan}
    row.update(overrides)
    if np.isfinite(row["fps"]) and not np.isfinite(row["latency_ms"]):
        row["latency_ms"] = 1000.0 * row["batch"] / row["fps"]
    return row


@pytest.fixture(scope="module")
def measured() -> pd.DataFrame:
    return load_measurements()


@pytest.fixture(scope="module")
def synthetic_predictions(measured) -> pd.DataFrame:
    """Answers over real and invented devices: some duplicate measured configurations (measured
    wins), a third tested, a third untested, a third the roofline only; power from the datasheet,
    from measurements or unknown."""
    rng = np.random.default_rng(3)
    devices = [("TX2-maxp", "TX2", 15.0), ("NCS2", "NCS2", 1.0), ("ZCU104-FINN", "ZCU104-FINN", np.nan),
               ("SimBoard", "SimBoard", np.nan)]
    variants = [("cifar10", "CNV", p) for p in (100.0, 50.0, 25.0, 12.5)] + \
               [("mnist", "MLP", p) for p in (100.0, 50.0)] + [("imagenet", "ResNet-50", 100.0)]
    rows = []
    for device, platform, power in devices:
        for task, topology, pruning in variants:
            for precision in ("INT2", "INT8", "FP16"):
                for batch in (1, 4):
                    roofline = float(rng.uniform(50, 60_000))
                    kind = ("tested", "untested", "roofline")[int(rng.integers(3))]
                    point = roofline * float(rng.uniform(0.1, 0.9)) if kind != "roofline" else np.nan
                    tested = kind == "tested"
                    rows.append(prediction(
                        task=task, device=device, platform=platform, precision=precision, topology=topology,
                        pruning_pct=pruning, batch=batch, roofline_fps=roofline, fps=point,
                        fps_low=point * 0.8 if tested else np.nan, fps_high=point * 1.2 if tested else np.nan,
                        evidence="tested" if tested else "untested", reason="" if tested else "no measurement",
                        band_source="platform" if tested else "", power_w=power))
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def candidates(measured, synthetic_predictions) -> pd.DataFrame:
    return combined_candidates(measured, synthetic_predictions, asked=ACCELERATOR)


# --- the brute-force reference: plain Python over rows, written from the module's notes ---

REFERENCE_OBJECTIVES = {"fps": ("fps", True), "latency": ("latency_ms", False), "power": ("power_w", False),
                        "energy": ("mj_per_input", False), "top1": ("top1_pct", True)}
REFERENCE_LIMITS = [("min_fps", "fps", True), ("max_latency_ms", "latency_ms", False),
                    ("max_power_w", "power_w", False), ("max_mj_per_input", "mj_per_input", False),
                    ("min_top1_pct", "top1_pct", True)]


def _in_scope(row: dict, c: Constraints) -> bool:
    names = {p.lower() for p in c.platforms or ()}
    return ((c.task is None or row["task"] == c.task)
            and (c.topology is None or row["topology"].lower() == c.topology.lower())
            and (c.precision is None or row["precision"] == c.precision)
            and (c.platforms is None or row["platform"].lower() in names or row["device"].lower() in names)
            and math.isfinite(row["fps"]) and row["fps"] > 0)


def _judged(row: dict, c: Constraints) -> tuple[bool, float]:
    meets, score = True, 0.0
    for field, column, minimum in REFERENCE_LIMITS:
        bound, value = getattr(c, field), row[column]
        if bound is None:
            continue
        if not math.isfinite(value):
            meets, score = False, score + math.log(2)
        elif (value < bound) if minimum else (value > bound):
            meets, score = False, score + (math.log(bound / value) if minimum else math.log(value / bound))
    return meets, score


def brute_force(candidates: pd.DataFrame, c: Constraints, objective: str, nearest: int = 5):
    """(feasible, nearest, not evidence) as lists of (deployment, batch) in rank order: only
    measured and tested rows meet or are nearest; the others that meet are listed apart."""
    column, maximize = REFERENCE_OBJECTIVES[objective]

    def goal(row):
        value = row[column]
        return math.inf if math.isnan(value) else (-value if maximize else value)

    def key(row):
        return (row["device"], row["precision"], row["topology"], row["pruning_pct"], row["source"])

    rows = [row for row in candidates.to_dict("records") if _in_scope(row, c)]
    best, apart, closest = {}, {}, {}
    for row in rows:
        meets, score = _judged(row, c)
        evidence = row["source"] in ("measured", "tested")
        chosen = best if evidence else apart
        if meets and (key(row) not in chosen or (goal(row), row["batch"]) < chosen[key(row)][0]):
            chosen[key(row)] = ((goal(row), row["batch"]), row)
        if evidence and (key(row) not in closest or (score, goal(row), row["batch"]) < closest[key(row)][0]):
            closest[key(row)] = ((score, goal(row), row["batch"]), row)
    feasible = sorted(best.values(), key=lambda item: (item[0][0], *key(item[1])))
    not_evidence = sorted(apart.values(), key=lambda item: (item[0][0], *key(item[1])))
    near = [] if feasible else sorted(closest.values(), key=lambda item: (*item[0][:2], *key(item[1])))[:nearest]
    return ([(key(row), row["batch"]) for _, row in feasible], [(key(row), row["batch"]) for _, row in near],
            [(key(row), row["batch"]) for _, row in not_evidence])


def _random_bound(rng, candidates: pd.DataFrame, column: str) -> float:
    values = candidates[column].dropna().to_numpy(dtype=float)
    values = values[values > 0]
    if rng.random() < 0.3:  # exactly a value in the table: limits are inclusive
        return float(rng.choice(values))
    return float(np.quantile(values, rng.uniform(0.02, 0.98)))


def random_constraints(rng, candidates: pd.DataFrame) -> tuple[Constraints, str]:
    pick = lambda options: options[int(rng.integers(len(options)))]  # noqa: E731
    values = {
        "task": pick([None, None, "cifar10", "mnist", "imagenet"]),
        "precision": pick([None, None, "INT2", "INT8", "FP16"]),
        "topology": pick([None, None, None, "cnv", "MLP"]),
        "platforms": pick([None, None, None, ("zcu104-finn", "TX2"), ("NCS2", "SimBoard", "EdgeTPU-fast")]),
    }
    for field, column in (("min_fps", "fps"), ("max_latency_ms", "latency_ms"), ("max_power_w", "power_w"),
                          ("max_mj_per_input", "mj_per_input"), ("min_top1_pct", "top1_pct")):
        values[field] = _random_bound(rng, candidates, column) if rng.random() < 0.45 else None
    return Constraints(**values), pick(list(REFERENCE_OBJECTIVES))


def _listed(frame: pd.DataFrame):
    return [((r.device, r.precision, r.topology, r.pruning_pct, r.source), r.batch) for r in frame.itertuples()]


def test_finder_matches_brute_force_on_50_random_questions(candidates):
    rng = np.random.default_rng(2024)
    outcomes = {"feasible": 0, "nearest": 0}
    for _ in range(50):
        constraints, objective = random_constraints(rng, candidates)
        result = find_deployments(candidates, constraints, objective)
        feasible, near, apart = brute_force(candidates, constraints, objective)
        assert _listed(result.feasible) == feasible, (constraints, objective)
        assert _listed(result.nearest) == near, (constraints, objective)
        assert _listed(result.not_evidence) == apart, (constraints, objective)
        assert result.feasible["meets"].all() and not result.nearest["meets"].any()
        assert result.feasible["source"].isin(EVIDENCE).all() and result.nearest["source"].isin(EVIDENCE).all()
        assert not result.not_evidence["source"].isin(EVIDENCE).any()
        assert (result.feasible["misses"] == "").all() and (result.nearest["misses"] != "").all()
        outcomes["feasible" if feasible else "nearest"] += 1
    assert min(outcomes.values()) >= 10, outcomes  # both branches exercised


def test_brute_force_sees_mixed_sources(candidates):
    assert set(candidates["source"]) == {"measured", "tested", "untested", "roofline"}
    assert candidates["power_w"].isna().any() and candidates["top1_pct"].isna().any()


# --- nearest ranking on constructed cases ---

def candidate_rows(*rows: dict) -> pd.DataFrame:
    base = {"task": "cifar10", "platform": "P", "precision": "INT8", "topology": "CNV", "pruning_pct": 100.0,
            "batch": 1, "source": "measured", "latency_ms": 1.0, "top1_pct": 80.0, "status": "measured", "why": ""}
    frame = pd.DataFrame([{**base, **row} for row in rows])
    frame["fps_low"] = frame.get("fps_low", frame["fps"])
    frame["fps_high"] = frame["fps"]
    frame["mj_per_input"] = 1000.0 * frame["power_w"] / frame["fps"]
    return frame[list(CANDIDATE_COLUMNS)]


def test_one_miss_by_ten_percent_ranks_before_two_by_fifty():
    rows = candidate_rows(
        {"device": "two-misses", "fps": 5_000.0, "power_w": 7.5},          # fps -50 %, power +50 %
        {"device": "one-miss", "fps": 20_000.0, "power_w": 5.5},           # power +10 %
        {"device": "unknown-power", "fps": 20_000.0, "power_w": np.nan},   # counts as a factor of 2
        {"device": "one-miss", "fps": 30_000.0, "power_w": 9.0, "batch": 8},  # worse batch of the same
    )
    result = find_deployments(rows, Constraints(min_fps=10_000, max_power_w=5))
    assert result.feasible.empty and result.considered == 3
    near = result.nearest
    assert near["device"].tolist() == ["one-miss", "unknown-power", "two-misses"]
    assert near["batch"].tolist() == [1, 1, 1]
    assert near["miss_score"].tolist() == pytest.approx([math.log(1.1), UNKNOWN_MISS,
                                                         math.log(2) + math.log(1.5)])
    assert near["misses"].tolist() == [
        "power 5.5 W > 5 W limit",
        "power unknown (limit 5 W)",
        "fps 5,000 < 10,000 minimum; power 7.5 W > 5 W limit",
    ]
    assert near["misses_fps"].tolist() == [False, False, True]
    assert find_deployments(rows, Constraints(min_fps=10_000, max_power_w=5), nearest=2).nearest.shape[0] == 2


def test_limits_are_inclusive_and_close_misses_get_enough_digits():
    rows = candidate_rows({"device": "edge", "fps": 10_000.0, "power_w": 5.004})
    result = find_deployments(rows, Constraints(min_fps=10_000, max_power_w=5))
    assert result.nearest["misses"].tolist() == ["power 5.004 W > 5 W limit"]
    assert len(find_deployments(rows, Constraints(min_fps=10_000, max_power_w=5.004)).feasible) == 1
    assert readable(59_095.106) == "59,095" and readable(12.625) == "12.6" and readable(0.08612) == "0.0861"


def test_best_batch_and_ranking_by_objective():
    rows = candidate_rows(
        {"device": "A", "fps": 1_000.0, "power_w": 2.0, "batch": 1},
        {"device": "A", "fps": 3_000.0, "power_w": 4.0, "batch": 8},
        {"device": "A", "fps": 5_000.0, "power_w": 9.0, "batch": 64},   # over the power limit
        {"device": "B", "fps": 2_000.0, "power_w": 1.0, "batch": 2},
        {"device": "B", "fps": 2_000.0, "power_w": 1.5, "batch": 1},    # same fps: the smaller batch wins
    )
    by_fps = find_deployments(rows, Constraints(max_power_w=5), "fps").feasible
    assert list(zip(by_fps["device"], by_fps["batch"], strict=True)) == [("A", 8), ("B", 1)]
    by_power = find_deployments(rows, Constraints(max_power_w=5), "power").feasible
    assert list(zip(by_power["device"], by_power["batch"], strict=True)) == [("B", 2), ("A", 1)]
    assert list(by_power.columns) == list(RESULT_COLUMNS)


def test_an_untested_figure_or_a_roofline_never_meets_however_good():
    rows = candidate_rows(
        {"device": "A", "fps": 100.0, "power_w": 2.0, "source": "measured"},
        {"device": "B", "fps": 90_000.0, "power_w": 1.0, "source": "untested", "status": "untested: too far"},
        {"device": "C", "fps": 80_000.0, "power_w": 1.0, "source": "roofline", "status": "roofline"},
        {"device": "D", "fps": 5_000.0, "power_w": 1.0, "source": "tested", "fps_low": 4_000.0},
    )
    result = find_deployments(rows, Constraints(min_fps=1_000))
    assert result.feasible["device"].tolist() == ["D"]
    assert result.not_evidence["device"].tolist() == ["B", "C"]
    nothing = find_deployments(rows, Constraints(min_fps=50_000))
    assert nothing.feasible.empty and set(nothing.nearest["device"]) == {"A", "D"}
    assert nothing.not_evidence["device"].tolist() == ["B", "C"]


def test_scope_is_not_a_miss():
    rows = candidate_rows({"device": "A", "fps": 100.0, "power_w": 2.0},
                          {"device": "B", "fps": 100.0, "power_w": 2.0, "precision": "FP16"})
    result = find_deployments(rows, Constraints(precision="INT2", min_fps=1_000))
    assert result.considered == 0 and result.feasible.empty and result.nearest.empty
    only_b = find_deployments(rows, Constraints(platforms=("b",), min_fps=1_000))
    assert only_b.nearest["device"].tolist() == ["B"]


# --- worked examples from the bundled data ---

def test_cnv_int2_over_10000_fps_under_5_w_has_no_measured_answer(measured):
    candidates = measured_candidates(measured, ACCELERATOR)
    int2 = candidates[(candidates["precision"] == "INT2") & (candidates["topology"] == "CNV")]
    assert int2["power_w"].min() == 12.625  # ZCU104-FINN CNV 12.5 % at batch 64: nothing INT2 draws less
    assert (int2["power_w"] < 12.7).sum() == 4  # the "under 12.7 W" is not quite right
    constraints = Constraints(task="cifar10", topology="CNV", precision="INT2", min_fps=10_000, max_power_w=5)
    result = find_deployments(candidates, constraints, left_out=left_out_rows(measured, asked=ACCELERATOR))
    assert result.feasible.empty and result.considered == 10 and result.dropped.empty
    near = result.nearest
    assert list(zip(near["device"], near["pruning_pct"], near["batch"], strict=True)) == [
        ("ZCU104-FINN", 12.5, 64), ("ZCU104-FINN", 25.0, 32), ("ZCU104-FINN", 50.0, 8),
        ("ZCU104-FINN", 100.0, 32), ("ZCU104-BISMO", 12.5, 128)]
    first = near.iloc[0]
    assert first["power_w"] == 12.625 and first["fps"] == pytest.approx(59_095.106)
    assert first["misses"] == "power 12.6 W > 5 W limit" and not first["misses_fps"]
    assert first["miss_score"] == pytest.approx(math.log(12.625 / 5))
    assert near["misses"].iloc[3] == "fps 2,683 < 10,000 minimum; power 14.9 W > 5 W limit"


def test_imagenet_top1_over_70_under_10_ms_at_batch_1_by_energy(measured):
    constraints = Constraints(task="imagenet", min_top1_pct=70, max_latency_ms=10)
    result = find_deployments(measured_candidates(measured, ACCELERATOR_B1), constraints, "energy",
                              left_out=left_out_rows(measured, asked=ACCELERATOR_B1))
    feasible = result.feasible
    assert list(zip(feasible["device"], feasible["topology"], feasible["batch"], strict=True)) == [
        ("EdgeTPU-fast", "EfficientNet-S", 1), ("EdgeTPU-slow", "EfficientNet-S", 1),
        ("EdgeTPU-fast", "EfficientNet-M", 1)]
    assert feasible["mj_per_input"].tolist() == pytest.approx([9.98756, 13.39752, 18.16205], rel=1e-5)
    assert feasible["latency_ms"].tolist() == pytest.approx([4.9963, 8.99839, 8.99982])
    assert (feasible["source"] == "measured").all() and feasible["meets_at_band_low"].all()
    assert result.considered == 34
    # TX2-maxn FP16 ResNet-50 misses by 0.69 ms: it joins with a looser limit
    looser = find_deployments(measured_candidates(measured, ACCELERATOR_B1), Constraints(
        task="imagenet", min_top1_pct=70, max_latency_ms=10.7), "energy").feasible
    assert ("TX2-maxn", "ResNet-50") in set(zip(looser["device"], looser["topology"], strict=True))


def test_on_the_board_the_same_question_has_another_answer(measured):
    """What a deployment sees: EdgeTPU EfficientNet-S takes 50 ms on the board (5 ms on the
    accelerator), so at the board level only networks run on a lighter host pipeline meet 10 ms."""
    board = Asked("latency-b1", "board")
    candidates = measured_candidates(measured, board)
    effnet = candidates[(candidates["device"] == "EdgeTPU-fast") & (candidates["topology"] == "EfficientNet-S")]
    assert effnet["latency_ms"].tolist() == pytest.approx([49.99852])
    result = find_deployments(candidates, Constraints(task="imagenet", max_latency_ms=10), "energy")
    assert not result.feasible["topology"].str.startswith("EfficientNet").any()
    assert set(result.feasible["topology"]) <= {"GoogLeNetv1", "MobileNetv1"} and len(result.feasible)


def test_measured_rows_without_throughput_are_counted_not_lost(measured):
    candidates = measured_candidates(measured, ACCELERATOR)
    left = left_out_rows(measured, asked=ACCELERATOR)
    assert len(candidates) + len(left) == len(measured)
    # ZCU104-DPU's GoogLeNet sweep has neither fps_comp nor lat_comp_ms (only system figures); the
    # board level lacks U96-A53's, BISMO's and most of FINN's rows: each listed with the reason
    assert left[["device", "topology"]].drop_duplicates().values.tolist() == [["ZCU104-DPU", "GoogLeNetv1"]]
    assert len(left) == 8 and set(left["reason"]) == {
        "no accelerator-level figures measured (lat_comp_ms and fps_comp)"}
    board = left_out_rows(measured, asked=Asked("throughput-best", "board"))
    assert len(board) + len(measured_candidates(measured, Asked("throughput-best", "board"))) == len(measured)
    assert set(board["device"]) == {"U96-A53", "ZCU104-BISMO", "ZCU104-FINN"}
    assert set(board["reason"]) == {"no board-level figures measured (lat_sys_ms and fps_system)"}
    assert list(left.columns) == list(LEFT_OUT_COLUMNS)
    row = candidates.iloc[0]
    assert row["mj_per_input"] == pytest.approx(1000 * row["power_w"] / row["fps"])
    assert row["fps_low"] == row["fps_high"] == row["fps"] and row["status"] == "measured"


# --- the model's candidates: tested, untested, roofline ---

def test_tested_row_carries_its_band(measured):
    table = pd.DataFrame([prediction(fps=2_000.0, fps_low=1_500.0, fps_high=2_600.0, evidence="tested", reason="",
                                     band_source="platform", power_w=15.0, batch=4, device="NewBoard",
                                     platform="NewBoard")])  # nothing measured on it: the datasheet's 15 W
    row = model_candidates(table, ACCURACY, measured).iloc[0]
    assert row["source"] == "tested" and row["status"] == "tested"
    assert (row["fps"], row["fps_low"], row["fps_high"]) == (2_000.0, 1_500.0, 2_600.0)
    assert row["latency_ms"] == pytest.approx(1000 * 4 / 2_000)
    assert row["mj_per_input"] == pytest.approx(1000 * 15 / 2_000)
    assert "tested by the network hold-out" in row["why"] and "power: datasheet" in row["why"]
    candidates = model_candidates(table, ACCURACY, measured)
    pessimistic = find_deployments(candidates, Constraints(min_fps=1_800)).feasible
    assert pessimistic["meets"].all() and not pessimistic["meets_at_band_low"].any()
    assert find_deployments(candidates, Constraints(min_fps=1_400)).feasible["meets_at_band_low"].all()


def test_untested_row_says_why_and_a_roofline_is_the_datasheet(measured):
    table = pd.DataFrame([prediction(fps=3_000.0, reason="INT8 was never measured on TX2"),
                          prediction(device="SimBoard", platform="SimBoard", roofline_fps=4_000.0)])
    rows = model_candidates(table, ACCURACY, measured).set_index("device")
    untested, roofline = rows.loc["TX2-maxp"], rows.loc["SimBoard"]
    assert untested["source"] == "untested" and untested["fps"] == 3_000.0 and np.isnan(untested["fps_low"])
    assert untested["status"] == "untested: INT8 was never measured on TX2" and "untested" in untested["why"]
    assert roofline["source"] == "roofline" and roofline["fps"] == 4_000.0 and np.isnan(roofline["fps_low"])
    assert "datasheet roofline, not a prediction" in roofline["why"]
    result = find_deployments(rows.reset_index(), Constraints(min_fps=1_000))
    assert result.feasible.empty and set(result.not_evidence["device"]) == {"TX2-maxp", "SimBoard"}


def test_power_is_the_devices_highest_measured_then_the_datasheet_then_unknown(measured):
    table = pd.DataFrame([prediction(device="ZCU104-FINN", platform="ZCU104-FINN", power_w=np.nan),
                          prediction(device="TX2-maxp", platform="TX2", power_w=15.0),
                          prediction(device="SimBoard", platform="SimBoard", power_w=np.nan)])
    rows = model_candidates(table, ACCURACY, measured).set_index("device")
    finn_max = measured.loc[measured["device"] == "ZCU104-FINN", "full_power_w"].max()
    assert finn_max == 21.3575
    assert rows.loc["ZCU104-FINN", "power_w"] == finn_max
    assert "highest measured on this device" in rows.loc["ZCU104-FINN", "why"]
    tx2_max = measured.loc[measured["device"] == "TX2-maxp", "full_power_w"].max()
    assert tx2_max < 15.0 and rows.loc["TX2-maxp", "power_w"] == tx2_max  # measured at that op mode, not the ceiling
    board = model_candidates(pd.DataFrame([prediction(device="NewBoard", platform="NewBoard", power_w=4.0)]),
                             ACCURACY, measured).iloc[0]
    assert board["power_w"] == 4.0 and "power: datasheet" in board["why"]  # nothing measured: the datasheet
    assert np.isnan(rows.loc["SimBoard", "power_w"]) and "power unknown" in rows.loc["SimBoard", "why"]
    result = find_deployments(rows.reset_index(), Constraints(max_mj_per_input=1_000, max_power_w=100))
    assert set(result.not_evidence["device"]) == {"ZCU104-FINN", "TX2-maxp"}


def test_accuracy_falls_back_to_measured_elsewhere_then_unknown(measured):
    table = pd.DataFrame([prediction(device="SimBoard", precision="FP16", pruning_pct=100.0),   # published
                          prediction(device="SimBoard", precision="FP16", pruning_pct=50.0),    # nm -> measured
                          prediction(device="SimBoard", precision="INT8", pruning_pct=12.5)])   # neither
    rows = model_candidates(table, ACCURACY, measured).set_index("pruning_pct")
    assert rows.loc[100.0, "top1_pct"] == 87.02 and "top-1: published" in rows.loc[100.0, "why"]
    # CNV 50 % FP16 measured on NCS2 (85.55) and TX2 maxn/maxp/maxq (85.57): the median over devices
    assert rows.loc[50.0, "top1_pct"] == 85.57 and "measured on other devices" in rows.loc[50.0, "why"]
    assert np.isnan(rows.loc[12.5, "top1_pct"]) and "top-1 unknown" in rows.loc[12.5, "why"]


def test_measured_wins_over_a_model_duplicate(measured):
    table = pd.DataFrame([prediction(device="ZCU104-FINN", platform="ZCU104-FINN", precision="INT2",
                                     pruning_pct=12.5, fps=1.0, evidence="tested", reason=""),
                          prediction(device="ZCU104-FINN", platform="ZCU104-FINN", precision="INT8")])
    candidates = combined_candidates(measured, table, ACCURACY, ACCELERATOR)
    finn = candidates[(candidates["device"] == "ZCU104-FINN") & (candidates["pruning_pct"] == 12.5)
                      & (candidates["precision"] == "INT2") & (candidates["topology"] == "CNV")]
    assert set(finn["source"]) == {"measured"} and len(finn) == 10
    assert set(candidates.loc[candidates["source"] != "measured", "precision"]) == {"INT8"}


def test_a_batch_1_question_predicts_what_was_measured_only_at_larger_batches(measured):
    """U96-A53 never ran batch 1: the batch-1 question takes the model's figure for it, and its
    measurements at batch 2 and more answer nothing."""
    table = pd.DataFrame([prediction(device="U96-A53", platform="U96-A53", precision="INT2", fps=50.0,
                                     evidence="untested", reason="batch 1 is outside the batches measured")])
    candidates = combined_candidates(measured, table, ACCURACY, ACCELERATOR_B1)
    u96 = candidates[candidates["device"] == "U96-A53"]
    assert u96["source"].tolist() == ["untested"] and u96["batch"].tolist() == [1]


def test_a_row_without_any_figure_is_left_out_with_its_reason(measured):
    table = pd.DataFrame([prediction(roofline_fps=np.nan), prediction(device="SimBoard", precision="FP16")])
    assert model_candidates(table, ACCURACY, measured)["precision"].tolist() == ["FP16"]
    left = left_out_rows(measured, table)
    assert "no figure" in left["reason"].iloc[-1]


# --- validation ---

NUMERIC_FIELDS = ("min_fps", "max_latency_ms", "max_power_w", "max_mj_per_input", "min_top1_pct")


@pytest.mark.parametrize("field", NUMERIC_FIELDS)
@pytest.mark.parametrize("value", [-1.0, 0.0, float("nan"), float("inf"), -float("inf")])
def test_bad_numbers_are_refused_naming_the_field(field, value):
    with pytest.raises(ValueError, match=rf"^{field} must be"):
        Constraints(**{field: value})


@pytest.mark.parametrize(("field", "value"), [
    ("min_top1_pct", 100.5), ("task", "cifar"), ("precision", "int8"), ("topology", " "), ("platforms", ()),
    ("min_fps", "100"),
])
def test_other_bad_values_are_refused_naming_the_field(field, value):
    with pytest.raises(ValueError, match=rf"^{field} "):
        Constraints(**{field: value})


def test_good_values_and_the_flag_names():
    assert Constraints(min_top1_pct=100, platforms=["TX2"]).platforms == ("TX2",)
    with pytest.raises(ValueError, match=r"^--max-power-w must be a finite number above 0, not -5\.0\.$"):
        constraints_from_args(argparse.Namespace(max_power_w=-5.0))
    with pytest.raises(ValueError, match="objective"):
        find_deployments(measured_candidates(load_measurements(), ACCELERATOR), Constraints(), "speed")


# --- the CLI ---

class RefusingParser(argparse.ArgumentParser):
    def error(self, message):
        raise ValueError(message)


def run_find(candidates: pd.DataFrame, *argv: str, parser: argparse.ArgumentParser | None = None):
    parser = parser or RefusingParser()
    add_find_arguments(parser)
    out = io.StringIO()
    code = find_command(parser.parse_args(list(argv)), candidates, out)
    return code, out.getvalue()


def test_cli_nothing_feasible_prints_the_five_nearest(measured):
    candidates = candidates_for(measured, None, asked=ACCELERATOR)
    code, text = run_find(candidates, "--task", "cifar10", "--topology", "CNV", "--precision", "int2",
                          "--min-fps", "10000", "--max-power-w", "5")
    assert code == 0
    assert text.splitlines()[0] == ",".join(FIND_COLUMNS)
    table = pd.read_csv(io.StringIO(text))
    assert len(table) == 5 and not table["meets"].any()
    assert table["misses"].iloc[0] == "power 12.6 W > 5 W limit"


def test_cli_feasible_rows_ranked_by_the_objective(measured, synthetic_predictions):
    candidates = candidates_for(measured, synthetic_predictions, asked=ACCELERATOR_B1)
    code, text = run_find(candidates, "--task", "imagenet", "--min-top1", "70", "--max-latency-ms", "10",
                          "--objective", "energy", "--platforms", "EdgeTPU-fast, EdgeTPU-slow")
    table = pd.read_csv(io.StringIO(text), keep_default_na=False)
    assert code == 0 and list(table.columns) == list(FIND_COLUMNS)
    assert table["meets"].all() and (table["misses"] == "").all()
    assert table["mj_per_input"].tolist() == sorted(table["mj_per_input"].tolist())
    assert table["device"].iloc[0] == "EdgeTPU-fast" and table["topology"].iloc[0] == "EfficientNet-S"


def test_cli_flags_refuse_bad_values_naming_the_flag(measured):
    candidates = measured_candidates(measured, ACCELERATOR)
    with pytest.raises(ValueError, match="--max-power-w.*above 0"):
        run_find(candidates, "--max-power-w", "-5")
    with pytest.raises(ValueError, match="--min-top1.*percentage"):
        run_find(candidates, "--min-top1", "120")
    with pytest.raises(ValueError, match="--min-fps.*'fast' is not a number"):
        run_find(candidates, "--min-fps", "fast")
    with pytest.raises(ValueError, match="--latency-batch"):
        run_find(candidates, "--latency-batch", "0")


def test_cli_keeps_the_callers_task_flag(measured):
    parser = RefusingParser()
    parser.add_argument("--task", default="mnist")
    code, text = run_find(measured_candidates(measured, ACCELERATOR), parser=parser)
    assert code == 0 and len(pd.read_csv(io.StringIO(text))) > 0
    assert set(pd.read_csv(io.StringIO(text))["topology"]) == {"MLP"}


def test_cli_question_flags():
    parser = RefusingParser()
    add_find_arguments(parser)
    ask = find_question
    assert ask(parser.parse_args([])) == Asked("throughput-best", "board")
    assert ask(parser.parse_args(["--latency-batch", "1"])) == Asked("latency-b1", "board")
    four = parser.parse_args(["--latency-batch", "4", "--level", "accelerator"])
    assert ask(four) == Asked("batch", "accelerator", 4)
    assert ask(parser.parse_args(["--question", "batch", "--batch", "16"])) == Asked("batch", "board", 16)
    with pytest.raises(ValueError, match="--question/--batch"):
        ask(parser.parse_args(["--question", "batch"]))

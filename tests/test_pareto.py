import doctest

import numpy as np
import pandas as pd
import pytest

import qb_core.analyses.pareto
from qb_core.analyses.pareto import pareto_front, pareto_mask, with_efficiency


def brute_force(x, y):
    n = len(x)
    keep = np.ones(n, dtype=bool)
    for i in range(n):
        if np.isnan(x[i]) or np.isnan(y[i]):
            keep[i] = False
            continue
        for j in range(n):
            if x[j] >= x[i] and y[j] >= y[i] and (x[j] > x[i] or y[j] > y[i]):
                keep[i] = False
                break
    return keep


@pytest.mark.parametrize("seed", range(40))
def test_front_matches_brute_force_with_ties(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 120))
    x = rng.integers(0, 8, n).astype(float)  # few distinct values: many ties and duplicates
    y = rng.integers(0, 8, n).astype(float)
    if seed % 5 == 0:
        x[rng.integers(0, n)] = np.nan
    assert (pareto_mask(x, y) == brute_force(x, y)).all()


@pytest.mark.parametrize("seed", range(10))
def test_minimizing_is_maximizing_the_negative(seed):
    rng = np.random.default_rng(100 + seed)
    x, y = rng.normal(size=200), rng.normal(size=200)
    assert (pareto_mask(x, y, (False, True)) == brute_force(-x, y)).all()


def test_identical_best_points_are_all_kept():
    assert pareto_mask(np.array([1.0, 1.0, 0.5]), np.array([2.0, 2.0, 1.0])).tolist() == [True, True, False]


def test_docstring_examples_run():
    assert doctest.testmod(qb_core.analyses.pareto).failed == 0


def test_front_rows_sorted_by_x_and_input_unchanged():
    frame = pd.DataFrame({"fps_comp": [10.0, 30.0, 20.0, 5.0], "top1_pct": [90.0, 80.0, 85.0, 95.0]})
    before = frame.copy()
    front = pareto_front(frame)
    assert front["fps_comp"].tolist() == [5.0, 10.0, 20.0, 30.0]
    pd.testing.assert_frame_equal(frame, before)
    with pytest.raises(ValueError, match="no column"):
        pareto_front(frame, x="latency")


def test_directions_come_from_the_objectives_table():
    frame = pd.DataFrame({"lat_comp_ms": [1.0, 2.0, 3.0, 2.5], "top1_pct": [80.0, 85.0, 84.0, 86.0]})
    front = pareto_front(frame, "lat_comp_ms", "top1_pct")  # latency minimized, accuracy maximized
    assert front["lat_comp_ms"].tolist() == [1.0, 2.0, 2.5]
    expected = brute_force(-frame["lat_comp_ms"].to_numpy(), frame["top1_pct"].to_numpy())
    assert sorted(front.index) == sorted(np.flatnonzero(expected))


def test_energy_efficiency_is_throughput_per_watt_and_never_divides_by_zero():
    frame = pd.DataFrame({"fps_comp": [100.0, 50.0, 10.0], "full_power_w": [4.0, 0.0, np.nan]})
    efficiency = with_efficiency(frame)["inputs_per_joule"]
    assert efficiency.iloc[0] == 25.0 and efficiency.iloc[1:].isna().all()


def test_every_predicted_point_is_named_by_its_configuration():
    """ImageNet's predicted front holds configurations nobody measured: each still has its name."""
    from qb_core.analyses.efficiency import efficiency_table
    from qb_core.analyses.pareto import predicted_and_measured
    from qb_core.hardware.catalog import catalog_long
    from qb_core.measurements.accuracy import load_accuracy
    from qb_core.measurements.dataset import load_measurements

    join = efficiency_table(load_measurements(), catalog_long(), "imagenet")
    points, fronts = predicted_and_measured(join, load_accuracy())
    predicted = points[points["kind"] == "predicted"]
    assert predicted["config"].astype(str).str.len().gt(0).all()
    unmeasured = predicted[predicted["status"] == "predicted-only"].iloc[0]
    assert unmeasured["config"] == (f"{unmeasured['device']}_{unmeasured['precision']}_{unmeasured['topology']}_"
                                    f"{unmeasured['pruning_pct']:g}%")
    assert fronts["config"].astype(str).str.len().gt(0).all()

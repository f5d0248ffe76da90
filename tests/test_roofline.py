import numpy as np
import pandas as pd
import pytest

from qb_core.analyses.predictions import attainable_tops, bound_table, predict, predict_grid
from qb_core.analyses.roofline_geometry import roofline_points
from qb_core.hardware.catalog import catalog_long
from qb_core.hardware.whatif import apply_whatif
from qb_core.question import HardwareWhatIf, Storage
from qb_core.vocabulary import BYTES_PER_ELEMENT


def pick(table: pd.DataFrame, device: str, precision: str, pruning: float = 100.0) -> pd.Series:
    rows = table[(table["device"] == device) & (table["precision"] == precision) & (table["pruning_pct"] == pruning)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_cnv_100_is_compute_bound_on_tx2_maxn_fp16():
    row = pick(predict(), "TX2-maxn", "FP16")
    assert row["inputs_per_s"] == pytest.approx(1.33e12 / 469_449_728)
    assert round(row["inputs_per_s"]) == 2833
    assert row["bound"] == "compute"


def test_cnv_100_is_memory_bound_on_zcu104_finn_int2():
    row = pick(predict(), "ZCU104-FINN", "INT2")
    assert row["inputs_per_s"] == pytest.approx(19.2e9 / 1_539_424)
    assert round(row["inputs_per_s"]) == 12472
    assert row["bound"] == "memory"
    assert row["weight_bytes"] == 1_539_424


def test_every_platform_precision_topology_variant_is_predicted():
    table = predict()
    assert len(table) == len(catalog_long()) * 4
    assert table["precision"].isin(BYTES_PER_ELEMENT).all()
    assert not table[["attainable_tops", "inputs_per_s"]].isna().any(axis=None)


def test_predictions_never_decrease_with_bandwidth_or_peak():
    rng = np.random.default_rng(7)
    base = predict()["inputs_per_s"].to_numpy()
    for scale in rng.uniform(1.0, 20.0, size=5):
        def scaled(**scales):
            return predict(hardware=apply_whatif(catalog_long(), HardwareWhatIf(**scales)))["inputs_per_s"].to_numpy()

        assert (scaled(bandwidth_scale=scale) >= base - 1e-9).all()
        assert (scaled(peak_scale=scale) >= base - 1e-9).all()
        assert (scaled(bandwidth_scale=1 / scale) <= base + 1e-9).all()


def test_doubling_bandwidth_doubles_memory_bound_rows_up_to_the_peak():
    base, doubled = predict(), predict(hardware=apply_whatif(catalog_long(), HardwareWhatIf(bandwidth_scale=2.0)))
    memory = (base["bound"] == "memory").to_numpy()
    expected = np.minimum(base["peak_tops"], 2 * base["attainable_tops"])
    assert np.allclose(doubled["attainable_tops"][memory], expected[memory])
    assert np.allclose(doubled["attainable_tops"][~memory], base["attainable_tops"][~memory])


def test_zero_bandwidth_is_refused_and_infinite_intensity_reaches_peak():
    with pytest.raises(ValueError, match="bandwidth"):
        attainable_tops(np.array([1.0]), np.array([0.0]), np.array([10.0]))
    with pytest.raises(ValueError, match="bandwidth scale"):
        HardwareWhatIf(bandwidth_scale=0)
    assert attainable_tops(np.array([2.0]), np.array([10.0]), np.array([np.inf]))[0] == 2.0
    on_chip = predict(storage=Storage("on-chip"))
    assert (on_chip["attainable_tops"] == on_chip["peak_tops"]).all()
    assert (on_chip["bound"] == "compute").all()


def test_per_batch_weights_raise_intensity_by_the_batch():
    base, batched = predict(), predict(storage=Storage("per-batch", 8))
    assert np.allclose(batched["intensity"], 8 * base["intensity"])


def test_grid_prediction_matches_a_plain_loop():
    grid = predict()[["peak_tops", "bandwidth_gbps", "precision", "params", "ops_per_input"]].copy()
    grid["activation_elems"] = 0.0
    grid["batch"] = np.resize([1, 2, 16, 128], len(grid))
    fast = predict_grid(grid, Storage("per-batch"))
    for row, got in zip(grid.itertuples(index=False), fast.itertuples(index=False), strict=True):
        moved = row.params * BYTES_PER_ELEMENT[row.precision] / row.batch
        expected = min(row.peak_tops * 1e12, row.bandwidth_gbps * 1e9 * row.ops_per_input / moved)
        assert got.inputs_per_s == pytest.approx(expected / row.ops_per_input)
        assert got.bound == ("compute" if expected == row.peak_tops * 1e12 else "memory")


def test_bound_table_has_one_row_per_pair_and_a_column_per_variant():
    table = predict()
    bounds = bound_table(table)
    assert len(bounds) == len(catalog_long())
    assert list(bounds.columns[-4:]) == ["CNV 100%", "CNV 50%", "CNV 25%", "CNV 12.5%"]
    merged = table.assign(variant=table["topology"] + " " + table["pruning_pct"].map("{:g}%".format))
    for row in merged.itertuples(index=False):
        got = bounds.loc[(bounds["device"] == row.device) & (bounds["precision"] == row.precision), row.variant]
        assert got.item() == row.bound


def test_roofline_points_lie_on_both_roofs():
    hardware = catalog_long()
    points = roofline_points(hardware, 1.0, 1e4)
    assert len(points) == 3 * len(hardware)
    expected = np.minimum(points["peak_tops"], points["bandwidth_gbps"] * points["intensity"] / 1000)
    assert np.allclose(points["tops"], expected)
    ridge = points[points["point"] == 1]
    assert np.allclose(ridge["intensity"], np.clip(ridge["ridge_ops_per_byte"], 1.0, 1e4))
    with pytest.raises(ValueError, match="x_min < x_max"):
        roofline_points(hardware, 10.0, 1.0)


def test_unknown_activation_traffic_gives_unknown_not_infinite_intensity():
    imagenet = predict("imagenet", storage=Storage(activations="off-chip"))
    assert imagenet["intensity"].notna().all()  # layer tables give every ImageNet network its traffic
    unknown = predict_grid(imagenet.assign(activation_elems=float("nan"), batch=1), Storage(activations="off-chip"))
    assert unknown["intensity"].isna().all() and unknown["bound"].isna().all()
    default = predict("imagenet")
    resnet = default[(default["topology"] == "ResNet-50") & (default["pruning_pct"] == 100)
                     & (default["device"] == "ZCU104-DPU")].iloc[0]
    assert resnet["intensity"] == pytest.approx(7.7e9 / 25.5e6)
    assert resnet["bound"] == "compute"  # 19.2 GB/s x 302 ops/B = 5.8 TOP/s > 4.6 peak


def test_inputs_per_s_and_its_inverse_are_one_conversion():
    from qb_core.roofline_formulas import inputs_per_s, tops_from_inputs

    assert inputs_per_s(1.33, 469_449_728) == pytest.approx(1.33e12 / 469_449_728)  # TX2 maxn FP16, CNV 100%
    assert tops_from_inputs(inputs_per_s(2.5, 7.7e9), 7.7e9) == pytest.approx(2.5)
    assert np.isnan(inputs_per_s(1.0, np.nan))

"""Explaining the gap: per-layer rooflines, calibrated predictions (held out honestly), the
reverse roofline and the roofline arithmetic they share."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qb_core.calibration import (
    calibrate_predictions,
    calibration_table,
    error_summary,
    fit,
    held_out_calibrated,
    paired_for_calibration,
)
from qb_core.efficiency import efficiency_table
from qb_core.hardware import catalog_long
from qb_core.layers import layer_predictions, layer_roofline
from qb_core.measurements import load_measurements
from qb_core.roof import attainable_tops, bandwidth_for_tops, memory_roof_tops, ridge_ops_per_byte
from qb_core.roofline import predict, what_it_takes
from qb_core.topology import cnv, layer_table


def one(table: pd.DataFrame, device: str, precision: str, pruning: float = 100.0) -> pd.DataFrame:
    return table[(table["device"] == device) & (table["precision"] == precision) & (table["pruning_pct"] == pruning)]


@pytest.fixture(scope="module")
def paired() -> pd.DataFrame:
    return paired_for_calibration(efficiency_table(load_measurements(), catalog_long()))


class TestRoofArithmetic:
    def test_ridge_and_memory_roof_are_the_same_conversion(self):
        assert ridge_ops_per_byte(1.33, 59.7) == pytest.approx(1330 / 59.7)
        assert memory_roof_tops(19.2, 304.95) == pytest.approx(19.2e9 * 304.95 / 1e12)
        assert np.isnan(ridge_ops_per_byte(1.0, 0.0))  # no bandwidth: no ridge, not infinity
        assert bandwidth_for_tops(memory_roof_tops(19.2, 304.95), 304.95) == pytest.approx(19.2)

    def test_attainable_is_the_lower_roof(self):
        assert attainable_tops(30.7, 19.2, 304.95) == pytest.approx(19.2 * 304.95 / 1000)
        assert attainable_tops(1.15, 59.7, 38.12) == 1.15


class TestPerLayer:
    def test_tx2_maxp_fp16_cnv100_layer_sum_is_1803_inputs_per_s(self):
        row = one(predict(), "TX2-maxp", "FP16")
        fps = layer_predictions(row)["layer_fps"].item()
        layers = layer_table(cnv(1.0))
        by_hand = sum(max(ops / 1.15e12, 2.0 * params / 59.7e9) for ops, params in zip(layers["ops"], layers["params"],
                                                                                      strict=True))
        assert fps == pytest.approx(1 / by_hand)
        assert round(fps) == 1803
        assert layer_predictions(row)["bottleneck"].item() == "conv2"

    def test_layer_sum_equals_the_whole_network_roofline_when_every_layer_has_one_intensity(self):
        mlp = predict("mnist")  # every MLP layer is fully connected: 2 ops per weight, one intensity
        mlp = mlp[mlp["execution"] == "layer-by-layer"]
        fps = layer_predictions(mlp)["layer_fps"]
        assert np.allclose(fps, mlp["inputs_per_s"])

    def test_layers_are_named_and_pools_take_no_time_with_activations_on_chip(self):
        layers = layer_roofline(one(predict(), "NCS2", "FP16"))
        assert layers["name"].tolist() == ["conv1", "conv2", "pool1", "conv3", "conv4", "pool2", "conv5", "conv6",
                                           "fc1", "fc2", "fc3"]
        pools = layers[layers["kind"] == "pool"]
        assert (pools["time_s"] == 0).all() and (pools["bound"] == "none").all()

    def test_dataflow_pace_is_the_slowest_stage_with_an_equal_share(self):
        finn = one(predict(), "ZCU104-FINN", "INT2")
        layers = layer_roofline(finn)
        stages = (layers["kind"] != "pool").sum()
        assert (layers.loc[layers["kind"] != "pool", "share"] == 1 / stages).all()
        slowest = max(max(ops * stages / 30.7e12, 0.25 * params * stages / 19.2e9)
                      for ops, params in zip(layers["ops"], layers["params"], strict=True))
        assert layer_predictions(finn)["layer_fps"].item() == pytest.approx(1 / slowest)

    def test_imagenet_networks_get_a_layer_figure_from_their_layer_tables(self):
        rows = predict("imagenet").head(3)
        assert layer_predictions(rows)["layer_fps"].notna().all()
        assert layer_predictions(rows.assign(topology="NoSuchNet"))["layer_fps"].isna().all()


class TestCalibration:
    def test_targets_and_the_baseline_on_cifar10(self, paired):
        summary = error_summary(paired).set_index(["column", "holdout"])
        calibrated = summary.loc["calibrated_fps"]
        assert calibrated.loc["config", "median_abs_error_pct"] <= 15
        assert calibrated.loc["variant", "median_abs_error_pct"] <= 30
        baseline = summary.loc["baseline_fps"]
        assert baseline.loc["config", "median_abs_error_pct"] == pytest.approx(18.3, abs=0.1)
        assert baseline.loc["variant", "median_abs_error_pct"] == pytest.approx(55.0, abs=0.1)
        roofline = summary.loc["roofline_fps"]
        assert roofline.loc["config", "median_abs_error_pct"] == pytest.approx(274.0, abs=0.5)
        assert roofline.loc["config", "within_25_pct"] == pytest.approx(100 * 4 / 46)

    def test_the_fit_recovers_a_known_overhead_and_fraction(self):
        roofline = np.array([1000.0, 4000.0, 16000.0, 64000.0])
        measured = 1 / (250e-6 + (1 / roofline) / 0.5)
        rows = pd.DataFrame({"platform": "X", "measured_fps": measured, "roofline_fps": roofline})
        got = fit(rows).loc["X"]
        assert got["overhead_s"] == pytest.approx(250e-6) and got["fraction"] == pytest.approx(0.5)

    @pytest.mark.parametrize("holdout", ["config", "variant"])
    def test_a_held_out_measurement_never_moves_its_own_prediction(self, paired, holdout):
        before = held_out_calibrated(paired, holdout)["calibrated_fps"]
        target = paired.index[(paired["device"] == "TX2-maxp") & (paired["precision"] == "FP16")
                              & (paired["pruning_pct"] == 50)][0]
        changed = paired.copy()
        changed.loc[target, "measured_fps"] *= 3
        after = held_out_calibrated(changed, holdout)["calibrated_fps"]
        assert after[target] == before[target]
        assert not np.allclose(after.drop(target), before.drop(target))  # it does inform the others

    def test_held_out_config_equals_a_refit_without_that_row(self, paired):
        fast = held_out_calibrated(paired, "config")["calibrated_fps"]
        for index in paired.index[::7]:
            coefficients = fit(paired.drop(index))
            platform = paired.loc[index, "platform"]
            if platform not in coefficients.index:
                continue
            overhead, fraction = coefficients.loc[platform, ["overhead_s", "fraction"]]
            expected = 1 / (overhead + 1 / paired.loc[index, "roofline_fps"] / fraction)
            assert fast[index] == pytest.approx(expected)

    def test_calibrate_command_columns_and_signed_error(self, paired):
        table = calibration_table(paired, "variant")
        assert {"device", "precision", "topology", "pruning_pct", "measured_fps", "roofline_fps", "layer_fps",
                "calibrated_fps", "error_pct"} <= set(table.columns)
        assert np.allclose(table["error_pct"], 100 * (table["calibrated_fps"] - table["measured_fps"])
                           / table["measured_fps"])

    def test_unmeasured_platforms_keep_the_raw_roofline_and_say_so(self, paired):
        predictions = predict()
        calibrated = calibrate_predictions(predictions, paired)
        dpu = calibrated[calibrated["platform"] == "ZCU104-DPU"]
        assert not dpu["calibrated"].any() and (dpu["band_source"] == "not calibrated").all()
        assert np.allclose(dpu["calibrated_fps"], dpu["inputs_per_s"]) and dpu["band_low_fps"].isna().all()
        tx2 = calibrated[calibrated["platform"] == "TX2"]
        assert tx2["calibrated"].all()
        assert (tx2["band_low_fps"] <= tx2["calibrated_fps"]).all()
        assert (tx2["calibrated_fps"] <= tx2["band_high_fps"]).all()


class TestWhatItTakes:
    def test_finn_int2_cnv100_at_30000_inputs_per_s(self):
        row = one(predict(), "ZCU104-FINN", "INT2")
        need = what_it_takes(row, 30_000).iloc[0]
        assert round(need["needed_gbps"], 1) == 46.2 and round(need["bandwidth_multiple"], 2) == 2.41
        assert round(need["needed_tops"], 1) == 14.1 and need["peak_multiple"] < 1
        assert need["binds"] == "bandwidth"

    def test_the_answer_round_trips_through_predict(self):
        rows = predict()
        need = what_it_takes(rows, 50_000.0)
        hardware = catalog_long().copy()
        for (device, precision), group in need.groupby(["device", "precision"]):
            first = group.iloc[0]
            mask = (hardware["device"] == device) & (hardware["precision"] == precision)
            hardware.loc[mask, "peak_tops"] = max(first["peak_tops"], first["needed_tops"])
            hardware.loc[mask, "bandwidth_gbps"] = max(first["bandwidth_gbps"], first["needed_gbps"])
            again = one(predict(hardware=hardware), device, precision, float(first["pruning_pct"]))
            assert again["inputs_per_s"].item() >= 50_000.0 * (1 - 1e-9)

    def test_on_chip_weights_say_only_the_peak_helps(self):
        row = one(predict(weights="on-chip"), "NCS2", "FP16")
        need = what_it_takes(row, 10_000).iloc[0]
        assert need["needed_gbps"] == 0 and need["binds"] == "peak" and "only a higher peak" in need["note"]
        with pytest.raises(ValueError, match="above 0"):
            what_it_takes(row, 0)


class TestCalibrationEdges:
    def test_no_paired_row_gives_an_empty_calibration_not_a_crash(self):
        join = efficiency_table(load_measurements(), catalog_long(), "imagenet", activations="off-chip")
        assert paired_for_calibration(join[join["status"] != "paired"]).empty

    def test_a_reupload_of_the_same_configuration_is_held_out_with_it(self, paired):
        ncs2 = paired[paired["device"] == "NCS2"]
        again = ncs2.assign(dataset="mine.csv", measured_fps=ncs2["measured_fps"] * 5)
        both = pd.concat([paired, again], ignore_index=True)
        held = held_out_calibrated(both, "config")["calibrated_fps"]
        alone = held_out_calibrated(paired, "config")["calibrated_fps"]
        first_ncs = paired.index[paired["device"] == "NCS2"][0]
        assert len(alone) == len(paired)
        # the copy from another data set never trains its twin's prediction
        twin = both.index[(both["dataset"] == "mine.csv")][0]
        coefficients = fit(both.drop(index=[first_ncs, twin]))
        expected = 1 / (coefficients.loc["NCS2", "overhead_s"]
                        + 1 / both.loc[first_ncs, "roofline_fps"] / coefficients.loc["NCS2", "fraction"])
        assert held[first_ncs] == pytest.approx(expected)

    def test_uncalibrated_rows_stay_out_of_the_fitted_models_figures(self, paired):
        lonely = paired.iloc[[0]].assign(platform="Lonely", device="Lonely")
        summary = error_summary(pd.concat([paired, lonely], ignore_index=True)).set_index(["column", "holdout"])
        assert summary.loc[("calibrated_fps", "config"), "not_calibrated"] == 1
        assert summary.loc[("calibrated_fps", "config"), "configurations"] == 46
        assert summary.loc[("roofline_fps", "config"), "configurations"] == 47

    def test_a_platform_whose_time_is_all_overhead_says_so(self):
        from qb_core.calibration import roofline_target

        coefficients = pd.DataFrame({"overhead_s": [1e-3], "fraction": [np.inf]}, index=["X"])
        value, why = roofline_target(coefficients, "X", 100.0)
        assert np.isnan(value) and "does not limit it" in why
        coefficients = pd.DataFrame({"overhead_s": [1e-3], "fraction": [0.5]}, index=["X"])
        assert roofline_target(coefficients, "X", 2000.0)[1].startswith("X's measured overhead")
        assert roofline_target(coefficients, "X", 500.0)[0] == pytest.approx(1 / ((1 / 500 - 1e-3) * 0.5))

"""Explaining the gap: per-layer rooflines, the reverse roofline and the roofline arithmetic they
share (the calibrated model has its own tests in test_model.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qb_core.analyses.layers import layer_predictions, layer_roofline
from qb_core.analyses.predictions import predict, what_it_takes
from qb_core.hardware.catalog import catalog_long
from qb_core.networks.layer_models import cnv, layer_table
from qb_core.question import Storage
from qb_core.roofline_formulas import attainable_tops, bandwidth_for_tops, memory_roof_tops, ridge_ops_per_byte


def one(table: pd.DataFrame, device: str, precision: str, pruning: float = 100.0) -> pd.DataFrame:
    return table[(table["device"] == device) & (table["precision"] == precision) & (table["pruning_pct"] == pruning)]


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
        row = one(predict(storage=Storage("on-chip")), "NCS2", "FP16")
        need = what_it_takes(row, 10_000).iloc[0]
        assert need["needed_gbps"] == 0 and need["binds"] == "peak" and "only a higher peak" in need["note"]
        with pytest.raises(ValueError, match="above 0"):
            what_it_takes(row, 0)

"""The measurement-prediction join: every row paired or listed with its reason, figures by hand."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from qb_core.analyses.efficiency import (
    BEATS_PEAK,
    BEATS_ROOFLINE,
    JOIN_COLUMNS,
    above_peak,
    best_batches,
    best_measured,
    efficiency_table,
    pair,
    summary,
)
from qb_core.analyses.predictions import predict
from qb_core.hardware.catalog import catalog_long
from qb_core.hardware.whatif import apply_whatif
from qb_core.measurements.dataset import load_measurements
from qb_core.question import HardwareWhatIf, Storage


@pytest.fixture(scope="module")
def measured() -> pd.DataFrame:
    return load_measurements()


def config_rows(measured: pd.DataFrame, config: str, task: str = "cifar10") -> pd.DataFrame:
    return measured[(measured["config"] == config) & (measured["task"] == task)]


@pytest.fixture(scope="module")
def cifar(measured) -> pd.DataFrame:
    return efficiency_table(measured, catalog_long())


def row(table: pd.DataFrame, device: str, precision: str, pruning: float = 100.0) -> pd.Series:
    hits = table[(table["device"] == device) & (table["precision"] == precision) & (table["pruning_pct"] == pruning)]
    assert len(hits) == 1
    return hits.iloc[0]


def test_bundled_cifar10_pairs_every_measured_configuration(cifar, measured):
    counts = summary(cifar)
    assert (counts["paired"], counts["predicted-only"], counts["measured-only"]) == (46, 34, 0)
    # 46 distinct measured configurations; 80 predictions (20 platform x precision pairs x 4 variants)
    cifar_rows = measured[measured["task"] == "cifar10"]
    assert cifar_rows["config"].nunique() == 46
    assert len(cifar) - counts["measured-only"] == 80
    assert counts["median_efficiency_pct"] == pytest.approx(26.79, abs=0.01)
    assert list(cifar.columns) == list(JOIN_COLUMNS)


def test_tx2_maxp_fp16_cnv100_is_79_percent_of_a_compute_bound_roofline(cifar, measured):
    tx2 = row(cifar, "TX2-maxp", "FP16")
    rows = config_rows(measured, "TX2-maxp_FP16_100%")
    assert tx2["measured_fps"] == rows["fps_comp"].max() == 1939.6
    assert tx2["measured_batch"] == rows.loc[rows["fps_comp"].idxmax(), "batch"]
    assert tx2["predicted_fps"] == pytest.approx(1.15e12 / 469_449_728)  # 2,449.7: compute roof
    assert round(tx2["efficiency_pct"], 1) == 79.2
    assert tx2["bound"] == "compute"
    assert tx2["measured_tops"] == pytest.approx(1939.6 * 469_449_728 / 1e12)


def test_finn_int2_cnv100_is_24_percent_of_a_memory_bound_roofline(cifar):
    finn = row(cifar, "ZCU104-FINN", "INT2")
    assert finn["predicted_fps"] == pytest.approx(19.2e9 / 1_539_424)  # 12,472.2
    assert finn["measured_fps"] == 2979.082
    assert round(finn["efficiency_pct"], 1) == 23.9
    assert finn["bound"] == "memory"


def test_the_ncs2_spelling_difference_drops_nothing(measured, cifar):
    ncs2 = cifar[cifar["device"] == "NCS2"]
    assert set(ncs2.loc[ncs2["status"] == "paired", "precision"]) == {"FP16"}
    assert len(ncs2[ncs2["status"] == "paired"]) == 4  # the four NCS2 FP16 configurations QuTiBench's join loses
    assert (ncs2.loc[ncs2["status"] == "predicted-only", "reason"] != "").all()


def test_best_batch_is_the_best_positive_throughput_and_zero_is_listed_not_divided(measured):
    rows = config_rows(measured, "NCS2_FP16_100%").copy()
    rows.loc[rows.index[0], "fps_comp"] = 1e9  # a larger but impossible value wins the max...
    assert best_batches(rows)["fps_comp"].item() == 1e9
    broken = rows.assign(fps_comp=0.0)
    table = efficiency_table(broken, catalog_long())
    only = table[table["status"] == "measured-only"]
    assert len(only) == 1 and "no positive measured throughput" in only["reason"].item()
    assert np.isnan(only["efficiency_pct"].item())


def upload(measured: pd.DataFrame, **changes) -> pd.DataFrame:
    rows = config_rows(measured, "TX2-maxp_FP16_100%").assign(dataset="mine.csv")
    for column, value in changes.items():
        rows[column] = value
    return rows


@pytest.mark.parametrize(("changes", "reason"), [
    ({"platform": "MyBoard", "device": "MyBoard", "op_mode": ""}, "'MyBoard' is not in the hardware catalog"),
    ({"device": "TX2", "op_mode": ""}, "TX2 needs an op mode among maxn, maxp, maxq"),
    ({"precision": "INT8"}, "INT8 is not native on TX2-maxp (native: FP16, FP32)"),
    ({"pruning_pct": 75.0, "topology": "NoSuchNet"}, "no operation count known for NoSuchNet 75%"),
])
def test_unpairable_uploads_are_listed_with_their_reason(measured, changes, reason):
    mine = upload(measured, **changes)
    table = efficiency_table(pd.concat([measured, mine], ignore_index=True), catalog_long())
    only = table[table["status"] == "measured-only"]
    assert len(only) == 1 and reason in only["reason"].item()
    assert summary(table)["paired"] == 46  # the bundled rows are untouched


def test_renaming_a_platform_in_an_upload_never_loses_a_row(measured):
    mine = measured[measured["task"] == "cifar10"].assign(dataset="mine.csv")
    renamed = mine.assign(platform=mine["platform"].astype(str).replace("NCS2", "NCS-renamed"),
                          device=mine["device"].astype(str).replace("NCS2", "NCS-renamed"))
    table = efficiency_table(renamed, catalog_long())
    measured_configs = renamed.groupby(["device", "precision", "topology", "pruning_pct"], observed=True).ngroups
    listed = table[table["status"] != "predicted-only"]
    assert len(listed) == measured_configs  # every measured configuration is paired or listed
    renamed_rows = listed[listed["device"] == "NCS-renamed"]
    assert len(renamed_rows) == 4 and (renamed_rows["status"] == "measured-only").all()


def test_an_uploaded_cnv_of_another_width_is_predicted_from_the_layer_model(measured):
    mine = upload(measured, pruning_pct=75.0)
    table = efficiency_table(pd.concat([measured, mine], ignore_index=True), catalog_long())
    paired = table[(table["dataset"] == "mine.csv")]
    assert paired["status"].tolist() == ["paired"]
    assert paired["variant"].item() == "CNV 75%"


def test_doubling_bandwidth_halves_memory_bound_efficiency_only(measured, cifar):
    doubled = efficiency_table(measured, apply_whatif(catalog_long(), HardwareWhatIf(bandwidth_scale=2.0)))
    finn, finn2 = row(cifar, "ZCU104-FINN", "INT2"), row(doubled, "ZCU104-FINN", "INT2")
    assert finn2["efficiency_pct"] == pytest.approx(finn["efficiency_pct"] / 2)
    tx2, tx22 = row(cifar, "TX2-maxp", "FP16"), row(doubled, "TX2-maxp", "FP16")
    assert tx22["efficiency_pct"] == pytest.approx(tx2["efficiency_pct"])


def test_peak_override_moves_compute_bound_efficiency_by_the_ratio(measured, cifar):
    faster = efficiency_table(measured, apply_whatif(catalog_long(), HardwareWhatIf(
        overrides_text=json.dumps({"TX2-maxp": {"peak_tops_fp16": 2.0}}))))
    assert row(faster, "TX2-maxp", "FP16")["efficiency_pct"] == pytest.approx(
        row(cifar, "TX2-maxp", "FP16")["efficiency_pct"] * 1.15 / 2.0)  # still below the 2.28 TOP/s memory roof


def test_per_batch_pairs_each_config_with_the_prediction_at_its_measured_batch(measured):
    table = efficiency_table(measured, catalog_long(), storage=Storage("per-batch", 2))
    finn = row(table, "ZCU104-FINN", "INT2")
    assert finn["measured_batch"] == 512
    expected = min(30.7e12, 19.2e9 * 469_449_728 / (1_539_424 / 512)) / 469_449_728
    assert finn["predicted_fps"] == pytest.approx(expected)


def test_rows_above_the_roofline_are_flagged_and_clear_under_automatic_storage(measured):
    mnist = efficiency_table(measured, catalog_long(), "mnist")
    finn = mnist[(mnist["device"] == "ZCU104-FINN") & (mnist["status"] == "paired")]
    assert (finn["efficiency_pct"] > 100).all()
    assert (finn["reason"] == BEATS_ROOFLINE).all()
    automatic = efficiency_table(measured, catalog_long(), "mnist", Storage("automatic"))
    finn_auto = automatic[(automatic["device"] == "ZCU104-FINN") & (automatic["status"] == "paired")]
    assert finn_auto["weights_on_chip"].all()  # 2.5 MB of INT2 weights fit in 4.75 MB on chip
    assert (finn_auto["efficiency_pct"] < 100).all() and (finn_auto["reason"] == "").all()


def test_a_measurement_above_the_peak_is_named_as_such(measured):
    mnist = efficiency_table(measured, catalog_long(), "mnist", Storage("on-chip"))
    over = mnist[(mnist["status"] == "paired") & (mnist["measured_tops"] > mnist["peak_tops"])]
    assert len(over) > 0 and (over["reason"] == BEATS_PEAK).all()


def test_energy_per_input_is_full_power_over_measured_throughput(cifar, measured):
    ncs = row(cifar, "NCS2", "FP16")
    best = config_rows(measured, "NCS2_FP16_100%").sort_values("fps_comp").iloc[-1]
    assert ncs["mj_per_input"] == pytest.approx(1000 * best["full_power_w"] / best["fps_comp"])
    assert ncs["inputs_per_joule"] == pytest.approx(best["fps_comp"] / best["full_power_w"])
    assert ncs["predicted_mj_per_input"] == pytest.approx(1000 * 1.0 / ncs["predicted_fps"])  # 1 W datasheet
    finn = row(cifar, "ZCU104-FINN", "INT2")
    assert np.isnan(finn["predicted_mj_per_input"])  # no datasheet power: nothing invented


def test_on_a_throughput_tie_the_smaller_batch_is_kept(measured):
    rows = config_rows(measured, "NCS2_FP16_100%").copy()
    top = rows["fps_comp"].max()
    rows.loc[rows.index[0], "fps_comp"] = top  # the smallest batch now ties with the best
    best = best_batches(rows)
    assert best["fps_comp"].item() == top and best["batch"].item() == rows["batch"].min()


def test_imagenet_activation_traffic_comes_from_the_layer_tables(measured):
    """Every ImageNet network now has a layer table, so activations off chip still give a prediction:
    bytes = width x (weights + in + out activations of every layer)."""
    from qb_core.networks.zoo import imagenet_layers

    table = efficiency_table(measured, catalog_long(), "imagenet", Storage(activations="off-chip"))
    assert not table["reason"].str.contains("activation traffic is unknown").any()
    paired = table[table["status"] == "paired"]
    row = paired[(paired["device"] == "TX2-maxp") & (paired["precision"] == "FP16")
                 & (paired["topology"] == "ResNet-50") & (paired["pruning_pct"] == 100.0)].iloc[0]
    layers = imagenet_layers("ResNet-50", 100.0)
    moved = 2.0 * (25_500_000 + (layers["in_activations"] + layers["out_activations"]).sum())  # published params
    assert row["intensity"] == pytest.approx(7.7e9 / moved)
    # ResNet-50v15 has no published op count: its layer table gives one, so its EdgeTPU rows pair too
    assert summary(efficiency_table(measured, catalog_long(), "imagenet"))["paired"] == 34
    assert set(paired.loc[paired["topology"] == "ResNet-50v15", "device"]) == {"EdgeTPU-fast", "EdgeTPU-slow"}


def test_a_peak_slider_does_not_turn_real_measurements_into_suspects(measured):
    slow = apply_whatif(catalog_long(), HardwareWhatIf(peak_scale=0.1))
    table = efficiency_table(measured, slow, datasheet=catalog_long())
    assert (table["reason"] != BEATS_PEAK).all()  # above a what-if peak is expected, not suspicious
    assert (efficiency_table(measured, slow)["reason"] == BEATS_PEAK).any()  # against itself it would be


def test_an_upload_at_a_width_of_many_decimals_still_pairs(measured):
    mine = upload(measured, pruning_pct=100 / 3)
    table = efficiency_table(pd.concat([measured, mine], ignore_index=True), catalog_long())
    assert table.loc[table["dataset"] == "mine.csv", "status"].tolist() == ["paired"]


@pytest.mark.parametrize(("task", "weights", "bandwidth_scale"),
                         [("mnist", "off-chip", 1.0), ("cifar10", "off-chip", 0.25), ("mnist", "per-batch", 0.5)])
def test_the_light_pairing_finds_what_the_join_finds(measured, task, weights, bandwidth_scale):
    """The Prediction page pairs without the whole join (it reruns on every slider move): the
    configurations it says beat their prediction, and which of them exceed the datasheet peak,
    are exactly the join's."""
    datasheet = catalog_long()
    hardware = apply_whatif(datasheet, HardwareWhatIf(bandwidth_scale))
    join = efficiency_table(measured, hardware, task, Storage(weights, 8), datasheet=datasheet)
    over = join[(join["status"] == "paired") & (join["efficiency_pct"] > 100)]
    predictions = predict(task, hardware, Storage(weights, 8))
    paired = pair(best_measured(measured[measured["task"] == task]), predictions, Storage(weights, 8))
    beaten = paired[paired["measured_fps"] > paired["inputs_per_s"]]
    assert len(over) > 0
    assert sorted(beaten["config"]) == sorted(over["config"])
    over_peak = set(over.loc[over["reason"] == BEATS_PEAK, "config"])
    assert set(beaten.loc[above_peak(beaten, datasheet), "config"]) == over_peak


def test_energy_conversions_have_one_home_and_refuse_zero_power():
    from qb_core.units import inputs_per_joule, mj_per_input

    assert mj_per_input(2.0, 200.0) == pytest.approx(10.0) and inputs_per_joule(200.0, 2.0) == pytest.approx(100.0)
    assert np.isnan(mj_per_input(0.0, 100.0)) and np.isnan(inputs_per_joule(100.0, -1.0))  # never infinity

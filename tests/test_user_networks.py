"""A user's network joins every theory figure: roofline, per-layer model, calibrated model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qb_core.analyses.layers import layer_predictions
from qb_core.analyses.predictions import predict
from qb_core.hardware.catalog import catalog_long
from qb_core.measurements.dataset import load_measurements
from qb_core.model.batch_model import build_batch_model, model_grid, predict_rows
from qb_core.networks.layer_table import check_layer_table
from qb_core.networks.user import make_network
from qb_core.networks.variants import variant_table

# A small CNN: conv 3->16 on 32x32 (3x3, pad 1), depthwise 16 on 32x32, global pool, fc 16->10
LAYERS = check_layer_table(pd.DataFrame({
    "layer": ["conv1", "dw1", "gap", "fc"], "type": ["conv", "depthwise", "pool", "fc"],
    "ops": [2 * 32 * 32 * 9 * 3 * 16, 2 * 32 * 32 * 9 * 16, 0, 2 * 16 * 10],
    "weights": [9 * 3 * 16 + 16, 9 * 16 + 16, 0, 16 * 10 + 10],
    "in_activations": [32 * 32 * 3, 32 * 32 * 16, 32 * 32 * 16, 16],
    "out_activations": [32 * 32 * 16, 32 * 32 * 16, 16, 10]}))
OPS = 2 * 32 * 32 * 9 * 3 * 16 + 2 * 32 * 32 * 9 * 16 + 2 * 16 * 10
PARAMS = 9 * 3 * 16 + 16 + 9 * 16 + 16 + 16 * 10 + 10


@pytest.fixture(scope="module")
def mine():
    return make_network("TinyNet", "cifar10", ("INT8", "FP16"), LAYERS, "tiny.csv")


def test_a_network_is_checked_and_round_trips_its_layers(mine):
    assert mine.layers.equals(LAYERS)
    for bad, why in ((dict(name="CNV"), "bundled"), (dict(name="  "), "name"), (dict(precisions=()), "precision"),
                     (dict(task="speech"), "task"), (dict(name="TinyNet", taken=("TinyNet",)), "already")):
        arguments = {"name": "x", "task": "cifar10", "precisions": ("INT8",), "layers": LAYERS, **bad}
        with pytest.raises(ValueError, match=why):
            make_network(**arguments)


def test_the_roofline_predicts_it_only_at_its_precisions(mine):
    variants = variant_table("cifar10", networks=(mine,)).set_index("topology")
    assert variants.loc["TinyNet", "ops_per_input"] == OPS and variants.loc["TinyNet", "params"] == PARAMS
    assert "TinyNet" not in set(variant_table("imagenet", networks=(mine,))["topology"])
    table = predict("cifar10", networks=(mine,))
    tiny = table[table["topology"] == "TinyNet"]
    assert set(tiny["precision"]) <= {"INT8", "FP16"} and len(tiny) > 0
    ncs = tiny[(tiny["device"] == "NCS2") & (tiny["precision"] == "FP16")].iloc[0]
    intensity = OPS / (2.0 * PARAMS)  # weights read once per input at 2 bytes each
    assert ncs["inputs_per_s"] == pytest.approx(min(0.5e12, 12.8e9 * intensity) / OPS)


def test_the_per_layer_model_uses_its_layers(mine):
    row = predict("cifar10", networks=(mine,))
    row = row[(row["topology"] == "TinyNet") & (row["device"] == "TX2-maxp")].iloc[[0]]
    peak = row["peak_tops"].iloc[0] * 1e12
    bandwidth = row["bandwidth_gbps"].iloc[0] * 1e9
    width = 2.0
    times = [max(o / peak, w * width / bandwidth) for o, w in zip(LAYERS["ops"], LAYERS["weights"], strict=True)]
    assert layer_predictions(row, networks=(mine,))["layer_fps"].iloc[0] == pytest.approx(1 / sum(times))
    assert np.isnan(layer_predictions(row)["layer_fps"].iloc[0])  # without the network, no layers known


def test_the_batch_model_says_what_it_can_about_it(mine):
    model = build_batch_model(load_measurements(), catalog_long(), (mine,))
    grid = model_grid(catalog_long(), (mine,))
    tiny = predict_rows(model, grid[grid["topology"] == "TinyNet"], "accelerator", "latency-b1")
    tiny = tiny.set_index(["device", "precision"])
    assert tiny.loc[("TX2-maxp", "FP16"), "reason"] == "depthwise layers were never measured on TX2"
    edge = tiny.loc[("EdgeTPU-fast", "INT8")]
    assert edge["evidence"] == "untested" and edge["reason"].startswith(
        f"{OPS / 1e6:.3g} M ops per input is more than 4x outside the 1.14 G-19.3 G measured on EdgeTPU")
    assert edge["latency_ms"] > 0 and np.isnan(edge["latency_low_ms"])  # the model's figure, no band


def test_small_networks_travel_in_a_link_and_hostile_links_are_refused(mine):
    from qb_core.links import networks_from_text, networks_to_text
    from qb_core.networks.user import LINK_CSV_CHARS

    big = make_network("Big", "imagenet", ("INT8",), pd.concat([LAYERS.assign(layer=LAYERS["layer"] + str(i))
                                                                for i in range(200)]), "big.onnx")
    assert len(big.layers_csv) > LINK_CSV_CHARS
    text, left_out = networks_to_text((mine, big))
    assert left_out == ("Big",)
    (back,) = networks_from_text(text)
    assert back.name == "TinyNet" and back.precisions == ("INT8", "FP16") and back.layers.equals(LAYERS)
    for hostile in ('{"a": 1}', '[["CNV","cifar10","INT8","layer,type,ops,weights,in_activations,out_activations\\n'
                    'a,conv,1,1,1,1\\n"]]', "[[[[[[1]]]]]]", '[["x","cifar10","INT8","not,a,table\\n"]]', "x" * 30000):
        with pytest.raises(ValueError):
            networks_from_text(hostile)


def test_a_network_without_work_and_absurd_totals_are_refused():
    from qb_core.networks.layer_csv import read_layer_csv

    pools = LAYERS[LAYERS["type"] == "pool"]
    with pytest.raises(ValueError, match="no convolution or fully connected layer"):
        make_network("OnlyPools", "cifar10", ("INT8",), pools)
    header = b"layer,type,ops,weights,in_activations,out_activations\n"
    huge = header + b"".join(b"l%d,conv,1000000000000000000,1,1,1\n" % i for i in range(20))
    with pytest.raises(ValueError, match="above 10\\^18"):
        read_layer_csv(huge, "huge.csv")  # twenty rows of 10^18 would wrap an int64 sum


def test_duplicate_onnx_layer_names_are_made_unique():
    from qb_core.networks.onnx_import import unique_names

    names = unique_names(["relu"] * 2_000 + ["relu_2", "x"])  # the suffix search resumes (bench: 20,000 names)
    assert names[:3] == ["relu", "relu_2", "relu_3"] and len(set(names)) == len(names) == 2_002
    assert names[-2:] == ["relu_2_2", "x"]


def test_the_link_carries_networks_until_its_budget_is_spent_and_names_the_rest():
    from qb_core.links import MAX_LINK_TEXT, networks_from_text, networks_to_text
    from qb_core.networks.user import LINK_CSV_CHARS

    rows = pd.concat([LAYERS.assign(layer=LAYERS["layer"] + f"_{i}") for i in range(45)], ignore_index=True)
    nets = tuple(make_network(f"Net{i}", "cifar10", ("INT8",), rows) for i in range(5))
    assert len(nets[0].layers_csv) <= LINK_CSV_CHARS < 2 * len(nets[0].layers_csv)  # each fits alone
    text, left_out = networks_to_text(nets)
    assert len(text) <= MAX_LINK_TEXT and left_out  # not all five fit together
    back = networks_from_text(text)
    assert [n.name for n in back] + list(left_out) == [n.name for n in nets]

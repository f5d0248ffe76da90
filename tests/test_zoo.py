"""ImageNet layer tables: totals against the published figures, layers against hand counts."""

import pandas as pd
import pytest

from qb_core.networks.layer_table import LAYER_TABLE_COLUMNS, LAYER_TYPES, check_layer_table, layer_totals
from qb_core.networks.zoo import IMAGENET_VARIANTS, imagenet_layers, layer_producers
from qb_core.paths import DATA_DIR

PUBLISHED = pd.read_csv(DATA_DIR / "topologies_published.csv")
IMAGENET_PUBLISHED = PUBLISHED[PUBLISHED["task"] == "imagenet"]
INPUT_SIDE = {"EfficientNet-M": 240, "EfficientNet-L": 300}


def row(table: pd.DataFrame, layer: str) -> pd.Series:
    match = table[table["layer"] == layer]
    assert len(match) == 1, layer
    return match.iloc[0]


def conv_ops(side_out: int, kernel: int, c_in: int, c_out: int) -> int:
    return 2 * side_out * side_out * kernel * kernel * c_in * c_out


class TestCatalog:
    def test_every_imagenet_network_in_the_data_has_a_table(self):
        measured = pd.read_csv(DATA_DIR / "measurements.csv")
        measured = measured[measured["task"] == "imagenet"]
        in_data = set(zip(measured["topology"], measured["pruning_pct"], strict=True))
        in_data |= set(zip(IMAGENET_PUBLISHED["topology"], IMAGENET_PUBLISHED["pruning_pct"], strict=True))
        assert in_data == set(IMAGENET_VARIANTS)
        assert len(IMAGENET_VARIANTS) == 10

    @pytest.mark.parametrize(("topology", "pct"), IMAGENET_VARIANTS)
    def test_table_is_a_checked_layer_table(self, topology, pct):
        table = imagenet_layers(topology, pct)
        assert tuple(table.columns) == LAYER_TABLE_COLUMNS
        pd.testing.assert_frame_equal(table, check_layer_table(table))
        assert set(table["type"]) <= set(LAYER_TYPES)
        no_work = table["type"].isin(["pool", "eltwise"])
        assert (table.loc[no_work, ["ops", "weights"]] == 0).all().all()
        assert (table.loc[~no_work, ["ops", "weights"]] > 0).all().all()

    @pytest.mark.parametrize(("topology", "pct"), IMAGENET_VARIANTS)
    def test_activations_chain(self, topology, pct):
        """Each layer reads exactly what its producers wrote (both inputs of an Add, the whole
        concatenation after an inception module)."""
        table = imagenet_layers(topology, pct).set_index("layer")
        side = INPUT_SIDE.get(topology, 224)
        written = {"input": side * side * 3, **table["out_activations"].to_dict()}
        producers = layer_producers(topology, pct)
        assert list(producers) == list(table.index)
        for layer, sources in producers.items():
            assert table.at[layer, "in_activations"] == sum(written[s] for s in sources), layer
            if table.at[layer, "type"] == "eltwise":  # an Add reads two tensors of its output's size
                assert len(sources) == 2
                assert table.at[layer, "in_activations"] == 2 * table.at[layer, "out_activations"]
            assert all(list(table.index).index(s) < list(table.index).index(layer) for s in sources if s != "input")
        assert table["out_activations"].iloc[-1] == (1001 if topology.startswith("EfficientNet") else 1000)

    def test_tables_are_copies(self):
        first = imagenet_layers("MobileNetv1")
        first.loc[0, "ops"] = -1
        first["extra"] = 1
        again = imagenet_layers("MobileNetv1", 100)
        assert again.loc[0, "ops"] > 0
        assert "extra" not in again.columns

    @pytest.mark.parametrize(
        ("topology", "pct", "named"),
        [
            ("VGG16", 100.0, "GoogLeNetv1"),
            ("resnet-50", 100.0, "ResNet-50v15"),
            ("ResNet-50", 60.0, "100, 80, 50, 30"),
            ("MobileNetv1", 50.0, "100"),
            ("ResNet-50", float("nan"), "100, 80, 50, 30"),
            ("ResNet-50", "half", "100, 80, 50, 30"),
        ],
    )
    def test_unknown_network_or_pruning_names_the_choices(self, topology, pct, named):
        with pytest.raises(ValueError, match=named):
            imagenet_layers(topology, pct)


def published(topology: str, pct: float) -> tuple[int, int]:
    rows = IMAGENET_PUBLISHED
    match = rows[(rows["topology"] == topology) & (rows["pruning_pct"] == pct)]
    return int(match["params"].iloc[0]), int(match["ops_per_input"].iloc[0])


class TestPublishedTotals:
    """Published figures are rounded to 0.1 G ops and 0.1 M params: a total agrees when it is
    within 3 % or rounds to the published figure (MobileNet's 1.137 G ops, +3.4 %, is 1.1 G)."""

    @pytest.mark.parametrize(
        ("topology", "pct"),
        [v for v in IMAGENET_VARIANTS if v != ("ResNet-50v15", 100.0)],
    )
    def test_ops_agree(self, topology, pct):
        ours = layer_totals(imagenet_layers(topology, pct))["ops_per_input"]
        _, ops = published(topology, pct)
        assert abs(ours - ops) <= max(0.03 * ops, 0.05e9)

    @pytest.mark.parametrize(
        ("topology", "pct"),
        [v for v in IMAGENET_VARIANTS if v not in {("ResNet-50v15", 100.0), ("GoogLeNetv1", 100.0)}],
    )
    def test_params_agree(self, topology, pct):
        ours = layer_totals(imagenet_layers(topology, pct))["params"]
        params, _ = published(topology, pct)
        assert abs(ours - params) <= max(0.03 * params, 0.05e6)

    def test_pruned_resnet_fitted_within_half_a_percent(self):
        for pct in (80.0, 50.0, 30.0):
            totals = layer_totals(imagenet_layers("ResNet-50", pct))
            params, ops = published("ResNet-50", pct)
            assert abs(totals["params"] / params - 1) < 0.005
            assert abs(totals["ops_per_input"] / ops - 1) < 0.005

    def test_googlenet_params_published_figure_lacks_the_classifier(self):
        """Ours is 7.0 M (the paper's Table 1 sums to 6.8 M); the published 6.0 M is what the
        convolutions alone give (5.97 M), i.e. the figure appears to leave out the classifier."""
        table = imagenet_layers("GoogLeNetv1")
        assert table["weights"].sum() == 6_998_552
        classifier = row(table, "loss3/classifier")
        assert classifier["weights"] == 1024 * 1000 + 1000
        params, _ = published("GoogLeNetv1", 100.0)
        assert params == 6_000_000
        convolutions = table["weights"].sum() - classifier["weights"]
        assert convolutions == 5_973_552
        assert abs(convolutions - params) <= 0.05e6  # rounds to the published 6.0 M

    def test_resnet50_v15_has_no_published_ops(self):
        assert ("ResNet-50v15", 100.0) not in set(zip(PUBLISHED["topology"], PUBLISHED["pruning_pct"], strict=True))


class TestKnownReferences:
    def test_resnet50_weights_without_biases(self):
        """25,502,912 conv + fc weights (torchvision's 25,557,032 less BN's 2 x 26,560 and the
        fc bias); ours adds one bias per conv channel (folded BN) and the fc bias."""
        bn_channels = 64 + sum(blocks * 6 * m + 4 * m for blocks, m in ((3, 64), (4, 128), (6, 256), (3, 512)))
        assert bn_channels == 26_560
        for topology in ("ResNet-50", "ResNet-50v15"):
            assert imagenet_layers(topology)["weights"].sum() == 25_502_912 + bn_channels + 1000

    def test_resnet50_ops(self):
        assert imagenet_layers("ResNet-50")["ops"].sum() == 7_715_946_496
        # v1.5 runs the reduce 1x1 of conv3_1, conv4_1, conv5_1 at the input resolution
        stages = ((56, 256, 128), (28, 512, 256), (14, 1024, 512))  # input side, C_in, inner width
        extra = sum(2 * (h * h - (h // 2) ** 2) * c_in * m for h, c_in, m in stages)
        assert imagenet_layers("ResNet-50v15")["ops"].sum() - 7_715_946_496 == extra == 462_422_016

    def test_mobilenet_params(self):
        """Keras' MobileNet has 4,231,976 trainable parameters with BN's scale and shift (2 per
        channel, 10,944 channels); a folded BN keeps one bias per channel."""
        dw_in = [32, 64, 128, 128, 256, 256] + [512] * 6 + [1024]
        pw_out = [64, 128, 128, 256, 256] + [512] * 6 + [1024, 1024]
        bn_channels = 32 + sum(dw_in) + sum(pw_out)
        assert bn_channels == 10_944
        table = imagenet_layers("MobileNetv1")
        assert table["weights"].sum() == 4_231_976 - bn_channels == 4_221_032
        assert table["ops"].sum() == 1_137_480_704  # 568.7 M mult-adds: the paper's 569 M


class TestLayers:
    def test_mobilenet_first_conv_and_a_depthwise(self):
        table = imagenet_layers("MobileNetv1")
        first = row(table, "Conv2d_0")
        assert first["ops"] == 2 * 112 * 112 * 3 * 3 * 3 * 32
        assert first["weights"] == 3 * 3 * 3 * 32 + 32
        assert (first["in_activations"], first["out_activations"]) == (224 * 224 * 3, 112 * 112 * 32)
        dw = row(table, "Conv2d_2_depthwise")  # 112x112x64 in, stride 2
        assert dw["type"] == "depthwise"
        assert dw["ops"] == 2 * 56 * 56 * 3 * 3 * 64
        assert dw["weights"] == 3 * 3 * 64 + 64
        assert (dw["in_activations"], dw["out_activations"]) == (112 * 112 * 64, 56 * 56 * 64)
        assert (table["type"] == "depthwise").sum() == 13
        assert len(table) == 1 + 26 + 2

    def test_resnet50_first_block(self):
        table = imagenet_layers("ResNet-50")
        hw = 56 * 56
        expected = {
            "res2a_branch1": (conv_ops(56, 1, 64, 256), 64 * 256 + 256, hw * 64, hw * 256),
            "res2a_branch2a": (conv_ops(56, 1, 64, 64), 64 * 64 + 64, hw * 64, hw * 64),
            "res2a_branch2b": (conv_ops(56, 3, 64, 64), 9 * 64 * 64 + 64, hw * 64, hw * 64),
            "res2a_branch2c": (conv_ops(56, 1, 64, 256), 64 * 256 + 256, hw * 64, hw * 256),
            "res2a": (0, 0, 2 * hw * 256, hw * 256),
        }
        for layer, counts in expected.items():
            got = row(table, layer)
            assert (got["ops"], got["weights"], got["in_activations"], got["out_activations"]) == counts, layer
        assert row(table, "res2a")["type"] == "eltwise"
        assert row(table, "conv1")["ops"] == conv_ops(112, 7, 3, 64)
        assert row(table, "fc1000")["weights"] == 2048 * 1000 + 1000
        assert (table["type"] == "eltwise").sum() == 16
        assert (table["type"] == "conv").sum() == 53

    def test_resnet50_downsampling_stride(self):
        v1, v15 = imagenet_layers("ResNet-50"), imagenet_layers("ResNet-50v15")
        # v1: stride 2 in conv3_1's first 1x1 (28x28 out); v1.5: in its 3x3 (1x1 at 56x56)
        assert row(v1, "res3a_branch2a")["out_activations"] == 28 * 28 * 128
        assert row(v15, "res3a_branch2a")["out_activations"] == 56 * 56 * 128
        assert row(v15, "res3a_branch2b")["ops"] == row(v1, "res3a_branch2b")["ops"] == conv_ops(28, 3, 128, 128)

    @pytest.mark.parametrize(("pct", "early", "late"), [(80.0, 55, 507), (50.0, 35, 369), (30.0, 25, 195)])
    def test_pruning_scales_inner_channels_only(self, pct, early, late):
        full, pruned = imagenet_layers("ResNet-50"), imagenet_layers("ResNet-50", pct)
        assert row(pruned, "conv1")["out_activations"] == 112 * 112 * early  # 64 x early factor
        assert row(pruned, "res5b_branch2b")["out_activations"] == 7 * 7 * late  # 512 x late factor
        adds = pruned["type"] == "eltwise"
        assert (pruned.loc[adds, "out_activations"].to_numpy() == full.loc[adds, "out_activations"].to_numpy()).all()
        assert row(pruned, "fc1000")["weights"] == row(full, "fc1000")["weights"]

    def test_pruning_levels_shrink_monotonically(self):
        totals = [layer_totals(imagenet_layers("ResNet-50", pct)) for pct in (100.0, 80.0, 50.0, 30.0)]
        for bigger, smaller in zip(totals, totals[1:], strict=False):
            assert smaller["ops_per_input"] < bigger["ops_per_input"]
            assert smaller["params"] < bigger["params"]

    def test_googlenet_inception_3a(self):
        table = imagenet_layers("GoogLeNetv1")
        branches = ["1x1", "3x3", "5x5", "pool_proj"]
        out = sum(row(table, f"inception_3a/{b}")["out_activations"] for b in branches)
        assert out == 28 * 28 * 256
        assert row(table, "inception_3b/1x1")["in_activations"] == 28 * 28 * 256
        ops = sum(row(table, layer)["ops"] for layer in table["layer"] if layer.startswith("inception_3a/"))
        assert ops == 2 * 28 * 28 * (192 * 64 + 192 * 96 + 9 * 96 * 128 + 192 * 16 + 25 * 16 * 32 + 192 * 32)
        assert row(table, "inception_3a/pool")["type"] == "pool"
        assert row(table, "inception_5b/1x1")["in_activations"] == 7 * 7 * 832
        assert row(table, "loss3/classifier")["in_activations"] == 1024
        assert len(table) == 5 + 9 * 7 + 2 + 2  # stem, 9 modules, 2 pools between, pool5 + classifier

    def test_efficientnet_edgetpu_s(self):
        table = imagenet_layers("EfficientNet-S")
        assert len(table) == 63
        head = row(table, "head")
        assert head["out_activations"] == 7 * 7 * 1280
        assert row(table, "fc")["weights"] == 1280 * 1001 + 1001
        assert (table["type"] == "depthwise").sum() == 11
        # block 0 expands the stem's 32 channels to 24 x 4 with a 3x3 conv at 112x112
        assert row(table, "block0_expand")["ops"] == conv_ops(112, 3, 32, 96)
        # fused stride-2 block as released: 3x3 expansion at 112x112, 1x1 projection strides
        assert row(table, "block1_expand")["ops"] == conv_ops(112, 3, 24, 192)
        assert row(table, "block1_project")["ops"] == conv_ops(56, 1, 192, 32)
        assert row(table, "block2_add")["in_activations"] == 2 * 56 * 56 * 32

    def test_efficientnet_edgetpu_scaling(self):
        m, large = imagenet_layers("EfficientNet-M"), imagenet_layers("EfficientNet-L")
        assert row(m, "stem")["out_activations"] == 120 * 120 * 32
        assert row(m, "block1_expand")["in_activations"] == 120 * 120 * 24  # ceil(1.1 x 1) = 2 blocks
        assert row(large, "stem")["out_activations"] == 150 * 150 * 40  # round_filters(32, 1.2)
        assert row(large, "head")["out_activations"] == 10 * 10 * 1536  # round_filters(1280, 1.2)
        assert len(m) == 83
        assert len(large) == 94


def test_every_difference_from_a_published_total_is_explained_on_the_networks_page():
    from qb_core.networks.summary import layer_tables_vs_published

    table = layer_tables_vs_published()
    assert len(table) == len(IMAGENET_VARIANTS)
    outside = table[~table["within_3_pct"]]
    assert set(outside["variant"]) == {"GoogLeNetv1 100%", "MobileNetv1 100%", "ResNet-50v15 100%"}
    assert (outside["note"] != "").all()
    googlenet = table.set_index("variant").loc["GoogLeNetv1 100%"]
    assert googlenet["params_difference_pct"] == pytest.approx(100 * (googlenet["params"] - 6.0e6) / 6.0e6)
    assert table.loc[table["within_3_pct"] & ~table["variant"].str.startswith("ResNet-50 "), "note"].eq("").all()

import numpy as np
import pytest

from qb_core.networks.layer_models import cnv, layer_table, mlp
from qb_core.networks.traffic import bytes_moved_per_input, intensity_ops_per_byte
from qb_core.networks.variants import topology_table, variant_table
from qb_core.question import Storage
from qb_core.vocabulary import BYTES_PER_ELEMENT


def naive_cnv_counts(widths: tuple[int, int, int, int]) -> tuple[int, int]:
    """Independent closed form: sum of k*k*cin*cout*hout*wout MACs, written out by hand."""
    c1, c2, c3, f = widths
    convs = [(3, c1, 30), (c1, c1, 28), (c1, c2, 12), (c2, c2, 10), (c2, c3, 3), (c3, c3, 1)]
    conv_params = sum(9 * cin * cout for cin, cout, _ in convs)
    conv_macs = sum(9 * cin * cout * side * side for cin, cout, side in convs)
    fc_params = c3 * f + f * f + f * 10
    return conv_params + fc_params, 2 * (conv_macs + fc_params)


class TestCnv:
    @pytest.mark.parametrize(
        ("scale", "params", "ops"),
        [
            (1.0, 6_157_696, 469_449_728),
            (0.5, 1_542_848, 118_922_752),
            (0.25, 387_424, 30_510_848),
            (0.125, 97_712, 8_017_792),
        ],
    )
    def test_published_variants_match_first_principles(self, scale, params, ops):
        table = layer_table(cnv(scale))
        assert table["params"].sum() == params
        assert table["ops"].sum() == ops

    @pytest.mark.parametrize("scale", [0.05, 0.3, 0.75, 1.0, 1.5, 2.0])
    def test_any_width_agrees_with_closed_form(self, scale):
        topo = cnv(scale)
        widths = tuple(layer.width for layer in topo.layers if layer.kind != "pool")
        expected = naive_cnv_counts((widths[0], widths[2], widths[4], widths[6]))
        table = layer_table(topo)
        assert (table["params"].sum(), table["ops"].sum()) == expected

    def test_activation_sizes_follow_the_feature_maps(self):
        table = layer_table(cnv(0.5))
        assert table.loc[0, ["in_elems", "out_elems"]].tolist() == [32 * 32 * 3, 30 * 30 * 64]
        assert table.loc[2, ["in_elems", "out_elems"]].tolist() == [28 * 28 * 64, 14 * 14 * 64]
        assert table.loc[7, "out_elems"] == 256  # last conv is 1x1x256
        assert table.iloc[-1]["out_elems"] == 10

    def test_intensity_of_cnv_100_at_int8_is_76_24_ops_per_byte(self):
        table = topology_table("cifar10")
        row = table[table["pruning_pct"] == 100].iloc[0]
        assert row["intensity_int8"] == pytest.approx(469_449_728 / 6_157_696)
        assert round(row["intensity_int8"], 2) == 76.24
        assert round(row["intensity_int2"], 2) == 304.95

    def test_width_scale_must_be_positive(self):
        with pytest.raises(ValueError, match="positive"):
            cnv(0)


class TestMlp:
    @pytest.mark.parametrize(
        ("scale", "params"),
        [(1.0, 10_014_720), (0.5, 2_910_208), (0.25, 930_816), (0.125, 334_336)],
    )
    def test_params_and_two_ops_per_weight(self, scale, params):
        table = layer_table(mlp(scale))
        assert table["params"].sum() == params
        assert table["ops"].sum() == 2 * params

    def test_intensity_is_two_ops_per_byte_at_int8(self):
        table = topology_table("mnist")
        assert np.allclose(table["intensity_int8"], 2.0)


class TestBytesMoved:
    def test_default_reads_every_weight_once_per_input(self):
        moved = bytes_moved_per_input(6_157_696, 0, BYTES_PER_ELEMENT["INT2"])
        assert moved == 1_539_424

    def test_per_batch_divides_weight_traffic_by_batch(self):
        moved = bytes_moved_per_input(1000, 50, 1.0, Storage("per-batch"), batch=np.array([1, 4, 8]))
        assert moved.tolist() == [1000, 250, 125]

    def test_on_chip_everything_moves_nothing_and_intensity_is_infinite(self):
        moved = bytes_moved_per_input(1000, 50, 2.0, Storage("on-chip", activations="on-chip"))
        assert moved == 0
        assert intensity_ops_per_byte(10, moved) == np.inf

    def test_off_chip_activations_add_every_layers_input_and_output(self):
        table = layer_table(cnv(0.5))
        activations = int((table["in_elems"] + table["out_elems"]).sum())
        moved = bytes_moved_per_input(1_542_848, activations, 2.0, Storage(activations="off-chip"))
        assert moved == 2.0 * (1_542_848 + activations)

    @pytest.mark.parametrize(("kwargs", "message"), [
        ({"weights": "cloud"}, "weights must be"),
        ({"activations": "nowhere"}, "activations must be"),
        ({"weights": "per-batch", "batch": 0}, "batch"),
    ])
    def test_bad_assumptions_are_refused(self, kwargs, message):
        with pytest.raises(ValueError, match=message):
            bytes_moved_per_input(10, 10, 1.0, Storage(**kwargs))


def test_variant_table_adds_requested_widths_and_imagenet_uses_published_totals():
    cifar = variant_table("cifar10", width_scales=(0.75,))
    assert cifar["pruning_pct"].tolist() == [100.0, 75.0, 50.0, 25.0, 12.5]
    imagenet = variant_table("imagenet")
    resnet = imagenet[(imagenet["topology"] == "ResNet-50") & (imagenet["pruning_pct"] == 100)].iloc[0]
    assert resnet["ops_per_input"] == 7.7e9
    assert resnet["ops_source"] == "published total"
    with pytest.raises(ValueError, match="unknown task"):
        variant_table("coco")

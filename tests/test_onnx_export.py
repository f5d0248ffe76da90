"""Layer tables written as runnable ONNX models (qb_core.networks.onnx_export): every bundled variant and
any user table must import back to exactly the same table, and the small ones must run."""

from __future__ import annotations

import math

import numpy as np
import onnx
import onnxruntime as ort
import pandas as pd
import pytest

from qb_core.networks.bundled import network_layers
from qb_core.networks.files import read_network_bytes
from qb_core.networks.layer_models import PUBLISHED_PRUNING_PCT
from qb_core.networks.layer_table import LAYER_TABLE_COLUMNS
from qb_core.networks.onnx_export import ExportError, bundled_input_shape, bundled_onnx, export_network
from qb_core.networks.zoo import IMAGENET_VARIANTS

VARIANTS = [*((t, p) for t in ("CNV", "MLP") for p in PUBLISHED_PRUNING_PCT), *IMAGENET_VARIANTS]


def imported(data: bytes) -> pd.DataFrame:
    result = read_network_bytes(data, "x.onnx")
    assert result.warnings == () and result.incomplete == ""
    return result.layers


def table(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(LAYER_TABLE_COLUMNS))


def run(data: bytes, batch: int) -> list[np.ndarray]:
    session = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    feeds = {i.name: np.random.default_rng(0).standard_normal((batch, *i.shape[1:]), dtype=np.float32)
             for i in session.get_inputs()}
    return session.run(None, feeds)


# --- bundled networks --------------------------------------------------------------------------

@pytest.mark.parametrize(("topology", "pct"), VARIANTS, ids=[f"{t}-{p:g}" for t, p in VARIANTS])
def test_every_bundled_variant_imports_back_to_its_layer_table(topology, pct):
    got = imported(bundled_onnx(topology, pct))
    expected = network_layers(topology, pct)
    pd.testing.assert_frame_equal(got, expected)  # names, types, counts and row order


def test_bundled_graphs_have_the_real_structure():
    resnet = onnx.load_from_string(bundled_onnx("ResNet-50", 100.0))
    onnx.checker.check_model(resnet)
    assert resnet.opset_import[0].version == 17
    x = resnet.graph.input[0].type.tensor_type.shape.dim
    assert [d.dim_param or d.dim_value for d in x] == ["N", 3, 224, 224]
    adds = [n for n in resnet.graph.node if n.op_type == "Add"]
    assert len(adds) == 16 and all(len(set(n.input)) == 2 for n in adds)  # residuals read two tensors
    convs = [n for n in resnet.graph.node if n.op_type == "Conv"]
    assert len(convs) == 53 and all(len(n.input) == 3 for n in convs)  # one bias per output channel
    mobilenet = onnx.load_from_string(bundled_onnx("MobileNetv1", 100.0))
    inits = {t.name: tuple(t.dims) for t in mobilenet.graph.initializer}
    depthwise = [n for n in mobilenet.graph.node if n.op_type == "Conv" and n.name.endswith("_depthwise")]
    assert len(depthwise) == 13
    for node in depthwise:
        group = next(a.i for a in node.attribute if a.name == "group")
        assert inits[node.input[1]][:2] == (group, 1)  # group = C, one input channel per filter
    googlenet = onnx.load_from_string(bundled_onnx("GoogLeNetv1", 100.0))
    assert sum(n.op_type == "Concat" for n in googlenet.graph.node) == 9  # one per inception module
    cnv = onnx.load_from_string(bundled_onnx("CNV", 100.0))
    assert all(len(n.input) == 2 for n in cnv.graph.node if n.op_type in ("Conv", "Gemm"))  # no biases
    pads = {tuple(a.ints) for n in cnv.graph.node if n.op_type == "Conv" for a in n.attribute if a.name == "pads"}
    assert pads == {(0, 0, 0, 0)}  # 3x3 convs without padding


def test_bundled_input_shapes():
    assert bundled_input_shape("CNV", 50.0) == (3, 32, 32)
    assert bundled_input_shape("MLP", 12.5) == (1, 28, 28)
    assert bundled_input_shape("EfficientNet-L") == (3, 300, 300)
    with pytest.raises(ExportError, match="no layer table for 'VGG16'"):
        bundled_onnx("VGG16", 100.0)


@pytest.mark.parametrize(("topology", "classes"), [("CNV", 10), ("MLP", 10)])
def test_small_bundled_networks_run(topology, classes):
    (logits,) = run(bundled_onnx(topology, 12.5), batch=3)
    assert logits.shape == (3, classes) and np.isfinite(logits).all()


def test_same_seed_same_model_other_seed_other_weights():
    layers = network_layers("CNV", 12.5)
    assert export_network(layers, (3, 32, 32), "a", seed=1) == export_network(layers, (3, 32, 32), "a", seed=1)
    assert export_network(layers, (3, 32, 32), "a", seed=1) != export_network(layers, (3, 32, 32), "a", seed=2)


# --- a user's table ----------------------------------------------------------------------------

def test_a_table_equal_to_a_bundled_one_gets_its_real_graph():
    data = export_network(network_layers("ResNet-50", 30.0), (3, 224, 224), "mine")
    pd.testing.assert_frame_equal(imported(data), network_layers("ResNet-50", 30.0))
    assert sum(n.op_type == "Add" for n in onnx.load_from_string(data).graph.node) == 16


def test_a_chain_of_square_layers_gets_a_spatial_graph():
    """A small VGG-like chain on 3 x 16 x 16: 'same' 3x3 conv with bias, 2x2 pool, 'valid' 3x3
    conv without bias, FC with bias."""
    layers = table([
        ("conv_a", "conv", 2 * 16 * 16 * 8 * 27, 27 * 8 + 8, 768, 2048),
        ("pool_a", "pool", 0, 0, 2048, 512),
        ("conv_b", "conv", 2 * 6 * 6 * 4 * 72, 72 * 4, 512, 144),
        ("fc", "fc", 2 * 144 * 10, 1450, 144, 10),
    ])
    data = export_network(layers, (3, 16, 16), "vgg-ish")
    pd.testing.assert_frame_equal(imported(data), layers)
    ops = [n.op_type for n in onnx.load_from_string(data).graph.node]
    assert ops.count("Conv") == 2 and "MaxPool" in ops and "Gemm" in ops
    (y,) = run(data, batch=2)
    assert y.shape == (2, 10)


def test_a_layer_named_input_is_just_a_name():
    layers = table([("input", "conv", 2 * 6 * 6 * 4 * 27, 27 * 4, 3 * 8 * 8, 4 * 6 * 6),
                    ("fc", "fc", 2 * 144 * 3, 144 * 3, 144, 3)])
    pd.testing.assert_frame_equal(imported(export_network(layers, (3, 8, 8), "n")), layers)
    single = layers.iloc[:1]
    pd.testing.assert_frame_equal(imported(export_network(single, (3, 8, 8), "n")), single)


def test_a_user_table_without_structure_round_trips_and_runs():
    """Every type, shapes that fit no square map: the generic construction."""
    layers = table([
        ("c1", "conv", 2 * 210 * 66, (66 + 1) * 7, 77, 210),  # C_out 7, 66 taps per output, bias
        ("dw", "depthwise", 2 * 210 * 9, (9 + 1) * 14, 210, 210),
        ("p", "pool", 0, 0, 210, 30),
        ("attn", "fc", 2 * 2 * 3 * 4 * 5, 0, 2 * 3 * 4 + 2 * 4 * 5, 2 * 3 * 5),  # product of two activations
        ("bmm", "fc", 2 * 3 * 2 * 5 * 4, 3 * 5 * 4 + 4, 3 * 2 * 5, 3 * 2 * 4),  # grouped MatMul with bias
        ("add", "eltwise", 0, 0, 48, 24),
        ("scale", "eltwise", 0, 8, 24, 24),
        ("fc", "fc", 2 * 24 * 3, 24 * 3 + 3, 24, 3),
    ])
    data = export_network(layers, (77,), "odd")
    pd.testing.assert_frame_equal(imported(data), layers)
    onnx.checker.check_model(onnx.load_from_string(data))
    (y,) = run(data, batch=2)
    assert y.shape == (2, 3) and np.isfinite(y).all()


def random_constructible_table(rng: np.random.Generator, rows: int) -> pd.DataFrame:
    """Rows as real operators would count them (conv, depthwise, Gemm, batched MatMul, product of
    activations, pools, Adds, scaled element-wise ops), random sizes, chained or not."""
    def r(low: int, high: int) -> int:
        return int(rng.integers(low, high))

    made = []
    for i in range(rows):
        kind = r(0, 8)
        if kind == 0:
            cin, k, length, cout, bias = r(1, 9), r(1, 6), r(2, 30), r(1, 9), r(0, 2)
            made.append((f"conv{i}", "conv", 2 * cout * length * cin * k, (cin * k + bias) * cout, cin * length,
                         cout * length))
        elif kind == 1:
            c, k, length, bias = r(2, 9), r(1, 10), r(2, 30), r(0, 2)
            made.append((f"dw{i}", "depthwise", 2 * c * length * k, (k + bias) * c, c * length, c * length))
        elif kind == 2:
            k, f, bias = r(1, 60), r(1, 60), r(0, 2)
            made.append((f"fc{i}", "fc", 2 * k * f, k * f + bias * f, k, f))
        elif kind == 3:
            g, rows_, k, f = r(1, 4), r(1, 5), r(1, 9), r(2, 9)
            made.append((f"bmm{i}", "fc", 2 * g * rows_ * k * f, g * k * f + f, g * rows_ * k, g * rows_ * f))
        elif kind == 4:
            g, rows_, k, f = r(1, 4), r(1, 5), r(1, 9), r(1, 9)
            made.append((f"qk{i}", "fc", 2 * g * rows_ * k * f, 0, g * k * (rows_ + f), g * rows_ * f))
        elif kind == 5:
            made.append((f"pool{i}", "pool", 0, 0, r(1, 300), r(1, 300)))
        elif kind == 6:
            rows_, cols = r(1, 12), r(1, 12)
            made.append((f"add{i}", "eltwise", 0, 0, rows_ + cols, rows_ * cols))
        else:
            w = r(2, 9)
            elems = w * r(1, 9)
            made.append((f"mul{i}", "eltwise", 0, w, elems, elems))
    return table(made)


@pytest.mark.parametrize("seed", range(12))
def test_random_constructible_tables_round_trip_exactly(seed):
    """Cross-check over random seeds: the generic construction against the importer."""
    rng = np.random.default_rng(seed)
    layers = random_constructible_table(rng, int(rng.integers(1, 7)))
    data = export_network(layers, (int(layers["in_activations"].iloc[0]),), f"random{seed}", seed)
    pd.testing.assert_frame_equal(imported(data), layers)
    (y,) = run(data, batch=2)
    assert y.shape[0] == 2 and math.prod(y.shape[1:]) == layers["out_activations"].iloc[-1]


@pytest.mark.parametrize(("rows", "shape", "match"), [
    ([("fc", "fc", 8, 3, 4, 2)], (4,), r"layer 'fc' \(fc, .*\): weights are not G x K x F"),
    ([("p", "pool", 10, 0, 4, 2)], (4,), "a pool has no ops and no weights"),
    ([("c", "conv", 7, 3, 4, 2)], (4,), r"ops / \(2 x out\) is not a whole number"),
    ([("e", "eltwise", 0, 1, 4, 4)], (4,), "one weight is a scalar"),
    ([("dw", "depthwise", 18, 9, 7, 1)], (7,), "a depthwise layer of one channel cannot be told from a dense"),
    ([("fc", "fc", 8, 4, 2, 2)], (3, 1), "input shape 3x1 has 3 elements; the first layer reads 2"),
    ([("x", "matmul", 8, 4, 2, 2)], (2,), "unknown layer type"),
    ([(" ", "fc", 8, 4, 2, 2)], (2,), "names must be 1 to 200 characters"),
    ([("big", "fc", 2 * 10**9, 10**9, 10**5, 10**4)], (10**5,), "above the 2 GB an ONNX file holds"),
])
def test_tables_that_cannot_be_written_exactly_are_refused_in_one_line(rows, shape, match):
    with pytest.raises(ExportError, match=match) as info:
        export_network(table(rows), shape, "bad")
    assert "\n" not in str(info.value)

"""What real exports hold, rebuilt small with onnx.helper and pinned by hand: shapes computed at run
time (symbolic inference), attention (Einsum, masks, position tables), quantized operators,
normalisations and the one parameter convention, control flow, files of any size (structure only),
external data and stripped weights, inputs without a batch dimension, exporters' generic names."""

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from qb_core.networks.imported import NetworkFileError
from qb_core.networks.onnx_import import import_onnx
from qb_core.networks.onnx_shapes import InputShapeError, parse_input_shapes
from qb_core.networks.onnx_structure import KEEP_TENSOR_BYTES, read_structure

FILE = "model.onnx"


def weight(name, shape, dtype=np.float32):
    return numpy_helper.from_array(np.zeros(shape, dtype), name)


def ints(name, values):
    return numpy_helper.from_array(np.array(values, np.int64), name)


def value(name, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def model(nodes, inputs, initializers=(), opset=17, name="g", extra_opsets=()):
    outputs = [value(nodes[-1].output[0], None)]
    graph = helper.make_graph(nodes, name, inputs, outputs, list(initializers))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset), *extra_opsets])


def imported(nodes, inputs, initializers=(), **kw):
    return import_onnx(model(nodes, inputs, initializers, **kw).SerializeToString(), FILE)


def row(result, layer):
    return result.layers.set_index("layer").loc[layer].to_dict()


def counts(ops, weights, read, written, kind):
    return {"type": kind, "ops": ops, "weights": weights, "in_activations": read, "out_activations": written}


# --- shapes computed at run time ---

def channel_shuffle_nodes():
    """ShuffleNet's channel shuffle as the TorchScript exporter writes it: the new shape is computed
    from the input's own shape (Shape, Gather, Div, Concat), which ONNX's shape inference without data
    propagation cannot follow; a convolution after it."""
    return [
        helper.make_node("Shape", ["x"], ["s"]),
        helper.make_node("Gather", ["s", "i0"], ["n"], axis=0),
        helper.make_node("Gather", ["s", "i1"], ["c"], axis=0),
        helper.make_node("Gather", ["s", "i2"], ["h"], axis=0),
        helper.make_node("Gather", ["s", "i3"], ["w"], axis=0),
        helper.make_node("Div", ["c", "two"], ["half"]),
        helper.make_node("Concat", ["n", "two", "half", "h", "w"], ["shape5"], axis=0),
        helper.make_node("Reshape", ["x", "shape5"], ["r5"]),
        helper.make_node("Transpose", ["r5"], ["t5"], perm=[0, 2, 1, 3, 4]),
        helper.make_node("Concat", ["n", "c", "h", "w"], ["shape4"], axis=0),
        helper.make_node("Reshape", ["t5", "shape4"], ["shuffled"]),
        helper.make_node("Conv", ["shuffled", "wc"], ["y"], name="conv", pads=[1, 1, 1, 1]),
    ]


def channel_shuffle_inits():
    return [ints("i0", [0]), ints("i1", [1]), ints("i2", [2]), ints("i3", [3]), ints("two", [2]),
            weight("wc", (16, 8, 3, 3))]


def test_computed_reshape_is_shaped_by_symbolic_inference():
    onnx_only = onnx.shape_inference.infer_shapes(model(channel_shuffle_nodes(), [value("x", [1, 8, 10, 10])],
                                                        channel_shuffle_inits()))
    assert "y" not in {v.name for v in onnx_only.graph.value_info if v.type.tensor_type.shape.dim}
    result = imported(channel_shuffle_nodes(), [value("x", [1, 8, 10, 10])], channel_shuffle_inits())
    assert row(result, "conv") == counts(2 * 100 * 16 * 72, 16 * 72, 800, 1600, "conv")
    assert result.incomplete == "" and result.warnings == ()


def test_without_symbolic_inference_the_gap_is_measured_and_the_network_refused(monkeypatch):
    """If the child process cannot run, the conv has no shape: its filter bounds what is missing (at
    least 1,152 MACs) and, being the only layer, the network cannot be counted meaningfully."""
    monkeypatch.setattr("qb_core.networks.onnx_shapes.symbolic_shapes", lambda data: (None, "symbolic shape inference "
                                                                                   "could not start (test)"))
    with pytest.raises(NetworkFileError, match=r"shapes of 1 of 1 convolution.*at least 1,152 multiply-accumulates"):
        imported(channel_shuffle_nodes(), [value("x", [1, 8, 10, 10])], channel_shuffle_inits())


def test_a_partly_counted_network_says_how_much_is_missing(monkeypatch):
    """A big convolution with shapes and a small one after the computed reshape: counted in part,
    the missing share bounded from below by the small one's filter, and marked incomplete."""
    monkeypatch.setattr("qb_core.networks.onnx_shapes.symbolic_shapes", lambda data: (None, "symbolic shape inference "
                                                                                   "could not start (test)"))
    nodes = [helper.make_node("Conv", ["x0", "w0"], ["x"], name="big", pads=[1, 1, 1, 1]), *channel_shuffle_nodes()]
    result = imported(nodes, [value("x0", [1, 8, 10, 10])], [weight("w0", (8, 8, 3, 3)), *channel_shuffle_inits()])
    assert row(result, "big")["ops"] == 2 * 100 * 8 * 72
    assert row(result, "conv")["ops"] == 0
    assert result.incomplete == ("counted in part: 1 layer (50.0 % of the convolution and fully connected layers) "
                                 "without shapes; at least 1,152 multiply-accumulates (2.0 % of the network) uncounted")
    assert any("'conv'" in w and "could not work out" in w for w in result.warnings)
    assert any("could not start (test)" in w for w in result.warnings)


def test_symbolic_inference_of_a_hostile_file_is_contained():
    """A ConstantOfShape of 10^12 int64 elements: symbolic inference would allocate 8 TB; it runs in a
    child process with a memory cap, so the import answers (without those shapes) instead of dying."""
    nodes = [helper.make_node("ConstantOfShape", ["big_shape"], ["zeros"], value=helper.make_tensor(
                 "v", TensorProto.INT64, [1], [1])),
             helper.make_node("Shape", ["zeros"], ["zs"]),
             helper.make_node("Reshape", ["x", "zs"], ["r"]),
             helper.make_node("Conv", ["x", "w"], ["y"], name="conv")]
    result = imported(nodes, [value("x", [1, 3, 8, 8]), value("big_shape", [2], TensorProto.INT64)],
                      [weight("w", (4, 3, 3, 3))], name="hostile")
    assert row(result, "conv")["ops"] == 2 * 36 * 4 * 27


# --- attention ---

def test_einsum_counts_every_index_once():
    # q (1, 4 heads, 49, 32) x k (1, 4, 49, 32) -> scores (1, 4, 49, 49): 4 x 49 x 49 x 32 MACs
    nodes = [helper.make_node("Einsum", ["q", "k"], ["s"], name="qk", equation="bhid,bhjd->bhij"),
             helper.make_node("Einsum", ["s", "proj"], ["y"], name="proj", equation="bhij,jk->bhik")]
    result = imported(nodes, [value("q", [1, 4, 49, 32]), value("k", [1, 4, 49, 32])], [weight("proj", (49, 7))])
    assert row(result, "qk") == counts(2 * 4 * 49 * 49 * 32, 0, 2 * 4 * 49 * 32, 4 * 49 * 49, "fc")
    assert row(result, "proj") == counts(2 * 4 * 49 * 49 * 7, 49 * 7, 4 * 49 * 49, 4 * 49 * 7, "fc")
    assert result.warnings == ()


def test_einsum_with_ellipsis():
    nodes = [helper.make_node("Einsum", ["x", "w"], ["y"], name="lin", equation="...i,ij->...j")]
    result = imported(nodes, [value("x", [1, 5, 6, 16])], [weight("w", (16, 8))])
    assert row(result, "lin")["ops"] == 2 * 5 * 6 * 16 * 8


def test_attention_masks_and_position_tables_are_not_weights():
    """Swin-style: scores = q k^T, + a relative-position bias gathered from a learned table with a
    constant int64 index (both folded by the exporter into one constant), + a shifted-window mask;
    neither the folded bias, the mask nor the index table is a weight. A ViT position embedding
    added to an activation is."""
    nodes = [helper.make_node("MatMul", ["q", "kt"], ["s"], name="scores"),
             helper.make_node("Mul", ["s", "scale"], ["ss"]),
             helper.make_node("Add", ["ss", "rel_bias"], ["sb"], name="add_bias"),
             helper.make_node("Reshape", ["sb", "shape"], ["sr"]),
             helper.make_node("Add", ["sr", "mask"], ["sm"], name="add_mask"),
             helper.make_node("Softmax", ["sm"], ["p"]),
             helper.make_node("Add", ["x", "pos_embedding"], ["xp"], name="add_pos"),
             helper.make_node("Gather", ["table", "index"], ["g"]),
             helper.make_node("MatMul", ["xp", "w"], ["y"], name="fc")]
    inits = [numpy_helper.from_array(np.float32(0.125), "scale"), weight("rel_bias", (1, 3, 49, 49)),
             ints("shape", [1, 3, 49, 49]), weight("mask", (1, 1, 49, 49)), weight("pos_embedding", (1, 49, 96)),
             weight("table", (169, 3)), ints("index", np.zeros(2401, np.int64)), weight("w", (96, 96))]
    result = imported(nodes, [value("q", [1, 3, 49, 32]), value("kt", [1, 3, 32, 49]), value("x", [1, 49, 96])],
                      inits)
    assert row(result, "add_bias")["weights"] == 0 and row(result, "add_mask")["weights"] == 0
    assert row(result, "add_pos")["weights"] == 49 * 96
    assert result.layers["weights"].sum() == 49 * 96 + 96 * 96


# --- normalisations: one convention whatever the exporter did ---

def conv_bn(folded):
    """conv 3->8 then batch norm: folded into the conv by the exporter (a bias) or kept as a node."""
    if folded:
        return [helper.make_node("Conv", ["x", "w", "b"], ["y"], name="conv")], [weight("w", (8, 3, 3, 3)),
                                                                               weight("b", (8,))]
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
             helper.make_node("BatchNormalization", ["c", "s", "o", "m", "v"], ["y"], name="bn")]
    return nodes, [weight("w", (8, 3, 3, 3)), *(weight(k, (8,)) for k in "somv")]


def test_batch_norm_folded_or_not_gives_one_total():
    totals = {folded: imported(*conv_bn(folded)[:1], [value("x", [1, 3, 8, 8])], conv_bn(folded)[1]).layers
              for folded in (True, False)}
    for layers in totals.values():
        assert layers["layer"].tolist() == ["conv"]
        assert layers["weights"].sum() == 8 * 27 + 8


def test_normalisations_that_cannot_fold_keep_their_scale_and_shift():
    """LayerNormalization, a pre-activation batch norm (DenseNet: after a Concat) and the same
    LayerNorm decomposed by an older exporter (ReduceMean, Sub, Pow, Sqrt, Div, Mul, Add): 2 x C
    parameters each, and no warning for the statistics operators."""
    ln = [helper.make_node("LayerNormalization", ["x", "g", "b"], ["y"], name="ln", axis=-1)]
    result = imported(ln, [value("x", [1, 49, 96])], [weight("g", (96,)), weight("b", (96,))])
    assert row(result, "ln") == counts(0, 192, 49 * 96, 49 * 96, "eltwise")
    decomposed = [helper.make_node("ReduceMean", ["x", "axes"], ["mu"]),
                  helper.make_node("Sub", ["x", "mu"], ["d"], name="sub"),
                  helper.make_node("Pow", ["d", "two"], ["d2"]),
                  helper.make_node("ReduceMean", ["d2", "axes"], ["var"]),
                  helper.make_node("Add", ["var", "eps"], ["ve"]),
                  helper.make_node("Sqrt", ["ve"], ["sd"]),
                  helper.make_node("Div", ["d", "sd"], ["n"], name="div"),
                  helper.make_node("Mul", ["n", "g"], ["gn"], name="gamma"),
                  helper.make_node("Add", ["gn", "b"], ["y"], name="beta")]
    inits = [ints("axes", [-1]), numpy_helper.from_array(np.float32(2), "two"),
             numpy_helper.from_array(np.float32(1e-5), "eps"), weight("g", (96,)), weight("b", (96,))]
    result = imported(decomposed, [value("x", [1, 49, 96])], inits)
    assert result.layers["weights"].sum() == 192 and result.warnings == ()
    pre = [helper.make_node("Concat", ["x", "x"], ["c"], axis=1),
           helper.make_node("BatchNormalization", ["c", "s", "o", "m", "v"], ["y"], name="bn")]
    result = imported(pre, [value("x", [1, 4, 5, 5])], [weight(k, (8,)) for k in "somv"])
    assert row(result, "bn") == counts(0, 16, 200, 200, "eltwise")


def test_known_operators_without_work_are_not_warnings():
    ops = ["ReduceMean", "ReduceSum", "Pow", "Sqrt", "Erf", "Gelu", "Where", "TopK", "ArgMax", "CumSum", "Trilu"]
    for op in ops:
        extra = {"Pow": ["two"], "ReduceMean": ["axes"], "ReduceSum": ["axes"], "TopK": ["k"], "CumSum": ["ax"],
                 "Where": ["cond", "x"]}.get(op, [])
        inputs = ["cond", "x", "x"] if op == "Where" else ["x", *extra]
        nodes = [helper.make_node(op, inputs, ["t"] if op != "TopK" else ["t", "ti"]),
                 helper.make_node("Conv", ["x", "w"], ["y"], name="conv")]
        inits = [weight("w", (2, 3, 1, 1)), numpy_helper.from_array(np.float32(2), "two"), ints("axes", [1]),
                 ints("k", [1]), numpy_helper.from_array(np.int32(1), "ax"),
                 numpy_helper.from_array(np.ones((1, 3, 4, 4), bool), "cond")]
        result = imported(nodes, [value("x", [1, 3, 4, 4])], inits, opset=20)
        assert result.warnings == (), op


# --- quantized models ---

def test_qoperator_qlinearconv_and_qlinearmatmul_are_counted_at_int8():
    u8, i8 = np.uint8, np.int8
    scale = numpy_helper.from_array(np.float32(0.1), "s")
    zero = numpy_helper.from_array(u8(0), "z")
    zero_w = numpy_helper.from_array(i8(0), "zw")
    nodes = [helper.make_node("QLinearConv", ["x", "s", "z", "w", "s", "zw", "s", "z", "b"], ["c"], name="qconv",
                              pads=[1, 1, 1, 1]),
             helper.make_node("Flatten", ["c"], ["f"]),
             helper.make_node("QLinearMatMul", ["f", "s", "z", "wf", "s", "zw", "s", "z"], ["y"], name="qfc")]
    inits = [scale, zero, zero_w, weight("w", (16, 3, 3, 3), i8), weight("b", (16,), np.int32),
             weight("wf", (16 * 64, 10), i8)]
    result = imported(nodes, [value("x", [1, 3, 8, 8], TensorProto.UINT8)], inits)
    assert row(result, "qconv") == counts(2 * 64 * 16 * 27, 16 * 27 + 16, 192, 1024, "conv")
    assert row(result, "qfc") == counts(2 * 1024 * 10, 10240, 1024, 10, "fc")
    assert result.stored_precision == "INT8" and result.warnings == ()


def test_dynamic_int8_convinteger_and_matmulinteger():
    nodes = [helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"]),
             helper.make_node("ConvInteger", ["xq", "w", "xz", "wz"], ["ci"], name="conv"),
             helper.make_node("Cast", ["ci"], ["cf"], to=TensorProto.FLOAT),
             helper.make_node("Mul", ["cf", "xs"], ["c"]),
             helper.make_node("Flatten", ["c"], ["f"]),
             helper.make_node("DynamicQuantizeLinear", ["f"], ["fq", "fs", "fz"]),
             helper.make_node("MatMulInteger", ["fq", "wf", "fz", "wz"], ["y"], name="fc")]
    inits = [weight("w", (8, 3, 3, 3), np.uint8), numpy_helper.from_array(np.uint8(0), "wz"),
             weight("wf", (8 * 36, 10), np.uint8)]
    result = imported(nodes, [value("x", [1, 3, 8, 8])], inits)
    assert row(result, "conv") == counts(2 * 36 * 8 * 27, 8 * 27, 192, 288, "conv")
    assert row(result, "fc") == counts(2 * 288 * 10, 2880, 288, 10, "fc")
    assert result.stored_precision == "INT8"


def test_qdq_model_counts_the_dequantized_weights():
    nodes = [helper.make_node("DequantizeLinear", ["wq", "s", "z"], ["w"]),
             helper.make_node("QuantizeLinear", ["x", "s", "z"], ["xq"]),
             helper.make_node("DequantizeLinear", ["xq", "s", "z"], ["xd"]),
             helper.make_node("Conv", ["xd", "w"], ["y"], name="conv")]
    inits = [weight("wq", (8, 3, 3, 3), np.int8), numpy_helper.from_array(np.float32(0.1), "s"),
             numpy_helper.from_array(np.int8(0), "z")]
    result = imported(nodes, [value("x", [1, 3, 8, 8])], inits)
    assert row(result, "conv") == counts(2 * 36 * 8 * 27, 216, 192, 288, "conv")
    assert result.stored_precision == "INT8"


def test_fp16_weights_are_reported():
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], name="conv")]
    result = imported(nodes, [value("x", [1, 3, 8, 8], TensorProto.FLOAT16)], [weight("w", (8, 3, 3, 3),
                                                                                        np.float16)])
    assert result.stored_precision == "FP16" and "weights stored as FP16" in result.notes


# --- control flow ---

def branch(name, out, width):
    return helper.make_graph([helper.make_node("Conv", ["x", f"{name}_w"], [out], name=f"{name}_conv")], name, [],
                             [value(out, None)], [weight(f"{name}_w", (width, 3, 1, 1))])


def test_if_with_a_constant_condition_counts_the_branch_it_takes():
    for flag, layer, width in ((True, "if/then_conv", 4), (False, "if/else_conv", 2)):
        condition = helper.make_tensor("c", TensorProto.BOOL, [], [flag])
        nodes = [helper.make_node("Constant", [], ["cond"], value=condition),
                 helper.make_node("If", ["cond"], ["y"], name="if", then_branch=branch("then", "a", 4),
                                  else_branch=branch("else", "b", 2))]
        result = imported(nodes, [value("x", [1, 3, 5, 5])])
        assert result.layers["layer"].tolist() == [layer]
        assert row(result, layer) == counts(2 * 25 * width * 3, width * 3, 75, 25 * width, "conv")
        assert result.warnings == () and result.incomplete == ""


def test_if_decided_at_run_time_counts_neither_and_names_both():
    nodes = [helper.make_node("ReduceSum", ["x"], ["sx"], keepdims=0),
             helper.make_node("Greater", ["sx", "zero"], ["cond"]),
             helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
             helper.make_node("If", ["cond"], ["y"], name="if", then_branch=branch("then", "a", 4),
                              else_branch=branch("else", "b", 2))]
    inits = [numpy_helper.from_array(np.float32(0), "zero"), weight("w", (64, 3, 1, 1))]
    result = imported(nodes, [value("x", [1, 3, 5, 5])], inits)
    assert result.layers["layer"].tolist() == ["conv"]
    assert any("If 'if' chooses its branch at run time: neither counted (then: 1 layers, 300 MACs; else: 1 layers, "
               "150 MACs)" in w for w in result.warnings)
    assert result.incomplete.startswith("counted in part:") and "at least 150 multiply-accumulates" in \
        result.incomplete


def test_loop_with_a_constant_trip_count_counts_its_body_that_many_times():
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("Conv", ["h", "wb"], ["h2"], name="step", pads=[1, 1, 1, 1])],
        "body", [value("i", [], TensorProto.INT64), value("cond_in", [], TensorProto.BOOL), value("h", [1, 4, 6, 6])],
        [value("cond_out", [], TensorProto.BOOL), value("h2", [1, 4, 6, 6])], [weight("wb", (4, 4, 3, 3))])
    nodes = [helper.make_node("Constant", [], ["trips"], value=helper.make_tensor("t", TensorProto.INT64, [], [3])),
             helper.make_node("Constant", [], ["go"], value=helper.make_tensor("g", TensorProto.BOOL, [], [True])),
             helper.make_node("Loop", ["trips", "go", "x"], ["y"], name="loop", body=body)]
    result = imported(nodes, [value("x", [1, 4, 6, 6])])
    assert row(result, "loop/step") == counts(3 * 2 * 36 * 4 * 36, 144, 3 * 144, 3 * 144, "conv")
    assert result.warnings == ()


# --- any size, external data, stripped weights ---

def vgg_like(width=512, side=14):
    """Two big layers: 3x3 conv width -> width and an FC of 25,088 x 4,096 (VGG16's first): 108 MB of
    float32 weights in the file."""
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
             helper.make_node("MaxPool", ["c"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Flatten", ["p"], ["f"]),
             helper.make_node("Gemm", ["f", "fw", "fb"], ["y"], name="fc", transB=1)]
    flat = width * (side // 2) ** 2
    inits = [weight("w", (width, width, 3, 3)), weight("fw", (4096, flat)), weight("fb", (4096,))]
    return model(nodes, [value("x", ["batch", width, side, side])], inits, name="main_graph")


def test_a_large_file_is_read_without_its_weights(monkeypatch):
    data = vgg_like().SerializeToString()
    assert len(data) > 100_000_000
    parsed = []
    real = onnx.ModelProto.ParseFromString
    monkeypatch.setattr(onnx.ModelProto, "ParseFromString", lambda self, b: parsed.append(len(b)) or real(self, b))
    result = import_onnx(data, "vgg_like.onnx")
    assert parsed and max(parsed) < 10_000  # only the structure was parsed
    assert row(result, "fc") == counts(2 * 25088 * 4096, 25088 * 4096 + 4096, 25088, 4096, "fc")
    assert result.name == "vgg_like"  # main_graph is the exporter's name, not the network's


def test_structure_keeps_small_tensors_and_drops_large_data():
    m = vgg_like(width=8)
    m.graph.initializer.append(ints("shape", [1, -1]))
    structure = read_structure(m.SerializeToString())
    kept = onnx.ModelProto()
    kept.ParseFromString(structure.model)
    tensors = {t.name: t for t in kept.graph.initializer}
    assert numpy_helper.to_array(tensors["shape"]).tolist() == [1, -1]  # small: kept whole
    assert list(tensors["fw"].dims) == [4096, 392] and not tensors["fw"].raw_data  # large: shape only
    assert len(tensors["w"].raw_data) == 8 * 8 * 9 * 4 < KEEP_TENSOR_BYTES  # 2,304 bytes: kept
    assert structure.stripped == 2 and structure.external == 0  # fw and fb (16 KB)


def test_stripped_weights_import_like_the_full_file():
    full = vgg_like(width=16)
    stripped = onnx.ModelProto()
    stripped.CopyFrom(full)
    for t in stripped.graph.initializer:
        t.ClearField("raw_data")
    a, b = (import_onnx(m.SerializeToString(), FILE) for m in (full, stripped))
    assert a.layers.equals(b.layers)


def test_external_data_inside_a_subgraph_is_never_followed(tmp_path, monkeypatch):
    """The reference is removed from the structure itself, so no reader downstream (ONNX, the
    symbolic inference child, numpy_helper) could follow it."""
    secret = tmp_path / "secret.bin"
    secret.write_bytes(b"x" * 432)
    tensor = weight("then_w", (4, 3, 1, 1))
    onnx.external_data_helper.set_external_data(tensor, location=str(secret))
    tensor.ClearField("raw_data")
    tensor.data_location = TensorProto.EXTERNAL
    then = helper.make_graph([helper.make_node("Conv", ["x", "then_w"], ["a"], name="then_conv")], "then", [],
                             [value("a", None)], [tensor])
    nodes = [helper.make_node("Constant", [], ["cond"], value=helper.make_tensor("c", TensorProto.BOOL, [], [True])),
             helper.make_node("If", ["cond"], ["y"], name="if", then_branch=then, else_branch=branch("else", "b", 2))]
    data = model(nodes, [value("x", [1, 3, 5, 5])]).SerializeToString()
    structure = read_structure(data)
    assert structure.external == 1 and str(secret).encode() in data and str(secret).encode() not in structure.model
    opened = []
    monkeypatch.setattr(onnx.external_data_helper, "load_external_data_for_tensor", lambda *a: opened.append(a))
    monkeypatch.chdir(tmp_path)
    result = import_onnx(data, FILE)
    assert row(result, "if/then_conv")["weights"] == 12 and opened == []


# --- inputs ---

def test_an_input_without_batch_dimension_is_one_input():
    nodes = [helper.make_node("Unsqueeze", ["x", "zero"], ["xb"]),
             helper.make_node("Conv", ["xb", "w"], ["y"], name="conv")]
    result = imported(nodes, [value("x", [3, 8, 8])], [ints("zero", [0]), weight("w", (4, 3, 3, 3))])
    assert row(result, "conv")["ops"] == 2 * 36 * 4 * 27
    assert result.warnings == () and "input 'x': 3x8x8" in result.notes


def test_input_shapes_parse_and_apply():
    assert parse_input_shapes("1x3x224x224") == {"": (1, 3, 224, 224)}
    assert parse_input_shapes("x=1,3,32,32; m = 1x49") == {"x": (1, 3, 32, 32), "m": (1, 49)}
    assert parse_input_shapes(["a=2x3", "b=4"]) == {"a": (2, 3), "b": (4,)}
    for bad in ("1x3xfoo", "0x3", "x=1x2; x=1x2", "1x" + "9" * 8):
        with pytest.raises(InputShapeError):
            parse_input_shapes(bad)
    data = model([helper.make_node("Conv", ["x", "w"], ["y"], name="conv")], [value("x", ["N", 3, "H", "W"])],
                 [weight("w", (4, 3, 3, 3))]).SerializeToString()
    assert row(import_onnx(data, FILE, input_shapes={"x": (1, 3, 10, 12)}), "conv")["ops"] == 2 * 80 * 4 * 27
    with pytest.raises(NetworkFileError, match="has 4 dimensions; the size given has 3"):
        import_onnx(data, FILE, input_shapes={"": (3, 10, 12)})
    with pytest.raises(NetworkFileError, match="no input named 'y'"):
        import_onnx(data, FILE, input_shapes={"y": (1, 3, 10, 12)})


# --- names ---

@pytest.mark.parametrize("graph_name", ["main_graph", "torch_jit", "torch-jit-export", "", "  "])
def test_exporters_generic_graph_names_give_way_to_the_file_name(graph_name):
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], name="conv")]
    data = model(nodes, [value("x", [1, 3, 4, 4])], [weight("w", (2, 3, 3, 3))], name=graph_name).SerializeToString()
    assert import_onnx(data, "exports/resnet18.onnx").name == "resnet18"
    assert import_onnx(data, "exports/resnet18.onnx", name="mine").name == "mine"


def test_window_padding_computed_with_mod_is_shaped_and_large_stored_tensors_do_not_stop_it():
    """Swin pads each stage to a multiple of its window: pad = (window - H % window) % window, from the
    input's own shape; the padded activation then meets a stored bias table too large to keep (its
    data stripped), which symbolic inference must not try to read."""
    nodes = [helper.make_node("Shape", ["x"], ["s"]),
             helper.make_node("Gather", ["s", "i2"], ["h"], axis=0),
             helper.make_node("Mod", ["h", "win"], ["r"]),
             helper.make_node("Sub", ["win", "r"], ["d"]),
             helper.make_node("Mod", ["d", "win"], ["pad"]),
             helper.make_node("Concat", ["zeros6", "pad", "pad"], ["pads"], axis=0),
             helper.make_node("Pad", ["x", "pads"], ["xp"]),
             helper.make_node("Add", ["xp", "table"], ["xb"], name="add_table"),
             helper.make_node("Conv", ["xb", "w"], ["y"], name="conv")]
    inits = [ints("i2", [2]), ints("win", [4]), ints("zeros6", [0, 0, 0, 0, 0, 0]),
             weight("table", (1, 8, 8, 8)), weight("w", (4, 8, 1, 1))]
    onnx_only = onnx.shape_inference.infer_shapes(model(nodes, [value("x", [1, 8, 7, 7])], inits))
    assert "y" not in {v.name for v in onnx_only.graph.value_info if v.type.tensor_type.shape.dim
                       and all(d.dim_value for d in v.type.tensor_type.shape.dim)}
    result = imported(nodes, [value("x", [1, 8, 7, 7])], inits)
    assert row(result, "conv") == counts(2 * 64 * 4 * 8, 32, 512, 256, "conv")  # padded to 8 x 8
    assert result.incomplete == ""

"""Your networks: a user's network uploaded as a layer table or ONNX reaches every theory page."""

from __future__ import annotations

import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from devtools.apptest import charts, named, new_app, open_page, plain

CSV = (b"layer,type,ops,weights,in_activations,out_activations\n"
       b"conv1,conv,884736,448,3072,16384\n"  # 2 x 32x32 x 3x3x3 x 16 (pad 1), 432 weights + 16 bias
       b"dw1,depthwise,294912,160,16384,16384\n"
       b"gap,pool,0,0,16384,16,\n".replace(b",\n", b"\n")
       + b"fc,fc,320,170,16,10\n")
OPS = 884736 + 294912 + 320


def onnx_bytes() -> bytes:
    """One 3x3 conv (3 -> 8 channels, 8x8 input, no padding): 2 x 6x6 x 27 x 8 ops."""
    import numpy as np

    weight = numpy_helper.from_array(np.zeros((8, 3, 3, 3), dtype=np.float32), "w")
    node = helper.make_node("Conv", ["x", "w"], ["y"], kernel_shape=[3, 3], name="only_conv")
    graph = helper.make_graph([node], "OneConv", [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                                                 ["N", 3, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 8, 6, 6])], [weight])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]).SerializeToString()


def add_network(at, name: str, content: bytes, file_name: str = "tiny.csv", task: str = "cifar10"):
    """Choose the file (read the moment it arrives), name it, then press the Add button, which names
    the file it adds (disabled when the file could not be read)."""
    open_page(at, "your_networks")
    at.text_input(key="network_name").set_value(name)
    at.selectbox(key="network_task").set_value(task)
    at.file_uploader(key="network_upload").set_value((file_name, content, "application/octet-stream")).run()
    add = at.button(key="network_add")
    if not add.disabled:
        assert plain(add.label) == f"Add {file_name}"
        add.click().run()
    return at


@pytest.fixture
def at():
    return new_app().run()


def test_a_layer_table_reaches_every_theory_page(at):
    add_network(at, "TinyNet", CSV)
    assert not at.exception
    assert any("TinyNet" in plain(s.value) and "added for CIFAR-10" in plain(s.value) for s in at.success)
    assert any(f"{OPS:,} ops per input" in plain(m.value) for m in at.markdown)
    assert "nets" in at.query_params
    open_page(at, "rooflines")
    rules = named(charts(at)[0], "rules")
    tiny = rules[rules["variant"] == "TinyNet 100%"]
    assert set(tiny["precision"]) == {"INT8", "FP16"}
    open_page(at, "prediction")
    assert not at.exception and "TinyNet" in set(at.dataframe[0].value["topology"].astype(str))
    open_page(at, "layers")
    at.selectbox(key="layer_device").set_value("EdgeTPU-fast").run()
    at.selectbox(key="layer_variant").set_value("TinyNet 100%").run()
    assert not at.exception
    assert set(at.dataframe[0].value.iloc[:, 0].astype(str)) >= {"conv1", "dw1", "fc"}
    open_page(at, "calibration")
    planned = at.dataframe[-1].value
    tiny = planned[planned["variant"] == "TinyNet 100%"].set_index(["device", "precision"])
    # a 1.2 M-op network is far below anything measured on EdgeTPU: the model's figure, untested, with why
    assert tiny.loc[("EdgeTPU-fast", "INT8"), "evidence"] == "untested"
    assert "ops per input is more than 4x outside" in tiny.loc[("EdgeTPU-fast", "INT8"), "reason"]
    assert tiny.loc[("TX2-maxp", "FP16"), "reason"] == "depthwise layers were never measured on TX2"


def test_an_onnx_file_is_imported_and_a_hostile_one_refused_without_losing_anything(at):
    add_network(at, "", onnx_bytes(), "one_conv.onnx")
    assert any("OneConv added" in plain(s.value) for s in at.success)
    assert any(f"{2 * 6 * 6 * 27 * 8:,} ops per input" in plain(m.value) for m in at.markdown)
    add_network(at, "Evil", b"\x08\x07garbage that is not a model", "evil.onnx")
    assert any("evil.onnx was not read" in plain(e.value) and "Nothing was added" in plain(e.value) for e in at.error)
    assert at.button(key="network_add").disabled and at.button(key="network_add").label == "Add (choose a file first)"
    at.run()  # the reason stays on the page while the refused file is in the uploader
    assert any("evil.onnx was not read" in plain(e.value) for e in at.error)
    assert not at.exception
    assert any("OneConv" in plain(m.value) for m in at.markdown) and not any("Evil" in plain(m.value)
                                                                          for m in at.markdown)
    add_network(at, "CNV", CSV)
    assert any("bundled network" in plain(e.value) for e in at.error)


def test_a_shared_link_brings_the_network_back():
    first = new_app().run()
    add_network(first, "TinyNet", CSV)
    link = first.query_params["nets"]
    second = new_app()
    second.query_params["nets"] = link if isinstance(link, str) else link[0]
    second.run()
    open_page(second, "your_networks")
    assert any("TinyNet" in plain(m.value) for m in second.markdown)
    third = new_app()
    third.query_params["nets"] = '[["x", "cifar10", "INT8", "=cmd()"]]'
    third.run()
    assert not third.exception
    assert any("networks were ignored" in plain(w.value) for w in third.sidebar.warning)


def test_onnx_helper_graph_is_valid():
    onnx.checker.check_model(onnx.load_from_string(onnx_bytes()))

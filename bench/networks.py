"""Network import benchmark: a 500-layer ONNX graph (a chain of 3x3 convolutions, each followed by
a Relu: 1,000 nodes, 4.7 MB) read into the layer table, and the same table written
as CSV and read back.

``python -m bench networks``; also the warm rerun of every page that shows a user's network.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator

import numpy as np

from bench.core import median_seconds
from qb_core.layer_csv import layer_table_csv, read_layer_csv
from qb_core.onnx_import import import_onnx

LAYERS = 500
CHANNELS = 16
SIDE = 32
RUNS = 5


def conv_chain_bytes(layers: int = LAYERS, channels: int = CHANNELS, side: int = SIDE) -> bytes:
    """An ONNX model (opset 13): ``layers`` x (3x3 convolution, padding 1, ``channels`` to
    ``channels``, then Relu) on a ``side`` x ``side`` input with a symbolic batch."""
    from onnx import TensorProto, helper, numpy_helper

    nodes, weights = [], []
    for i in range(layers):
        weights.append(numpy_helper.from_array(np.zeros((channels, channels, 3, 3), np.float32), f"w{i}"))
        nodes.append(helper.make_node("Conv", [f"t{i}", f"w{i}"], [f"c{i}"], name=f"conv{i}", pads=[1, 1, 1, 1]))
        nodes.append(helper.make_node("Relu", [f"c{i}"], [f"t{i + 1}"]))
    graph = helper.make_graph(nodes, "conv chain",
                              [helper.make_tensor_value_info("t0", TensorProto.FLOAT, ["N", channels, side, side])],
                              [helper.make_tensor_value_info(f"t{layers}", TensorProto.FLOAT, None)], weights)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]).SerializeToString()


def run(runs: int = RUNS) -> Iterator[tuple[str, str, str]]:
    data = conv_chain_bytes()
    network = import_onnx(data, "chain.onnx")
    expected_ops = LAYERS * 2 * SIDE * SIDE * CHANNELS * CHANNELS * 9
    assert len(network.layers) == LAYERS and int(network.layers["ops"].sum()) == expected_ops
    seconds = median_seconds(lambda: import_onnx(data, "chain.onnx"), runs)
    yield (f"import a {LAYERS}-layer ONNX graph ({2 * LAYERS:,} nodes, {len(data) / 1e6:.1f} MB)",
           f"{seconds * 1000:.0f} ms", "< 1 s")
    text = layer_table_csv(network.layers).encode()
    seconds = median_seconds(lambda: read_layer_csv(text, "chain.csv"), runs)
    yield (f"read its {LAYERS}-row layer table back from CSV", f"{seconds * 1000:.0f} ms", "")
    yield from page_reruns()


PAGES_WITH_NETWORKS = ("rooflines", "prediction", "layers", "what_it_takes", "calibration", "your_networks")


def page_reruns(runs: int = 7) -> Iterator[tuple[str, str, str]]:
    """Warm AppTest rerun of every page that shows a user's network, with one network uploaded."""
    from devtools.apptest import button, new_app, open_page
    from tests.test_networks_page import CSV

    at = new_app().run()
    open_page(at, "your_networks")
    at.file_uploader(key="network_upload").set_value(("tiny.csv", CSV, "text/csv"))
    at.text_input(key="network_name").set_value("TinyNet")
    button(at, "Add to my networks").click().run()
    for page in PAGES_WITH_NETWORKS:
        open_page(at, page)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - start)
        yield f"one uploaded network: {page} warm rerun (AppTest)", f"{statistics.median(times) * 1000:.0f} ms", \
            "< 300 ms"

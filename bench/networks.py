"""Network import benchmark: a 500-layer ONNX graph (a chain of 3x3 convolutions, each followed by
a Relu: 1,000 nodes, 4.7 MB) read into the layer table, and the same table written
as CSV and read back.

``python -m bench networks``; also the warm rerun of every page that shows a user's network.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from bench.core import median_seconds
from devtools.apptest import new_app, open_page
from qb_core.networks.layer_csv import layer_table_csv, read_layer_csv
from qb_core.networks.onnx_import import import_onnx

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


def vgg16_like_file(path: Path) -> int:
    """VGG16's 13 convolutions and 3 FC layers at 224 x 224 with float32 weights (138 M parameters,
    553 MB), written to ``path`` without holding the model in memory twice; returns its size."""
    from onnx import TensorProto, helper, numpy_helper

    widths = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
    nodes, inits, x, channels = [], [], "x", 3
    for i, width in enumerate(widths):
        if width == "M":
            nodes.append(helper.make_node("MaxPool", [x], [f"p{i}"], kernel_shape=[2, 2], strides=[2, 2]))
            x = f"p{i}"
            continue
        inits += [numpy_helper.from_array(np.zeros((width, channels, 3, 3), np.float32), f"w{i}"),
                  numpy_helper.from_array(np.zeros(width, np.float32), f"b{i}")]
        nodes += [helper.make_node("Conv", [x, f"w{i}", f"b{i}"], [f"c{i}"], name=f"conv{i}", pads=[1, 1, 1, 1]),
                  helper.make_node("Relu", [f"c{i}"], [f"r{i}"])]
        x, channels = f"r{i}", width
    nodes.append(helper.make_node("Flatten", [x], ["f"]))
    x, features = "f", 512 * 7 * 7
    for i, width in enumerate((4096, 4096, 1000)):
        inits += [numpy_helper.from_array(np.zeros((width, features), np.float32), f"fw{i}"),
                  numpy_helper.from_array(np.zeros(width, np.float32), f"fb{i}")]
        nodes.append(helper.make_node("Gemm", [x, f"fw{i}", f"fb{i}"], [f"g{i}"], name=f"fc{i}", transB=1))
        x, features = f"g{i}", width
    graph = helper.make_graph(nodes, "main_graph", [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                                                   ["batch", 3, 224, 224])],
                              [helper.make_tensor_value_info(x, TensorProto.FLOAT, None)], inits)
    path.write_bytes(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString())
    return path.stat().st_size


# VmHWM: this process's peak resident memory (ru_maxrss would carry the parent's across exec)
_PEAK = """
import sys, time
from pathlib import Path
from qb_core.networks.files import read_network_bytes, read_network_path
def peak_mb():
    line = next(l for l in open("/proc/self/status") if l.startswith("VmHWM"))
    return int(line.split()[1]) / 1024
path = Path(sys.argv[1])
before = peak_mb()
start = time.perf_counter()
network = read_network_path(path) if sys.argv[2] == "path" else read_network_bytes(path.read_bytes(), path.name)
seconds = time.perf_counter() - start
print(seconds, before, peak_mb(), int(network.layers["weights"].sum()))
"""


def large_file(runs: int = 3) -> Iterator[tuple[str, str, str]]:
    """A VGG16-sized ONNX file read from its path (memory-mapped) and from bytes (an upload), each in
    a fresh process: median seconds and peak memory against the process before the import."""
    import subprocess
    import sys
    import tempfile

    root = str(Path(__file__).resolve().parents[1])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "vgg16_like.onnx"
        size = vgg16_like_file(path)
        for mode, label in (("path", "command line, memory-mapped"), ("bytes", "upload, bytes in memory")):
            results = []
            for _ in range(runs):
                done = subprocess.run([sys.executable, "-c", _PEAK, str(path), mode], capture_output=True, text=True,
                                      cwd=root, check=True)
                results.append([float(v) for v in done.stdout.split()])
            seconds, before_mb, peak_mb, params = (statistics.median(r[i] for r in results) for i in range(4))
            assert int(params) == 138_357_544, params
            yield (f"import a VGG16-sized ONNX file ({size / 1e6:,.0f} MB, 138.4 M params): {label}",
                   f"{seconds:.2f} s", "< 5 s")
            yield (f"  peak memory of that import ({label}; {before_mb:,.0f} MB before it)",
                   f"{peak_mb:,.0f} MB", f"file {size / 1e6:,.0f} MB")


def run(runs: int = RUNS) -> Iterator[tuple[str, str, str]]:
    yield from large_file()
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
    from tests.test_networks_page import CSV, add_network

    at = add_network(new_app().run(), "TinyNet", CSV)
    for page in PAGES_WITH_NETWORKS:
        open_page(at, page)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - start)
        yield f"one uploaded network: {page} warm rerun (AppTest)", f"{statistics.median(times) * 1000:.0f} ms", \
            "< 300 ms"

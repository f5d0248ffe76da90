"""This machine as a test bench (issue 27): its empirical roofline against the theoretical figures
and a plain numpy triad, the run-to-run dispersion of ``measure``, and the batch-aware model's
held-out errors on this host, leaving each network out, per question and level, with the band's
coverage. ``python -m bench measure``.

Measured: every bundled network variant (CNV and MLP at every pruning, GoogLeNet, MobileNet,
ResNet-50 at 100/80/50/30 %, ResNet-50v15, EfficientNet-EdgeTPU S/M/L) exported to ONNX, and, when
``make bench-torch`` has exported them, torchvision classifiers the dataset does not hold, at FP32,
batches 1, 2 and 8, within ``QB_BENCH_MEASURE_S`` seconds (default 600). The model's form was fixed
by the batch-aware model's issue; nothing here tunes it.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from qb_core.hardware.catalog import catalog_long, default_catalog
from qb_core.hardware.whatif import CUSTOM_COLUMNS, combined_catalog, custom_catalog
from qb_core.host.measure import measure_onnx
from qb_core.host.roofline import measure_host_roofline, stream_triad, to_platform_row
from qb_core.measurements.dataset import load_measurements
from qb_core.model import batch_model as bm
from qb_core.networks.files import read_network_path
from qb_core.networks.onnx_export import bundled_onnx, bundled_variants
from qb_core.networks.user import make_network
from qb_core.vocabulary import PRECISIONS

ZOO = Path(__file__).resolve().parent.parent / ".bench-cache" / "onnx-zoo"
#: torchvision classifiers the dataset does not hold, small to large (TorchScript exports).
ZOO_NETWORKS = ("squeezenet1_1", "shufflenet_v2_x1_0", "mobilenet_v3_small", "mnasnet1_0", "mobilenet_v2",
                "regnet_x_400mf", "efficientnet_b0", "mobilenet_v3_large", "resnet18", "alexnet", "googlenet",
                "densenet121", "resnet34")
BATCHES = (1, 2, 8)
RUNS, WARMUP = 8, 2
QUESTIONS = ("latency-b1", "throughput-best")


def _budget_s() -> float:
    return float(os.environ.get("QB_BENCH_MEASURE_S", "600"))


def _numpy_triad_gbps(elements: int, repeats: int = 5, block: int = 65_536) -> float:
    """A plain numpy loop, one thread: a = b + s c block by block (the temporary s c stays in cache, so
    memory sees the triad's three streams), counted as STREAM does (3 x 8 bytes per element)."""
    b, c, a = np.ones(elements), np.full(elements, 2.0), np.empty(elements)
    scratch = np.empty(block)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for first in range(0, elements, block):
            last = min(first + block, elements)
            part = scratch[:last - first]
            np.multiply(c[first:last], 3.0, out=part)
            np.add(part, b[first:last], out=a[first:last])
        best = min(best, time.perf_counter() - start)
    return 3 * 8 * elements / best / 1e9


def roofline_figures() -> Iterator[tuple[str, str, str] | pd.DataFrame]:
    roofline = measure_host_roofline(budget_s=90.0)
    for label, measured, theory in roofline.peaks():
        share = f" ({100 * measured / theory:.0f} % of theory {theory * 1e3:.0f})" if measured and theory else ""
        yield (f"host roofline: {label} peak GOP/s (MatMul/Conv best)",
               "n/a" if measured is None else f"{measured * 1e3:.0f}{share}", "a share of the theoretical figure")
    elements = roofline.triad.elements if roofline.triad else 8_000_000
    one_thread = stream_triad(elements, 1, 5).gbps
    plain = _numpy_triad_gbps(elements)
    yield (f"host roofline: triad GB/s, all {roofline.threads} threads (arrays 3 x {elements * 8 / 1e6:.0f} MB)",
           f"{roofline.bandwidth_gbps:.1f}", "")
    yield ("host roofline: triad on 1 thread / plain numpy loop (1 thread)",
           f"{one_thread:.1f} / {plain:.1f} = {100 * one_thread / plain:.0f} %", "within 15 %")
    yield pd.DataFrame([to_platform_row(roofline)])


def _measure(model: bytes, name: str, pct: float, task: str | None, budget: float,
             skipped: list[str]) -> pd.DataFrame:
    result = measure_onnx(model, list(BATCHES), RUNS, WARMUP, None, budget_s=budget, topology=name,
                          pruning_pct=pct, task=task)
    skipped += [f"{name} {pct:g}%: {line}" for line in result.skipped]
    return result.rows


def dispersion() -> tuple[str, str, str]:
    """Run-to-run spread of the median latency: CNV 100 % and ResNet-50, three runs each."""
    spreads = []
    for name in ("CNV", "ResNet-50"):
        model = bundled_onnx(name, 100.0)
        medians = [measure_onnx(model, [1, 8], 15, 3, None, budget_s=120, topology=name).rows.set_index("batch")[
            "lat_comp_ms"] for _ in range(3)]
        table = pd.concat(medians, axis=1)
        spreads += list(100 * (table.max(axis=1) - table.min(axis=1)) / table.median(axis=1))
    return ("measure: run-to-run spread of median latency (CNV, ResNet-50 at batch 1 and 8; max)",
            f"{max(spreads):.1f} % (each: {', '.join(f'{s:.1f}' for s in spreads)})", "<= 5 % on a quiet machine")


def measure_networks(deadline: float) -> tuple[pd.DataFrame, tuple, list[str]]:
    """Rows of every bundled variant, then the zoo's networks, until ``deadline``."""
    parts, networks, skipped = [], [], []
    for topology, pct in bundled_variants():
        left = deadline - time.perf_counter()
        if left < 5:
            skipped.append(f"{topology} {pct:g}%")
            continue
        parts.append(_measure(bundled_onnx(topology, pct), topology, pct, None, min(left, 90.0), skipped))
    for name in ZOO_NETWORKS:
        path = ZOO / f"{name}.torchscript.onnx"
        left = deadline - time.perf_counter()
        if not path.exists():
            continue
        if left < 5:
            skipped.append(name)
            continue
        network = read_network_path(path, name)
        networks.append(make_network(name, "imagenet", PRECISIONS, network.layers, path.name,
                                     warnings=network.warnings, incomplete=network.incomplete))
        parts.append(_measure(path.read_bytes(), name, 100.0, "imagenet", min(left, 90.0), skipped))
    rows = pd.concat([p for p in parts if len(p)], ignore_index=True)
    return rows, tuple(networks), skipped


def model_figures(rows: pd.DataFrame, platform_row: pd.DataFrame, networks: tuple) -> Iterator[tuple[str, str, str]]:
    record = {column: platform_row[column].iloc[0] for column in CUSTOM_COLUMNS}
    record = {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in record.items()}
    hardware = catalog_long(combined_catalog(default_catalog(), custom_catalog([record])))
    model = bm.build_batch_model(pd.concat([load_measurements(), rows], ignore_index=True), hardware, networks)
    platform = str(platform_row["platform"].iloc[0])
    fitted = model.coefficients.loc[platform] if platform in model.coefficients.index.get_level_values(0) else None
    count = int(fitted["network_count"].max()) if fitted is not None else 0
    yield (f"model on this host: networks measured ({platform})", f"{rows['topology'].nunique()} ({count} in a fit)",
           ">= 12")
    table = bm.summary(model, (platform,)).set_index(["level", "question"])
    for level in bm.LEVELS:
        for question in QUESTIONS:
            if (level, question) not in table.index:
                continue
            row = table.loc[(level, question)]
            yield (f"model on this host: {question}, {level}, leaving a network out: median |error| tested",
                   f"{row['tested_median_abs_error_pct']:.1f} %", "<= 15 % (latency-b1)")
            yield (f"model on this host: {question}, {level}: rows tested, nested 80 % band held",
                   f"{row['tested_pct']:.0f} % of {row['units']:.0f}, {row['band_coverage_pct']:.0f} %",
                   ">= 80 %; 70-90 %")
            yield (f"model on this host: {question}, {level}: untested rows' median |error|",
                   f"{row['untested_median_abs_error_pct']:.1f} %", "")


def run() -> Iterator[tuple[str, str, str]]:
    start = time.perf_counter()
    platform_row = None
    for item in roofline_figures():
        if isinstance(item, pd.DataFrame):
            platform_row = item
        else:
            yield item
    yield dispersion()
    began = time.perf_counter()
    rows, networks, skipped = measure_networks(began + _budget_s())
    per_variant = rows.groupby(["topology", "pruning_pct"]).size()
    yield (f"measure: {rows['topology'].nunique()} networks ({len(rows)} rows, batches {BATCHES}) in",
           f"{time.perf_counter() - began:.0f} s", f"budget {_budget_s():.0f} s")
    if skipped:
        yield ("measure: not measured", "; ".join(skipped)[:400], "")
    yield ("measure: rows per network variant (median)", f"{statistics.median(per_variant):.0f}", f"{len(BATCHES)}")
    yield from model_figures(rows, platform_row, networks)
    yield ("measure group: wall time", f"{time.perf_counter() - start:.0f} s", "")

"""Core benchmarks: 1,000,000-row prediction grid (vectorized vs a plain loop), the import +
derive + Pareto pipeline and the measurement-prediction join on 1,000,000 rows resampled from the
real measurements. The calibrated model has its own group (bench/model.py)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from qb_core.analyses.efficiency import efficiency_table, summary
from qb_core.analyses.predictions import predict_grid
from qb_core.hardware.catalog import catalog_long
from qb_core.measurements.dataset import SOURCE_COLUMNS, load_measurements
from qb_core.networks.variants import variant_table
from qb_core.question import Storage
from qb_core.vocabulary import BYTES_PER_ELEMENT

GRID_ROWS = 1_000_000
IMPORT_ROWS = 1_000_000
JOIN_ROWS = 1_000_000


def median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def prediction_grid(rows: int = GRID_ROWS) -> pd.DataFrame:
    """Platform x precision x topology variant x batch, cut to ``rows`` rows."""
    hardware = catalog_long()[["device", "precision", "peak_tops", "bandwidth_gbps"]]
    scales = tuple(np.round(np.linspace(0.05, 2.0, 40), 4))
    variants = variant_table("cifar10", scales)[["topology", "pruning_pct", "params", "ops_per_input",
                                                 "activation_elems"]]
    per_batch = len(hardware) * len(variants)
    batches = pd.DataFrame({"batch": np.arange(1, rows // per_batch + 2)})
    grid = hardware.merge(variants, how="cross").merge(batches, how="cross")
    return grid.iloc[:rows].reset_index(drop=True)


def plain_loop(grid: pd.DataFrame) -> list[tuple[float, str]]:
    out = []
    for row in grid.itertuples(index=False):
        moved = row.params * BYTES_PER_ELEMENT[row.precision] / row.batch
        memory_roof = row.bandwidth_gbps * (row.ops_per_input / moved) / 1000.0
        attainable = min(row.peak_tops, memory_roof)
        out.append((attainable * 1e12 / row.ops_per_input, "compute" if memory_roof >= row.peak_tops else "memory"))
    return out


def write_resampled_qutibench(path: Path, rows: int = IMPORT_ROWS, seed: int = 0) -> None:
    """Resample the bundled measurements to ``rows`` rows, written back in QuTiBench's export format."""
    tidy = load_measurements()
    sample = tidy.sample(rows, replace=True, random_state=seed).reset_index(drop=True)
    back = {v: k for k, v in SOURCE_COLUMNS.items()}
    names = {"topology": "NN_Topology", "precision": "Datatype", "op_mode": "Op mode",
             "batch": "batch/thread/stream", "lat_sys_ms": "lat-sys", "lat_comp_ms": "lat-comp",
             "fps_system": "fps-system", "fps_comp": "fps-comp", "top1_pct": "top1 [%]", "top5_pct": "top5 [%]",
             "base_power_w": "Base_Pwr_W", "idle_power_w": "Idle_Pwr_W", "full_power_w": "Full_Pwr_W",
             "level": " level"}
    assert set(names) <= set(back)
    out = sample[list(names)].rename(columns=names)
    out.insert(1, "HWType", sample["platform"])
    out["PruningFactor"] = sample["pruning_pct"].map("{:g}%".format)
    out.to_csv(path, index=False)


# A fresh process per run, so peak memory is this pipeline's own; the clock starts after the
# modules are imported (the work timed is reading, deriving and the front, not Python's start-up).
PIPELINE_CHILD = """
import resource, sys, time
from qb_core.measurements.dataset import import_qutibench
from qb_core.analyses.pareto import pareto_front
t = time.perf_counter()
result = import_qutibench(sys.argv[1])
front = pareto_front(result.measurements)
elapsed = time.perf_counter() - t
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, len(result.measurements), len(front))
"""


def join_figures(runs: int = 5) -> list[tuple[str, str, str]]:
    """The join of 1,000,000 measured rows (the bundled ones resampled, each a distinct data set
    of 1,000 rows so configurations multiply) to the roofline predictions."""
    tidy = load_measurements()
    sample = tidy.sample(JOIN_ROWS, replace=True, random_state=1).reset_index(drop=True)
    sample = sample.assign(dataset=(np.arange(JOIN_ROWS) // 1000).astype(str), task="cifar10",
                           topology="CNV").astype({"dataset": "category"})
    hardware = catalog_long()
    seconds = median_seconds(lambda: efficiency_table(sample, hardware), runs)
    counts = summary(efficiency_table(sample, hardware))
    return [(f"join {JOIN_ROWS:,} measured rows to the predictions ({counts['paired']:,} paired, "
             f"{counts['measured-only']:,} measured-only)", f"{seconds * 1000:.0f} ms", "< 1 s")]


def run(runs: int = 5) -> list[tuple[str, str, str]]:
    report = join_figures(runs)
    grid = prediction_grid()
    vector_s = median_seconds(lambda: predict_grid(grid, Storage("per-batch")), runs)
    loop_s = median_seconds(lambda: plain_loop(grid), 3)
    report += [
        (f"predict {len(grid):,} rows (vectorized)", f"{vector_s * 1000:.0f} ms", "< 200 ms"),
        (f"predict {len(grid):,} rows (plain Python loop)", f"{loop_s * 1000:.0f} ms",
         f"speed-up x{loop_s / vector_s:.0f}"),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "resampled.csv"
        write_resampled_qutibench(path)
        project = Path(__file__).resolve().parent.parent
        samples = []
        for _ in range(runs):
            done = subprocess.run([sys.executable, "-c", PIPELINE_CHILD, str(path)], cwd=project,
                                  capture_output=True, text=True, check=True)
            seconds, maxrss_kb, imported, front = done.stdout.split()
            samples.append((float(seconds), int(maxrss_kb) / 1024))
    report.append((f"import + derive + Pareto, {IMPORT_ROWS:,} rows ({int(imported):,} kept, front {front})",
                   f"{statistics.median(s for s, _ in samples):.2f} s", "< 3 s"))
    report.append(("  peak memory of that process", f"{statistics.median(m for _, m in samples):.0f} MB",
                   "< 1536 MB"))
    return report

"""Finder benchmark: constraints in, deployments out, over every task's candidates (every
measured row at every batch plus a prediction table of realistic size, ~500 rows).

The prediction table is built the way the app's will be (until ``qb_core.model`` provides it):
each task's unmeasured configurations from the join, calibrated per platform where the platform
has measurements ("not calibrated" otherwise), tiled over batches 1, 2 and 4 to 500 rows.
``python -c "from bench.finder import run; print(run())"``; not registered in ``bench/__main__``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.core import median_seconds
from qb_core.accuracy import load_accuracy
from qb_core.calibration import calibrate_predictions, paired_for_calibration
from qb_core.efficiency import efficiency_table
from qb_core.finder import Constraints, combined_candidates, find_deployments, left_out_rows
from qb_core.hardware import catalog_long
from qb_core.measurements import load_measurements
from qb_core.topology import TASKS

PREDICTION_ROWS = 500
RUNS = 7
#: The questions timed: (label, constraints, objective).
QUESTIONS: tuple[tuple[str, Constraints, str], ...] = (
    ("CNV INT2, >= 10,000 inputs/s, <= 5 W (nothing feasible: nearest 5)",
     Constraints(task="cifar10", topology="CNV", precision="INT2", min_fps=10_000, max_power_w=5), "fps"),
    ("ImageNet, top-1 >= 70 %, <= 10 ms at batch 1, by energy",
     Constraints(task="imagenet", min_top1_pct=70, max_latency_ms=10, latency_batch=1), "energy"),
    ("any task, <= 15 W, <= 50 mJ/input, by fps (every task's candidates)",
     Constraints(max_power_w=15, max_mj_per_input=50), "fps"),
)


def constructed_predictions(rows: int = PREDICTION_ROWS) -> pd.DataFrame:
    """The lead's prediction schema over every task: roofline and, where the platform has
    measurements, calibrated inputs/s with the band; ``rows`` rows (configurations x batches)."""
    measured, hardware = load_measurements(), catalog_long()
    parts = []
    for task in TASKS:
        join = efficiency_table(measured, hardware, task)
        unmeasured = join[(join["status"] == "predicted-only") & join["predicted_fps"].notna()]
        calibrated = calibrate_predictions(unmeasured.rename(columns={"predicted_fps": "inputs_per_s"}),
                                           paired_for_calibration(join))
        parts.append(pd.DataFrame({
            "task": task, "device": calibrated["device"], "platform": calibrated["platform"],
            "precision": calibrated["precision"], "topology": calibrated["topology"],
            "pruning_pct": calibrated["pruning_pct"], "roofline_fps": calibrated["roofline_fps"],
            "predicted_fps": calibrated["calibrated_fps"].where(calibrated["calibrated"]),
            "band_low_fps": calibrated["band_low_fps"], "band_high_fps": calibrated["band_high_fps"],
            "status": np.where(calibrated["calibrated"], "calibrated",
                               "not calibrated: no measurement on this platform"),
            "power_w": calibrated["power_w"],
        }))  # fmt: skip
    configurations = pd.concat(parts, ignore_index=True)
    tiled = configurations.merge(pd.DataFrame({"batch": [1, 2, 4]}), how="cross")
    return tiled.sample(frac=1.0, random_state=0).head(rows).reset_index(drop=True)


def run(runs: int = RUNS) -> list[tuple[str, str, str]]:
    measured, accuracy = load_measurements(), load_accuracy()
    predictions = constructed_predictions()
    candidates = combined_candidates(measured, predictions, accuracy)
    left_out = left_out_rows(measured, predictions)
    build_s = median_seconds(lambda: combined_candidates(measured, predictions, accuracy), runs)
    report = [(f"finder: build {len(candidates):,} candidates ({len(measured):,} measured rows + "
               f"{len(predictions):,} predictions)", f"{build_s * 1000:.1f} ms", "")]
    for label, constraints, objective in QUESTIONS:
        find_deployments(candidates, constraints, objective, left_out=left_out)  # warm
        seconds = median_seconds(lambda c=constraints, o=objective: find_deployments(candidates, c, o,
                                                                                      left_out=left_out), runs)
        report.append((f"  answer: {label}", f"{seconds * 1000:.1f} ms", "< 100 ms"))
    everything = median_seconds(lambda: [find_deployments(combined_candidates(measured, predictions, accuracy), c, o)
                                         for _, c, o in QUESTIONS[:1]], runs)
    report.append(("  build + answer (first question)", f"{everything * 1000:.1f} ms", "< 100 ms"))
    return report


if __name__ == "__main__":
    for label, value, target in run():
        print(f"{label:72} {value:>10}  {target}")

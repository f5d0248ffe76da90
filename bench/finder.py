"""Finder benchmark: constraints in, deployments out, over every task's candidates (every
measured row at every batch plus the calibrated model's predictions of everything not measured).
``python -m bench finder``.
"""

from __future__ import annotations

import pandas as pd

from bench.core import median_seconds
from qb_core.accuracy import load_accuracy
from qb_core.finder import Constraints, combined_candidates, find_deployments, left_out_rows
from qb_core.hardware import catalog_long
from qb_core.measurements import load_measurements
from qb_core.model import build_report, unmeasured_predictions

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


def model_predictions() -> pd.DataFrame:
    """What the app weighs: the calibrated model's prediction of every platform x precision x
    variant of every task that was not measured (the raw roofline where not calibrated)."""
    return unmeasured_predictions(build_report(load_measurements(), catalog_long()))


def run(runs: int = RUNS) -> list[tuple[str, str, str]]:
    measured, accuracy = load_measurements(), load_accuracy()
    predictions = model_predictions()
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

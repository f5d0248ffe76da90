"""Finder benchmark: a question and constraints in, deployments out, over every task's candidates
(every measured row of the question plus the batch-aware model's answers for everything the
measurements do not answer). ``python -m bench finder``.
"""

from __future__ import annotations

from bench.core import median_seconds
from qb_core.analyses.finder import Constraints, combined_candidates, find_deployments, left_out_rows
from qb_core.hardware.catalog import catalog_long
from qb_core.measurements.accuracy import load_accuracy
from qb_core.measurements.dataset import load_measurements
from qb_core.model.batch_model import build_batch_model, model_grid, predict_rows
from qb_core.question import Asked

RUNS = 7
#: The questions timed: (label, constraints, objective).
QUESTIONS: tuple[tuple[str, Asked, Constraints, str], ...] = (
    ("CNV INT2, >= 10,000 inputs/s, <= 5 W, best batch, accelerator (nearest 5)", Asked("throughput-best",
     "accelerator"), Constraints(task="cifar10", topology="CNV", precision="INT2", min_fps=10_000, max_power_w=5),
     "fps"),
    ("ImageNet, top-1 >= 70 %, <= 10 ms one input at a time, board, by energy", Asked("latency-b1", "board"),
     Constraints(task="imagenet", min_top1_pct=70, max_latency_ms=10), "energy"),
    ("any task, <= 15 W, <= 50 mJ/input, best batch, board, by fps", Asked("throughput-best", "board"),
     Constraints(max_power_w=15, max_mj_per_input=50), "fps"),
)


def run(runs: int = RUNS) -> list[tuple[str, str, str]]:
    measured, accuracy, hardware = load_measurements(), load_accuracy(), catalog_long()
    model, grid = build_batch_model(measured, hardware), model_grid(hardware)
    report = []
    for label, asked, constraints, objective in QUESTIONS:
        answers = predict_rows(model, grid, asked.level, asked.kind, asked.batch)
        candidates = combined_candidates(measured, answers, accuracy, asked)
        left_out = left_out_rows(measured, answers, asked)
        build_s = median_seconds(lambda a=answers, q=asked: combined_candidates(measured, a, accuracy, q), runs)
        answer_s = median_seconds(lambda q=asked: predict_rows(model, grid, q.level, q.kind, q.batch), runs)
        find_deployments(candidates, constraints, objective, left_out=left_out)  # warm
        seconds = median_seconds(lambda c=constraints, o=objective, k=candidates, lo=left_out: find_deployments(
            k, c, o, left_out=lo), runs)
        report.append((f"finder: {label}", f"{seconds * 1000:.1f} ms", "< 100 ms"))
        report.append((f"  the model's answers ({len(answers):,}) + {len(candidates):,} candidates built",
                       f"{(answer_s + build_s) * 1000:.1f} ms", ""))
    return report


if __name__ == "__main__":
    for label, value, target in run():
        print(f"{label:72} {value:>10}  {target}")

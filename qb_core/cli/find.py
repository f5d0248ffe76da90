"""``python -m qb_core find``: constraints in, the deployments that meet them out, as CSV.

The candidates are the measurements (``--measurements FILE`` or the bundled ones) at the question's
batch and level, and the batch-aware model's answers for everything they do not answer
(:func:`candidates_for`); :func:`find_command` ranks them. A flag argparse refuses goes through the
parser's ``error`` (one line, exit 2); a value refused later raises ValueError naming the flag.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable
from dataclasses import fields
from typing import TextIO

import pandas as pd

from qb_core.analyses.finder import OBJECTIVES, Constraints, combined_candidates, find_deployments, value_problem
from qb_core.cli import inputs
from qb_core.cli.args import add_measurements_flag, batch_size
from qb_core.cli.registry import Command
from qb_core.csv_io import DataFormatError, to_csv_safe
from qb_core.hardware.catalog import catalog_long
from qb_core.measurements.accuracy import load_accuracy
from qb_core.model.batch_model import build_batch_model, model_grid, predict_rows
from qb_core.question import LEVELS, QUESTIONS, Asked
from qb_core.vocabulary import CONFIG_KEYS, PRECISIONS, TASKS

#: The columns ``find`` prints, in order.
FIND_COLUMNS: tuple[str, ...] = (
    *CONFIG_KEYS, "batch", "source", "fps", "fps_low", "fps_high", "latency_ms",
    "power_w", "mj_per_input", "top1_pct", "meets", "misses", "status",
)  # fmt: skip
#: How many of the nearest misses are printed when nothing is feasible.
NEAREST = 5
#: Constraint field -> its flag (messages name the flag).
FLAGS: dict[str, str] = {
    "task": "--task", "topology": "--topology", "precision": "--precision", "min_fps": "--min-fps",
    "max_latency_ms": "--max-latency-ms", "max_power_w": "--max-power-w",
    "max_mj_per_input": "--max-mj", "min_top1_pct": "--min-top1", "platforms": "--platforms",
}  # fmt: skip


def _limit(field: str) -> Callable[[str], float]:
    """An argparse type for one numeric constraint: a number the constraint accepts."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        problem = value_problem(field, value)
        if problem:
            raise argparse.ArgumentTypeError(problem)
        return value

    parse.__name__ = field
    return parse


def _platforms(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    if not names:
        raise argparse.ArgumentTypeError(f"{text!r} names no platform (a comma-separated list)")
    return names


def add_find_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``find`` flags. ``--task`` defaults to any task; a parser that already has ``--task``
    (the CLI's shared one, default cifar10) keeps its own."""
    with contextlib.suppress(argparse.ArgumentError):
        parser.add_argument("--task", choices=list(TASKS), default=None, help="benchmark task (default: any)")
    parser.add_argument("--topology", help="network, e.g. CNV or ResNet-50 (default: any)")
    parser.add_argument("--precision", type=str.upper, choices=PRECISIONS, help="precision (default: any)")
    parser.add_argument("--min-fps", dest="min_fps", type=_limit("min_fps"), metavar="INPUTS_PER_S",
                        help="at least this many inputs/s")
    parser.add_argument("--max-latency-ms", dest="max_latency_ms", type=_limit("max_latency_ms"), metavar="MS",
                        help="at most this latency per batch, ms")
    parser.add_argument("--question", choices=QUESTIONS, default=None,
                        help="latency-b1: one input at a time; throughput-best: at the best batch (default); batch: "
                             "at --batch N")
    parser.add_argument("--batch", type=batch_size, default=None, metavar="N", help="the question at batch N")
    parser.add_argument("--latency-batch", dest="latency_batch", type=batch_size, metavar="N",
                        help="the same as --question batch --batch N (1: --question latency-b1)")
    parser.add_argument("--level", choices=LEVELS, default="board",
                        help="board: what a deployment sees, host included (default); accelerator: its own time")
    parser.add_argument("--not-evidence", action="store_true",
                        help="print the untested predictions and datasheet rooflines that would meet every "
                             "constraint instead (they are not evidence)")
    parser.add_argument("--max-power-w", dest="max_power_w", type=_limit("max_power_w"), metavar="W",
                        help="at most this board power, W")
    parser.add_argument("--max-mj", dest="max_mj_per_input", type=_limit("max_mj_per_input"), metavar="MJ",
                        help="at most this energy per input, mJ")
    parser.add_argument("--min-top1", dest="min_top1_pct", type=_limit("min_top1_pct"), metavar="PCT",
                        help="at least this top-1 accuracy, percent")
    parser.add_argument("--objective", choices=list(OBJECTIVES), default="fps",
                        help="rank by (fps and top1 maximized; latency, power and energy minimized)")
    parser.add_argument("--platforms", type=_platforms, metavar="NAMES",
                        help="only these platforms or devices, comma-separated (default: all)")
    add_measurements_flag(parser)


def constraints_from_args(args: argparse.Namespace) -> Constraints:
    """The constraints the flags give; a bad value raises ValueError naming its flag."""
    values = {f.name: getattr(args, f.name, None) for f in fields(Constraints)}
    return Constraints.checked(FLAGS, **values)


def find_question(args: argparse.Namespace) -> Asked:
    """The question the flags ask (``--latency-batch N`` is ``--question batch --batch N``, N = 1
    the batch-1 latency); a bad combination raises ValueError naming the flags."""
    batch = getattr(args, "batch", None) or getattr(args, "latency_batch", None)
    kind = getattr(args, "question", None) or ("batch" if batch is not None else "throughput-best")
    if kind == "batch" and batch == 1:
        kind = "latency-b1"
    try:
        return Asked(kind, getattr(args, "level", "board"), batch if kind == "batch" else None)
    except ValueError as exc:
        raise ValueError(f"--question/--batch: {exc}") from None


def candidates_for(measured: pd.DataFrame, answers: pd.DataFrame | None, accuracy: pd.DataFrame | None = None,
                   asked: Asked | None = None) -> pd.DataFrame:
    """Every candidate of the question: measured rows at its batch (every batch for the best-batch
    question), then the model's answers (tested, untested or roofline) for the configurations the
    measurements do not answer (:func:`qb_core.analyses.finder.combined_candidates`)."""
    return combined_candidates(measured, answers, accuracy, asked)


def find_command(args: argparse.Namespace, candidates: pd.DataFrame, out: TextIO, err: TextIO | None = None) -> int:
    """Print :data:`FIND_COLUMNS` as CSV: the feasible deployments (measured or tested) ranked by
    ``--objective``, or, with none, the :data:`NEAREST` nearest misses (``meets`` False, ``misses``
    saying what and by how much); with ``--not-evidence``, the untested and roofline rows that would
    meet instead. A note on ``err`` counts those. Exit status 0 either way; a bad value raises
    ValueError naming its flag."""
    constraints = constraints_from_args(args)
    result = find_deployments(candidates, constraints, getattr(args, "objective", "fps"), nearest=NEAREST)
    if getattr(args, "not_evidence", False):
        table = result.not_evidence
    else:
        table = result.feasible if len(result.feasible) else result.nearest
        if len(result.not_evidence) and err is not None:
            print(f"qb_core: note: {len(result.not_evidence)} untested prediction(s) or datasheet roofline(s) would "
                  "also meet every constraint; they are not evidence (--not-evidence lists them)", file=err)
    out.write(to_csv_safe(table.loc[:, list(FIND_COLUMNS)]))
    return 0


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The question's candidates from the measurements and the batch-aware model's answers for
    everything they do not answer, ranked (:func:`find_command`)."""
    try:
        constraints_from_args(args)  # a bad value is reported before any work
    except ValueError as exc:
        raise DataFormatError(str(exc)) from None
    try:
        asked = find_question(args)
    except ValueError as exc:
        raise DataFormatError(str(exc)) from None
    measured = inputs.measured(args, err)
    hardware = catalog_long()
    try:
        model = build_batch_model(measured, hardware)
        answers = predict_rows(model, model_grid(hardware), asked.level, asked.kind, asked.batch)
    except ValueError:  # nothing in the file can be modelled: its measured rows still answer
        print("qb_core: note: no measurement can be modelled, so only measured deployments are weighed", file=err)
        answers = None
    candidates = candidates_for(measured, answers, load_accuracy(), asked)
    try:
        return find_command(args, candidates, out, err)
    except ValueError as exc:
        raise DataFormatError(str(exc)) from None


COMMAND = Command(
    name="find",
    help="deployments that meet constraints, measured or predicted",
    description="The deployments (measured at every batch, or predicted by the calibrated model) that meet every "
                "constraint, ranked by --objective; with none, the 5 nearest and what they miss.",
    add_arguments=add_find_arguments,
    run=run,
)

"""``python -m qb_core find``: constraints in, the deployments that meet them out, as CSV.

The lead's :mod:`qb_core.cli` wires it: :func:`add_find_arguments` on the subcommand's parser,
then :func:`find_command` with the candidates it built (:func:`candidates_for` from the
measurements, ``--measurements FILE`` or the bundled ones, and a prediction table it passes in).
A flag argparse refuses goes through the parser's ``error`` (one line, exit 2 under
``cli._Parser``); a value refused later raises ValueError naming the flag.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import TextIO

import pandas as pd

from qb_core.csv_io import to_csv_safe
from qb_core.finder import OBJECTIVES, Constraints, combined_candidates, find_deployments, value_problem
from qb_core.topology import PRECISIONS, TASKS

#: The columns ``find`` prints, in order.
FIND_COLUMNS: tuple[str, ...] = (
    "device", "precision", "topology", "pruning_pct", "batch", "source", "fps", "latency_ms", "power_w",
    "mj_per_input", "top1_pct", "meets", "misses",
)  # fmt: skip
#: How many of the nearest misses are printed when nothing is feasible.
NEAREST = 5
#: Constraint field -> its flag (messages name the flag).
FLAGS: dict[str, str] = {
    "task": "--task", "topology": "--topology", "precision": "--precision", "min_fps": "--min-fps",
    "max_latency_ms": "--max-latency-ms", "latency_batch": "--latency-batch", "max_power_w": "--max-power-w",
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


def _batch(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    problem = value_problem("latency_batch", value)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


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
    parser.add_argument("--latency-batch", dest="latency_batch", type=_batch, metavar="N",
                        help="judge the latency at batch N (1 = single input; default: at any batch)")
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
    parser.add_argument("--measurements", type=Path, help="measurement CSV, QuTiBench or tidy (default: bundled)")


def constraints_from_args(args: argparse.Namespace) -> Constraints:
    """The constraints the flags give; a bad value raises ValueError naming its flag."""
    values = {f.name: getattr(args, f.name, None) for f in fields(Constraints)}
    return Constraints.checked(FLAGS, **values)


def candidates_for(measured: pd.DataFrame, predictions: pd.DataFrame | None,
                   accuracy: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every candidate: measured rows at every batch, then the predictions (source predicted or
    roofline) of configurations not measured (:func:`qb_core.finder.combined_candidates`)."""
    return combined_candidates(measured, predictions, accuracy)


def find_command(args: argparse.Namespace, candidates: pd.DataFrame, out: TextIO) -> int:
    """Print :data:`FIND_COLUMNS` as CSV: the feasible deployments ranked by ``--objective``, or,
    with none, the :data:`NEAREST` nearest misses (``meets`` False, ``misses`` saying what and by
    how much). Exit status 0 either way; a bad value raises ValueError naming its flag."""
    constraints = constraints_from_args(args)
    result = find_deployments(candidates, constraints, getattr(args, "objective", "fps"), nearest=NEAREST)
    table = result.feasible if len(result.feasible) else result.nearest
    out.write(to_csv_safe(table.loc[:, list(FIND_COLUMNS)]))
    return 0

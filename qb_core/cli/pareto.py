"""``python -m qb_core pareto``: the Pareto front of the measured rows of ``--task`` on two objectives
(:func:`qb_core.analyses.pareto.pareto_front`), optionally of some platforms and precisions only."""

from __future__ import annotations

import argparse
from typing import TextIO

import pandas as pd

from qb_core.analyses.pareto import OBJECTIVES, pareto_front, with_efficiency
from qb_core.cli import inputs
from qb_core.cli.args import add_measurements_flag, add_task_flag
from qb_core.cli.registry import Command, table_command


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_task_flag(parser)
    add_measurements_flag(parser)
    parser.add_argument("--platform", action="append", help="keep only this platform (repeatable)")
    parser.add_argument("--precision", action="append", help="keep only this precision (repeatable)")
    parser.add_argument("--x", choices=list(OBJECTIVES), default="fps_comp",
                        help="first objective (latency and power are minimized, the others maximized)")
    parser.add_argument("--y", choices=list(OBJECTIVES), default="top1_pct", help="second objective")


def pareto_table(args: argparse.Namespace, err: TextIO) -> pd.DataFrame:
    """The front's rows, with ``top1`` beside ``top1_pct`` (the notebook's name)."""
    rows = inputs.measured(args, err)
    rows = rows[rows["task"] == args.task]
    if args.platform:
        rows = rows[rows["platform"].isin(args.platform) | rows["device"].isin(args.platform)]
    if args.precision:
        rows = rows[rows["precision"].isin([p.upper() for p in args.precision])]
    front = pareto_front(with_efficiency(rows), args.x, args.y)
    front.insert(front.columns.get_loc("top1_pct"), "top1", front["top1_pct"])
    return front


COMMAND = Command(
    name="pareto",
    help="Pareto front of measured rows (default: fps_comp and top1, maximized)",
    add_arguments=add_arguments,
    run=table_command(pareto_table),
)

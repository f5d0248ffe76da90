"""``python -m qb_core import-qutibench FILE [--output OUT]``: a QuTiBench measurement CSV (export or
contribution template) in the tidy schema; each problem on stderr as ``line N: severity: reason``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from qb_core.cli import inputs
from qb_core.cli.registry import Command
from qb_core.csv_io import to_csv_safe
from qb_core.measurements.dataset import import_qutibench


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="QuTiBench-format CSV")
    parser.add_argument("--output", type=Path, help="write the tidy CSV here instead of stdout")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The file's rows as CSV on stdout, or into ``--output``."""
    rows = inputs.report(import_qutibench(args.file), args.file, err)
    inputs.write_output(to_csv_safe(rows), args.output, out, err, f"{len(rows)} rows")
    return 0


COMMAND = Command(
    name="import-qutibench",
    help="convert a QuTiBench CSV to the tidy schema",
    description="Convert a QuTiBench measurement CSV (export or contribution template); problems go to stderr as "
                "'line N: reason'.",
    add_arguments=add_arguments,
    run=run,
)

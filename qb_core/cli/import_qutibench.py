"""``python -m qb_core import-qutibench FILE [--output OUT]``: a QuTiBench measurement CSV (export or
contribution template) in the tidy schema; each problem on stderr as ``line N: severity: reason``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

import pandas as pd

from qb_core.cli import inputs
from qb_core.cli.args import write_file
from qb_core.cli.registry import Command, table_command
from qb_core.csv_io import to_csv_safe
from qb_core.measurements.dataset import import_qutibench


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="QuTiBench-format CSV")
    parser.add_argument("--output", type=Path, help="write the tidy CSV here instead of stdout")


def imported_rows(args: argparse.Namespace, err: TextIO) -> pd.DataFrame | None:
    """The file's rows for stdout, or None once written to ``--output``."""
    rows = inputs.report(import_qutibench(args.file), args.file, err)
    if args.output is None:
        return rows
    write_file(args.output, to_csv_safe(rows))
    print(f"wrote {len(rows)} rows to {args.output}", file=err)
    return None


COMMAND = Command(
    name="import-qutibench",
    help="convert a QuTiBench CSV to the tidy schema",
    description="Convert a QuTiBench measurement CSV (export or contribution template); problems go to stderr as "
                "'line N: reason'.",
    add_arguments=add_arguments,
    run=table_command(imported_rows),
)

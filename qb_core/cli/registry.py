"""The command line's registry: a command is one value (its name, its help, the flags it adds and
what it runs), declared once in its own module and listed once in :data:`qb_core.cli.main.COMMANDS`.

The parser is built from the list and each subcommand carries its own ``run``, so a command cannot
exist without its handler, nor fall through into another command's.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

import pandas as pd

from qb_core.csv_io import to_csv_safe

#: A bad argument or file: one line on stderr and this exit status.
EXIT_USAGE = 2

#: What a command runs: (parsed arguments, stdout, stderr) -> exit status.
Runner = Callable[[argparse.Namespace, TextIO, TextIO], int]


class UsageError(Exception):
    """A command line argparse refuses: reported as one line, exit 2."""


@dataclass(frozen=True)
class Command:
    """One command: ``python -m qb_core NAME ...``."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Runner
    #: The longer text of ``NAME --help`` (the short help when empty).
    description: str = ""


def table_command(build: Callable[[argparse.Namespace, TextIO], pd.DataFrame]) -> Runner:
    """The runner of a command that prints one table: ``build(args, stderr)`` as CSV on stdout, text
    cells escaped against formula injection."""

    def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
        out.write(to_csv_safe(build(args, err)))
        return 0

    return run

"""Command line: ``python -m qb_core COMMAND ...``, CSV on stdout.

A stable contract for scripts: CSV on stdout, text cells escaped against spreadsheet formula
injection (:func:`qb_core.csv_io.to_csv_safe`); a bad argument or file prints one line on stderr
and exits 2. Only the errors a user can cause are caught: anything else is a bug and shows its
traceback.

Each command is a :class:`~qb_core.cli.registry.Command` in its own module, listed once in
:data:`COMMANDS`; the parser is built from that list and each subcommand runs its own handler.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

from qb_core.cli import (
    calibrate,
    efficiency,
    estimate,
    export,
    find,
    host_roofline,
    import_qutibench,
    measure,
    network,
    overview,
    pareto,
    predict,
    topologies,
)
from qb_core.cli.registry import EXIT_USAGE, Command, UsageError
from qb_core.csv_io import DataFormatError

#: Every command, in the order ``--help`` lists them.
COMMANDS: tuple[Command, ...] = tuple(module.COMMAND for module in (
    topologies, predict, overview, pareto, efficiency, calibrate, estimate, find, network, import_qutibench,
    export, measure, host_roofline))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one clear line, no usage dump
        raise UsageError(f"{message} (see python -m qb_core --help)")


def build_parser(commands: Sequence[Command] = COMMANDS) -> argparse.ArgumentParser:
    """The parser of ``commands``: each subcommand's flags from its ``add_arguments`` and its own
    ``run`` as the parsed arguments' ``run``. Two commands of one name are refused (ValueError)."""
    names = [command.name for command in commands]
    if len(set(names)) != len(names):
        raise ValueError(f"commands registered twice: {sorted({n for n in names if names.count(n) > 1})}")
    parser = _Parser(prog="python -m qb_core", description="QB Explorer numbers as CSV on stdout.")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for command in commands:
        sub = subparsers.add_parser(command.name, help=command.help, description=command.description or command.help)
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


def run(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run one command; returns the exit status (0, or 2 with one line on ``err``)."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        args = build_parser(COMMANDS).parse_args(argv)
        return args.run(args, out, err)
    except (UsageError, DataFormatError) as exc:
        print(f"qb_core: {str(exc).strip().splitlines()[0]}", file=err)
        return EXIT_USAGE


def main() -> NoReturn:
    try:
        code = run()
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `python -m qb_core predict | head`
        code = 0
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
    sys.exit(code)

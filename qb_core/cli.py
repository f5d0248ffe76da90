"""Command line: ``python -m qb_core COMMAND [--task cifar10|mnist|imagenet]``, CSV on stdout.

A stable contract for scripts: bad arguments or files print one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import pandas as pd

from qb_core.hardware import catalog_long, default_catalog, load_catalog, validate_catalog
from qb_core.measurements import DataFormatError, import_qutibench, load_measurements
from qb_core.overview import overview_table
from qb_core.pareto import OBJECTIVES, pareto_front, with_efficiency
from qb_core.roofline import predict
from qb_core.topology import ACTIVATION_MODES, TASKS, WEIGHT_MODES, topology_table

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one clear line, no usage dump
        self.exit(EXIT_USAGE, f"qb_core: {message} (see python -m qb_core --help)\n")


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a number above 0")
    return value


def _batch(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m qb_core", description="QB Explorer numbers as CSV on stdout.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--task", choices=list(TASKS), default="cifar10", help="benchmark task")
        return sub

    command("topologies", "params, ops per input and intensity (ops/byte) per precision")
    pred = command("predict", "roofline prediction per platform x precision x topology variant")
    pred.add_argument("--bandwidth-scale", type=_positive, default=1.0, help="multiply every bandwidth")
    pred.add_argument("--peak-scale", type=_positive, default=1.0, help="multiply every peak TOP/s")
    pred.add_argument("--batch", type=_batch, default=1, help="batch size (with --weights per-batch)")
    pred.add_argument("--weights", choices=WEIGHT_MODES, default="off-chip", help="where weights live")
    pred.add_argument("--activations", choices=ACTIVATION_MODES, default="on-chip",
                      help="where activations live")
    pred.add_argument("--platforms", type=Path, help="extra platforms, a CSV in data/hardware.csv's schema")
    command("overview", "measured experiments per platform")
    par = command("pareto", "Pareto front of measured rows (default: fps_comp and top1, maximized)")
    par.add_argument("--measurements", type=Path, help="tidy measurement CSV (default: bundled)")
    par.add_argument("--platform", action="append", help="keep only this platform (repeatable)")
    par.add_argument("--precision", action="append", help="keep only this precision (repeatable)")
    par.add_argument("--x", choices=list(OBJECTIVES), default="fps_comp",
                     help="first objective (latency and power are minimized, the others maximized)")
    par.add_argument("--y", choices=list(OBJECTIVES), default="top1_pct", help="second objective")
    imp = commands.add_parser("import-qutibench", help="convert a QuTiBench CSV to the tidy schema",
                              description="Convert a QuTiBench measurement CSV (export or contribution "
                                          "template); problems go to stderr as 'line N: reason'.")
    imp.add_argument("file", type=Path, help="QuTiBench-format CSV")
    imp.add_argument("--output", type=Path, help="write the tidy CSV here instead of stdout")
    return parser


def _predict(args: argparse.Namespace) -> pd.DataFrame:
    hardware = None
    if args.platforms:
        extra = load_catalog(args.platforms)
        combined = pd.concat([default_catalog(), extra], ignore_index=True)
        problems = validate_catalog(combined)
        if problems:
            raise DataFormatError(f"{args.platforms}: {'; '.join(problems)}")
        hardware = catalog_long(combined)
    return predict(args.task, hardware, weights=args.weights, batch=args.batch,
                   activations=args.activations, bandwidth_scale=args.bandwidth_scale,
                   peak_scale=args.peak_scale)


def _pareto(args: argparse.Namespace) -> pd.DataFrame:
    rows = load_measurements(args.measurements)
    rows = rows[rows["task"] == args.task]
    if args.platform:
        rows = rows[rows["platform"].isin(args.platform) | rows["device"].isin(args.platform)]
    if args.precision:
        rows = rows[rows["precision"].isin([p.upper() for p in args.precision])]
    front = pareto_front(with_efficiency(rows), args.x, args.y)
    front.insert(front.columns.get_loc("top1_pct"), "top1", front["top1_pct"])
    return front


def run(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "topologies":
            table = topology_table(args.task)
        elif args.command == "predict":
            table = _predict(args)
        elif args.command == "overview":
            table = overview_table(load_measurements(), args.task)
        elif args.command == "pareto":
            table = _pareto(args)
        else:
            result = import_qutibench(args.file)
            for line, severity, reason in result.problems.itertuples(index=False):
                print(f"line {line}: {severity}: {reason}", file=sys.stderr)
            if result.measurements.empty:
                raise DataFormatError(f"{args.file}: no row could be imported")
            if args.output:
                result.measurements.to_csv(args.output, index=False)
                print(f"wrote {len(result.measurements)} rows to {args.output} "
                      f"({result.skipped} skipped)", file=sys.stderr)
                return 0
            table = result.measurements
    except (DataFormatError, ValueError, OSError, KeyError) as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"qb_core: {message}", file=sys.stderr)
        return EXIT_USAGE
    table.to_csv(sys.stdout, index=False)
    return 0


def main() -> NoReturn:
    try:
        code = run()
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `python -m qb_core predict | head`
        code = 0
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
    sys.exit(code)

"""Command line: ``python -m qb_core COMMAND [--task cifar10|mnist|imagenet]``, CSV on stdout.

A stable contract for scripts: CSV on stdout, text cells escaped against spreadsheet formula
injection (:func:`qb_core.csv_io.to_csv_safe`); a bad argument or file prints one line on stderr
and exits 2. Only the errors a user can cause are caught: anything else is a bug and shows its
traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

import pandas as pd

from qb_core import service
from qb_core.analyses.filters import Selection
from qb_core.analyses.overview import overview_table
from qb_core.analyses.pareto import OBJECTIVES, pareto_front, with_efficiency
from qb_core.cli.args import positive_number, whole_number, write_file
from qb_core.cli.find import add_find_arguments, candidates_for, constraints_from_args, find_command, find_question
from qb_core.cli.measure import COMMANDS as MEASURE_COMMANDS
from qb_core.cli.measure import add_measure_commands, run_measure_command
from qb_core.cli.model import (
    add_estimate_arguments,
    add_question_arguments,
    asked_from,
    bundled_variant,
    estimate_network,
    estimate_table,
)
from qb_core.cli.network import network_command
from qb_core.csv_io import DataFormatError, no_rows_imported, to_csv_safe
from qb_core.hardware.catalog import catalog_long, default_catalog, load_catalog
from qb_core.hardware.whatif import WhatIf, combined_catalog
from qb_core.measurements.accuracy import load_accuracy
from qb_core.measurements.dataset import ImportResult, import_qutibench, load_measurements, read_measurement_file
from qb_core.model.batch_model import (
    CALIBRATE_COLUMNS,
    HOLDOUTS,
    build_batch_model,
    calibration_table,
    coefficient_claims,
    model_grid,
)
from qb_core.model.batch_model import predict_rows as model_answers
from qb_core.networks.files import read_network_path, split_network_argument
from qb_core.networks.onnx_shapes import InputShapeError, parse_input_shapes
from qb_core.networks.user import UserNetwork, make_network
from qb_core.networks.variants import topology_table
from qb_core.service import Scenario
from qb_core.vocabulary import ACTIVATION_MODES, PRECISIONS, TASKS, WEIGHT_MODES

EXIT_USAGE = 2


class UsageError(Exception):
    """A command line argparse refuses: reported as one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one clear line, no usage dump
        raise UsageError(f"{message} (see python -m qb_core --help)")


def _whatif_flags(parser: argparse.ArgumentParser) -> None:
    """The what-if flags shared by predict, efficiency and calibrate."""
    parser.add_argument("--bandwidth-scale", type=positive_number, default=1.0, help="multiply every bandwidth")
    parser.add_argument("--peak-scale", type=positive_number, default=1.0, help="multiply every peak TOP/s")
    parser.add_argument("--batch", type=whole_number(1), default=1, help="batch size (with --weights per-batch)")
    parser.add_argument("--weights", choices=WEIGHT_MODES, default="off-chip",
                        help="where weights live (automatic: on chip where they fit)")
    parser.add_argument("--activations", choices=ACTIVATION_MODES, default="on-chip", help="where activations live")
    parser.add_argument("--platforms", type=Path, help="extra platforms, a CSV in data/hardware.csv's schema")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m qb_core", description="QB Explorer numbers as CSV on stdout.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--task", choices=list(TASKS), default="cifar10", help="benchmark task")
        return sub

    command("topologies", "params, ops per input and intensity (ops/byte) per precision")
    pre = command("predict", "roofline prediction per platform x precision x topology variant")
    _whatif_flags(pre)
    pre.add_argument("--network", action="append", metavar="FILE[:NAME]",
                     help="add your network (ONNX or layer-table CSV; NAME after a colon, default the graph's or "
                          "the file's name) to --task's grid (repeatable)")
    _input_shape_flag(pre)
    command("overview", "measured experiments per platform")
    par = command("pareto", "Pareto front of measured rows (default: fps_comp and top1, maximized)")
    par.add_argument("--measurements", type=Path, help="measurement CSV, QuTiBench or tidy (default: bundled)")
    par.add_argument("--platform", action="append", help="keep only this platform (repeatable)")
    par.add_argument("--precision", action="append", help="keep only this precision (repeatable)")
    par.add_argument("--x", choices=list(OBJECTIVES), default="fps_comp",
                     help="first objective (latency and power are minimized, the others maximized)")
    par.add_argument("--y", choices=list(OBJECTIVES), default="top1_pct", help="second objective")
    eff = command("efficiency", "every measured configuration joined to its roofline prediction (nothing dropped)")
    _whatif_flags(eff)
    eff.add_argument("--measurements", type=Path, help="measurement CSV, QuTiBench or tidy (default: bundled)")
    cal = commands.add_parser("calibrate", help="the batch-aware model across every task: held-out predictions of "
                              "one question and level, or its coefficients",
                              description="Fit one model per platform and level on every measured batch; print "
                                          "each measured configuration's answer to the question from a fit that "
                                          "never saw its hold-out group, with its evidence.")
    cal.add_argument("--holdout", choices=HOLDOUTS, default="network",
                     help="leave out every configuration of one network, one network variant, or one configuration")
    cal.add_argument("--coefficients", action="store_true", help="print the model per platform and level instead")
    cal.add_argument("--measurements", type=Path, help="measurement CSV, QuTiBench or tidy (default: bundled)")
    add_question_arguments(cal, "throughput-best")
    est = commands.add_parser("estimate", help="latency and throughput of one network on every device x precision, "
                              "with the evidence behind each number",
                              description="Answer the question (batch-1 latency by default) for one network on "
                                          "every device x precision: the measurement where one exists, else the "
                                          "batch-aware model's prediction, tested (with its 80 % band) or "
                                          "untested (with the reason).")
    est.add_argument("--task", choices=list(TASKS), default=None,
                     help="a file's task (default: cifar10); a bundled network keeps its own")
    add_estimate_arguments(est)
    _input_shape_flag(est)
    find = commands.add_parser("find", help="deployments that meet constraints, measured or predicted",
                               description="The deployments (measured at every batch, or predicted by the "
                                           "calibrated model) that meet every constraint, ranked by --objective; "
                                           "with none, the 5 nearest and what they miss.")
    add_find_arguments(find)
    net = commands.add_parser("network", help="a network file (ONNX or layer-table CSV) as the project's layer table",
                              description="Print the layer table of an ONNX file or a layer-table CSV; warnings "
                                          "on stderr, one per line.")
    net.add_argument("file", type=Path, help="an .onnx file or a layer-table CSV")
    net.add_argument("--name", help="the network's name (default: the graph name or the file name)")
    _input_shape_flag(net)
    imp = commands.add_parser("import-qutibench", help="convert a QuTiBench CSV to the tidy schema",
                              description="Convert a QuTiBench measurement CSV (export or contribution "
                                          "template); problems go to stderr as 'line N: reason'.")
    imp.add_argument("file", type=Path, help="QuTiBench-format CSV")
    imp.add_argument("--output", type=Path, help="write the tidy CSV here instead of stdout")
    add_measure_commands(commands)
    return parser


def _report(result: ImportResult, name: Path, err: TextIO) -> pd.DataFrame:
    """A user's file's problems to stderr as ``line N: severity: reason``; its rows, or an error
    when none could be imported."""
    for line, severity, reason in result.problems.itertuples(index=False):
        print(f"line {line}: {severity}: {reason}", file=err)
    if result.measurements.empty:
        raise DataFormatError(no_rows_imported(str(name), result.skipped))
    return result.measurements


def _measured(args: argparse.Namespace, err: TextIO) -> pd.DataFrame:
    if args.measurements is None:
        return load_measurements()
    return _report(read_measurement_file(args.measurements), args.measurements, err)


def _catalog(args: argparse.Namespace) -> pd.DataFrame:
    """The bundled catalog with ``--platforms`` added."""
    catalog = default_catalog()
    if args.platforms:
        try:
            catalog = combined_catalog(catalog, load_catalog(args.platforms))
        except DataFormatError:
            raise
        except ValueError as exc:  # the platforms clash with the catalog or with each other
            raise DataFormatError(f"{args.platforms}: {exc}") from None
    return catalog


def _scenario(args: argparse.Namespace, err: TextIO) -> Scenario:
    """The question the flags ask, as the app asks it: the task, the what-if scales and the storage
    assumption as one :class:`~qb_core.hardware.whatif.WhatIf`, and the ``--network`` files."""
    settings = WhatIf(bandwidth_scale=args.bandwidth_scale, peak_scale=args.peak_scale, weights=args.weights,
                      batch=args.batch, activations=args.activations)
    return Scenario(selection=Selection(task=args.task), whatif=settings, networks=_networks(args, err))


def _predict(args: argparse.Namespace, err: TextIO) -> pd.DataFrame:
    scenario = _scenario(args, err)
    return service.predictions(service.hardware_catalog(_catalog(args), scenario.whatif.hardware), scenario)


def _efficiency(args: argparse.Namespace, err: TextIO) -> pd.DataFrame:
    scenario = _scenario(args, err)
    datasheet = service.datasheet_catalog(_catalog(args), scenario.whatif.hardware)
    hardware = service.whatif_catalog(datasheet, scenario.whatif.hardware)
    return service.join(_measured(args, err), hardware, datasheet, scenario)


def _pareto(args: argparse.Namespace, err: TextIO) -> pd.DataFrame:
    rows = _measured(args, err)
    rows = rows[rows["task"] == args.task]
    if args.platform:
        rows = rows[rows["platform"].isin(args.platform) | rows["device"].isin(args.platform)]
    if args.precision:
        rows = rows[rows["precision"].isin([p.upper() for p in args.precision])]
    front = pareto_front(with_efficiency(rows), args.x, args.y)
    front.insert(front.columns.get_loc("top1_pct"), "top1", front["top1_pct"])
    return front


def _import(args: argparse.Namespace, err: TextIO) -> pd.DataFrame | None:
    rows = _report(import_qutibench(args.file), args.file, err)
    if args.output is None:
        return rows
    write_file(args.output, to_csv_safe(rows))
    print(f"wrote {len(rows)} rows to {args.output}", file=err)
    return None


def _input_shape_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input-shape", action="append", metavar="[INPUT=]DIMS",
                        help="size of an ONNX input with dynamic dimensions, e.g. 1x3x224x224 (the only input) or "
                             "image=1x3x224x224 (repeatable)")


def _input_shapes(args: argparse.Namespace) -> dict[str, tuple[int, ...]]:
    try:
        return parse_input_shapes(getattr(args, "input_shape", None))
    except InputShapeError as exc:
        raise UsageError(f"--input-shape: {exc}") from None


def _networks(args: argparse.Namespace, err: TextIO) -> tuple[UserNetwork, ...]:
    """``--network FILE[:NAME]`` files as the user's networks of ``--task`` at every precision;
    each file's warnings on ``err``, one per line."""
    networks: list[UserNetwork] = []
    shapes = _input_shapes(args)
    for argument in getattr(args, "network", None) or ():
        path, name = split_network_argument(argument)
        network = read_network_path(path, name, shapes)
        for warning in (*network.warnings, *([network.incomplete] if network.incomplete else [])):
            print(f"warning: {path}: {warning}", file=err)
        try:
            networks.append(make_network(network.name, args.task, PRECISIONS, network.layers, path.name,
                                         taken=tuple(n.name for n in networks), warnings=network.warnings,
                                         incomplete=network.incomplete))
        except ValueError as exc:
            raise DataFormatError(f"{path}: {exc}") from None
    return tuple(networks)


#: Commands that print one table: name -> (args, err) -> the table (None: written elsewhere).
TABLE_COMMANDS = {
    "topologies": lambda args, err: topology_table(args.task),
    "predict": _predict,
    "overview": lambda args, err: overview_table(load_measurements(), args.task),
    "pareto": lambda args, err: _pareto(args, err),
    "efficiency": _efficiency,
    "calibrate": lambda args, err: _calibrate(args, err),
    "estimate": lambda args, err: _estimate(args, err),
    "import-qutibench": lambda args, err: _import(args, err),
}


def _table(args: argparse.Namespace, err: TextIO) -> pd.DataFrame | None:
    """The table of a table command; a command without a handler is a bug, never another command."""
    return TABLE_COMMANDS[args.command](args, err)


def _calibrate(args: argparse.Namespace, err: TextIO) -> pd.DataFrame:
    """The batch-aware model's held-out rows of the question (:data:`qb_core.model.batch_model.CALIBRATE_COLUMNS`)
    or, with ``--coefficients``, its terms per platform and level read as claims."""
    asked = asked_from(args, "throughput-best")
    hardware = catalog_long()
    try:
        model = build_batch_model(_measured(args, err), hardware)
    except ValueError as exc:
        raise DataFormatError(str(exc)) from None
    if args.coefficients:
        return coefficient_claims(model)
    return calibration_table(model, args.holdout, asked.kind, asked.level, model_grid(hardware))[
        list(CALIBRATE_COLUMNS)]


def _estimate(args: argparse.Namespace, err: TextIO) -> pd.DataFrame:
    """``estimate``: one network (bundled by name, or a file) on every device x precision."""
    asked = asked_from(args)
    hardware = catalog_long()
    networks, name = estimate_network(args.network, args.task, _input_shapes(args))
    for network in networks:
        for warning in (*network.warnings, *([network.incomplete] if network.incomplete else [])):
            print(f"warning: {args.network}: {warning}", file=err)
    try:
        model = build_batch_model(_measured(args, err), hardware, networks)
    except ValueError as exc:
        raise DataFormatError(str(exc)) from None
    if name is not None:
        topology, pruning = name, 100.0
    else:
        found = bundled_variant(args.network, model_grid(hardware))
        if found is None:
            raise DataFormatError(f"--network {args.network!r} is neither a file nor a bundled network's name")
        topology, pruning = found
    return estimate_table(model, hardware, networks, topology, pruning, asked, args.device, args.precision)


def _find(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``find``: the question's candidates from the measurements (``--measurements`` or the bundled
    ones) and the batch-aware model's answers for everything they do not answer."""
    try:
        constraints_from_args(args)  # a bad value is reported before any work
    except ValueError as exc:
        raise DataFormatError(str(exc)) from None
    asked = find_question(args)
    measured = _measured(args, err)
    hardware = catalog_long()
    try:
        model = build_batch_model(measured, hardware)
        answers = model_answers(model, model_grid(hardware), asked.level, asked.kind, asked.batch)
    except ValueError:  # nothing in the file can be modelled: its measured rows still answer
        print("qb_core: note: no measurement can be modelled, so only measured deployments are weighed", file=err)
        answers = None
    candidates = candidates_for(measured, answers, load_accuracy(), asked)
    try:
        return find_command(args, candidates, out, err)
    except ValueError as exc:
        raise DataFormatError(str(exc)) from None


#: Commands that write their own output: name -> (args, out, err) -> exit status.
STREAM_COMMANDS = {
    "network": lambda args, out, err: network_command(args.file, args.name, out, err, _input_shapes(args)),
    "find": _find,
    **{name: run_measure_command for name in MEASURE_COMMANDS},
}


def commands() -> set[str]:
    """Every command the parser knows (each must have exactly one handler: tests/test_cli.py)."""
    return set(next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices)


def run(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run one command; returns the exit status (0, or 2 with one line on ``err``)."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        args = build_parser().parse_args(argv)
        if args.command in STREAM_COMMANDS:
            return STREAM_COMMANDS[args.command](args, out, err)
        table = _table(args, err)
    except (UsageError, DataFormatError) as exc:
        print(f"qb_core: {str(exc).strip().splitlines()[0]}", file=err)
        return EXIT_USAGE
    if table is not None:
        out.write(to_csv_safe(table))
    return 0


def main() -> NoReturn:
    try:
        code = run()
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `python -m qb_core predict | head`
        code = 0
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
    sys.exit(code)

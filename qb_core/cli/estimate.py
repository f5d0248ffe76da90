"""``python -m qb_core estimate --network FILE_OR_NAME``: the question a user asks (batch-1 latency,
throughput at the best batch, or at batch N; board or accelerator) answered for one network on
every device x precision by the batch-aware model (:mod:`qb_core.model.batch_model`), each row with
its evidence: measured, tested with its 80 % band, or untested with the reason.
"""

from __future__ import annotations

import argparse
from typing import TextIO

import pandas as pd

from qb_core.cli import inputs
from qb_core.cli.args import (
    add_input_shape_flag,
    add_measurements_flag,
    add_question_arguments,
    asked_from,
    input_shapes,
    split_pruning,
)
from qb_core.cli.registry import Command, table_command
from qb_core.csv_io import DataFormatError
from qb_core.hardware.catalog import catalog_long
from qb_core.model.batch_model import BatchModel, answer, build_batch_model, model_grid
from qb_core.networks.files import split_network_argument
from qb_core.networks.user import UserNetwork
from qb_core.question import Asked
from qb_core.vocabulary import PRECISIONS, TASKS

#: The columns ``estimate`` prints, in order.
ESTIMATE_COLUMNS: tuple[str, ...] = (
    "device", "precision", "network", "batch", "level", "latency_ms", "latency_low_ms", "latency_high_ms", "fps",
    "fps_low", "fps_high", "evidence", "reason", "roofline_fps",
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--task", choices=list(TASKS), default=None,
                        help="a file's task (default: cifar10); a bundled network keeps its own")
    parser.add_argument("--network", required=True, metavar="FILE_OR_NAME",
                        help="a bundled network by name (CNV, ResNet-50, 'ResNet-50 80%%', ...) or an ONNX / "
                             "layer-table file (FILE[:NAME])")
    parser.add_argument("--device", action="append", help="only this device or platform (repeatable)")
    parser.add_argument("--precision", type=str.upper, choices=PRECISIONS, action="append",
                        help="only this precision (repeatable)")
    add_measurements_flag(parser)
    add_question_arguments(parser)
    add_input_shape_flag(parser)


def bundled_variant(name: str, grid: pd.DataFrame) -> tuple[str, float] | None:
    """(topology, pruning) of a bundled network named ``NAME`` or ``NAME 80%``, case-insensitive."""
    topology, pct = split_pruning(name)
    known = {str(t).lower(): str(t) for t in grid["topology"].unique()}
    if topology.lower() not in known:
        return None
    return known[topology.lower()], pct


def estimate_network(argument: str, task: str | None, shapes: dict,
                     err: TextIO) -> tuple[tuple[UserNetwork, ...], str | None]:
    """A file named by ``argument`` as the user's network (every precision, ``task`` or CIFAR-10),
    or nothing when ``argument`` names no file (then it is a bundled network's name)."""
    path, name = split_network_argument(argument)
    if not path.exists():
        return (), None
    made = inputs.user_network(path, name, task or "cifar10", shapes, err, argument)
    return (made,), made.name


def estimate_table(model: BatchModel, grid: pd.DataFrame, topology: str, pruning_pct: float, asked: Asked,
                   devices: list[str] | None = None, precisions: list[str] | None = None) -> pd.DataFrame:
    """One row per device x precision of ``grid`` (:func:`qb_core.model.batch_model.model_grid`) for one
    network variant: :data:`ESTIMATE_COLUMNS`."""
    rows = grid[(grid["topology"].astype(str) == topology) & (grid["pruning_pct"] == float(pruning_pct))]
    if devices:
        wanted = {d.lower() for d in devices}
        rows = rows[rows["device"].str.lower().isin(wanted) | rows["platform"].str.lower().isin(wanted)]
    if precisions:
        rows = rows[rows["precision"].isin(precisions)]
    if rows.empty:
        raise DataFormatError("no platform x precision matches --network, --device and --precision")
    out = answer(model, rows, asked.level, asked.kind, asked.batch)
    label = topology if float(pruning_pct) == 100.0 else f"{topology} {pruning_pct:g}%"
    return out.assign(network=label)[list(ESTIMATE_COLUMNS)].reset_index(drop=True)


def estimate(args: argparse.Namespace, err: TextIO) -> pd.DataFrame:
    """One network (bundled by name, or a file) on every device x precision."""
    asked = asked_from(args)
    hardware = catalog_long()
    networks, name = estimate_network(args.network, args.task, input_shapes(args), err)
    try:
        model = build_batch_model(inputs.measured(args, err), hardware, networks)
    except ValueError as exc:
        raise DataFormatError(str(exc)) from None
    grid = model_grid(hardware, networks)
    if name is not None:
        topology, pruning = name, 100.0
    else:
        found = bundled_variant(args.network, grid)
        if found is None:
            raise DataFormatError(f"--network {args.network!r} is neither a file nor a bundled network's name")
        topology, pruning = found
    return estimate_table(model, grid, topology, pruning, asked, args.device, args.precision)


COMMAND = Command(
    name="estimate",
    help="latency and throughput of one network on every device x precision, with the evidence behind each number",
    description="Answer the question (batch-1 latency by default) for one network on every device x precision: the "
                "measurement where one exists, else the batch-aware model's prediction, tested (with its 80 % band) "
                "or untested (with the reason).",
    add_arguments=add_arguments,
    run=table_command(estimate),
)

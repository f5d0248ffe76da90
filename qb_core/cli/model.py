"""``python -m qb_core estimate`` and the batch-aware model's ``calibrate`` (:mod:`qb_core.model.batch_model`):
the question a user asks (batch-1 latency, throughput at the best batch, or at batch N; board or
accelerator) answered per device x precision, each row with its evidence.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from qb_core.cli.args import split_pruning, whole_number
from qb_core.csv_io import DataFormatError
from qb_core.model.batch_model import BatchModel, answer, model_grid
from qb_core.networks.files import read_network_path, split_network_argument
from qb_core.networks.user import UserNetwork, make_network
from qb_core.question import LEVELS, QUESTIONS, Asked
from qb_core.vocabulary import PRECISIONS, TASKS

#: The columns ``estimate`` prints, in order.
ESTIMATE_COLUMNS: tuple[str, ...] = (
    "device", "precision", "network", "batch", "level", "latency_ms", "latency_low_ms", "latency_high_ms", "fps",
    "fps_low", "fps_high", "evidence", "reason", "roofline_fps",
)  # fmt: skip


def add_question_arguments(parser: argparse.ArgumentParser, default: str = "latency-b1") -> None:
    """``--question``, ``--batch`` and ``--level``."""
    parser.add_argument("--question", choices=QUESTIONS, default=None,
                        help=f"latency-b1: one input at a time; throughput-best: at the best batch the platform was "
                             f"measured at; batch: at --batch N (default: {default}, or batch with --batch)")
    parser.add_argument("--batch", type=whole_number(1), default=None, metavar="N", help="answer at batch N")
    parser.add_argument("--level", choices=LEVELS, default="board",
                        help="board: what a deployment sees (host included; default); accelerator: the "
                             "accelerator's own time")


def asked_from(args: argparse.Namespace, default: str = "latency-b1") -> Asked:
    """The question the flags ask; a bad combination raises DataFormatError naming the flag."""
    kind = args.question or ("batch" if args.batch is not None else default)
    try:
        return Asked(kind, args.level, args.batch if kind == "batch" else None)
    except ValueError as exc:
        raise DataFormatError(f"--question/--batch: {exc}") from None


def add_estimate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--network", required=True, metavar="FILE_OR_NAME",
                        help="a bundled network by name (CNV, ResNet-50, 'ResNet-50 80%%', ...) or an ONNX / "
                             "layer-table file (FILE[:NAME])")
    parser.add_argument("--device", action="append", help="only this device or platform (repeatable)")
    parser.add_argument("--precision", type=str.upper, choices=PRECISIONS, action="append",
                        help="only this precision (repeatable)")
    parser.add_argument("--measurements", type=Path, help="measurement CSV, QuTiBench or tidy (default: bundled)")
    add_question_arguments(parser)


def bundled_variant(name: str, grid: pd.DataFrame) -> tuple[str, float] | None:
    """(topology, pruning) of a bundled network named ``NAME`` or ``NAME 80%``, case-insensitive."""
    topology, pct = split_pruning(name)
    known = {str(t).lower(): str(t) for t in grid["topology"].unique()}
    if topology.lower() not in known:
        return None
    return known[topology.lower()], pct


def estimate_network(argument: str, task: str | None, shapes: dict) -> tuple[tuple[UserNetwork, ...], str | None]:
    """A file named by ``argument`` as the user's network (every precision, ``task`` or CIFAR-10),
    or nothing when ``argument`` names no file (then it is a bundled network's name)."""
    path, name = split_network_argument(argument)
    if not path.exists():
        return (), None
    network = read_network_path(path, name, shapes)
    try:
        made = make_network(network.name, task or "cifar10", PRECISIONS, network.layers, path.name,
                            warnings=network.warnings, incomplete=network.incomplete)
    except ValueError as exc:
        raise DataFormatError(f"{path}: {exc}") from None
    return (made,), made.name


def estimate_table(model: BatchModel, hardware: pd.DataFrame, networks: tuple[UserNetwork, ...],
                   topology: str, pruning_pct: float, asked: Asked, devices: list[str] | None = None,
                   precisions: list[str] | None = None) -> pd.DataFrame:
    """One row per device x precision for one network variant: :data:`ESTIMATE_COLUMNS`."""
    grid = model_grid(hardware, networks)
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


__all__ = ["ESTIMATE_COLUMNS", "TASKS", "add_estimate_arguments", "add_question_arguments", "asked_from",
           "bundled_variant", "estimate_network", "estimate_table"]

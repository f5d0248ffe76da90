"""The command line's arguments, one home each: the types (a number above 0, a whole number from a
minimum, a comma-separated list of them, one input's shape, a bundled network's name with its
pruning, ``CNV 50%``), each refusing a bad value with one line naming it (argparse reports it); the
flags several commands share (``--task``, the what-if and storage flags, ``--measurements``,
``--input-shape``, the question asked); and the one way a command writes its ``--output`` file."""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable
from pathlib import Path

from qb_core.cli.registry import UsageError
from qb_core.csv_io import DataFormatError
from qb_core.networks.onnx_shapes import InputShapeError, parse_input_shapes
from qb_core.question import LEVELS, MAX_BATCH, QUESTIONS, Asked
from qb_core.vocabulary import ACTIVATION_MODES, TASKS, WEIGHT_MODES

#: A network's name with its pruning: ``CNV 50%``, ``ResNet-50 80 %``.
PRUNED = re.compile(r"^(?P<name>.+?)\s+(?P<pct>\d+(?:\.\d+)?)\s*%$")


def positive_number(text: str) -> float:
    """A finite number above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a number above 0")
    return value


def whole_number(minimum: int = 1, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse type for a whole number of at least ``minimum`` (and at most ``maximum``)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r} must be at least {minimum}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"{text!r} must be at most {maximum:,}")
        return value

    parse.__name__ = f"whole number from {minimum}"
    return parse


#: A batch size: what a Storage and a question accept.
batch_size = whole_number(1, MAX_BATCH)


def whole_numbers(text: str) -> list[int]:
    """A comma-separated list of whole numbers of at least 1 (batch sizes: ``1,2,8``)."""
    values = [batch_size(part) for part in text.replace(" ", "").split(",") if part]
    if not values:
        raise argparse.ArgumentTypeError(f"{text!r} lists no number")
    return values


def one_shape(text: str) -> tuple[int, ...]:
    """One input's dimensions, ``3x32x32`` (:func:`qb_core.networks.onnx_shapes.parse_input_shapes`, unnamed)."""
    try:
        shapes = parse_input_shapes(text)
    except InputShapeError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if list(shapes) != [""]:
        raise argparse.ArgumentTypeError(f"{text!r}: one input's dimensions, such as 3x32x32, with no name")
    return shapes[""]


def split_pruning(name: str) -> tuple[str, float]:
    """(network, pruning %) of ``CNV 50%``; 100 % when no pruning is written."""
    match = PRUNED.match(name.strip())
    return (match["name"], float(match["pct"])) if match else (name.strip(), 100.0)


def write_file(path: Path, data: str | bytes) -> None:
    """Write a command's output file (text as written, CSV line ends kept); a path that cannot be
    written raises DataFormatError with one line naming it and why."""
    try:
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, newline="")
    except OSError as exc:
        raise DataFormatError(f"{path}: cannot write ({(exc.strerror or type(exc).__name__).lower()})") from None


# --- flags several commands share ---

def add_task_flag(parser: argparse.ArgumentParser) -> None:
    """``--task``, CIFAR-10 by default."""
    parser.add_argument("--task", choices=list(TASKS), default="cifar10", help="benchmark task")


def add_whatif_flags(parser: argparse.ArgumentParser) -> None:
    """The what-if and storage flags (predict and efficiency): what the app's sidebar sets."""
    parser.add_argument("--bandwidth-scale", type=positive_number, default=1.0, help="multiply every bandwidth")
    parser.add_argument("--peak-scale", type=positive_number, default=1.0, help="multiply every peak TOP/s")
    parser.add_argument("--batch", type=batch_size, default=1, help="batch size (with --weights per-batch)")
    parser.add_argument("--weights", choices=WEIGHT_MODES, default="off-chip",
                        help="where weights live (automatic: on chip where they fit)")
    parser.add_argument("--activations", choices=ACTIVATION_MODES, default="on-chip", help="where activations live")
    parser.add_argument("--platforms", type=Path, help="extra platforms, a CSV in data/hardware.csv's schema")


def add_measurements_flag(parser: argparse.ArgumentParser) -> None:
    """``--measurements FILE``: a user's measurement CSV instead of the bundled one."""
    parser.add_argument("--measurements", type=Path, help="measurement CSV, QuTiBench or tidy (default: bundled)")


def add_input_shape_flag(parser: argparse.ArgumentParser) -> None:
    """``--input-shape``: the size of an ONNX input whose dimensions the file leaves open."""
    parser.add_argument("--input-shape", action="append", metavar="[INPUT=]DIMS",
                        help="size of an ONNX input with dynamic dimensions, e.g. 1x3x224x224 (the only input) or "
                             "image=1x3x224x224 (repeatable)")


def input_shapes(args: argparse.Namespace) -> dict[str, tuple[int, ...]]:
    """The ``--input-shape`` flags as input name -> dimensions; a bad one is a usage error."""
    try:
        return parse_input_shapes(getattr(args, "input_shape", None))
    except InputShapeError as exc:
        raise UsageError(f"--input-shape: {exc}") from None


def add_question_arguments(parser: argparse.ArgumentParser, default: str = "latency-b1") -> None:
    """``--question``, ``--batch`` and ``--level``: the question a user asks of the model."""
    parser.add_argument("--question", choices=QUESTIONS, default=None,
                        help=f"latency-b1: one input at a time; throughput-best: at the best batch the platform was "
                             f"measured at; batch: at --batch N (default: {default}, or batch with --batch)")
    parser.add_argument("--batch", type=batch_size, default=None, metavar="N", help="answer at batch N")
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

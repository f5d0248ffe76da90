"""The command line's argument types, one home each: a number above 0, a whole number from a
minimum, a comma-separated list of them, one input's shape, and a bundled network's name with its
pruning (``CNV 50%``). Each refuses a bad value with one line naming it (argparse reports it). And
the one way a command writes its ``--output`` file."""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable
from pathlib import Path

from qb_core.csv_io import DataFormatError
from qb_core.networks.onnx_shapes import InputShapeError, parse_input_shapes

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


def whole_number(minimum: int = 1) -> Callable[[str], int]:
    """An argparse type for a whole number of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r} must be at least {minimum}")
        return value

    parse.__name__ = f"whole number from {minimum}"
    return parse


def whole_numbers(text: str) -> list[int]:
    """A comma-separated list of whole numbers of at least 1 (batch sizes: ``1,2,8``)."""
    parse = whole_number(1)
    values = [parse(part) for part in text.replace(" ", "").split(",") if part]
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

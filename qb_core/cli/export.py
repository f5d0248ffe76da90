"""``python -m qb_core export NAME_OR_FILE --output FILE.onnx``: a bundled network (``CNV``,
``CNV 50%``, ``ResNet-50 80%``) or a layer-table CSV (``FILE[:NAME]``) as a runnable ONNX graph with
random weights and the exact layer shapes, which imports back to the same layer table
(:mod:`qb_core.networks.onnx_export`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from qb_core.cli import inputs
from qb_core.cli.args import one_shape, write_file
from qb_core.cli.registry import Command
from qb_core.csv_io import DataFormatError
from qb_core.networks.files import split_network_argument
from qb_core.networks.onnx_export import bundled_input_shape


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("network", metavar="NAME_OR_FILE", help="a bundled network's name or a layer-table CSV[:NAME]")
    parser.add_argument("--output", type=Path, required=True, help="the .onnx file to write")
    parser.add_argument("--shape", type=one_shape, metavar="CxHxW",
                        help="one input's shape without the batch for a layer table (default: a square RGB or grey "
                             "image when the first layer's input allows, else a vector)")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    path, _ = split_network_argument(args.network)
    if not path.exists() and args.shape:
        raise DataFormatError("--shape applies to a layer-table CSV; a bundled network has its own input")
    data, name, pct = inputs.network_model(args.network, args.shape)
    write_file(args.output, data)
    shape = "x".join(map(str, bundled_input_shape(name, pct))) if not path.exists() else "its own"
    print(f"wrote {name}{'' if pct == 100 else f' {pct:g}%'} ({len(data):,} bytes, input N x {shape}) to "
          f"{args.output}", file=err)
    return 0


COMMAND = Command(
    name="export",
    help="a network as a runnable ONNX graph with random weights",
    description="Write a bundled network (CNV, 'CNV 50%', 'ResNet-50 80%') or a layer-table CSV as an ONNX model "
                "with random weights and the exact layer shapes; importing it back gives the same layer table.",
    add_arguments=add_arguments,
    run=run,
)

"""``python -m qb_core network FILE [--name NAME] [--input-shape DIMS]``: a user's network (ONNX file
or layer-table CSV, recognised by :mod:`qb_core.networks.files`) as the project's layer table, CSV on
stdout; warnings on stderr, one per line, and the import's notes after them (``note: ...``).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from qb_core.cli.args import add_input_shape_flag, input_shapes
from qb_core.cli.registry import EXIT_USAGE, Command
from qb_core.networks.files import read_network_path
from qb_core.networks.imported import NetworkFileError
from qb_core.networks.layer_csv import layer_table_csv


def network_command(path: Path, name: str | None, out: TextIO, err: TextIO,
                    input_shapes: dict[str, tuple[int, ...]] | None = None) -> int:
    """Print the network's layer table as CSV on ``out`` (columns ``layer, type, ops, weights,
    in_activations, out_activations``, names escaped against formula injection), each warning and
    note on ``err``; a bad file prints one line on ``err`` and returns 2."""
    try:
        network = read_network_path(path, name, input_shapes)
    except NetworkFileError as exc:
        print(f"qb_core: {str(exc).strip().splitlines()[0]}", file=err)
        return EXIT_USAGE
    for warning in network.warnings:
        print(f"warning: {warning}", file=err)
    if network.incomplete:
        print(f"warning: {network.incomplete}", file=err)
    for note in network.notes:
        print(f"note: {note}", file=err)
    out.write(layer_table_csv(network.layers))
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="an .onnx file or a layer-table CSV")
    parser.add_argument("--name", help="the network's name (default: the graph name or the file name)")
    add_input_shape_flag(parser)


COMMAND = Command(
    name="network",
    help="a network file (ONNX or layer-table CSV) as the project's layer table",
    description="Print the layer table of an ONNX file or a layer-table CSV; warnings on stderr, one per line.",
    add_arguments=add_arguments,
    run=lambda args, out, err: network_command(args.file, args.name, out, err, input_shapes(args)),
)

"""``python -m qb_core predict``: the roofline prediction per platform x precision x network variant
under the what-if flags, through :mod:`qb_core.service` as the app computes it (a command's table is
the Prediction page's)."""

from __future__ import annotations

import argparse
from typing import TextIO

import pandas as pd

from qb_core import service
from qb_core.cli import inputs
from qb_core.cli.args import add_input_shape_flag, add_task_flag, add_whatif_flags
from qb_core.cli.registry import Command, table_command


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_task_flag(parser)
    add_whatif_flags(parser)
    parser.add_argument("--network", action="append", metavar="FILE[:NAME]",
                        help="add your network (ONNX or layer-table CSV; NAME after a colon, default the graph's or "
                             "the file's name) to --task's grid (repeatable)")
    add_input_shape_flag(parser)


def predict_table(args: argparse.Namespace, err: TextIO) -> pd.DataFrame:
    """The scenario's predictions over the catalog (``--platforms`` added) under its what-if."""
    scenario = inputs.scenario(args, err)
    return service.predictions(service.hardware_catalog(inputs.catalog(args), scenario.whatif.hardware), scenario)


COMMAND = Command(
    name="predict",
    help="roofline prediction per platform x precision x topology variant",
    add_arguments=add_arguments,
    run=table_command(predict_table),
)

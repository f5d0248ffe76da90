"""``python -m qb_core efficiency``: every measured configuration joined to its roofline prediction
under the what-if flags, nothing dropped (each row's status says why it has no efficiency), through
:mod:`qb_core.service` as the app joins them."""

from __future__ import annotations

import argparse
from typing import TextIO

import pandas as pd

from qb_core import service
from qb_core.cli import inputs
from qb_core.cli.args import add_measurements_flag, add_task_flag, add_whatif_flags
from qb_core.cli.registry import Command, table_command


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_task_flag(parser)
    add_whatif_flags(parser)
    add_measurements_flag(parser)


def efficiency_table(args: argparse.Namespace, err: TextIO) -> pd.DataFrame:
    """The join of the measurements with the what-if predictions; a measurement above the peak is
    judged against the datasheet, as the app does."""
    scenario = inputs.scenario(args, err)
    datasheet = service.datasheet_catalog(inputs.catalog(args), scenario.whatif.hardware)
    hardware = service.whatif_catalog(datasheet, scenario.whatif.hardware)
    return service.join(inputs.measured(args, err), hardware, datasheet, scenario)


COMMAND = Command(
    name="efficiency",
    help="every measured configuration joined to its roofline prediction (nothing dropped)",
    add_arguments=add_arguments,
    run=table_command(efficiency_table),
)

"""``python -m qb_core calibrate``: the batch-aware model across every task (:mod:`qb_core.model.batch_model`),
each measured configuration's answer to one question and level from a fit that never saw its
hold-out group, with its evidence; or, with ``--coefficients``, the model per platform and level."""

from __future__ import annotations

import argparse
from typing import TextIO

import pandas as pd

from qb_core.cli import inputs
from qb_core.cli.args import add_measurements_flag, add_question_arguments, asked_from
from qb_core.cli.registry import Command, table_command
from qb_core.csv_io import DataFormatError
from qb_core.hardware.catalog import catalog_long
from qb_core.model.batch_model import (
    CALIBRATE_COLUMNS,
    HOLDOUTS,
    build_batch_model,
    calibration_table,
    coefficient_claims,
    model_grid,
)

DEFAULT_QUESTION = "throughput-best"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--holdout", choices=HOLDOUTS, default="network",
                        help="leave out every configuration of one network, one network variant, or one configuration")
    parser.add_argument("--coefficients", action="store_true", help="print the model per platform and level instead")
    add_measurements_flag(parser)
    add_question_arguments(parser, DEFAULT_QUESTION)


def calibrate_table(args: argparse.Namespace, err: TextIO) -> pd.DataFrame:
    """The held-out rows of the question (:data:`qb_core.model.batch_model.CALIBRATE_COLUMNS`) or, with
    ``--coefficients``, the model's terms per platform and level read as claims."""
    asked = asked_from(args, DEFAULT_QUESTION)
    hardware = catalog_long()
    try:
        model = build_batch_model(inputs.measured(args, err), hardware)
    except ValueError as exc:
        raise DataFormatError(str(exc)) from None
    if args.coefficients:
        return coefficient_claims(model)
    return calibration_table(model, args.holdout, asked.kind, asked.level, model_grid(hardware))[
        list(CALIBRATE_COLUMNS)]


COMMAND = Command(
    name="calibrate",
    help="the batch-aware model across every task: held-out predictions of one question and level, or its "
         "coefficients",
    description="Fit one model per platform and level on every measured batch; print each measured configuration's "
                "answer to the question from a fit that never saw its hold-out group, with its evidence.",
    add_arguments=add_arguments,
    run=table_command(calibrate_table),
)

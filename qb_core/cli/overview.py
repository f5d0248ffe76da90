"""``python -m qb_core overview [--task T]``: the bundled measured experiments per platform
(:func:`qb_core.analyses.overview.overview_table`)."""

from __future__ import annotations

from qb_core.analyses.overview import overview_table
from qb_core.cli.args import add_task_flag
from qb_core.cli.registry import Command, table_command
from qb_core.measurements.dataset import load_measurements

COMMAND = Command(
    name="overview",
    help="measured experiments per platform",
    add_arguments=add_task_flag,
    run=table_command(lambda args, err: overview_table(load_measurements(), args.task)),
)

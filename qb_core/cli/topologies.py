"""``python -m qb_core topologies [--task T]``: each network variant's parameters, operations per
input and arithmetic intensity (ops/byte) per precision (:func:`qb_core.networks.variants.topology_table`)."""

from __future__ import annotations

from qb_core.cli.args import add_task_flag
from qb_core.cli.registry import Command, table_command
from qb_core.networks.variants import topology_table

COMMAND = Command(
    name="topologies",
    help="params, ops per input and intensity (ops/byte) per precision",
    add_arguments=add_task_flag,
    run=table_command(lambda args, err: topology_table(args.task)),
)

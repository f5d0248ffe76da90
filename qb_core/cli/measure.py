"""``python -m qb_core measure FILE_OR_NAME [--batch 1,8] [--precision FP32|INT8] ...``: an ONNX file,
a layer-table CSV or a bundled network run on this machine with onnxruntime (:mod:`qb_core.host.measure`):
one row per batch in the tidy measurement schema, CSV on stdout or ``--output``; ``--format
contribution`` writes QuTiBench's contribution template instead.

Progress and notes go to stderr, one line each; a bad argument or file is one line and exit 2,
and the rows measured before a batch fails are kept.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from qb_core.cli import inputs
from qb_core.cli.args import one_shape, positive_number, whole_number, whole_numbers
from qb_core.cli.registry import Command
from qb_core.csv_io import DataFormatError, to_csv_safe
from qb_core.host.measure import PRECISIONS, MeasureError, measure_onnx, to_contribution_csv
from qb_core.networks.files import split_network_argument
from qb_core.vocabulary import TASKS

#: Default batches measured: batch-1 latency and a batch that fills a CPU's cores.
DEFAULT_BATCHES = (1, 8)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("network", metavar="FILE_OR_NAME", help="an .onnx file, a layer-table CSV[:NAME] or a bundled "
                                                                "network's name")
    parser.add_argument("--batch", type=whole_numbers, default=list(DEFAULT_BATCHES), metavar="1,2,4,...",
                        help="batch sizes (default 1,8)")
    parser.add_argument("--precision", choices=PRECISIONS, default="FP32",
                        help="FP32 as the graph is, or INT8 through onnxruntime's static quantization of it")
    parser.add_argument("--runs", type=whole_number(0), default=20, help="timed runs per batch (default 20)")
    parser.add_argument("--warmup", type=whole_number(0), default=3, help="untimed runs first (default 3)")
    parser.add_argument("--threads", type=whole_number(0), default=0, help="onnxruntime threads (default: every CPU)")
    parser.add_argument("--provider", default="CPUExecutionProvider",
                        help="an installed onnxruntime execution provider")
    parser.add_argument("--power-w", type=positive_number, help="full board power you measured (W); never estimated")
    parser.add_argument("--budget-s", type=positive_number, default=120.0,
                        help="time for the whole measurement (default 120 s): batches it cannot finish are skipped, "
                             "the rows measured kept")
    parser.add_argument("--format", choices=("tidy", "contribution"), default="tidy",
                        help="tidy (data/measurements.csv's schema and the extra columns) or QuTiBench's contribution "
                             "template")
    parser.add_argument("--output", type=Path, help="write the CSV here instead of stdout")
    parser.add_argument("--shape", type=one_shape, metavar="CxHxW", help="one input's shape for a layer-table CSV")
    parser.add_argument("--task", choices=list(TASKS), help="the task a file's network is for (default: a bundled "
                                                             "network's own, else cifar10)")


class _Progress:
    """One stderr line per batch started (and the run count on a terminal, rewritten in place)."""

    def __init__(self, err: TextIO) -> None:
        self.err, self.last, self.live = err, "", bool(getattr(err, "isatty", lambda: False)())

    def __call__(self, done: int, total: int, text: str) -> None:
        head = text.split(":")[0]
        if self.live:
            print(f"\r{done}/{total} {text[:70]:<70}", end="", file=self.err, flush=True)
        elif head != self.last:
            print(f"measuring {head}", file=self.err)
        self.last = head

    def close(self) -> None:
        if self.live:
            print(file=self.err)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    data, name, pct = inputs.network_model(args.network, args.shape)
    path, _ = split_network_argument(args.network)
    task = args.task or (None if not path.exists() else "cifar10")  # None: the bundled network's own task
    progress = _Progress(err)
    try:
        result = measure_onnx(data, args.batch, args.runs, args.warmup, args.threads or None, provider=args.provider,
                              precision=args.precision, budget_s=args.budget_s, progress=progress, topology=name,
                              pruning_pct=pct, task=task, power_w=args.power_w)
    except MeasureError as exc:
        progress.close()
        raise DataFormatError(str(exc)) from None
    progress.close()
    for line in (*result.notes, *result.skipped):
        print(f"note: {line}", file=err)
    print(f"host: {result.host.description}", file=err)
    if result.rows.empty:
        raise DataFormatError("no batch could be measured: " + ("; ".join(result.skipped) or "nothing ran"))
    text = to_contribution_csv(result.rows) if args.format == "contribution" else to_csv_safe(result.rows)
    inputs.write_output(text, args.output, out, err, f"{len(result.rows)} row(s)")
    return 0


COMMAND = Command(
    name="measure",
    help="run a network on this machine with onnxruntime: latency and throughput per batch as measurement rows",
    description="Measure an ONNX file, a layer-table CSV or a bundled network on this machine: accelerator latency "
                "(the session run alone) and board latency (input preparation and copies too), throughput, "
                "p50/p90/p99 per batch.",
    add_arguments=add_arguments,
    run=run,
)

"""``python -m qb_core host-roofline [--output FILE.csv]``: this machine's empirical roofline (dense
MatMul and Conv through onnxruntime at FP32 and INT8, a STREAM-like triad) as one platform row in
``data/hardware.csv``'s schema (:mod:`qb_core.host.roofline`), usable as ``--platforms`` and in the
app; progress and the theoretical figures beside the measured ones on stderr."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

import pandas as pd

from qb_core.cli import inputs
from qb_core.cli.args import positive_number, whole_number
from qb_core.cli.registry import Command
from qb_core.csv_io import DataFormatError, to_csv_safe
from qb_core.host.roofline import measure_host_roofline, peak_text, to_platform_row
from qb_core.units import bytes_from_mb, gops_text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--threads", type=whole_number(0), default=0, help="threads (default: every CPU)")
    parser.add_argument("--budget-s", type=positive_number, default=60.0,
                        help="time for the whole measurement (default 60 s)")
    parser.add_argument("--output", type=Path, help="write the CSV here instead of stdout")
    parser.add_argument("--matrix-side", type=whole_number(8), default=2048,
                        help="MatMul side n (2 n^3 ops; default 2048)")
    parser.add_argument("--triad-mb", type=positive_number,
                        help="each triad array in MB (default: 8 x the last-level cache, at least 64 MB)")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    def progress(done: int, total: int, text: str) -> None:
        print(f"host roofline {done}/{total}: {text}", file=err)

    triad_bytes = int(bytes_from_mb(args.triad_mb)) if args.triad_mb else None
    try:
        roofline = measure_host_roofline(args.threads or None, args.budget_s, progress, matrix_side=args.matrix_side,
                                         triad_bytes=triad_bytes)
        row = to_platform_row(roofline)
    except ValueError as exc:
        raise DataFormatError(str(exc)) from None
    for label, measured, theory in roofline.peaks():
        share = f" = {100 * measured / theory:.0f} % of the theoretical {gops_text(theory)} GOP/s" \
            if measured and theory else ""
        print(f"{label} peak: {peak_text(measured)}{share}", file=err)
    print(f"bandwidth (triad): {roofline.bandwidth_gbps:.1f} GB/s", file=err)
    for note in roofline.notes:
        print(f"note: {note}", file=err)
    inputs.write_output(to_csv_safe(pd.DataFrame([row])), args.output, out, err,
                        f"the platform row of {row['platform']}")
    return 0


COMMAND = Command(
    name="host-roofline",
    help="this machine's empirical roofline as a platform row",
    description="Measure this machine's peak (dense MatMul and Conv through onnxruntime, FP32 and INT8) and "
                "bandwidth (a STREAM-like triad over arrays far larger than the last-level cache); print one row in "
                "data/hardware.csv's schema with the theoretical figures beside it.",
    add_arguments=add_arguments,
    run=run,
)

"""``export``, ``measure`` and ``host-roofline``: a network as a runnable ONNX graph, measured on this
machine with onnxruntime, and this machine's empirical roofline, each as the project's schema.

- ``python -m qb_core export NAME --output FILE.onnx``: a bundled network (``CNV``, ``CNV 50%``,
  ``ResNet-50 80%``) or a layer-table CSV (``FILE[:NAME]``) as ONNX with random weights, which
  imports back to the same layer table (:mod:`qb_core.networks.onnx_export`).
- ``python -m qb_core measure FILE_OR_NAME [--batch 1,8] [--precision FP32|INT8] ...``: one row per
  batch in the tidy measurement schema (:mod:`qb_core.host.measure`), CSV on stdout or ``--output``;
  ``--format contribution`` writes QuTiBench's contribution template instead.
- ``python -m qb_core host-roofline [--output FILE.csv]``: one platform row in ``data/hardware.csv``'s
  schema (:mod:`qb_core.host.roofline`), usable as ``--platforms`` and in the app.

Progress and notes go to stderr, one line each; a bad argument or file is one line and exit 2,
and the rows measured before a batch fails are kept.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

import pandas as pd

from qb_core.cli.args import one_shape, positive_number, split_pruning, whole_number, whole_numbers, write_file
from qb_core.csv_io import DataFormatError, to_csv_safe
from qb_core.host.measure import PRECISIONS, MeasureError, measure_onnx, to_contribution_csv
from qb_core.host.roofline import measure_host_roofline, to_platform_row
from qb_core.networks.bundled import network_layers
from qb_core.networks.files import read_network_path, split_network_argument
from qb_core.networks.onnx_export import (
    ExportError,
    bundled_input_shape,
    bundled_onnx,
    bundled_variants,
    default_shape,
    export_network,
)
from qb_core.units import bytes_from_mb, gops_text
from qb_core.vocabulary import TASKS

EXIT_USAGE = 2
#: Default batches measured: batch-1 latency and a batch that fills a CPU's cores.
DEFAULT_BATCHES = (1, 8)


def add_measure_commands(commands) -> None:
    """The three commands on the command line's subparsers."""
    exp = commands.add_parser("export", help="a network as a runnable ONNX graph with random weights",
                              description="Write a bundled network (CNV, 'CNV 50%%', 'ResNet-50 80%%') or a "
                                          "layer-table CSV as an ONNX model with random weights and the exact layer "
                                          "shapes; importing it back gives the same layer table.")
    exp.add_argument("network", metavar="NAME_OR_FILE", help="a bundled network's name or a layer-table CSV[:NAME]")
    exp.add_argument("--output", type=Path, required=True, help="the .onnx file to write")
    exp.add_argument("--shape", type=one_shape, metavar="CxHxW",
                     help="one input's shape without the batch for a layer table (default: a square RGB or grey "
                          "image when the first layer's input allows, else a vector)")
    mea = commands.add_parser("measure", help="run a network on this machine with onnxruntime: latency and "
                              "throughput per batch as measurement rows",
                              description="Measure an ONNX file, a layer-table CSV or a bundled network on this "
                                          "machine: accelerator latency (the session run alone) and board latency "
                                          "(input preparation and copies too), throughput, p50/p90/p99 per batch.")
    mea.add_argument("network", metavar="FILE_OR_NAME", help="an .onnx file, a layer-table CSV[:NAME] or a bundled "
                                                             "network's name")
    mea.add_argument("--batch", type=whole_numbers, default=list(DEFAULT_BATCHES), metavar="1,2,4,...",
                     help="batch sizes (default 1,8)")
    mea.add_argument("--precision", choices=PRECISIONS, default="FP32",
                     help="FP32 as the graph is, or INT8 through onnxruntime's static quantization of it")
    mea.add_argument("--runs", type=whole_number(0), default=20, help="timed runs per batch (default 20)")
    mea.add_argument("--warmup", type=whole_number(0), default=3, help="untimed runs first (default 3)")
    mea.add_argument("--threads", type=whole_number(0), default=0, help="onnxruntime threads (default: every CPU)")
    mea.add_argument("--provider", default="CPUExecutionProvider", help="an installed onnxruntime execution provider")
    mea.add_argument("--power-w", type=positive_number, help="full board power you measured (W); never estimated")
    mea.add_argument("--budget-s", type=positive_number, default=120.0,
                     help="time for the whole measurement (default 120 s): batches it cannot finish are skipped, "
                          "the rows measured kept")
    mea.add_argument("--format", choices=("tidy", "contribution"), default="tidy",
                     help="tidy (data/measurements.csv's schema and the extra columns) or QuTiBench's contribution "
                          "template")
    mea.add_argument("--output", type=Path, help="write the CSV here instead of stdout")
    mea.add_argument("--shape", type=one_shape, metavar="CxHxW", help="one input's shape for a layer-table CSV")
    mea.add_argument("--task", choices=list(TASKS), help="the task a file's network is for (default: a bundled "
                                                          "network's own, else cifar10)")
    hos = commands.add_parser("host-roofline", help="this machine's empirical roofline as a platform row",
                              description="Measure this machine's peak (dense MatMul and Conv through onnxruntime, "
                                          "FP32 and INT8) and bandwidth (a STREAM-like triad over arrays far larger "
                                          "than the last-level cache); print one row in data/hardware.csv's schema "
                                          "with the theoretical figures beside it.")
    hos.add_argument("--threads", type=whole_number(0), default=0, help="threads (default: every CPU)")
    hos.add_argument("--budget-s", type=positive_number, default=60.0,
                     help="time for the whole measurement (default 60 s)")
    hos.add_argument("--output", type=Path, help="write the CSV here instead of stdout")
    hos.add_argument("--matrix-side", type=whole_number(8), default=2048,
                     help="MatMul side n (2 n^3 ops; default 2048)")
    hos.add_argument("--triad-mb", type=positive_number,
                     help="each triad array in MB (default: 8 x the last-level cache, at least 64 MB)")


def _bundled(argument: str) -> tuple[str, float] | None:
    """(topology, pruning %) of a bundled network named ``NAME`` or ``NAME 50%`` (any case)."""

    name, pct = split_pruning(argument)
    for known in _known_networks():
        if known.lower() == name.lower() and network_layers(known, pct) is not None:
            return known, pct
    return None


def _known_networks() -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t, _ in bundled_variants()))


def network_model(argument: str, shape: tuple[int, ...] | None) -> tuple[bytes, str, float]:
    """(ONNX bytes, name, pruning %) of a network argument: an ONNX file as it is, a layer-table CSV
    exported, or a bundled network by name; raises DataFormatError with one line otherwise."""
    path, name = split_network_argument(argument)
    if path.exists():
        if path.suffix.lower() == ".onnx":
            try:
                return path.read_bytes(), name or path.stem, 100.0
            except OSError as exc:
                raise DataFormatError(f"{path}: cannot read ({(exc.strerror or type(exc).__name__).lower()})") from None
        network = read_network_path(path, name)
        first = int(network.layers["in_activations"].iloc[0])
        try:
            return export_network(network.layers, shape or default_shape(first), network.name), network.name, 100.0
        except ExportError as exc:
            raise DataFormatError(f"{path}: {exc}") from None
    bundled = _bundled(argument)
    if bundled is None:
        raise DataFormatError(f"{argument!r} is neither a file nor a bundled network (known: "
                              f"{', '.join(_known_networks())}, with a pruning such as 'CNV 50%')")
    topology, pct = bundled
    return bundled_onnx(topology, pct), topology, pct


def _write(text: str, output: Path | None, out: TextIO, err: TextIO, what: str) -> None:
    if output is None:
        out.write(text)
        return
    write_file(output, text)
    print(f"wrote {what} to {output}", file=err)


def export_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    path, _ = split_network_argument(args.network)
    if not path.exists() and args.shape:
        raise DataFormatError("--shape applies to a layer-table CSV; a bundled network has its own input")
    data, name, pct = network_model(args.network, args.shape)
    write_file(args.output, data)
    shape = "x".join(map(str, bundled_input_shape(name, pct))) if not path.exists() else "its own"
    print(f"wrote {name}{'' if pct == 100 else f' {pct:g}%'} ({len(data):,} bytes, input N x {shape}) to "
          f"{args.output}", file=err)
    return 0


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


def measure_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    data, name, pct = network_model(args.network, args.shape)
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
    _write(text, args.output, out, err, f"{len(result.rows)} row(s)")
    return 0


def host_roofline_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    def progress(done: int, total: int, text: str) -> None:
        print(f"host roofline {done}/{total}: {text}", file=err)

    triad_bytes = int(bytes_from_mb(args.triad_mb)) if args.triad_mb else None
    try:
        roofline = measure_host_roofline(args.threads or None, args.budget_s, progress, matrix_side=args.matrix_side,
                                         triad_bytes=triad_bytes)
    except ValueError as exc:
        raise DataFormatError(str(exc)) from None
    try:
        row = to_platform_row(roofline)
    except ValueError as exc:
        raise DataFormatError(str(exc)) from None
    for label, measured, theory in roofline.peaks():
        share = f" = {100 * measured / theory:.0f} % of the theoretical {gops_text(theory)} GOP/s" \
            if measured and theory else ""
        print(f"{label} peak: {_gops(measured)}{share}",
              file=err)
    print(f"bandwidth (triad): {roofline.bandwidth_gbps:.1f} GB/s", file=err)
    for note in roofline.notes:
        print(f"note: {note}", file=err)
    _write(to_csv_safe(pd.DataFrame([row])), args.output, out, err, f"the platform row of {row['platform']}")
    return 0


COMMANDS = {"export": export_command, "measure": measure_command, "host-roofline": host_roofline_command}


def run_measure_command(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run ``args.command`` (one of :data:`COMMANDS`); the caller reports DataFormatError."""
    return COMMANDS[args.command](args, out or sys.stdout, err or sys.stderr)


def _gops(tops: float | None) -> str:
    return "not measured" if tops is None else f"{gops_text(tops)} GOP/s"

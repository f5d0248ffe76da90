"""What several commands read and write, one home each: the measurements (``--measurements`` or the
bundled ones, a file's problems on stderr), the catalog with ``--platforms``, the question the
what-if flags ask (the app's :class:`~qb_core.service.Scenario`), ``--network`` files as the
user's networks, a network argument as ONNX bytes, and output to ``--output`` or stdout.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

import pandas as pd

from qb_core.analyses.filters import Selection
from qb_core.cli.args import input_shapes, split_pruning, write_file
from qb_core.csv_io import DataFormatError, no_rows_imported
from qb_core.hardware.catalog import default_catalog, load_catalog
from qb_core.hardware.whatif import WhatIf, combined_catalog
from qb_core.measurements.dataset import ImportResult, load_measurements, read_measurement_file
from qb_core.networks.bundled import network_layers
from qb_core.networks.files import read_network_path, split_network_argument
from qb_core.networks.imported import NetworkImport
from qb_core.networks.onnx_export import ExportError, bundled_onnx, bundled_variants, default_shape, export_network
from qb_core.networks.user import UserNetwork, make_network
from qb_core.service import Scenario
from qb_core.vocabulary import PRECISIONS


def report(result: ImportResult, name: Path, err: TextIO) -> pd.DataFrame:
    """A user's file's problems to stderr as ``line N: severity: reason``; its rows, or an error
    when none could be imported."""
    for line, severity, reason in result.problems.itertuples(index=False):
        print(f"line {line}: {severity}: {reason}", file=err)
    if result.measurements.empty:
        raise DataFormatError(no_rows_imported(str(name), result.skipped))
    return result.measurements


def measured(args: argparse.Namespace, err: TextIO) -> pd.DataFrame:
    """The rows of ``--measurements`` (its problems on ``err``), or the bundled measurements."""
    if args.measurements is None:
        return load_measurements()
    return report(read_measurement_file(args.measurements), args.measurements, err)


def catalog(args: argparse.Namespace) -> pd.DataFrame:
    """The bundled catalog with ``--platforms`` added."""
    bundled = default_catalog()
    if not args.platforms:
        return bundled
    try:
        return combined_catalog(bundled, load_catalog(args.platforms))
    except DataFormatError:
        raise
    except ValueError as exc:  # the platforms clash with the catalog or with each other
        raise DataFormatError(f"{args.platforms}: {exc}") from None


def scenario(args: argparse.Namespace, err: TextIO) -> Scenario:
    """The question the flags ask, as the app asks it: the task, the what-if scales and the storage
    assumption as one :class:`~qb_core.hardware.whatif.WhatIf`, and the ``--network`` files."""
    settings = WhatIf(bandwidth_scale=args.bandwidth_scale, peak_scale=args.peak_scale, weights=args.weights,
                      batch=args.batch, activations=args.activations)
    return Scenario(selection=Selection(task=args.task), whatif=settings, networks=networks(args, err))


def print_warnings(network: NetworkImport | UserNetwork, label: object, err: TextIO) -> None:
    """A read network's warnings (and why it is incomplete) on ``err``, one line each."""
    for warning in (*network.warnings, *([network.incomplete] if network.incomplete else [])):
        print(f"warning: {label}: {warning}", file=err)


def user_network(path: Path, name: str | None, task: str, shapes: dict, err: TextIO, label: object,
                 taken: tuple[str, ...] = ()) -> UserNetwork:
    """A network file (``FILE[:NAME]`` split) as the user's network of ``task`` at every precision, its
    warnings on ``err`` under ``label``; a file that cannot be one raises DataFormatError naming it."""
    network = read_network_path(path, name, shapes)
    print_warnings(network, label, err)
    try:
        return make_network(network.name, task, PRECISIONS, network.layers, path.name, taken=taken,
                            warnings=network.warnings, incomplete=network.incomplete)
    except ValueError as exc:
        raise DataFormatError(f"{path}: {exc}") from None


def networks(args: argparse.Namespace, err: TextIO) -> tuple[UserNetwork, ...]:
    """``--network FILE[:NAME]`` files as the user's networks of ``--task`` at every precision;
    each file's warnings on ``err``, one per line."""
    made: list[UserNetwork] = []
    shapes = input_shapes(args)
    for argument in getattr(args, "network", None) or ():
        path, name = split_network_argument(argument)
        made.append(user_network(path, name, args.task, shapes, err, path, taken=tuple(n.name for n in made)))
    return tuple(made)


def known_networks() -> tuple[str, ...]:
    """The bundled networks' names, each once."""
    return tuple(dict.fromkeys(t for t, _ in bundled_variants()))


def bundled_network(argument: str) -> tuple[str, float] | None:
    """(topology, pruning %) of a bundled network named ``NAME`` or ``NAME 50%`` (any case)."""
    name, pct = split_pruning(argument)
    for known in known_networks():
        if known.lower() == name.lower() and network_layers(known, pct) is not None:
            return known, pct
    return None


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
    bundled = bundled_network(argument)
    if bundled is None:
        raise DataFormatError(f"{argument!r} is neither a file nor a bundled network (known: "
                              f"{', '.join(known_networks())}, with a pruning such as 'CNV 50%')")
    topology, pct = bundled
    return bundled_onnx(topology, pct), topology, pct


def write_output(text: str, output: Path | None, out: TextIO, err: TextIO, what: str) -> None:
    """``text`` on ``out``, or into ``output`` with one line on ``err`` saying what was written."""
    if output is None:
        out.write(text)
        return
    write_file(output, text)
    print(f"wrote {what} to {output}", file=err)

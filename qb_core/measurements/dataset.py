"""Measurement import: hostile or broken CSV bytes -> the project's tidy table, or one clear refusal.

Two formats come in, told apart by their header: QuTiBench's (its export or contribution
template) and the project's own tidy schema (e.g. a CSV downloaded from the app). Both take the
same steps:

1. reading (:mod:`qb_core.csv_io`): encoding, delimiter and header; a missing, empty or
   undecodable file, a required column missing or a column read twice raises
   :class:`DataFormatError`, one line naming the file;
2. row checks (:mod:`qb_core.measurements.row_checks`): no topology or platform name, a precision not in
   ``PRECISIONS``, pruning outside (0, 100] or a batch that is not a whole number >= 1 skips the row;
3. measured cells: a cell that is not a number is left empty (warning); a number outside
   :data:`~qb_core.measurements.row_checks.VALID_RANGES` skips the row; so does a row without any result;
4. derived columns from the core (task, ops per input, throughput in ops/s, device, config),
   never copied from the file.

Every skipped or noted row is reported with its file line and reason. QuTiBench's quirks are
handled here and nowhere else: the ``" level"`` column with a leading space, units in column
names, the template's other spellings, pruning factors as text (``12.50%``), thousands
separators (``"1,234.82"``), platform name variants and op modes folded into names. Text work
runs once per distinct value (:mod:`qb_core.distinct`), so a million rows import in about a second.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from qb_core.csv_io import (
    CsvFile,
    DataFormatError,
    duplicate_column,
    file_not_found,
    missing_columns,
    open_csv,
    source_name,
    unescape_cell,
)
from qb_core.distinct import distinct_rows, spread_category, spread_numbers
from qb_core.hardware.catalog import canonical_platform, default_catalog, device_name
from qb_core.measurements.row_checks import (
    NO_REASONS,
    cell_text,
    first_reasons,
    not_in,
    not_number_reasons,
    range_reasons,
    reasons_for,
    row_check_reasons,
)
from qb_core.networks.layer_models import LAYER_MODELS, task_of, topology_totals
from qb_core.networks.published import published_totals
from qb_core.paths import DATA_DIR
from qb_core.vocabulary import VARIANT_KEYS, variant_label

#: Normalised source column name (lower case, letters and digits only) -> internal column.
SOURCE_COLUMNS: dict[str, str] = {
    "nntopology": "topology",
    "hwtype": "hw_name",
    "datatype": "precision",
    "precision": "precision",
    "opmode": "op_mode",
    "batchthreadstream": "batch",
    "latsys": "lat_sys_ms",
    "latcomp": "lat_comp_ms",
    "fpssystem": "fps_system",
    "fpscomp": "fps_comp",
    "top1": "top1_pct",
    "top5": "top5_pct",
    "basepwrw": "base_power_w",
    "idlepwrw": "idle_power_w",
    "fullpwrw": "full_power_w",
    "pruningfactor": "pruning",
    "level": "level",
}
MEASURED = ("lat_sys_ms", "lat_comp_ms", "fps_system", "fps_comp", "top1_pct", "top5_pct",
            "base_power_w", "idle_power_w", "full_power_w")
#: Tidy column names as they appear in our own files -> internal column (derived columns are recomputed).
TIDY_SOURCE_COLUMNS: dict[str, str] = {
    "topology": "topology", "platform": "hw_name", "precision": "precision", "op_mode": "op_mode",
    "batch": "batch", "pruning_pct": "pruning", "level": "level", "source_line": "source_line",
    **{column: column for column in MEASURED},
}  # fmt: skip
TEXT_SOURCE_COLUMNS = ("topology", "hw_name", "precision", "op_mode", "pruning", "level", "batch")
RESULTS = ("lat_sys_ms", "lat_comp_ms", "fps_system", "fps_comp", "top1_pct")

#: The tidy schema, in column order (documented in data/README.md).
TIDY_COLUMNS: tuple[str, ...] = (
    "task", *VARIANT_KEYS, "platform", "op_mode", "device", "family", "precision",
    "batch", *MEASURED, "ops_per_input", "tp_system_ops_per_s", "tp_comp_ops_per_s", "config",
    "level", "source_line",
)  # fmt: skip
TIDY_TEXT_COLUMNS = ("task", "topology", "platform", "op_mode", "device", "family", "precision", "config", "level")
TIDY_DTYPES = dict.fromkeys(TIDY_TEXT_COLUMNS, str)
#: The task of each layer-modelled network, from its model; QuTiBench's convention: every other network is ImageNet.
PROBLEM_COLUMNS = ("line", "severity", "reason")
#: The name of the bundled data set, beside which uploaded files are listed by their file name.
BUNDLED_DATASET = "QuTiBench"
NO_RESULT = "no measured values (configuration not measured or not supported)"


@dataclass(frozen=True)
class ImportResult:
    """The tidy rows and the problems found: ``severity`` is ``skipped`` or ``warning``."""

    measurements: pd.DataFrame
    problems: pd.DataFrame

    @property
    def skipped(self) -> int:
        return int((self.problems["severity"] == "skipped").sum())


@dataclass(frozen=True)
class _Format:
    """How one input format names its columns: header cell -> internal column, the names the
    missing-column message uses, the names row reasons use, and whether text cells are escaped."""

    column_of: Callable[[str], str | None]
    required: dict[str, str]
    labels: dict[str, str]
    unescape: bool


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower().replace("[%]", "").replace("[w]", "w"))


QUTIBENCH = _Format(
    column_of=lambda cell: SOURCE_COLUMNS.get(_key(cell)),
    required={"topology": "NN_Topology", "hw_name": "HWType", "precision": "Datatype",
              "batch": "batch/thread/stream", "pruning": "PruningFactor"},
    labels={"topology": "NN_Topology", "hw_name": "HWType", "precision": "precision",
            "batch": "batch/thread/stream", "pruning": "PruningFactor"},
    unescape=False,
)
_TIDY_NAMES = {"topology": "topology", "hw_name": "platform", "precision": "precision", "batch": "batch",
               "pruning": "pruning_pct"}
TIDY = _Format(column_of=lambda cell: TIDY_SOURCE_COLUMNS.get(unescape_cell(cell).strip()),
               required=_TIDY_NAMES, labels=_TIDY_NAMES, unescape=True)


# --- entry points ---

def read_any(source: str | Path | IO | bytes, name: str | None = None) -> ImportResult:
    """Read a measurement file (bytes, a path or a buffer) in the project's tidy schema or the
    QuTiBench format, whichever its header says: the one entry point for the app's uploads and
    the command line. ``name`` is how messages call the file (default: the path or buffer name).

    Raises :class:`DataFormatError` (one line naming the file) when the file as a whole is
    unusable; row-level problems come back in ``problems`` with the file line.
    """
    csv = open_csv(source, name)
    return _import(csv, TIDY if _is_tidy(csv.header) else QUTIBENCH)


def read_measurement_file(path: Path) -> ImportResult:
    """:func:`read_any` on a path, named as written (``file not found: PATH`` when it is missing)."""
    return read_any(Path(path), name=str(path))


def import_qutibench(source: str | Path | IO | bytes, name: str | None = None) -> ImportResult:
    """Read a QuTiBench-format CSV (path, buffer or bytes) into the tidy measurement table.

    Raises :class:`DataFormatError` when the file as a whole is unusable (not CSV, required
    columns missing or repeated); row-level problems are returned in ``problems`` with the file line.
    """
    return _import(open_csv(source, name), QUTIBENCH)


def _is_tidy(header: tuple[str, ...]) -> bool:
    keys = {unescape_cell(cell).strip() for cell in header}
    return "platform" in keys and "fps_comp" in keys


def _import(csv: CsvFile, fmt: _Format) -> ImportResult:
    """The steps of the module docstring, for either format."""
    decimal_comma = csv.delimiter == ";"
    frame, cells, line, too_long = _read_rows(csv, fmt)
    pruning_pct = _numbers(_text(cells["pruning"], transform=lambda t: t.str.rstrip("%").str.strip()),
                           decimal_comma)[0]
    batch = _numbers(cells["batch"], decimal_comma)[0]
    row_reasons = first_reasons(too_long, row_check_reasons(cells, pruning_pct, batch, fmt.labels))
    values, unparseable = _measured_values(frame, decimal_comma)
    out_of_range = not_in(range_reasons(values, frame), row_reasons.index)
    skipped = row_reasons.index.union(out_of_range.index)
    not_numbers = not_in(not_number_reasons(frame, unparseable, MEASURED), skipped)
    source_line, line_notes = _source_lines(frame, line, decimal_comma)

    place = _resolve_platforms(cells["hw_name"], cells["op_mode"])
    out = pd.DataFrame({
        "topology": cells["topology"], "pruning_pct": pruning_pct, "platform": place["platform"],
        "op_mode": place["op_mode"], "device": place["device"], "family": place["family"],
        "precision": cells["precision"], "batch": batch, **values, "level": cells["level"],
        "source_line": source_line,
    })  # fmt: skip
    no_result = out.index[out[list(RESULTS)].isna().all(axis=1).to_numpy() & ~out.index.isin(skipped)]
    no_result_reasons = pd.Series(NO_RESULT, index=no_result, dtype=object)
    out = out[~out.index.isin(skipped.union(no_result))]
    known = place.loc[out.index, "known"].to_numpy()
    platform_reasons = reasons_for(cells.loc[out.index[~known], "hw_name"], "platform ",
                                    " is not in the hardware catalog; family set to Other")
    out, ops_reasons = _with_derived_columns(out)
    problems = _problem_table([
        _problems(line, "skipped", row_reasons), _problems(line, "skipped", out_of_range),
        _problems(line, "warning", not_numbers), _problems(line, "warning", not_in(line_notes, skipped)),
        _problems(line, "skipped", no_result_reasons), _problems(line, "warning", platform_reasons),
        _problems(line, "warning", ops_reasons),
    ])  # fmt: skip
    return ImportResult(out[list(TIDY_COLUMNS)].reset_index(drop=True), problems)


# --- reading ---

def _column_positions(csv: CsvFile, fmt: _Format) -> dict[int, str]:
    """Header position -> internal column. Refuses a file missing a required column, or naming a
    column it reads twice (``fps-comp`` twice, or ``Datatype`` and ``Precision``): which of the two
    holds the right values is not ours to guess. Columns the importer ignores may repeat."""
    found: dict[str, list[int]] = {}
    for position, cell in enumerate(csv.header):
        column = fmt.column_of(cell)
        if column:
            found.setdefault(column, []).append(position)
    missing = [label for column, label in fmt.required.items() if column not in found]
    if missing:
        raise DataFormatError(missing_columns(csv.name, missing))
    for positions in found.values():
        if len(positions) > 1:
            raise DataFormatError(duplicate_column(csv.name, [csv.header[p] for p in positions]))
    return {positions[0]: column for column, positions in found.items()}


def _read_rows(csv: CsvFile, fmt: _Format) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
    """The mapped columns under their internal names (text as categories, so work is per distinct
    value; numbers parsed by the C reader where clean), their identifying cells as stripped text,
    each row's file line, and the reasons for rows with more cells than the header (skipped).
    Blank rows (every cell read missing or whitespace) are dropped: they are not rows."""
    positions = _column_positions(csv, fmt)
    dtype = {p: "category" for p, column in positions.items() if column in TEXT_SOURCE_COLUMNS}
    frame, overflow = csv.read_columns(sorted(positions), dtype)
    frame.columns = [positions[p] for p in frame.columns]
    line = pd.Series(csv.record_lines(len(frame)), index=frame.index)
    for column in (*MEASURED, "op_mode", "level"):
        if column not in frame.columns:
            frame[column] = np.nan
    cells = _text_cells(frame, fmt.unescape)
    blank = np.logical_and.reduce([(cells[c] == "").to_numpy() for c in cells.columns]) & ~overflow
    for column in frame.columns.difference(cells.columns):
        if not blank.any():
            break
        values = frame[column]
        blank = blank & (values.isna() if pd.api.types.is_numeric_dtype(values) else _text(values) == "").to_numpy()
    too_long = pd.Series(f"more cells than the header's {len(csv.header)} columns", dtype=object,
                         index=frame.index[overflow])
    if blank.any():
        return frame[~blank], cells[~blank], line[~blank], too_long
    return frame, cells, line, too_long


def _text(values: pd.Series, unescape: bool = False, transform=None) -> pd.Series:
    """Stripped text as a category ('' for missing), per distinct value: unescaped first
    (:func:`~qb_core.csv_io.unescape_cell`) when the file is one of ours, then ``transform``."""
    codes, distinct = distinct_rows(values)
    text = distinct.iloc[:, 0].fillna("").astype(str)
    if unescape:
        text = text.map(unescape_cell)
    text = text.str.strip()
    return spread_category(transform(text) if transform else text, codes, values.index)


def _text_cells(frame: pd.DataFrame, unescape: bool) -> pd.DataFrame:
    """The identifying cells as stripped text categories; precision in capitals."""
    columns = ("topology", "hw_name", "precision", "op_mode", "level", "pruning", "batch")
    cells = {c: _text(frame[c], unescape, (lambda t: t.str.upper()) if c == "precision" else None) for c in columns}
    return pd.DataFrame(cells, index=frame.index)


def _numbers(values: pd.Series, decimal_comma: bool = False) -> tuple[pd.Series, pd.Series]:
    """Float values and the mask of cells that are not numbers (missing cells are not flagged).

    Thousands separators are dropped (``"1,234.82"``). With ``decimal_comma`` (a ``;``-delimited
    file, a spreadsheet export in a comma-decimal locale) a cell with one comma and no dot is a
    decimal (``1,5`` = 1.5), and one with a comma after its last dot (``1.234,5``) is not a number.
    """
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float), pd.Series(False, index=values.index)
    codes, distinct = distinct_rows(values)
    stripped = distinct.iloc[:, 0].fillna("").astype(str).str.strip()
    text = stripped
    if decimal_comma:
        single = (stripped.str.count(",") == 1) & ~stripped.str.contains(".", regex=False)
        text = stripped.where(~single, stripped.str.replace(",", ".", regex=False))
        text = text.where(~text.str.contains(r"\.[^.]*,", regex=True), "not a number")
    number = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
    missing = (stripped == "") | stripped.str.lower().isin(["na", "nan", "nm", "n/a", "-"])
    bad = (number.isna() & ~missing).to_numpy()
    return spread_numbers(number, codes, values.index), pd.Series(bad[codes], index=values.index)


def _source_lines(frame: pd.DataFrame, line: pd.Series, decimal_comma: bool) -> tuple[pd.Series, pd.Series]:
    """Each row's ``source_line``: the file's own line, or for a tidy file its ``source_line`` cell
    (the line in the file it was first imported from) where that is a whole number >= 1; notes for
    cells that are not."""
    if "source_line" not in frame.columns:
        return line, NO_REASONS
    given, unparseable = _numbers(frame["source_line"], decimal_comma)
    valid = (given >= 1) & (given == np.floor(given)) & np.isfinite(given)
    noted = (~valid & given.notna()) | unparseable
    notes = reasons_for(cell_text(frame.loc[noted, "source_line"]), "source_line ",
                         " is not a line number; this file's line used")
    return given.where(valid, line).astype(np.int64), notes


# --- measured cells ---

def _measured_values(frame: pd.DataFrame, decimal_comma: bool) -> tuple[dict[str, pd.Series], dict[str, pd.Series]]:
    """(float values, mask of cells that are not numbers) per measured column."""
    parsed = {column: _numbers(frame[column], decimal_comma) for column in MEASURED}
    return {c: v for c, (v, _) in parsed.items()}, {c: bad for c, (_, bad) in parsed.items()}


# --- platforms and derived columns ---

def _resolve_platforms(given: pd.Series, op_mode: pd.Series) -> pd.DataFrame:
    """Canonical platform, op mode (its column, else found in the name), family, device and whether
    the catalog knows the platform: resolved once per distinct (name, op mode) pair."""
    catalog = default_catalog()
    codes, pairs = distinct_rows(given, op_mode)
    names = pairs.iloc[:, 0].astype(str)
    if names.empty:  # canonical_platform needs a name to look at
        platform, mode_in_name = pd.Series(dtype=object), pd.Series(dtype=object)
    else:
        platform, mode_in_name = canonical_platform(names, catalog)
    mode_column = pairs.iloc[:, 1].astype(str).str.lower().str.split(",").str[0].str.strip()
    mode = mode_column.where(mode_column != "", mode_in_name)
    families = catalog.drop_duplicates("platform").set_index("platform")["family"]
    known = platform.notna().to_numpy()
    platform = platform.fillna(names)
    index = given.index
    return pd.DataFrame({
        "platform": spread_category(platform, codes, index),
        "op_mode": spread_category(mode, codes, index),
        "family": spread_category(platform.map(families).fillna("Other"), codes, index),
        "device": spread_category(device_name(platform, mode), codes, index),
        "known": known[codes],
    }, index=index)  # fmt: skip


def _with_derived_columns(out: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Task, ops per input, throughput in ops/s and config label, from the core; and warnings for
    rows whose operation count is unknown (their ops/s are left empty)."""
    ops = ops_per_input(out["topology"], out["pruning_pct"])
    out = out.assign(
        task=topology_task(out["topology"]), ops_per_input=ops, tp_comp_ops_per_s=out["fps_comp"] * ops,
        tp_system_ops_per_s=out["fps_system"] * ops, batch=out["batch"].astype(np.int64),
        config=config_label(out["device"], out["precision"], out["pruning_pct"], out["topology"]),
    )  # fmt: skip
    unknown = out[ops.isna()]
    reasons = reasons_for(variant_label(unknown["topology"], unknown["pruning_pct"]), "no operation count known for ",
                           "; throughput in ops/s left empty", quote=False)
    return out, reasons


def _problems(line: pd.Series, severity: str, reasons: pd.Series) -> pd.DataFrame:
    """Problem rows (line, severity, reason) for the rows ``reasons`` names."""
    return pd.DataFrame({"line": line.loc[reasons.index].to_numpy(), "severity": severity,
                         "reason": reasons.to_numpy(dtype=object)})


def _problem_table(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The report, sorted by line (stable: a row's problems keep their order); empty, it keeps its columns."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({"line": pd.Series(dtype=np.int64), "severity": pd.Series(dtype=object),
                             "reason": pd.Series(dtype=object)})
    table = pd.concat(parts, ignore_index=True)
    return table.sort_values("line", kind="stable").reset_index(drop=True)


def topology_task(topology: pd.Series) -> pd.Series:
    """Task per row, as a category (:func:`qb_core.networks.layer_models.task_of`, once per distinct name)."""
    codes, distinct = distinct_rows(topology)
    return spread_category(task_of(distinct.iloc[:, 0]), codes, topology.index)


def config_label(device: pd.Series, precision: pd.Series, pruning_pct: pd.Series,
                 topology: pd.Series | None = None) -> pd.Series:
    """One deployment configuration's label, built once per distinct combination (a category):
    ``platform_precision_pruning`` for the layer-modelled networks, the only one of their task
    (``TX2-maxp_FP16_100%``), and ``platform_precision_network_pruning`` where a task has several
    networks (ImageNet: ``ZCU102-DPU_INT8_ResNet-50_100%``)."""
    topology = pd.Series("", index=device.index) if topology is None else topology
    codes, distinct = distinct_rows(device, precision, pruning_pct, topology)
    labels = [f"{d}_{p}_{float(r):g}%" if (t in LAYER_MODELS or t == "") else f"{d}_{p}_{t}_{float(r):g}%"
              for d, p, r, t in distinct.astype({distinct.columns[3]: str}).itertuples(index=False)]
    return spread_category(labels, codes, device.index)


def ops_per_input(topology: pd.Series, pruning_pct: pd.Series) -> pd.Series:
    """Operations per input: the layer model for CNV/MLP, published totals otherwise, else NaN."""
    codes, pairs = distinct_rows(topology, pruning_pct.astype(float))
    pairs.columns = list(VARIANT_KEYS)
    pairs["pruning_pct"] = pairs["pruning_pct"].astype(float)
    published = published_totals()[[*VARIANT_KEYS, "ops_per_input"]]
    ops = pairs.merge(published, on=list(VARIANT_KEYS), how="left")["ops_per_input"].astype(float)
    modelled = pairs["topology"].isin(list(LAYER_MODELS)) & (pairs["pruning_pct"] > 0)
    ops[modelled] = [topology_totals(t, p)["ops_per_input"] for t, p in pairs[modelled].itertuples(index=False)]
    return spread_numbers(ops, codes, topology.index)


PUBLISHED_COLUMNS = ("topology", "task", "pruning_pct", "params", "ops_per_input", "source")


def import_published_topologies(source: str | Path | IO, details: str | Path | IO | None = None) -> pd.DataFrame:
    """Published network sizes -> topology, task, pruning_pct, params, ops_per_input, source.

    ``source`` is QuTiBench ``cnn_topologies_compute_memory_requirements.csv`` (GOPs x 1e9, model size
    in millions of elements x 1e6: rounded), used for the networks without a layer model;
    ``details`` is ``topology_details.csv``, whose exact CNV and MLP counts are kept beside the
    layer model's (they agree except CNV 12.5 %, see data/README.md). The app never takes CNV or
    MLP figures from here; it shows them for comparison.
    """
    raw = pd.read_csv(source, dtype=str, keep_default_na=False, skiprows=[1])
    parts = raw.iloc[:, 0].str.strip().str.extract(r"^(?P<topology>.+?)\s+(?P<pct>[\d.]+)%?$")
    table = pd.DataFrame({
        "topology": parts["topology"],
        "pruning_pct": parts["pct"].astype(float),
        "params": (pd.to_numeric(raw["Total Model Size"]) * 1e6).round().astype(np.int64),
        "ops_per_input": (pd.to_numeric(raw["Total OPs"]) * 1e9).round().astype(np.int64),
        "source": "cnn_topologies_compute_memory_requirements.csv (rounded)",
    })
    table = table[~table["topology"].isin(list(LAYER_MODELS))]
    if details is not None:
        exact = pd.read_csv(details, dtype=str, keep_default_na=False)
        name = exact["Name"].str.strip().str.extract(r"^(?P<topology>[A-Za-z]+)(?:-(?P<pct>[\d.]+)%)?$")
        keep = name["topology"].isin(list(LAYER_MODELS))
        table = pd.concat([table, pd.DataFrame({
            "topology": name.loc[keep, "topology"],
            "pruning_pct": name.loc[keep, "pct"].fillna("100").astype(float),
            "params": pd.to_numeric(exact.loc[keep, "Total Params"]).astype(np.int64),
            "ops_per_input": pd.to_numeric(exact.loc[keep, "Fwd Ops"]).round().astype(np.int64),
            "source": "topology_details.csv",
        })], ignore_index=True)
    table["task"] = topology_task(table["topology"]).astype(str)
    return table[list(PUBLISHED_COLUMNS)].reset_index(drop=True)


def load_measurements(path: str | Path | IO | None = None) -> pd.DataFrame:
    """Read a tidy measurement CSV written by this project (the bundled ``data/measurements.csv`` by
    default) as it is: fast, for trusted files. Others' files go through :func:`read_any`."""
    source = path or DATA_DIR / "measurements.csv"
    try:
        frame = pd.read_csv(source, dtype=TIDY_DTYPES)
    except FileNotFoundError:
        raise DataFormatError(file_not_found(source_name(source))) from None
    missing = [c for c in TIDY_COLUMNS if c not in frame.columns]
    if missing:
        raise DataFormatError(missing_columns(source_name(source), missing))
    for column in TIDY_TEXT_COLUMNS:
        frame[column] = frame[column].fillna("").astype(str).astype("category")
    return frame[list(TIDY_COLUMNS)]

"""Measurement import: QuTiBench CSV (export or contribution template) -> the project's tidy table.

Every quirk of the source is handled here and nowhere else: the ``" level"`` column with a
leading space, units in column names, the template's other spellings, pruning factors as
text (``12.50%``), thousands separators (``"1,234.82"``), platform name variants and op modes
folded into names. Rows that cannot be imported are reported with their file line and reason.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from qb_core.distinct import distinct_rows, spread_category, spread_numbers
from qb_core.hardware import canonical_platform, default_catalog, device_name
from qb_core.paths import DATA_DIR
from qb_core.topology import LAYER_MODELS, PRECISIONS, published_totals, topology_totals, variant_label

#: Normalised source column name (lower case, letters and digits only) -> tidy column.
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
REQUIRED = ("topology", "hw_name", "precision", "batch", "pruning")
MEASURED = ("lat_sys_ms", "lat_comp_ms", "fps_system", "fps_comp", "top1_pct", "top5_pct",
            "base_power_w", "idle_power_w", "full_power_w")
TEXT_SOURCE_COLUMNS = ("topology", "hw_name", "precision", "op_mode", "pruning", "level", "batch")
RESULTS = ("lat_sys_ms", "lat_comp_ms", "fps_system", "fps_comp", "top1_pct")

#: The tidy schema, in column order (documented in data/README.md).
TIDY_COLUMNS: tuple[str, ...] = (
    "task", "topology", "pruning_pct", "platform", "op_mode", "device", "family", "precision",
    "batch", *MEASURED, "ops_per_input", "tp_system_ops_per_s", "tp_comp_ops_per_s", "config",
    "level", "source_line",
)  # fmt: skip
#: QuTiBench's convention: CNV is CIFAR-10, MLP is MNIST, every other network ImageNet.
TOPOLOGY_TASKS: dict[str, str] = {"CNV": "cifar10", "MLP": "mnist"}
PROBLEM_COLUMNS = ("line", "severity", "reason")


class DataFormatError(ValueError):
    """A whole file cannot be read: the message says why, in one line."""


@dataclass(frozen=True)
class ImportResult:
    """The tidy rows and the problems found: ``severity`` is ``skipped`` or ``warning``."""

    measurements: pd.DataFrame
    problems: pd.DataFrame

    @property
    def skipped(self) -> int:
        return int((self.problems["severity"] == "skipped").sum())


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower().replace("[%]", "").replace("[w]", "w"))


def _read_table(source: str | Path | IO | bytes) -> pd.DataFrame:
    """Read the mapped columns: text as categories (work is then per distinct value), numbers
    parsed by the C reader where clean and left as text where a quirk needs our parser."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        if hasattr(source, "seek"):
            source.seek(0)
        header = pd.read_csv(source, nrows=0, encoding_errors="replace").columns
        if hasattr(source, "seek"):
            source.seek(0)
        rename: dict[str, str] = {}
        for column in header:
            target = SOURCE_COLUMNS.get(_key(column))
            if target and target not in rename.values():
                rename[column] = target
        text = {c: "category" for c, t in rename.items() if t in TEXT_SOURCE_COLUMNS}
        frame = pd.read_csv(source, usecols=list(rename), dtype=text, skip_blank_lines=False,
                            encoding_errors="replace", low_memory=False)
    except FileNotFoundError as exc:
        raise DataFormatError(f"file not found: {exc.filename}") from None
    except pd.errors.EmptyDataError:
        raise DataFormatError("the file is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OSError) as exc:
        detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise DataFormatError(f"not a readable CSV file ({detail})") from None
    return frame.rename(columns=rename)


def _text(values: pd.Series, transform=None) -> pd.Series:
    """Stripped text as a category ('' for missing), optionally transformed, per distinct value."""
    codes, distinct = distinct_rows(values)
    text = distinct.iloc[:, 0].fillna("").astype(str).str.strip()
    return spread_category(transform(text) if transform else text, codes, values.index)


def _numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Float values (thousands separators allowed) and the mask of cells that are not numbers."""
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float), pd.Series(False, index=values.index)
    codes, distinct = distinct_rows(values)
    stripped = distinct.iloc[:, 0].fillna("").astype(str).str.strip()
    number = pd.to_numeric(stripped.str.replace(",", "", regex=False), errors="coerce")
    missing = (stripped == "") | stripped.str.lower().isin(["na", "nan", "nm", "n/a", "-"])
    bad = (number.isna() & ~missing).to_numpy()
    return spread_numbers(number, codes, values.index), pd.Series(bad[codes], index=values.index)


def import_qutibench(source: str | Path | IO | bytes) -> ImportResult:
    """Read a QuTiBench-format CSV (path, buffer or bytes) into the tidy measurement table.

    Raises :class:`DataFormatError` when the file as a whole is unusable (not CSV, required
    columns missing); row-level problems are returned in ``problems`` with the file line.
    Work on text is done per distinct value, so a million rows import in about a second.
    """
    frame = _read_table(source)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise DataFormatError(
            "not a QuTiBench measurement file: missing column(s) "
            + ", ".join({"hw_name": "HWType", "topology": "NN_Topology", "precision": "Datatype",
                         "batch": "batch/thread/stream", "pruning": "PruningFactor"}[c] for c in missing)
        )
    for column in (*MEASURED, "op_mode", "level"):
        if column not in frame.columns:
            frame[column] = np.nan
    line = pd.Series(np.arange(len(frame), dtype=np.int64) + 2, index=frame.index)  # line 1: header
    frame = frame[~frame.isna().all(axis=1)]  # blank lines are not rows
    line = line[frame.index]

    problems: list[pd.DataFrame] = []

    def report(mask: pd.Series, severity: str, reason) -> None:
        """Record ``reason`` (text, or a function of the offending rows) for the masked rows."""
        mask = mask.reindex(frame.index, fill_value=False)
        if mask.any():
            text = reason(frame[mask]) if callable(reason) else reason
            problems.append(pd.DataFrame({"line": line[mask], "severity": severity, "reason": text}))

    out = pd.DataFrame(index=frame.index)
    out["topology"] = _text(frame["topology"])
    out["precision"] = _text(frame["precision"], lambda t: t.str.upper())
    out["level"] = _text(frame["level"])
    out["source_line"] = line
    out["pruning_pct"] = _numbers(_text(frame["pruning"], lambda t: t.str.rstrip("%").str.strip()))[0]
    out["batch"] = _numbers(_text(frame["batch"]))[0]

    # Platform and op mode: resolved once per distinct (name, op mode) pair.
    catalog = default_catalog()
    given = _text(frame["hw_name"])
    codes, pairs = distinct_rows(given, _text(frame["op_mode"]))
    platform, mode_in_name = canonical_platform(pairs.iloc[:, 0], catalog)
    mode_column = pairs.iloc[:, 1].astype(str).str.lower().str.split(",").str[0].str.strip()
    op_mode = mode_column.where(mode_column != "", mode_in_name)
    families = catalog.drop_duplicates("platform").set_index("platform")["family"]
    known = pd.Series(platform.notna().to_numpy()[codes], index=frame.index)
    platform = platform.fillna(pairs.iloc[:, 0].astype(str))
    out["platform"] = spread_category(platform, codes, frame.index)
    out["op_mode"] = spread_category(op_mode, codes, frame.index)
    out["family"] = spread_category(platform.map(families).fillna("Other"), codes, frame.index)
    out["device"] = spread_category(device_name(platform, op_mode), codes, frame.index)

    skip = pd.Series(False, index=frame.index)
    checks = [
        (out["topology"] == "", lambda rows: "no NN_Topology"),
        (given == "", lambda rows: "no HWType"),
        (~out["precision"].isin(PRECISIONS),
         lambda rows: "precision " + rows["precision"].astype(str).str.strip().map(repr)
         + " is not one of " + ", ".join(PRECISIONS)),
        (~(out["pruning_pct"] > 0) | (out["pruning_pct"] > 100),
         lambda rows: "PruningFactor " + rows["pruning"].astype(str).map(repr) + " is not a percentage in (0, 100]"),
        (~(out["batch"] >= 1) | (out["batch"] != np.floor(out["batch"])),
         lambda rows: "batch/thread/stream " + rows["batch"].astype(str).map(repr)
         + " is not a whole number of at least 1"),
    ]
    for mask, reason in checks:
        mask = mask & ~skip
        report(mask, "skipped", reason)
        skip |= mask

    for column in MEASURED:
        values, unparseable = _numbers(frame[column])
        negative = values < 0
        report(unparseable & ~skip, "warning",
               lambda rows, c=column: f"{c}: " + rows[c].astype(str).map(repr) + " is not a number; left empty")
        report(negative & ~skip, "warning", f"{column} is negative; left empty")
        out[column] = values.where(~negative)

    no_result = out[list(RESULTS)].isna().all(axis=1) & ~skip
    report(no_result, "skipped", "no measured values (configuration not measured or not supported)")
    skip |= no_result
    report(~known & ~skip, "warning",
           lambda rows: "platform " + rows["hw_name"].astype(str).str.strip().map(repr)
           + " is not in the hardware catalog; family set to Other")

    out = out[~skip]
    out["task"] = out["topology"].map(TOPOLOGY_TASKS).astype(object).fillna("imagenet").astype("category")
    out["ops_per_input"] = ops_per_input(out["topology"], out["pruning_pct"])
    unknown_ops = out["ops_per_input"].isna()
    report(unknown_ops, "warning",
           lambda rows: "no operation count known for "
           + variant_label(out.loc[rows.index, "topology"], out.loc[rows.index, "pruning_pct"])
           + "; throughput in ops/s left empty")
    out["tp_comp_ops_per_s"] = out["fps_comp"] * out["ops_per_input"]
    out["tp_system_ops_per_s"] = out["fps_system"] * out["ops_per_input"]
    out["batch"] = out["batch"].astype(np.int64)
    out["config"] = config_label(out["device"], out["precision"], out["pruning_pct"])
    measurements = out[list(TIDY_COLUMNS)].reset_index(drop=True)
    problem_table = (pd.concat(problems, ignore_index=True) if problems
                     else pd.DataFrame({c: pd.Series(dtype=object) for c in PROBLEM_COLUMNS}))
    problem_table = problem_table.sort_values("line", kind="stable").reset_index(drop=True)
    return ImportResult(measurements, problem_table)


def config_label(device: pd.Series, precision: pd.Series, pruning_pct: pd.Series) -> pd.Series:
    """``platform_precision_pruning``, e.g. ``TX2-maxp_FP16_100%`` (one deployment configuration),
    built once per distinct combination and returned as a category."""
    codes, distinct = distinct_rows(device, precision, pruning_pct)
    labels = [f"{d}_{p}_{float(r):g}%" for d, p, r in distinct.itertuples(index=False)]
    return spread_category(labels, codes, device.index)


def ops_per_input(topology: pd.Series, pruning_pct: pd.Series) -> pd.Series:
    """Operations per input: the layer model for CNV/MLP, published totals otherwise, else NaN."""
    codes, pairs = distinct_rows(topology.astype(object), pruning_pct.astype(float))
    pairs.columns = ["topology", "pruning_pct"]
    pairs["pruning_pct"] = pairs["pruning_pct"].astype(float)
    published = published_totals()[["topology", "pruning_pct", "ops_per_input"]]
    ops = pairs.merge(published, on=["topology", "pruning_pct"], how="left")["ops_per_input"].astype(float)
    modelled = pairs["topology"].isin(list(LAYER_MODELS)) & (pairs["pruning_pct"] > 0)
    ops[modelled] = [topology_totals(t, p)["ops_per_input"] for t, p in pairs[modelled].itertuples(index=False)]
    return spread_numbers(ops, codes, topology.index)


def import_published_topologies(source: str | Path | IO) -> pd.DataFrame:
    """QuTiBench ``cnn_topologies_compute_memory_requirements.csv`` -> topology, task, pruning_pct,
    params, ops_per_input (GOPs x 1e9, model size in millions of elements x 1e6)."""
    raw = pd.read_csv(source, dtype=str, keep_default_na=False, skiprows=[1])
    name = raw.iloc[:, 0].str.strip()
    parts = name.str.extract(r"^(?P<topology>.+?)\s+(?P<pct>[\d.]+)%?$")
    table = pd.DataFrame({
        "topology": parts["topology"],
        "pruning_pct": parts["pct"].astype(float),
        "params": (pd.to_numeric(raw["Total Model Size"]) * 1e6).round().astype(np.int64),
        "ops_per_input": (pd.to_numeric(raw["Total OPs"]) * 1e9).round().astype(np.int64),
    })
    table["task"] = table["topology"].map(TOPOLOGY_TASKS).fillna("imagenet")
    # CNV and MLP come from the layer model; the rounded totals here would only contradict it.
    table = table[~table["topology"].isin(list(LAYER_MODELS))]
    return table[["topology", "task", "pruning_pct", "params", "ops_per_input"]].reset_index(drop=True)


TIDY_TEXT_COLUMNS = ("task", "topology", "platform", "op_mode", "device", "family", "precision", "config", "level")
TIDY_DTYPES = dict.fromkeys(TIDY_TEXT_COLUMNS, str)


def load_measurements(path: str | Path | IO | None = None) -> pd.DataFrame:
    """Read a tidy measurement CSV (the bundled ``data/measurements.csv`` by default)."""
    frame = pd.read_csv(path or DATA_DIR / "measurements.csv", dtype=TIDY_DTYPES)
    missing = [c for c in TIDY_COLUMNS if c not in frame.columns]
    if missing:
        raise DataFormatError(f"not a QB Explorer measurement file: missing column(s) {', '.join(missing)}")
    for column in TIDY_TEXT_COLUMNS:
        frame[column] = frame[column].fillna("").astype(str).astype("category")
    return frame[list(TIDY_COLUMNS)]


NUMERIC_TIDY_COLUMNS = ("pruning_pct", "batch", *MEASURED, "ops_per_input", "tp_system_ops_per_s",
                        "tp_comp_ops_per_s", "source_line")


def _read_tidy(data: bytes) -> ImportResult:
    """A CSV in the project's own schema (e.g. downloaded from the app): numbers checked per cell."""
    try:
        raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataFormatError(f"not a readable measurement file ({str(exc).strip().splitlines()[-1]})") from None
    missing = [c for c in TIDY_COLUMNS if c not in raw.columns]
    if missing:
        raise DataFormatError(f"not a QB Explorer measurement file: missing column(s) {', '.join(missing)}")
    frame = raw[list(TIDY_COLUMNS)].copy()
    problems = []
    for column in NUMERIC_TIDY_COLUMNS:
        values, unparseable = _numbers(frame[column])
        if unparseable.any():
            problems.append(pd.DataFrame({"line": unparseable[unparseable].index + 2, "severity": "warning",
                                          "reason": f"{column}: not a number; left empty"}))
        frame[column] = values
    skip = frame["batch"].isna() | frame["pruning_pct"].isna() | (frame["platform"].str.strip() == "")
    if skip.any():
        problems.append(pd.DataFrame({"line": skip[skip].index + 2, "severity": "skipped",
                                      "reason": "platform, batch and pruning_pct are required"}))
    frame = frame[~skip].astype({"batch": np.int64})
    for column in TIDY_TEXT_COLUMNS:
        frame[column] = frame[column].astype(str).astype("category")
    report = (pd.concat(problems, ignore_index=True) if problems
              else pd.DataFrame({c: pd.Series(dtype=object) for c in PROBLEM_COLUMNS}))
    return ImportResult(frame.reset_index(drop=True), report.sort_values("line", kind="stable").reset_index(drop=True))


def read_any(source: Path | IO | bytes) -> ImportResult:
    """Read either the project's tidy schema or the QuTiBench format, whichever the header says."""
    data = source.read_bytes() if isinstance(source, Path) else source.read() if hasattr(source, "read") else source
    if isinstance(data, str):
        data = data.encode()
    header = data.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    if "fps_comp" in header and "platform" in header:
        return _read_tidy(data)
    return import_qutibench(data)


def configs_with_single_value(frame: pd.DataFrame, column: str) -> list[str]:
    """Configurations whose ``column`` holds at most one distinct value over their rows (e.g. a
    power figure copied to every batch size): a box plot of them would show nothing."""
    distinct = frame.groupby("config", observed=True)[column].nunique()
    return sorted(distinct[distinct <= 1].index.astype(str))


def with_facet_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``quant_model`` (precision · device, the notebook's facet) and ``pruning`` (text) columns."""
    return frame.assign(quant_model=frame["precision"].astype(str) + " · " + frame["device"].astype(str),
                        pruning=frame["pruning_pct"].map("{:g}".format).astype(str))

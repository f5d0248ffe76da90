"""Hardware catalog: one canonical name per platform, peaks per native precision, bandwidth.

The catalog lives in ``data/hardware.csv`` (wide: one row per platform x op mode). Every
calculation uses the long form, one row per platform x op mode x natively supported precision.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from qb_core.csv_io import DataFormatError, duplicate_column, echo_list, open_csv, unescape_cell, unreadable
from qb_core.paths import DATA_DIR
from qb_core.roofline_formulas import ridge_ops_per_byte
from qb_core.vocabulary import PRECISION_RANK, PRECISIONS

#: The platform families, in the sidebar's order: one row each in ``data/families.csv`` (a new
#: family is a row there, no code).
FAMILIES_CSV = DATA_DIR / "families.csv"


def load_families(path: Path = FAMILIES_CSV) -> tuple[str, ...]:
    """The family names of a families CSV (columns family and what), in its order; refuses an empty,
    duplicated or unnamed one, and a list without ``Other`` (where unknown boards go)."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    names = tuple(table["family"].str.strip()) if "family" in table else ()
    if not names or "" in names or len(set(names)) != len(names) or "Other" not in names:
        raise DataFormatError(f"{Path(path).name}: needs a family column of distinct names, Other among them")
    return names


FAMILIES: tuple[str, ...] = load_families()
#: Precision -> its peak column, and back: the one mapping between the two spellings.
PEAK_COLUMNS: dict[str, str] = {p: f"peak_tops_{p.lower()}" for p in PRECISIONS}
PEAK_PRECISIONS: dict[str, str] = {column: precision for precision, column in PEAK_COLUMNS.items()}
#: How a platform runs a network: one layer after another, or every layer at once in a pipeline.
EXECUTION_STYLES: tuple[str, ...] = ("layer-by-layer", "dataflow")
CATALOG_TEXT_COLUMNS: tuple[str, ...] = ("platform", "op_mode", "family", "vendor", "toolflow", "execution",
                                         "aliases", "source")
CATALOG_COLUMNS: tuple[str, ...] = (
    "platform", "op_mode", "family", "vendor", "toolflow", *PEAK_COLUMNS.values(),
    "bandwidth_gbps", "memory_gb", "power_w", "on_chip_mb", "execution", "aliases", "source",
)  # fmt: skip
CATALOG_NUMBER_COLUMNS: tuple[str, ...] = tuple(c for c in CATALOG_COLUMNS if c not in CATALOG_TEXT_COLUMNS)
#: Upper sanity bounds: anything above is a typo, not a what-if (1 EOP/s, 1 PB/s).
MAX_PEAK_TOPS = 1e6
MAX_BANDWIDTH_GBPS = 1e6


def load_catalog(path: Path | IO | bytes | None = None, name: str | None = None) -> pd.DataFrame:
    """Read a wide catalog (``data/hardware.csv`` by default) into :data:`CATALOG_COLUMNS`.

    Only ``platform``, ``bandwidth_gbps`` and one ``peak_tops_*`` column are required, so a user's
    own platforms file can be short; other columns are filled in (family ``Other``). The file is
    read like a measurement file (encoding and delimiter detected, text cells unescaped, see
    :mod:`qb_core.csv_io`); a file that cannot be used raises :class:`DataFormatError` naming it.
    """
    csv = open_csv(DATA_DIR / "hardware.csv" if path is None else path, name)
    header = [cell.strip() for cell in csv.header]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if duplicated:
        raise DataFormatError(duplicate_column(csv.name, [duplicated[0]] * header.count(duplicated[0])))
    try:
        catalog = pd.read_csv(io.BytesIO(csv.data), sep=csv.delimiter, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise DataFormatError(unreadable(csv.name, str(exc).strip().splitlines()[-1])) from None
    catalog.columns = header
    if "platform" not in catalog.columns or "bandwidth_gbps" not in catalog.columns:
        raise DataFormatError(f"{csv.name}: a platforms CSV needs the columns platform and bandwidth_gbps")
    if not set(PEAK_COLUMNS.values()) & set(catalog.columns):
        raise DataFormatError(f"{csv.name}: a platforms CSV needs at least one of {', '.join(PEAK_COLUMNS.values())}")
    for column in CATALOG_COLUMNS:
        if column not in catalog.columns:
            catalog[column] = ""
    for column in CATALOG_TEXT_COLUMNS:
        catalog[column] = catalog[column].astype(str).str.strip().map(unescape_cell)
    for column in CATALOG_NUMBER_COLUMNS:
        text = catalog[column].astype(str).str.strip()
        numbers = pd.to_numeric(text, errors="coerce").where(text != "")
        clean = bool((numbers.notna() | (text == "")).all())
        # a cell that is not a number stays as written, so validate_catalog can name it
        catalog[column] = numbers if clean else numbers.astype(object).where(numbers.notna() | (text == ""), text)
    catalog["family"] = catalog["family"].replace("", "Other").astype(object)
    unknown = sorted(set(catalog["family"]) - set(FAMILIES))
    if unknown:  # a family the app has no place for would vanish from every page: refused here, loudly
        raise DataFormatError(f"{csv.name}: family {unknown[0]!r} is not one of {', '.join(FAMILIES)} (add it as a "
                              "row of data/families.csv to draw it)")
    catalog["execution"] = catalog["execution"].replace("", EXECUTION_STYLES[0])
    catalog = catalog[list(CATALOG_COLUMNS)].copy()
    catalog["device"] = device_name(catalog["platform"], catalog["op_mode"])
    return catalog


def default_catalog() -> pd.DataFrame:
    """The bundled catalog, read once per process; each caller gets a frame of its own."""
    return _default_catalog().copy(deep=False)


@lru_cache(maxsize=1)
def _default_catalog() -> pd.DataFrame:
    return load_catalog()


def device_name(platform: pd.Series, op_mode: pd.Series) -> pd.Series:
    """Platform plus op mode where there is one: ``TX2-maxp``, ``EdgeTPU-fast``, ``NCS2``.

    """
    mode = op_mode.fillna("").astype(str)
    return platform.astype(str).where(mode == "", platform.astype(str) + "-" + mode)


def _name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def alias_map(catalog: pd.DataFrame | None = None) -> dict[str, str]:
    """Normalised name (lower case, letters and digits only) -> canonical platform name."""
    catalog = default_catalog() if catalog is None else catalog
    mapping: dict[str, str] = {}
    for platform, aliases in catalog[["platform", "aliases"]].drop_duplicates().itertuples(index=False):
        for name in [platform, *[a for a in str(aliases).split("|") if a]]:
            mapping[_name_key(name)] = platform
    return mapping


def canonical_platform(names: pd.Series, catalog: pd.DataFrame | None = None) -> tuple[pd.Series, pd.Series]:
    """Map platform names as other files spell them to (canonical name, op mode found in the name).

    Handles ``NCS (MyriadX)`` -> ``NCS2``, ``TX2 - maxn`` -> (``TX2``, ``maxn``),
    ``EdgeTPU-fast`` -> (``EdgeTPU``, ``fast``). Unknown names come back missing (None).
    """
    catalog = default_catalog() if catalog is None else catalog
    codes, uniques = pd.factorize(names.astype(object).fillna(""))
    canonical, mode = _canonical_unique(pd.Series(np.asarray(uniques, dtype=object), dtype=object), catalog)
    canonical = np.append(canonical.to_numpy(dtype=object), [None])[codes]
    mode = np.append(mode.to_numpy(dtype=object), [""])[codes]
    return pd.Series(canonical, index=names.index, dtype=object), pd.Series(mode, index=names.index, dtype=object)


def _canonical_unique(names: pd.Series, catalog: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    mapping = alias_map(catalog)
    modes = sorted({m for m in catalog["op_mode"] if m}, key=len, reverse=True)
    text = names.fillna("").astype(str).str.strip()
    mode_pattern = r"^(?P<base>.*?)[\s\-_]+(?P<mode>" + "|".join(map(re.escape, modes)) + r")$" if modes else None
    op_mode = pd.Series("", index=names.index, dtype=object)
    base = text
    if mode_pattern:
        parts = text.str.extract(mode_pattern, flags=re.IGNORECASE)
        has_mode = parts["mode"].notna() & parts["base"].map(lambda b: _name_key(str(b)) in mapping)
        base = text.where(~has_mode, parts["base"])
        op_mode = op_mode.where(~has_mode, parts["mode"].str.lower())
    keys = base.map(_name_key)
    return keys.map(mapping), op_mode


def validate_catalog(catalog: pd.DataFrame) -> list[str]:
    """Problems that make a catalog unusable for predictions, as readable sentences (empty = fine)."""
    problems: list[str] = []
    names = catalog["platform"].fillna("").astype(str).str.strip()
    if (names == "").any():
        problems.append("every platform needs a name")
    devices = device_name(names, catalog["op_mode"].fillna(""))
    dupes = sorted(set(devices[devices.duplicated()]) - {""})
    if dupes:
        problems.append(f"duplicate platform names: {echo_list(dupes)}")
    bandwidth = pd.to_numeric(catalog["bandwidth_gbps"], errors="coerce")
    bad_bw = names[~(bandwidth > 0) | ~(bandwidth <= MAX_BANDWIDTH_GBPS)]
    if len(bad_bw):
        problems.append(
            f"bandwidth must be a number above 0 and at most {MAX_BANDWIDTH_GBPS:g} GB/s "
            f"({echo_list(bad_bw)})"
        )
    peaks = catalog[list(PEAK_COLUMNS.values())].apply(pd.to_numeric, errors="coerce")
    raw = catalog[list(PEAK_COLUMNS.values())]
    non_numeric = raw.notna() & (raw.astype(str).apply(lambda c: c.str.strip()) != "") & peaks.isna()
    bad_peak = (peaks <= 0) | (peaks > MAX_PEAK_TOPS) | non_numeric
    if bad_peak.any(axis=None):
        problems.append(
            f"peak TOP/s must be a number above 0 and at most {MAX_PEAK_TOPS:g} "
            f"({echo_list(names[bad_peak.any(axis=1)])}); leave a precision empty if not supported"
        )
    no_peak = names[peaks.isna().all(axis=1)]
    if len(no_peak):
        problems.append(f"at least one precision needs a peak TOP/s ({echo_list(no_peak)})")
    optional = (("power_w", "power (W)"), ("on_chip_mb", "on-chip memory (MB)"), ("memory_gb", "memory (GB)"))
    for column, label in optional:
        given = catalog[column].notna() & (catalog[column].astype(str).str.strip() != "")
        value = pd.to_numeric(catalog[column], errors="coerce")
        bad = names[given & ~((value > 0) & np.isfinite(value))]
        if len(bad):
            problems.append(f"{label} must be a number above 0 where given ({echo_list(bad)})")
    bad_style = names[~catalog["execution"].isin(EXECUTION_STYLES)]
    if len(bad_style):
        problems.append(f"execution must be one of {', '.join(EXECUTION_STYLES)} ({echo_list(bad_style)})")
    return problems


def catalog_long(catalog: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per platform x op mode x natively supported precision, with ridge point.

    The ridge point is :func:`qb_core.roofline_formulas.ridge_ops_per_byte`, the intensity above which the
    platform is compute-bound.
    """
    catalog = default_catalog() if catalog is None else catalog
    id_cols = ["platform", "op_mode", "device", "family", "bandwidth_gbps", "power_w", "on_chip_mb", "execution",
               "toolflow", "_row"]
    long = catalog.assign(_row=np.arange(len(catalog))).melt(id_vars=id_cols, value_vars=list(PEAK_COLUMNS.values()),
                        var_name="precision", value_name="peak_tops")
    long["peak_tops"] = pd.to_numeric(long["peak_tops"], errors="coerce")
    long["bandwidth_gbps"] = pd.to_numeric(long["bandwidth_gbps"], errors="coerce")
    long = long[long["peak_tops"] > 0].copy()
    long["precision"] = long["precision"].map(PEAK_PRECISIONS)
    long["_order"] = long["precision"].map(PRECISION_RANK)
    long["ridge_ops_per_byte"] = ridge_ops_per_byte(long["peak_tops"], long["bandwidth_gbps"])
    long = long.sort_values(["_row", "_order"], kind="stable")
    return long.drop(columns=["_order", "_row"]).reset_index(drop=True)

"""What-if hardware: global scales, per-platform overrides and the user's own platforms.

All functions return new tables and validate their input with readable messages, so the app can
refuse a bad value and keep the previous state. Nothing here knows about sessions or URLs beyond
turning a small table into text and back.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from qb_core.hardware import (
    CATALOG_COLUMNS,
    MAX_BANDWIDTH_GBPS,
    MAX_PEAK_TOPS,
    PEAK_COLUMNS,
    catalog_long,
    device_name,
    load_catalog,
    validate_catalog,
)
from qb_core.roofline import scale_catalog

#: Global scale range offered to users (the CLI accepts any positive number).
SCALE_MIN, SCALE_MAX = 0.1, 10.0
#: At most this many user platforms are carried in a shareable link.
MAX_CUSTOM_PLATFORMS = 12
#: Fields a per-platform override may set (absolute values).
OVERRIDE_FIELDS: tuple[str, ...] = ("bandwidth_gbps", *PEAK_COLUMNS.values())
#: Columns a user's platform is described by (the rest of the catalog schema is filled in).
CUSTOM_COLUMNS: tuple[str, ...] = ("platform", "family", "bandwidth_gbps", *PEAK_COLUMNS.values(), "power_w")


#: Round, roughly log-spaced stops per decade (2x, 4x, 5x are all exact).
NICE_STEPS: tuple[float, ...] = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)


def log_scale_steps(low: float = SCALE_MIN, high: float = SCALE_MAX) -> list[float]:
    """Slider stops from ``low`` to ``high``: :data:`NICE_STEPS` in every decade, 1.0 included."""
    decades = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
    stops = sorted({round(step * 10.0**d, 6) for d in decades for step in NICE_STEPS})
    return [s for s in stops if low <= s <= high]


def check_number(value: object, label: str, upper: float, allow_empty: bool = False) -> float | None:
    """``value`` as a float in (0, upper], else ValueError naming ``label``; '' or None may mean 'empty'."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        if allow_empty:
            return None
        raise ValueError(f"{label} is required")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{label} must be a number, got {value!r}") from None
    if not math.isfinite(number) or number <= 0 or number > upper:
        raise ValueError(f"{label} must be above 0 and at most {upper:g}, got {value!r}")
    return number


def custom_catalog(platforms: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """Users' platforms (dicts with :data:`CUSTOM_COLUMNS`) as catalog rows, validated.

    Raises ValueError with every problem in one message; peaks left empty mean 'not supported'.
    """
    rows = []
    for index, given in enumerate(platforms, start=1):
        name = str(given.get("platform") or "").strip()
        label = name or f"platform {index}"
        if not name:
            raise ValueError(f"{label}: every platform needs a name")
        row: dict[str, object] = {"platform": name, "family": str(given.get("family") or "Other").strip() or "Other"}
        row["bandwidth_gbps"] = check_number(given.get("bandwidth_gbps"), f"{label}: bandwidth (GB/s)",
                                             MAX_BANDWIDTH_GBPS)
        for precision, column in PEAK_COLUMNS.items():
            row[column] = check_number(given.get(column), f"{label}: peak {precision} (TOP/s)", MAX_PEAK_TOPS,
                                       allow_empty=True)
        if all(row[c] is None for c in PEAK_COLUMNS.values()):
            raise ValueError(f"{label}: give the peak TOP/s of at least one precision")
        row["power_w"] = check_number(given.get("power_w"), f"{label}: power (W)", 1e5, allow_empty=True)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(CUSTOM_COLUMNS))
    for column in CATALOG_COLUMNS:
        if column not in frame.columns:
            frame[column] = "" if column in ("op_mode", "vendor", "toolflow", "aliases") else np.nan
    frame["source"] = "user"
    frame = frame[list(CATALOG_COLUMNS)].astype({c: float for c in (*OVERRIDE_FIELDS, "power_w", "memory_gb")})
    frame["device"] = device_name(frame["platform"], frame["op_mode"])
    return frame


def combined_catalog(base: pd.DataFrame, custom: pd.DataFrame | None) -> pd.DataFrame:
    """The bundled catalog plus users' platforms; names must stay unique (ValueError otherwise)."""
    if custom is None or custom.empty:
        return base
    taken = set(base["device"]) | set(base["platform"])
    clashes = sorted(set(custom["platform"]) & taken)
    if clashes:
        raise ValueError(f"a platform named {', '.join(clashes)} exists already: choose another name")
    combined = pd.concat([base, custom], ignore_index=True)
    problems = validate_catalog(combined)
    if problems:
        raise ValueError("; ".join(problems))
    return combined


def checked_overrides(overrides: Mapping[str, Mapping[str, object]],
                      devices: Sequence[str]) -> dict[str, dict[str, float]]:
    """Overrides with known devices, known fields and sane numbers; ValueError naming the first
    problem otherwise."""
    unknown = sorted(set(overrides) - set(devices))
    if unknown:
        raise ValueError(f"no platform named {', '.join(unknown)} to override")
    checked: dict[str, dict[str, float]] = {}
    for device, fields in overrides.items():
        for field, value in fields.items():
            if field not in OVERRIDE_FIELDS:
                raise ValueError(f"{field!r} cannot be overridden")
            upper = MAX_BANDWIDTH_GBPS if field == "bandwidth_gbps" else MAX_PEAK_TOPS
            checked.setdefault(device, {})[field] = check_number(value, f"{device} {field}", upper)
    return checked


def apply_overrides(long: pd.DataFrame, overrides: Mapping[str, Mapping[str, float]]) -> pd.DataFrame:
    """Set absolute bandwidth / peak figures per device (``{"TX2-maxp": {"bandwidth_gbps": 120}}``).

    A peak override only changes a precision the device supports; unknown devices raise ValueError.
    """
    out = long.copy()
    for device, fields in checked_overrides(overrides, list(out["device"])).items():
        rows = out["device"] == device
        for field, number in fields.items():
            if field == "bandwidth_gbps":
                out.loc[rows, "bandwidth_gbps"] = number
            else:
                precision = field.removeprefix("peak_tops_").upper()
                out.loc[rows & (out["precision"] == precision), "peak_tops"] = number
    out["ridge_ops_per_byte"] = 1000.0 * out["peak_tops"] / out["bandwidth_gbps"]
    return out


def whatif_hardware(base: pd.DataFrame, custom: pd.DataFrame | None = None, bandwidth_scale: float = 1.0,
                    peak_scale: float = 1.0, overrides: Mapping[str, Mapping[str, float]] | None = None,
                    ) -> pd.DataFrame:
    """Long what-if catalog: bundled + custom platforms, scaled globally, then overridden.

    Notes
    -----
    Scales multiply every platform's bandwidth and peaks (users' platforms too); an override is
    an absolute figure and wins over the scale for the field it sets.
    """
    long = catalog_long(combined_catalog(base, custom))
    long = scale_catalog(long, bandwidth_scale, peak_scale)
    return apply_overrides(long, overrides or {})


def compare(original: pd.DataFrame, changed: pd.DataFrame) -> pd.DataFrame:
    """What-if predictions beside the original: ``ratio`` (what-if / original inputs/s) and
    ``bound_flipped``. Rows only in the what-if (users' platforms) get ratio NaN and ``new``."""
    keys = ["device", "precision", "topology", "pruning_pct"]
    before = original[keys + ["inputs_per_s", "bound"]].rename(
        columns={"inputs_per_s": "original_inputs_per_s", "bound": "original_bound"})
    merged = changed.merge(before, on=keys, how="left")
    merged["new"] = merged["original_inputs_per_s"].isna()
    merged["ratio"] = merged["inputs_per_s"] / merged["original_inputs_per_s"]
    merged["bound_flipped"] = ~merged["new"] & (merged["bound"].astype(str) != merged["original_bound"].astype(str))
    return merged


def platforms_to_csv(custom: pd.DataFrame) -> str:
    """Users' platforms as CSV in the catalog's column names (importable again)."""
    return custom[list(CUSTOM_COLUMNS)].to_csv(index=False)


def platforms_from_csv(data: bytes | str) -> pd.DataFrame:
    """Read users' platforms from CSV (the export above or ``data/hardware.csv``'s schema)."""
    raw = data.encode() if isinstance(data, str) else data
    catalog = load_catalog(io.BytesIO(raw))
    if catalog.empty:
        raise ValueError("the platforms file has no rows")
    if catalog["op_mode"].ne("").any():
        catalog["platform"] = catalog["device"]
    records = catalog.astype(object).where(catalog.notna(), None).to_dict("records")
    return custom_catalog(records)


def platforms_to_text(custom: pd.DataFrame) -> str:
    """Compact JSON for a URL: ``[[name, family, GB/s, power, {precision: TOP/s}], ...]``."""
    items = []
    for row in custom.itertuples(index=False):
        peaks = {p: getattr(row, c) for p, c in PEAK_COLUMNS.items() if pd.notna(getattr(row, c))}
        power = None if pd.isna(row.power_w) else row.power_w
        items.append([row.platform, row.family, row.bandwidth_gbps, power, peaks])
    return json.dumps(items, separators=(",", ":"))


def platforms_from_text(text: str) -> pd.DataFrame:
    """Inverse of :func:`platforms_to_text`; ValueError with a clear message on anything malformed."""
    try:
        items = json.loads(text)
    except (TypeError, ValueError):
        raise ValueError("the link's platform list is not readable") from None
    if not isinstance(items, list) or len(items) > MAX_CUSTOM_PLATFORMS:
        raise ValueError(f"the link's platform list must be a list of at most {MAX_CUSTOM_PLATFORMS} platforms")
    records = []
    for item in items:
        if not (isinstance(item, list) and len(item) == 5 and isinstance(item[4], dict)):
            raise ValueError("the link's platform list is not in the expected form")
        name, family, bandwidth, power, peaks = item
        unknown = set(peaks) - set(PEAK_COLUMNS)
        if unknown:
            raise ValueError(f"unknown precision {', '.join(map(str, unknown))} in the link")
        records.append({"platform": name, "family": family, "bandwidth_gbps": bandwidth, "power_w": power,
                        **{PEAK_COLUMNS[p]: v for p, v in peaks.items()}})
    return custom_catalog(records)


def overrides_to_text(overrides: Mapping[str, Mapping[str, float]]) -> str:
    return json.dumps(overrides, separators=(",", ":"), sort_keys=True)


def overrides_from_text(text: str, devices: Sequence[str]) -> dict[str, dict[str, float]]:
    """Parse and validate overrides from a link: known devices, known fields, sane numbers."""
    try:
        raw = json.loads(text)
    except (TypeError, ValueError):
        raise ValueError("the link's overrides are not readable") from None
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise ValueError("the link's overrides are not in the expected form")
    return checked_overrides(raw, devices)

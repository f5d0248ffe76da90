"""What-if hardware: global scales, per-platform overrides and the user's own platforms.

All functions return new tables and validate their input with readable messages, so the app can
refuse a bad value and keep the previous state. Nothing here knows about sessions or URLs (a link's
text forms are :mod:`qb_core.links`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from qb_core.csv_io import echo_list, echo_value, to_csv_safe
from qb_core.hardware.catalog import (
    CATALOG_COLUMNS,
    CATALOG_NUMBER_COLUMNS,
    CATALOG_TEXT_COLUMNS,
    EXECUTION_STYLES,
    FAMILIES,
    MAX_BANDWIDTH_GBPS,
    MAX_PEAK_TOPS,
    PEAK_COLUMNS,
    PEAK_PRECISIONS,
    device_name,
    load_catalog,
    validate_catalog,
)
from qb_core.question import NO_OVERRIDES, NO_PLATFORMS, HardwareWhatIf, Storage
from qb_core.roofline_formulas import ridge_ops_per_byte
from qb_core.vocabulary import CONFIG_KEYS

#: Global scale range offered to users (the CLI accepts any positive number).
SCALE_MIN, SCALE_MAX = 0.1, 10.0
#: At most this many user platforms are carried in a shareable link.
MAX_CUSTOM_PLATFORMS = 12
#: Fields a per-platform override may set (absolute values).
OVERRIDE_FIELDS: tuple[str, ...] = ("bandwidth_gbps", *PEAK_COLUMNS.values())
#: Columns a user's platform is described by (the rest of the catalog schema is filled in).
CUSTOM_COLUMNS: tuple[str, ...] = ("platform", "family", "bandwidth_gbps", *PEAK_COLUMNS.values(), "power_w",
                                   "on_chip_mb", "execution")
#: Longest name a user's platform may have.
MAX_NAME_CHARS = 60
#: Upper sanity bounds of a user's optional figures (W, MB).
MAX_POWER_W = 1e5
MAX_ON_CHIP_MB = 1e6


@dataclass(frozen=True)
class WhatIf:
    """One session's what-if settings: hashable, so cached functions can key on them.

    The defaults are the datasheet and QuTiBench's storage assumption (weights read off chip by
    every input, activations on chip). ``batch`` is N of "weights once per batch of N" (1 otherwise).
    """

    bandwidth_scale: float = 1.0
    peak_scale: float = 1.0
    weights: str = "off-chip"
    batch: int = 1
    activations: str = "on-chip"
    width_pct: float | None = None
    overrides_text: str = NO_OVERRIDES
    custom_text: str = NO_PLATFORMS

    @property
    def hardware(self) -> HardwareWhatIf:
        """The part that changes the catalog (scales, overrides, own platforms), as one value."""
        return HardwareWhatIf(self.bandwidth_scale, self.peak_scale, self.overrides_text, self.custom_text)

    @property
    def storage(self) -> Storage:
        """The storage assumption, as one value."""
        return Storage(self.weights, self.batch, self.activations)

    @property
    def overrides(self) -> dict[str, dict[str, float]]:
        """The per-platform overrides (device -> field -> absolute figure)."""
        return json.loads(self.overrides_text)

    @property
    def hardware_changed(self) -> bool:
        """True when any platform's figures differ from the datasheet (scales or overrides)."""
        default = WhatIf()
        return (self.bandwidth_scale, self.peak_scale, self.overrides_text) != (
            default.bandwidth_scale, default.peak_scale, default.overrides_text)

    def changed_devices(self, devices: pd.Series) -> frozenset[str]:
        """Which of ``devices`` carry what-if figures: every one under a scale, else the overridden ones."""
        if (self.bandwidth_scale, self.peak_scale) != (1.0, 1.0):
            return frozenset(devices.astype(str))
        return frozenset(self.overrides)

    @property
    def storage_changed(self) -> bool:
        default = WhatIf()
        return (self.weights, self.batch, self.activations) != (default.weights, default.batch, default.activations)

    @property
    def active(self) -> bool:
        """True when anything differs from the datasheet and QuTiBench's assumption."""
        return (self.hardware_changed or self.storage_changed or self.width_pct is not None
                or self.custom_text != NO_PLATFORMS)

    @property
    def width_scales(self) -> tuple[float, ...]:
        return () if self.width_pct is None else (self.width_pct / 100.0,)

    def file_suffix(self) -> str:
        """The settings in a download's file name (empty at the defaults): ``_bw2x_weights-per-batch-N8``;
        overrides and own platforms are named by their count."""
        default = WhatIf()
        batch = f"-N{self.batch}" if self.weights == "per-batch" else ""
        parts = [
            (self.bandwidth_scale != default.bandwidth_scale, f"bw{self.bandwidth_scale:g}x"),
            (self.peak_scale != default.peak_scale, f"peak{self.peak_scale:g}x"),
            (self.weights != default.weights, f"weights-{self.weights}{batch}"),
            (self.activations != default.activations, f"activations-{self.activations}"),
            (self.width_pct is not None, f"cnv{self.width_pct or 0:g}pct"),
            (self.overrides_text != NO_OVERRIDES, f"{len(json.loads(self.overrides_text))}-overrides"),
            (self.custom_text != NO_PLATFORMS, f"{len(json.loads(self.custom_text))}-own-platforms"),
        ]
        return "".join(f"_{text}" for changed, text in parts if changed)


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
        raise ValueError(f"{label} must be a number, got {echo_value(str(value))}") from None
    if not math.isfinite(number) or number <= 0 or number > upper:
        raise ValueError(f"{label} must be above 0 and at most {upper:g}, got {echo_value(str(value))}")
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
        if len(name) > MAX_NAME_CHARS or any(ord(c) < 32 for c in name):
            raise ValueError(f"{echo_value(name)}: a platform name is at most {MAX_NAME_CHARS} characters, on one line")
        family = str(given.get("family") or "Other").strip() or "Other"
        if family not in FAMILIES:
            raise ValueError(f"{label}: family must be one of {', '.join(FAMILIES)}, got {echo_value(family)}")
        row: dict[str, object] = {"platform": name, "family": family}
        row["bandwidth_gbps"] = check_number(given.get("bandwidth_gbps"), f"{label}: bandwidth (GB/s)",
                                             MAX_BANDWIDTH_GBPS)
        for precision, column in PEAK_COLUMNS.items():
            row[column] = check_number(given.get(column), f"{label}: peak {precision} (TOP/s)", MAX_PEAK_TOPS,
                                       allow_empty=True)
        if all(row[c] is None for c in PEAK_COLUMNS.values()):
            raise ValueError(f"{label}: give the peak TOP/s of at least one precision")
        row["power_w"] = check_number(given.get("power_w"), f"{label}: power (W)", MAX_POWER_W, allow_empty=True)
        row["on_chip_mb"] = check_number(given.get("on_chip_mb"), f"{label}: on-chip memory (MB)", MAX_ON_CHIP_MB,
                                         allow_empty=True)
        execution = str(given.get("execution") or EXECUTION_STYLES[0]).strip()
        if execution not in EXECUTION_STYLES:
            raise ValueError(f"{label}: execution must be one of {', '.join(EXECUTION_STYLES)}")
        row["execution"] = execution
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(CUSTOM_COLUMNS))
    for column in CATALOG_COLUMNS:
        if column not in frame.columns:
            frame[column] = "" if column in CATALOG_TEXT_COLUMNS else np.nan
    frame["source"] = "user"
    frame = frame[list(CATALOG_COLUMNS)].astype(dict.fromkeys(CATALOG_NUMBER_COLUMNS, float))
    frame["device"] = device_name(frame["platform"], frame["op_mode"])
    return frame


def combined_catalog(base: pd.DataFrame, custom: pd.DataFrame | None) -> pd.DataFrame:
    """The bundled catalog plus users' platforms; names must stay unique (ValueError otherwise)."""
    if custom is None or custom.empty:
        return base
    taken = set(base["device"]) | set(base["platform"])
    clashes = sorted(set(custom["platform"]) & taken)
    if clashes:
        raise ValueError(f"a platform named {echo_list(clashes)} exists already: choose another name")
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
        raise ValueError(f"no platform named {echo_list(unknown)} to override")
    checked: dict[str, dict[str, float]] = {}
    for device, fields in overrides.items():
        for field, value in fields.items():
            if field not in OVERRIDE_FIELDS:
                raise ValueError(f"{echo_value(str(field))} cannot be overridden")
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
                out.loc[rows & (out["precision"] == PEAK_PRECISIONS[field]), "peak_tops"] = number
    out["ridge_ops_per_byte"] = ridge_ops_per_byte(out["peak_tops"], out["bandwidth_gbps"])
    return out


def _scaled(hardware: pd.DataFrame, bandwidth_scale: float, peak_scale: float) -> pd.DataFrame:
    """Every platform's bandwidth and peak multiplied (scales checked above 0 by :class:`HardwareWhatIf`)."""
    out = hardware.copy()
    out["bandwidth_gbps"] = out["bandwidth_gbps"] * bandwidth_scale
    out["peak_tops"] = out["peak_tops"] * peak_scale
    out["ridge_ops_per_byte"] = ridge_ops_per_byte(out["peak_tops"], out["bandwidth_gbps"])
    return out


def apply_whatif(datasheet_long: pd.DataFrame, hardware: HardwareWhatIf) -> pd.DataFrame:
    """The what-if rule, in one place: a long catalog (own platforms already in it) with every
    platform scaled, then the absolute overrides applied (an override wins over the scale for the
    field it sets). The scales travel here as one value, from the sidebar and the command line alike."""
    return apply_overrides(_scaled(datasheet_long, hardware.bandwidth_scale, hardware.peak_scale),
                           json.loads(hardware.overrides_text))


def device_figures(long: pd.DataFrame, device: str) -> dict[str, float]:
    """A device's overridable figures as ``{field: value}``: bandwidth and its native peaks."""
    rows = long[long["device"] == device]
    if rows.empty:
        raise ValueError(f"no platform named {device}")
    figures = {"bandwidth_gbps": float(rows["bandwidth_gbps"].iloc[0])}
    return figures | {PEAK_COLUMNS[p]: float(v) for p, v in zip(rows["precision"], rows["peak_tops"], strict=True)}


def changed_figures(datasheet: Mapping[str, float], entered: Mapping[str, float],
                    rel_tolerance: float = 1e-12) -> dict[str, float]:
    """The entered figures that differ from the datasheet's (beyond rounding): what an override keeps."""
    return {field: value for field, value in entered.items()
            if abs(value - datasheet[field]) > rel_tolerance * max(1.0, abs(datasheet[field]))}


def compare(original: pd.DataFrame, changed: pd.DataFrame) -> pd.DataFrame:
    """What-if predictions beside the original: ``ratio`` (what-if / original inputs/s) and
    ``bound_flipped``. Rows only in the what-if (users' platforms) get ratio NaN and ``new``."""
    keys = list(CONFIG_KEYS)
    before = original[keys + ["inputs_per_s", "bound"]].rename(
        columns={"inputs_per_s": "original_inputs_per_s", "bound": "original_bound"})
    merged = changed.merge(before, on=keys, how="left")
    merged["new"] = merged["original_inputs_per_s"].isna()
    merged["ratio"] = merged["inputs_per_s"] / merged["original_inputs_per_s"]
    merged["bound_flipped"] = ~merged["new"] & (merged["bound"].astype(str) != merged["original_bound"].astype(str))
    return merged


def platforms_to_csv(custom: pd.DataFrame) -> str:
    """Users' platforms as CSV in the catalog's column names (importable again), text cells escaped
    against formula injection."""
    return to_csv_safe(custom[list(CUSTOM_COLUMNS)])


def platforms_from_csv(data: bytes | str, name: str = "platforms file") -> pd.DataFrame:
    """Read users' platforms from CSV (the export above or ``data/hardware.csv``'s schema)."""
    raw = data.encode() if isinstance(data, str) else data
    catalog = load_catalog(raw, name)
    if catalog.empty:
        raise ValueError(f"{name}: the file has no platform rows")
    if catalog["op_mode"].ne("").any():
        catalog["platform"] = catalog["device"]
    records = catalog.astype(object).where(catalog.notna(), None).to_dict("records")
    return custom_catalog(records)


def snap_to_stop(multiple: float, stops: Sequence[float]) -> float:
    """The what-if slider stop that reaches ``multiple``: the smallest stop at or above it (the
    largest stop when none is), and 1 (the datasheet) when no growth is needed.

    >>> snap_to_stop(2.41, (1.0, 1.5, 2.0, 2.5, 3.0))
    2.5
    >>> snap_to_stop(0.4, (1.0, 2.0))
    1.0
    """
    if not multiple > 1:
        return 1.0
    return next((s for s in sorted(stops) if s >= multiple - 1e-9), max(stops))


def merged_override(overrides: Mapping[str, Mapping[str, float]], device: str, peak_field: str,
                    needed: tuple[float, float], today: tuple[float, float]) -> dict[str, dict[str, float]]:
    """``overrides`` with ``device`` set to what a target needs (``needed`` = (GB/s, TOP/s)), never
    below its figures ``today`` (a target already met keeps the datasheet); other devices and
    other fields of the device untouched. An unknown bandwidth need (NaN) leaves the bandwidth."""
    (needed_gbps, needed_tops), (bandwidth_gbps, peak_tops) = needed, today
    merged = {name: dict(fields) for name, fields in overrides.items()}
    figures = merged.setdefault(device, {})
    if np.isfinite(needed_gbps) and needed_gbps > 0:
        figures["bandwidth_gbps"] = max(needed_gbps, bandwidth_gbps)
    figures[peak_field] = max(needed_tops, peak_tops)
    return merged

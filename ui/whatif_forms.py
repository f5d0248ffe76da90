"""The What-if hardware page's form callbacks: each validates what was typed, then changes this
session's overrides or platforms, or changes nothing and says why (:mod:`ui.messages`)."""

from __future__ import annotations

import streamlit as st

from qb_core.hardware.catalog import PEAK_COLUMNS
from qb_core.hardware.whatif import changed_figures, checked_overrides, platforms_from_csv
from ui import messages, whatif_state
from ui.safe import literal

SCOPE = "whatif"
NEW = "New platform"


def _fail(message: str) -> None:
    messages.flash(SCOPE, "error", message)


def _done(message: str) -> None:
    messages.flash(SCOPE, "success", message)


def override_key(field: str, device: str) -> str:
    return f"ovr_{field}_{device}"


def apply_override(device: str, datasheet: dict[str, float]) -> None:
    """Keep the figures that differ from the platform's own; refuse the whole form on any bad value."""
    entered = {field: st.session_state.get(override_key(field, device)) for field in datasheet}
    try:
        checked = checked_overrides({device: entered}, [device])[device]
    except ValueError as exc:
        _fail(f"Override not applied: {literal(exc, 300)}. Nothing was changed.")
        return
    changed = changed_figures(datasheet, checked)
    overrides = dict(whatif_state.overrides())
    if changed:
        overrides[device] = changed
    else:
        overrides.pop(device, None)
    whatif_state.set_overrides(overrides)
    _done(f"{literal(device)}: {len(changed)} figure(s) overridden." if changed
          else f"{literal(device)}: back to its datasheet.")


def remove_override(device: str) -> None:
    overrides = dict(whatif_state.overrides())
    overrides.pop(device, None)
    whatif_state.set_overrides(overrides)


def own_key(field: str, target: str) -> str:
    return f"own_{field}_{target}"


def save_platform(target: str) -> None:
    """Add or replace one of the user's platforms from the form; nothing changes on a bad value."""
    state = st.session_state
    fields = ("family", "bandwidth_gbps", "power_w", "on_chip_mb", "execution", *PEAK_COLUMNS.values())
    record = {"platform": (state.get(own_key("platform", target)) or "").strip()}
    record |= {field: state.get(own_key(field, target)) for field in fields}
    kept = [r for r in whatif_state.custom_records() if r["platform"] != target] if target != NEW \
        else list(whatif_state.custom_records())
    overrides = dict(whatif_state.overrides())  # read before the rename, which would drop the old name's
    try:
        whatif_state.set_custom_records([*kept, record])
    except ValueError as exc:
        _fail(f"Platform not saved: {literal(exc, 300)}. Nothing was changed.")
        return
    if target != NEW and target != record["platform"] and target in overrides:  # a rename keeps its override
        overrides[record["platform"]] = overrides.pop(target)
        whatif_state.set_overrides(overrides)
    _done(f"{literal(record['platform'])} saved: it is on every theory page.")


def remove_platform(name: str) -> None:
    whatif_state.set_custom_records([r for r in whatif_state.custom_records() if r["platform"] != name])
    remove_override(name)
    st.session_state["own_target"] = NEW


def read_platforms(file_name: str, content) -> list[dict]:
    """The platforms of a CSV (the export's or ``data/hardware.csv``'s columns), changing nothing."""
    return whatif_state.records_of(platforms_from_csv(bytes(content), name=file_name))


def import_platforms(pending) -> str:
    """Add the platforms read from a file (an :class:`ui.upload_slot.Pending`) to this session's."""
    whatif_state.set_custom_records([*whatif_state.custom_records(), *pending.result])
    return f"{len(pending.result)} platform(s) imported."

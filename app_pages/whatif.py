"""What-if hardware: override a platform's datasheet figures, or describe a platform of your own."""

import pandas as pd
import streamlit as st

from qb_core.hardware import FAMILIES, PEAK_COLUMNS
from qb_core.whatif import checked_overrides, platforms_from_csv, platforms_to_csv
from ui import data, messages, whatif

st.title("What-if hardware")
st.markdown(
    "What if this board had twice the bandwidth, or you could build your own? Override a platform's "
    "bandwidth and peak TOP/s with absolute figures, or add platforms of your own: both appear on the "
    "Rooflines and Prediction pages, next to the global scales and storage assumptions in the sidebar. "
    "They stay in your session and in the page address (copy it to share the view); nothing is stored "
    "on the server."
)

messages.show("whatif")


def _fail(message: str) -> None:
    messages.flash("whatif", "error", message)


def _done(message: str) -> None:
    messages.flash("whatif", "success", message)


# --- per-platform overrides ---
def _apply_override(device: str, fields: dict[str, float]) -> None:
    """Store the figures that differ from the platform's own; refuse the whole form on any bad value."""
    entered = {field: st.session_state.get(f"ovr_{field}_{device}") for field in fields}
    try:
        checked = checked_overrides({device: entered}, [device])[device]
    except ValueError as exc:
        _fail(f"Override not applied: {exc}. Nothing was changed.")
        return
    changed = {f: v for f, v in checked.items() if abs(v - fields[f]) > 1e-12 * max(1.0, fields[f])}
    overrides = dict(whatif.overrides())
    if changed:
        overrides[device] = changed
    else:
        overrides.pop(device, None)
    st.session_state["overrides"] = overrides
    _done(f"{device}: {len(changed)} figure(s) overridden." if changed else f"{device}: back to its datasheet.")


def _remove_override(device: str) -> None:
    overrides = dict(whatif.overrides())
    overrides.pop(device, None)
    st.session_state["overrides"] = overrides


st.header("Override a platform")
datasheet = data.whatif_hardware_long(whatif.current().custom_text, "{}", 1.0, 1.0)
device = st.selectbox("Platform", list(dict.fromkeys(datasheet["device"])), key="ovr_device")
rows = datasheet[datasheet["device"] == device]
fields = {"bandwidth_gbps": float(rows["bandwidth_gbps"].iloc[0])}
fields |= {PEAK_COLUMNS[p]: float(v) for p, v in zip(rows["precision"], rows["peak_tops"], strict=True)}
current_override = whatif.overrides().get(device, {})
with st.form(f"override_{device}"):
    columns = st.columns(len(fields))
    for column, (field, original) in zip(columns, fields.items(), strict=True):
        label = "Bandwidth (GB/s)" if field == "bandwidth_gbps" else f"Peak {field[10:].upper()} (TOP/s)"
        column.number_input(label, value=float(current_override.get(field, original)), format="%.4g",
                            key=f"ovr_{field}_{device}", help=f"Datasheet: {original:g}")
    st.form_submit_button("Apply override", on_click=_apply_override, args=(device, fields))

if whatif.overrides():
    table = pd.DataFrame([{"platform": d, "figure": f, "value": v} for d, fs in whatif.overrides().items()
                          for f, v in fs.items()])
    st.dataframe(table, hide_index=True)
    left, right = st.columns([3, 1])
    target = left.selectbox("Remove the override of", list(whatif.overrides()), key="ovr_remove")
    right.button("Remove", on_click=_remove_override, args=(target,), key="ovr_remove_button")


# --- the user's own platforms ---
NEW = "New platform"


def _save_platform(target: str) -> None:
    state = st.session_state
    record = {"platform": (state.get(f"own_name_{target}") or "").strip(), "family": state.get(f"own_family_{target}"),
              "bandwidth_gbps": state.get(f"own_bw_{target}"), "power_w": state.get(f"own_power_{target}")}
    record |= {column: state.get(f"own_{column}_{target}") for column in PEAK_COLUMNS.values()}
    records = [r for r in whatif.custom_records() if r["platform"] != target] if target != NEW \
        else list(whatif.custom_records())
    try:
        whatif.set_custom_records([*records, record])
    except ValueError as exc:
        _fail(f"Platform not saved: {exc}. Nothing was changed.")
        return
    _done(f"{record['platform']} saved: it is on the Rooflines and Prediction pages.")


def _remove_platform(name: str) -> None:
    whatif.set_custom_records([r for r in whatif.custom_records() if r["platform"] != name])
    overrides = dict(whatif.overrides())
    overrides.pop(name, None)
    st.session_state["overrides"] = overrides
    st.session_state["own_target"] = NEW


def _import_platforms() -> None:
    upload = st.session_state.get("own_upload")
    if upload is None:
        _fail("Choose a CSV file first.")
        return
    try:
        imported = whatif.records_of(platforms_from_csv(upload.getvalue()))
        whatif.set_custom_records([*whatif.custom_records(), *imported])
    except ValueError as exc:
        _fail(f"File not imported: {exc}. Nothing was changed.")
        return
    _done(f"{len(imported)} platform(s) imported.")


st.header("Your own platforms")
own = whatif.custom_frame()
if own is not None:
    shown = own[["platform", "family", "bandwidth_gbps", *PEAK_COLUMNS.values(), "power_w"]]
    st.dataframe(shown, hide_index=True)
names = [] if own is None else list(own["platform"])
target = st.selectbox("Add or edit", [NEW, *names], key="own_target")
existing = next((r for r in whatif.custom_records() if r["platform"] == target), {})
with st.form(f"own_{target}"):
    first, second, third, fourth = st.columns(4)
    first.text_input("Name", value=existing.get("platform", ""), key=f"own_name_{target}")
    family = existing.get("family") or "FPGA"
    second.selectbox("Family", FAMILIES, index=FAMILIES.index(family) if family in FAMILIES else 0,
                     key=f"own_family_{target}")
    third.number_input("Bandwidth (GB/s)", value=existing.get("bandwidth_gbps"), format="%.4g", key=f"own_bw_{target}")
    fourth.number_input("Power (W), optional", value=existing.get("power_w"), format="%.4g", key=f"own_power_{target}")
    st.caption("Peak TOP/s per precision: leave empty where the platform has no native support.")
    for column, (precision, field) in zip(st.columns(len(PEAK_COLUMNS)), PEAK_COLUMNS.items(), strict=True):
        column.number_input(precision, value=existing.get(field), format="%.4g", key=f"own_{field}_{target}")
    st.form_submit_button("Save platform", on_click=_save_platform, args=(target,))
if target != NEW:
    st.button(f"Remove {target}", on_click=_remove_platform, args=(target,))

left, right = st.columns(2)
with left:
    st.download_button("Export your platforms (CSV)", "" if own is None else platforms_to_csv(own),
                       "my_platforms.csv", "text/csv", disabled=own is None)
with right:
    st.file_uploader("Import platforms (CSV in the export's or data/hardware.csv's columns)", type=["csv"],
                     key="own_upload")
    st.button("Add platforms from the file", on_click=_import_platforms)

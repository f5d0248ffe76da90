"""What-if hardware: override a platform's datasheet figures, or describe a platform of your own."""

import pandas as pd
import streamlit as st

from qb_core.hardware.catalog import EXECUTION_STYLES, FAMILIES, PEAK_COLUMNS, PEAK_PRECISIONS
from qb_core.hardware.whatif import CUSTOM_COLUMNS, platforms_to_csv
from qb_core.labels import title
from ui import cache, messages, state, upload_slot, whatif_forms, whatif_state
from ui.safe import cell_text, download_csv

PLATFORM_UPLOAD_MB = 2

st.title("What-if hardware")
st.markdown(
    "What if this board had twice the bandwidth, or you could build your own? Override a platform's "
    "bandwidth and peak TOP/s with absolute figures, or add platforms of your own: both appear on every "
    "theory page, beside the global scales and storage assumptions in the sidebar. They stay in your "
    "session and in the page address (copy it to share the view); nothing is stored on the server."
)
with st.container():  # one slot whatever it holds, so the widgets below keep their place between runs
    messages.show(whatif_forms.SCOPE)

# --- per-platform overrides ---
st.header("Override a platform")
figures_by_device = cache.datasheet_figures(state.current().whatif.custom_text)
device = st.selectbox("Platform", list(figures_by_device), key="ovr_device")
figures = figures_by_device[device]
current = whatif_state.overrides().get(device, {})
with st.form(f"override_{device}"):
    for column, (field, original) in zip(st.columns(len(figures)), figures.items(), strict=True):
        label = title("bandwidth_gbps") if field == "bandwidth_gbps" else f"Peak {PEAK_PRECISIONS[field]} (TOP/s)"
        column.number_input(label, value=float(current.get(field, original)), format="%.4g",
                            key=whatif_forms.override_key(field, device), help=f"Datasheet: {original:g}")
    st.form_submit_button("Apply override", on_click=whatif_forms.apply_override, args=(device, figures))

if whatif_state.overrides():
    table = pd.DataFrame([{"Platform": d, "Figure": title("bandwidth_gbps") if f == "bandwidth_gbps"
                           else f"Peak {PEAK_PRECISIONS[f]} (TOP/s)", "Value": v}
                          for d, fs in whatif_state.overrides().items() for f, v in fs.items()])
    st.dataframe(table, hide_index=True)
    left, right = st.columns([3, 1])
    target = left.selectbox("Remove the override of", list(whatif_state.overrides()), key="ovr_remove")
    right.button("Remove", on_click=whatif_forms.remove_override, args=(target,), key="ovr_remove_button")

# --- the user's own platforms ---
st.header("Your own platforms")
own = whatif_state.custom_frame()
if own is not None:
    shown = own[list(CUSTOM_COLUMNS)]
    st.dataframe(shown, hide_index=True, placeholder="", column_config={
        "platform": title("platform"), "family": title("family"), "execution": title("execution"),
        **{c: st.column_config.NumberColumn(title(c) if c in ("bandwidth_gbps", "power_w", "on_chip_mb")
                                            else f"Peak {PEAK_PRECISIONS[c]} (TOP/s)", format="%.4g")
           for c in ("bandwidth_gbps", *PEAK_COLUMNS.values(), "power_w", "on_chip_mb")}})
names = [] if own is None else list(own["platform"])
target = st.selectbox("Add or edit", [whatif_forms.NEW, *names], key="own_target")
existing = next((r for r in whatif_state.custom_records() if r["platform"] == target), {})
key = whatif_forms.own_key
with st.form(f"own_{target}"):
    first, second, third = st.columns(3)
    first.text_input("Name", value=existing.get("platform", ""), key=key("platform", target), max_chars=60)
    family = existing.get("family") or "FPGA"
    second.selectbox("Family", FAMILIES, index=FAMILIES.index(family) if family in FAMILIES else 0,
                     key=key("family", target))
    style = existing.get("execution") or EXECUTION_STYLES[0]
    third.selectbox("Execution", EXECUTION_STYLES, index=EXECUTION_STYLES.index(style), key=key("execution", target),
                    help="layer-by-layer: one layer after the other (GPU, CPU, overlays); dataflow: every layer "
                         "at once in a pipeline (FINN).")
    first, second, third = st.columns(3)
    first.number_input(title("bandwidth_gbps"), value=existing.get("bandwidth_gbps"), format="%.4g",
                       key=key("bandwidth_gbps", target))
    second.number_input("Power (W), optional", value=existing.get("power_w"), format="%.4g",
                        key=key("power_w", target), help="Gives predicted energy per input on the Energy page.")
    third.number_input("On-chip memory (MB), optional", value=existing.get("on_chip_mb"), format="%.4g",
                       key=key("on_chip_mb", target), help="Lets the Automatic storage assumption keep weights "
                                                           "that fit on chip.")
    st.caption("Peak TOP/s per precision: leave empty where the platform has no native support.")
    for column, (precision, field) in zip(st.columns(len(PEAK_COLUMNS)), PEAK_COLUMNS.items(), strict=True):
        column.number_input(precision, value=existing.get(field), format="%.4g", key=key(field, target))
    st.form_submit_button("Save platform", on_click=whatif_forms.save_platform, args=(target,))
if target != whatif_forms.NEW:
    st.button(f"Remove {cell_text(target)}", on_click=whatif_forms.remove_platform, args=(target,), key="own_remove")

left, right = st.columns(2)
with left:
    if own is None:
        st.caption("Export: no platforms of your own yet.")
    else:
        download_csv("Export your platforms (CSV)", platforms_to_csv(own), "my_platforms.csv")
with right:
    upload_slot.uploader("own", "Import platforms (CSV in the export's or data/hardware.csv's columns)", ["csv"],
                         PLATFORM_UPLOAD_MB, whatif_forms.read_platforms)
    upload_slot.add_button("own", "Import platforms from", whatif_forms.import_platforms, whatif_forms.SCOPE)

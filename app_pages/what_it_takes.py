"""What would it take: the bandwidth and peak a target throughput needs, by the roofline."""

import streamlit as st

from qb_core.hardware.whatif import SCALE_MAX, merged_override, snap_to_stop
from qb_core.vocabulary import CONFIG_KEYS
from ui import cache, messages, whatif_state
from ui.safe import cell_text, literal
from ui.viewmodels import theory
from ui.whatif_sidebar import SCALES
from ui.widgets import TAKE_DEVICE_KEY, TAKE_TARGET_KEY, TAKE_VARIANT_KEY, take_precision_key

SCOPE = "what_it_takes"
st.title("What would it take?")
st.markdown(
    "How much bandwidth and compute would a platform need to reach a target throughput on a network? The "
    "roofline run backwards: needed TOP/s = target x ops per input; needed GB/s = needed TOP/s x 1000 / "
    "intensity (under the sidebar's storage assumption). Both are given as absolute figures and as "
    "multiples of the platform's datasheet; the one that falls short today is what binds."
)
messages.show(SCOPE)

gap = theory.gap_view()
view, settings = gap.theory, gap.theory.settings
taken = theory.take_choices(view.scenario)
offered = taken.choices.offered
if taken.left_out:
    st.caption(taken.left_out)
if taken.rows.empty:
    st.info("No prediction inside the filters.")
    st.stop()
left, middle, right, far = st.columns(4)
devices = list(offered)
device = left.selectbox("Platform", devices, index=devices.index("ZCU104-FINN") if "ZCU104-FINN" in devices else 0,
                        key=TAKE_DEVICE_KEY)
precision = middle.selectbox("Precision", list(offered[device]), key=take_precision_key(device))
variant = right.selectbox("Network variant", list(offered[device][precision]), key=TAKE_VARIANT_KEY)
target = far.number_input("Target (inputs/s)", min_value=1.0, max_value=1e9, value=30_000.0, step=1000.0,
                          format="%.0f", key=TAKE_TARGET_KEY)

row, need = theory.take_need(view.scenario, (device, precision, variant), float(target))
known = need["needed_gbps"] == need["needed_gbps"]
cols = st.columns(3)
cols[0].metric("Bandwidth needed (GB/s)", f"{need['needed_gbps']:,.1f}" if known else "unknown")
cols[0].caption(f"{need['bandwidth_multiple']:.2f}x the datasheet's {row['bandwidth_gbps'].iloc[0]:g} GB/s" if known
                else "activation traffic unknown")
cols[1].metric("Peak needed (TOP/s)", f"{need['needed_tops']:,.2f}")
cols[1].caption(f"{need['peak_multiple']:.2f}x the datasheet's {row['peak_tops'].iloc[0]:g} TOP/s")
cols[2].metric("Today's roofline (inputs/s)", f"{row['inputs_per_s'].iloc[0]:,.0f}")
if settings.hardware_changed:  # after "Set the what-if sliders": what the platform now reaches
    now = cache.predictions(view.scenario)
    now = now.merge(row[list(CONFIG_KEYS)])
    if len(now):
        reached = float(now["inputs_per_s"].iloc[0])
        cols[2].caption(f"With the sidebar's what-if settings: **{reached:,.0f}** inputs/s by the roofline, "
                        + ("at least" if reached >= float(target) else "short of") + " the target.")
words = {"bandwidth": "**Bandwidth binds**: the peak already suffices.",
         "peak": "**The peak binds**: the bandwidth already suffices.",
         "both": "**Both fall short**: bandwidth and peak must grow.",
         "nothing": f"**Already reached** with today's datasheet figures: the roofline promises "
                    f"{row['inputs_per_s'].iloc[0]:,.0f} inputs/s, at least the target.",
         "unknown": "**Unknown**: the bandwidth this network needs cannot be worked out."}
st.markdown(words[need["binds"]] + (f" {literal(need['note'], 300)}." if need["note"] else ""))


def _set_sliders(bandwidth: float, peak: float) -> None:
    """Move the global what-if sliders to the smallest stops that reach both multiples."""
    for key, multiple in ((whatif_state.BANDWIDTH_SCALE_KEY, bandwidth), (whatif_state.PEAK_SCALE_KEY, peak)):
        st.session_state[key] = snap_to_stop(multiple, SCALES)
    messages.flash(SCOPE, "success", "Sliders set: see the Rooflines and Prediction pages (the scales apply to every "
                                     "platform).")


def _override(device: str, field: str, needed: tuple[float, float], today: tuple[float, float]) -> None:
    """Override the platform with the needed figures (never below today's)."""
    whatif_state.set_overrides(merged_override(whatif_state.overrides(), device, field, needed, today))
    messages.flash(SCOPE, "success", f"{literal(device)} overridden: see the Rooflines and Prediction pages.")


beyond = [name for name, multiple in (("bandwidth", need["bandwidth_multiple"]), ("peak", need["peak_multiple"]))
          if multiple == multiple and multiple > SCALE_MAX]
if need["binds"] != "nothing":
    left, right = st.columns(2)
    if beyond:
        left.warning(f"Beyond the sliders: the {' and '.join(beyond)} would have to grow more than {SCALE_MAX:g}x. "
                     "An override sets the exact figures.")
    else:
        left.button("Set the what-if sliders to this", on_click=_set_sliders,
                    args=(need["bandwidth_multiple"], need["peak_multiple"]), icon=":material/tune:",
                    help="Rounded up to the sliders' stops; they scale every platform.")
    needed = (float(need["needed_gbps"]), float(need["needed_tops"]))
    today = (float(row["bandwidth_gbps"].iloc[0]), float(row["peak_tops"].iloc[0]))
    right.button(f"Override {cell_text(device)} with exactly these figures", on_click=_override,
                 args=(device, f"peak_tops_{precision.lower()}", needed, today), icon=":material/edit:")
st.subheader("To measure the target, not just to be promised it")
st.markdown("The roofline promises; the batch-aware model (Calibrated prediction page: per platform and level, a "
            "fixed cost per batch and per layer, weights read per batch, and per input the multiply-accumulates, "
            "activations and a fixed cost, fitted on every measured batch) says what the platform measures at its "
            "best batch. Scaling its peak and bandwidth together by:")
lines = theory.model_reach(view.scenario, tuple(row[list(CONFIG_KEYS)].iloc[0]), float(target))
if lines is None:
    st.info("Not available: no measurement can be modelled.")
else:
    st.markdown("\n".join(lines))
    st.caption("The model's held-out error applies, and whether a prediction like this one was ever tested "
               "(Calibrated prediction page). *Alone*: the other figure kept at the datasheet's; where the time "
               "that figure does not touch already exceeds the target's, no amount of it is enough. The model reads "
               "weights off chip only where they do not fit there, whatever storage assumption the sidebar sets "
               "for the roofline above.")

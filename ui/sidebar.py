"""The shared sidebar filters: declared once in the entry point, read by every page.

Each widget has a key, ``bind="query-params"`` (its value lives in the URL, values at their
default stay out) and ``persist_state="session"`` (its value holds while a page that does not
show it is open). Which filters a page shows depends on its group (:mod:`ui.navigation`):
theory pages show every op mode unless narrowed, measurement pages start with the notebook's
(TX2 maxp) and a batch range.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from qb_core.analyses.filters import DEFAULT_OP_MODES, Selection, carried_choice, carried_range, hidden_by
from qb_core.vocabulary import PRECISIONS, TASKS, pruning_text
from ui import uploads, whatif_state
from ui.safe import option_label
from ui.widgets import KEEP, accept_ids, family_key

#: Tasks offered in the app.
ENABLED_TASKS: tuple[str, ...] = ("cifar10", "mnist", "imagenet")
#: Op-mode widget per page group: theory pages keep every op mode by default.
OP_MODE_KEYS = {"theory": "theory_op_mode", "gap": "theory_op_mode", "measured": "op_mode"}
#: The sidebar label and :class:`qb_core.analyses.filters.Selection` field of each task-dependent widget.
FILTER_NAMES = {"precision": ("Precision", "precisions"), "pruning": ("Pruning factor", "pruning_pcts"),
                "op_mode": ("Op mode", "op_modes"), "theory_op_mode": ("Op mode", "op_modes"),
                "batch": ("Batch range", "batch_range")}


def current_group() -> str:
    return st.session_state.get("_page_group", "data")


def defaults(task: str) -> dict[str, object]:
    """Every filter widget's key and default value."""
    options = uploads.filter_options(task)
    values: dict[str, object] = {family_key(f): list(p) for f, p in options["families"].items()}
    batches = options["batches"]
    values |= {"precision": list(PRECISIONS), "pruning": list(options["pruning"]),
               "op_mode": [m for m in DEFAULT_OP_MODES if m in options["op_modes"]],
               "theory_op_mode": list(options["op_modes"]),
               "own_platforms": own_platform_names(),
               "batch": (batches[0], batches[-1])}
    return values


def own_platform_names() -> list[str]:
    frame = whatif_state.custom_frame()
    return [] if frame is None else list(frame["platform"])


def _reset() -> None:
    for key, value in defaults(st.session_state.get("task", ENABLED_TASKS[0])).items():
        st.session_state[key] = value
    st.session_state.pop("_carried", None)


def _options_by_key(task: str) -> dict[str, tuple]:
    """Every choice of each task-dependent widget (the batch slider's: its batch sizes)."""
    options = uploads.filter_options(task)
    return {**{family_key(f): tuple(p) for f, p in options["families"].items()}, "precision": PRECISIONS,
            "pruning": tuple(options["pruning"]), "op_mode": tuple(options["op_modes"]),
            "theory_op_mode": tuple(options["op_modes"]), "batch": tuple(options["batches"])}


def follow_task(task: str) -> None:
    """After a task switch, every filter offers and selects the new task's options: a filter the
    user left at its default takes the new default; a narrowing is kept only where an option exists
    in both tasks (:func:`qb_core.analyses.filters.carried_choice`, :func:`~qb_core.analyses.filters.carried_range`).
    The narrowings carried over are remembered, so the sidebar can say what they hide."""
    state = st.session_state
    previous, state["_filters_task"] = state.get("_filters_task"), task
    if previous is None or previous == task or previous not in ENABLED_TASKS:
        return
    old_defaults, new_defaults = defaults(previous), defaults(task)
    old_options, new_options = _options_by_key(previous), _options_by_key(task)
    carried = {}
    for key, new_options_of_key in new_options.items():
        chosen = state.get(key)
        if chosen is None or key not in old_options:
            continue
        if _same(chosen, old_defaults[key]):
            value = new_defaults[key]
        elif key == "batch":
            value = carried_range(tuple(chosen), old_options[key], new_options_of_key)
        else:
            value = carried_choice(list(chosen), old_options[key], new_options_of_key)
        if not _same(value, chosen):
            state[key] = value
        if not _same(value, new_defaults[key]):
            carried[key] = value
    state["_carried"] = {"from": previous, "values": carried}


def page_widgets_follow_task(name: str, task: str, defaults_of: Callable[[str], dict[str, list]]) -> None:
    """A page's own task-dependent widgets (e.g. the Latency/Throughput panels): after a task
    switch, each one left at the old task's default takes the new task's (a user's choice stays).
    Call before the widgets are drawn."""
    state, marker = st.session_state, f"_{name}_task"
    previous, state[marker] = state.get(marker), task
    if previous is None or previous == task:
        return
    old = defaults_of(previous)
    for key, value in defaults_of(task).items():
        if state.get(key) is not None and _same(state[key], old[key]) and not _same(value, old[key]):
            state[key] = value


def show_new_own_platforms(names: list[str]) -> None:
    """Everything a user adds is shown until the user hides it: a platform of their own that
    appeared since the last run (saved with the form, imported from a CSV, renamed) joins the
    selection; one the user deselected stays deselected."""
    state = st.session_state
    seen, state["_own_seen"] = state.get("_own_seen"), list(names)
    chosen = state.get("own_platforms")
    if seen is None or chosen is None:
        return
    new = [n for n in names if n not in seen and n not in chosen]
    if new:
        state["own_platforms"] = [*chosen, *new]


def _same(value: object, other: object) -> bool:
    """Two filter values are the same choice (in any order: a range's ends are always ordered)."""
    if isinstance(value, (list, tuple)) and isinstance(other, (list, tuple)):
        return set(value) == set(other)
    return value == other


def carried_note(group: str) -> str | None:
    """What the narrowings carried over from the previous task still hide of this task's
    measurements (each filter alone), or None when they hide nothing."""
    state = st.session_state
    carried = state.get("_carried") or {}
    current = selection(group)
    shown = {"precision", "pruning", OP_MODE_KEYS.get(group, "op_mode")} | ({"batch"} if group != "theory" else set())
    fields = {}
    for key, value in carried.get("values", {}).items():
        if (key.startswith("hw_") or key in shown) and _same(state.get(key, value), value):
            label, field = FILTER_NAMES.get(key, ("Hardware platforms", "platforms"))
            fields[field] = label
    parts = []
    for field, label in fields.items():
        hidden = hidden_by(uploads.rows(), current, field)
        if hidden:
            parts.append(f"{label} hides {hidden:,} measurement(s)")
    if not parts:
        return None
    return (f"Kept from {TASKS[carried['from']]}: your narrowing of {'; '.join(parts)} of {TASKS[current.task]} "
            "(widen it below, or Reset filters).")


def render(group: str) -> None:
    """Draw the filters of a page group in the sidebar (call once per run, from the entry point)."""
    st.session_state["_page_group"] = group
    bar = st.sidebar
    accept_ids("task", TASKS)  # ?task=imagenet (the command line's id) as well as ?task=ImageNet
    task = bar.selectbox("Task", ENABLED_TASKS, format_func=TASKS.get, key="task", **KEEP)
    follow_task(task)
    if group == "data":
        return
    options, start = uploads.filter_options(task), defaults(task)
    with bar.expander("Filters", expanded=True, icon=":material/filter_alt:"):
        note = carried_note(group)
        if note:
            st.warning(note, icon=":material/filter_alt_off:")
        st.caption("Hardware platforms")
        for family, platforms in options["families"].items():
            st.pills(family, platforms, selection_mode="multi", default=platforms, key=family_key(family),
                     format_func=option_label, **KEEP)
        show_new_own_platforms(start["own_platforms"])
        if group in ("theory", "gap") and start["own_platforms"]:
            st.pills("Your platforms", start["own_platforms"], selection_mode="multi",
                     default=start["own_platforms"], key="own_platforms", format_func=option_label, **KEEP)
        st.pills("Precision", list(PRECISIONS), selection_mode="multi", default=start["precision"], key="precision",
                 **KEEP)
        st.pills("Pruning factor (% of full width)", options["pruning"], selection_mode="multi",
                 default=start["pruning"], format_func=pruning_text, key="pruning", **KEEP)
        op_key = OP_MODE_KEYS[group]
        st.pills("Op mode", options["op_modes"], selection_mode="multi", default=start[op_key], key=op_key,
                 help="TX2: maxn, maxp, maxq; EdgeTPU: fast, slow. Platforms without op modes are always kept. "
                      "Theory pages show every op mode; measurement pages start with the notebook's choice (maxp).",
                 **KEEP)
        if group in ("measured", "gap"):
            st.select_slider("Batch / streams / threads (measurements)", options["batches"], value=start["batch"],
                             key="batch", **KEEP)
        if group == "measured":
            st.segmented_control("Figures", list(LEVEL_NAMES), default="accelerator", required=True, key="level",
                                 format_func=LEVEL_NAMES.get, help="Accelerator: QuTiBench's compute latency and "
                                 "throughput (the notebook's). Board: its system figures, the host's pre- and "
                                 "post-processing included: what a deployment sees.", **KEEP)
        st.button("Reset filters", on_click=_reset, icon=":material/restart_alt:")


LEVEL_NAMES = {"accelerator": "accelerator", "board": "board"}


def level() -> str:
    """The measurement pages' level: ``accelerator`` (compute figures) or ``board`` (system figures)."""
    chosen = st.session_state.get("level")
    return chosen if chosen in LEVEL_NAMES else "accelerator"


def selection(group: str | None = None) -> Selection:
    """The current filters of a page group as a :class:`qb_core.analyses.filters.Selection` (defaults for
    widgets that have not run)."""
    group = group or current_group()
    state = st.session_state
    task = state.get("task", ENABLED_TASKS[0])
    if task not in ENABLED_TASKS:
        task = ENABLED_TASKS[0]
    start = defaults(task)
    value = {key: state[key] if key in state and state[key] is not None else default
             for key, default in start.items()}
    family_keys = [k for k in start if k.startswith("hw_")]
    platforms = tuple(p for k in family_keys for p in value[k])
    if group in ("theory", "gap"):
        own = [p for p in value["own_platforms"] if p in start["own_platforms"]]
        platforms = (*platforms, *own)
    low, high = value["batch"]
    return Selection(
        task=task,
        platforms=platforms,
        precisions=tuple(value["precision"]),
        pruning_pcts=tuple(float(p) for p in value["pruning"]),
        op_modes=tuple(value[OP_MODE_KEYS.get(group, "op_mode")]),
        batch_range=(int(low), int(high)) if group in ("measured", "gap") else None,
    )


def require_nonempty(current: Selection) -> bool:
    """Show a clear message and return False when a filter selects nothing."""
    empty = current.empty_filters()
    if empty:
        st.info(f"Select at least one {' and one '.join(empty)} in the sidebar to see this analysis.")
        return False
    return True


def no_rows_message(what: str = "measurements") -> None:
    st.info(f"No {what} match the current filters. Widen the selection in the sidebar.")


def current_or_stop() -> Selection:
    """The selection, or a clear message and the end of the page when a filter selects nothing."""
    current = selection()
    if not require_nonempty(current):
        st.stop()
    return current

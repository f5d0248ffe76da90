"""The shared sidebar filters: declared once in the entry point, read by every page.

Each widget has a key and ``bind="query-params"``, so its value holds across pages and lives in
the URL (values at their default stay out of it): a shared link reopens the same view.
Platforms are grouped by hardware family, one row of toggles per family.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qb_core.filters import DEFAULT_OP_MODES, Selection, select
from qb_core.topology import PRECISIONS, TASKS
from ui import uploads

#: Tasks offered in the app; the core and pages handle "mnist" and "imagenet" too.
ENABLED_TASKS: tuple[str, ...] = ("cifar10",)


def family_key(family: str) -> str:
    """Widget key (and URL parameter) of a family's platform toggles, e.g. ``hw_fpga``."""
    return f"hw_{family.lower()}"


def defaults(task: str) -> dict[str, object]:
    """Every filter widget's key and default value."""
    options = uploads.filter_options(task)
    values: dict[str, object] = {family_key(f): list(p) for f, p in options["families"].items()}
    batches = options["batches"]
    values |= {"precision": list(PRECISIONS), "pruning": list(options["pruning"]),
               "op_mode": [m for m in DEFAULT_OP_MODES if m in options["op_modes"]],
               "batch": (batches[0], batches[-1])}
    return values


def _reset() -> None:
    for key, value in defaults(st.session_state.get("task", ENABLED_TASKS[0])).items():
        st.session_state[key] = value


def render() -> None:
    """Draw the filters in the sidebar (call once per run, from the entry point)."""
    bar = st.sidebar
    bar.header("Filters")
    task = bar.selectbox("Task", ENABLED_TASKS, format_func=TASKS.get, key="task", bind="query-params")
    options, start = uploads.filter_options(task), defaults(task)
    bar.caption("Hardware platforms")
    for family, platforms in options["families"].items():
        bar.pills(family, platforms, selection_mode="multi", default=platforms, key=family_key(family),
                  bind="query-params")
    bar.pills("Precision", list(PRECISIONS), selection_mode="multi", default=start["precision"],
              key="precision", bind="query-params")
    bar.pills("Pruning factor (% of full width)", options["pruning"], selection_mode="multi",
              default=start["pruning"], format_func="{:g}".format, key="pruning", bind="query-params")
    bar.pills("Op mode", options["op_modes"], selection_mode="multi", default=start["op_mode"], key="op_mode",
              bind="query-params", help="TX2: maxn, maxp (the notebook's choice), maxq; EdgeTPU: fast, slow. "
                                        "Platforms without op modes are always kept.")
    bar.select_slider("Batch / streams / threads (measurements)", options["batches"], value=start["batch"], key="batch",
                      bind="query-params")
    bar.button("Reset filters", on_click=_reset, icon=":material/restart_alt:")


def selection() -> Selection:
    """The current filters as a :class:`qb_core.filters.Selection` (defaults for unset widgets)."""
    state = st.session_state
    task = state.get("task", ENABLED_TASKS[0])
    start = defaults(task)
    value = {key: state[key] if key in state and state[key] is not None else default
             for key, default in start.items()}
    family_keys = [k for k in start if k.startswith("hw_")]
    platforms = tuple(p for k in family_keys for p in value[k])
    low, high = value["batch"]
    return Selection(
        task=task,
        platforms=platforms,
        precisions=tuple(value["precision"]),
        pruning_pcts=tuple(float(p) for p in value["pruning"]),
        op_modes=tuple(value["op_mode"]),
        batch_range=(int(low), int(high)),
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


def measured_rows(*required: str) -> pd.DataFrame:
    """The task's measurements inside the filters that have every ``required`` column; the page
    stops with a clear message when a filter is empty or no row matches."""
    rows = select(uploads.rows(), current_or_stop())
    rows = rows.dropna(subset=list(required)) if required else rows
    if rows.empty:
        no_rows_message()
        st.stop()
    return rows

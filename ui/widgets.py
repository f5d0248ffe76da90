"""What the sidebar's widgets share: how they keep their value, and the keys others set."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

#: Every sidebar widget lives in the URL (values at their default stay out of it) and keeps its
#: value while a page that does not show it is open.
KEEP = {"bind": "query-params", "persist_state": "session"}


def family_key(family: str) -> str:
    """Widget key (and URL parameter) of a family's platform toggles, e.g. ``hw_fpga``."""
    return f"hw_{family.lower()}"


#: What would it take's widgets (and URL parameters), declared once: its page draws them, Find
#: presets them to ask about one deployment.
TAKE_DEVICE_KEY, TAKE_VARIANT_KEY, TAKE_TARGET_KEY = "take_device", "take_variant", "take_target"


def take_precision_key(device: str) -> str:
    """What would it take's precision widget of ``device`` (each platform keeps its own choice)."""
    return f"take_precision_{device}"


#: Where this rerun's scenario is kept (:mod:`ui.state`); dropped by whatever changes the session
#: under a run, so the next read builds it again.
SCENARIO_KEY = "_scenario"


def drop_scenario() -> None:
    import streamlit as st

    st.session_state.pop(SCENARIO_KEY, None)


def accept_ids(key: str, labels: dict[str, str]) -> None:
    """Let a link name a bound widget's choice by its id as well as by the label the page shows
    (``find_task=cifar10`` as well as ``CIFAR-10``, ``find_level=accelerator``): an id in the
    address sets the widget's value before it is drawn (the binding itself reads labels only)."""
    import streamlit as st

    value = st.query_params.get(key)
    seen = f"_{key}_link_read"
    if value is not None and value in labels and value not in labels.values() and not st.session_state.get(seen):
        st.session_state[key] = value
    st.session_state[seen] = True


class Choices(NamedTuple):
    """What a chain of three select boxes offers (platform -> precision -> network, say), and where
    each chosen triple first appears among the rows they were read from."""

    offered: dict[str, dict[str, tuple[str, ...]]]
    positions: dict[tuple[str, str, str], int]


def choices(frame: pd.DataFrame, columns: tuple[str, str, str]) -> Choices:
    """:class:`Choices` of ``frame``: each level's values as text in the order of its rows, the last
    level's once each. Worked out once per question by a view model, so a session only looks its
    choices up (and its row: ``frame.iloc[positions[triple]]``)."""
    first, second, third = columns
    text = pd.DataFrame({column: frame[column].astype(str).to_numpy() for column in columns})
    offered: dict[str, dict[str, tuple[str, ...]]] = {}
    for (outer, inner), group in text.groupby([first, second], sort=False):
        offered.setdefault(outer, {})[inner] = tuple(dict.fromkeys(group[third]))
    keys = zip(text[first], text[second], text[third], strict=True)
    positions = {key: position for position, key in reversed(list(enumerate(keys)))}  # the first one stays
    return Choices(offered, positions)

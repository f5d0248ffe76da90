"""The app's pages, their sections and which sidebar each one needs.

Groups decide the sidebar: ``theory`` pages show every op mode by default and the what-if block;
``measured`` pages start with the notebook's op modes (TX2 maxp) and the batch range; ``gap``
pages (theory meets measurement) show both; ``data`` pages (home, uploads) need only the task.
"""

from __future__ import annotations

import copy
from typing import NamedTuple

import streamlit as st

from qb_core.paths import PROJECT_DIR

#: The page scripts, by absolute path: the pages do not depend on where the entry script runs from.
PAGES_DIR = PROJECT_DIR / "app_pages"


class PageInfo(NamedTuple):
    script: str
    title: str
    icon: str
    group: str


SECTIONS: dict[str, tuple[PageInfo, ...]] = {
    "": (PageInfo("home", "Home", ":material/home:", "data"),),
    "Plan": (PageInfo("find", "Find a deployment", ":material/travel_explore:", "data"),),
    "Theory": (
        PageInfo("rooflines", "Rooflines", ":material/show_chart:", "theory"),
        PageInfo("prediction", "Prediction", ":material/grid_on:", "theory"),
        PageInfo("networks", "Networks and hardware", ":material/table_view:", "theory"),
        PageInfo("whatif", "What-if hardware", ":material/tune:", "theory"),
        PageInfo("your_networks", "Your networks", ":material/hub:", "data"),
    ),
    "Theory vs measurement": (
        PageInfo("efficiency", "Efficiency", ":material/percent:", "gap"),
        PageInfo("energy", "Energy", ":material/bolt:", "gap"),
        PageInfo("pareto_gap", "Predicted vs measured Pareto", ":material/compare:", "gap"),
        PageInfo("layers", "Per-layer roofline", ":material/layers:", "gap"),
        PageInfo("calibration", "Calibrated prediction", ":material/model_training:", "gap"),
        PageInfo("what_it_takes", "What would it take", ":material/flag:", "gap"),
    ),
    "Measurements": (
        PageInfo("overview", "Overview", ":material/table_chart:", "measured"),
        PageInfo("latency_throughput", "Latency/Throughput", ":material/speed:", "measured"),
        PageInfo("boxplots", "Batch sweeps", ":material/candlestick_chart:", "measured"),
        PageInfo("pareto", "Pareto", ":material/scatter_plot:", "measured"),
        PageInfo("your_measurements", "Your measurements", ":material/upload_file:", "data"),
        PageInfo("measure_here", "Measure this machine", ":material/timer:", "data"),
    ),
}
GROUP_OF_SCRIPT: dict[str, str] = {p.script: p.group for pages in SECTIONS.values() for p in pages}


@st.cache_resource(show_spinner=False)
def _page_templates() -> dict[str, tuple[st.Page, ...]]:
    """The ``st.Page`` objects built once: building one resolves its script's path on disk, 19 of them
    cost about 1.5 ms per run. Never handed to ``st.navigation`` themselves (see :func:`pages`)."""
    return {section: tuple(st.Page(PAGES_DIR / f"{p.script}.py", title=p.title, icon=p.icon, default=p.script == "home")
                           for p in infos) for section, infos in SECTIONS.items()}


def pages() -> dict[str, list[st.Page]]:
    """The sections as ``st.Page`` objects for ``st.navigation`` (Home is the default page): a fresh copy
    of each built page per run, since ``st.navigation`` marks the one it chose as runnable and
    running it unmarks it, which must not pass between sessions."""
    return {section: [copy.copy(page) for page in built] for section, built in _page_templates().items()}


def group_of(page: st.Page) -> str:
    """The sidebar group of the page ``st.navigation`` chose."""
    return GROUP_OF_SCRIPT.get(page.url_path or "home", "data")

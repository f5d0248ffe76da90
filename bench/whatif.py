"""What-if benchmark: server-side rerun after a slider change on every theory and theory-vs-measurement
page (each value new to the session's caches, so each rerun recomputes what the slider changed)."""

from __future__ import annotations

import statistics
import time

from devtools.apptest import new_app, open_page
from ui.navigation import SECTIONS

#: Every value is new to the session's caches, so each rerun recomputes what the slider changed.
STEPS = (2.0, 0.5, 4.0, 0.25, 8.0, 1.25, 0.8, 3.0, 0.4)


#: Every page with the what-if sliders in its sidebar.
PAGES = tuple(info.script for infos in SECTIONS.values() for info in infos if info.group in ("theory", "gap"))
TARGET = "< 150 ms"


def run() -> list[tuple[str, str, str]]:
    rows = []
    for page in PAGES:
        for key in ("bw_scale", "peak_scale"):
            at = new_app().run()
            open_page(at, page)
            times = []
            for value in STEPS:
                slider = at.select_slider(key=key).set_value(value)
                start = time.perf_counter()
                slider.run()
                times.append(time.perf_counter() - start)
            rows.append((f"{page}: rerun after a {key} change (AppTest, new value each time)",
                         f"{statistics.median(times) * 1000:.0f} ms", TARGET))
    return rows

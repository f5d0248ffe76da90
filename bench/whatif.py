"""What-if benchmark: server-side rerun after a slider change on Rooflines and Prediction."""

from __future__ import annotations

import statistics
import time

from devtools.apptest import new_app, open_page

#: Every value is new to the session's caches, so each rerun recomputes what the slider changed.
STEPS = (2.0, 0.5, 4.0, 0.25, 8.0, 1.25, 0.8, 3.0, 0.4)


#: Rooflines and Prediction: the what-if issue's slider target; Efficiency redoes the whole
#: measurement join on every move, so it is held to the join issue's rerun target.
TARGETS = {"rooflines": "< 150 ms", "prediction": "< 150 ms", "efficiency": "< 300 ms"}


def run() -> list[tuple[str, str, str]]:
    rows = []
    for page in ("rooflines", "prediction", "efficiency"):
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
                         f"{statistics.median(times) * 1000:.0f} ms", TARGETS[page]))
    return rows

"""Page benchmarks: warm AppTest rerun of every page for every task, the Vega-Lite bytes each page
sends with every filter open, and the first load of each page in headless Chromium until its
charts are drawn."""

from __future__ import annotations

import statistics
import time

from devtools.apptest import chart_bytes, charts, new_app, open_page
from devtools.browser import CHROMIUM_ARGS, executable, running_app, wait_for_app
from qb_core.vocabulary import TASKS
from ui.navigation import SECTIONS

SCRIPTS = [info.script for infos in SECTIONS.values() for info in infos]


def open_every_filter(at) -> None:
    """Select every op mode and the whole batch range (the other filters start fully open)."""
    for key in ("op_mode", "theory_op_mode"):
        widgets = [w for w in at.button_group if w.key == key]
        if widgets:
            widgets[0].set_value(list(widgets[0].options))
    sliders = [s for s in at.select_slider if s.key == "batch"]
    if sliders:
        sliders[0].set_range(sliders[0].options[0], sliders[0].options[-1])
    at.run()


def rerun_ms(at, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def apptest_figures(runs: int = 7) -> list[tuple[str, str, str]]:
    """Warm rerun and payload of every page x task; the heaviest of each named at the end."""
    rows, heaviest = [], []
    for task in TASKS:
        at = new_app().run()
        at.selectbox(key="task").set_value(task).run()
        for script in SCRIPTS:
            open_page(at, script)
            open_every_filter(at)
            elapsed = rerun_ms(at, runs)
            sent = sum(chart_bytes(c) for c in charts(at))
            heaviest.append((elapsed, sent, task, script))
            rows.append((f"{task} {script}: warm rerun (AppTest)", f"{elapsed:.0f} ms", "< 100 ms"))
            rows.append((f"{task} {script}: Vega-Lite spec + data, every filter open", f"{sent / 1024:.0f} KiB",
                         "< 1 MB"))
    slowest = max(heaviest)
    largest = max(heaviest, key=lambda h: h[1])
    rows.append((f"slowest warm rerun: {slowest[2]} {slowest[3]}", f"{slowest[0]:.0f} ms", "< 100 ms"))
    rows.append((f"largest chart payload: {largest[2]} {largest[3]}", f"{largest[1] / 1024:.0f} KiB", "< 1 MB"))
    return rows


def finder_rerun(runs: int = 7) -> list[tuple[str, str, str]]:
    """Find a deployment: the rerun after a constraint moves (the power limit, 5 W <-> 15 W)."""
    at = open_page(new_app().run(), "find")
    times = []
    for limit in [5.0, 15.0] * ((runs + 1) // 2):
        start = time.perf_counter()
        at.number_input(key="find_max_power_w").set_value(limit).run()
        times.append(time.perf_counter() - start)
    return [("find: rerun after a constraint moves (AppTest)", f"{statistics.median(times) * 1000:.0f} ms",
             "< 300 ms")]


def browser_figures(runs: int = 5) -> list[tuple[str, str, str]]:
    """First load of every page in a fresh browser context (empty cache), until its charts are drawn."""
    path = executable()
    if path is None:
        return [("browser first load", "skipped", "chromium not installed")]
    from playwright.sync_api import sync_playwright

    at = new_app().run()
    chart_counts = {}
    for script in SCRIPTS:
        open_page(at, script)
        chart_counts[script] = len(charts(at))
    rows = []
    with running_app() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        # One visit per page first: the server's one-off work (imports, caches, chart templates)
        # is not what a user's first load waits for on a server that is already up.
        warm = browser.new_page()
        for script in SCRIPTS:
            warm.goto(f"{base}/{'' if script == 'home' else script}")
            wait_for_app(warm, chart_counts[script])
        warm.close()
        for script in SCRIPTS:
            url = f"{base}/{'' if script == 'home' else script}"
            cold = []
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1500, "height": 1100})
                page = context.new_page()
                start = time.perf_counter()
                page.goto(url)
                wait_for_app(page, chart_counts[script])
                cold.append(time.perf_counter() - start)
                context.close()
            rows.append((f"{script}: first load in Chromium (empty cache), charts drawn",
                         f"{statistics.median(cold):.2f} s", "< 3 s"))
        browser.close()
    return rows


def run() -> list[tuple[str, str, str]]:
    return apptest_figures() + finder_rerun() + browser_figures()

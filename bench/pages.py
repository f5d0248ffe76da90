"""Page benchmarks: warm AppTest rerun per page, Vega-Lite bytes with every filter open, and the
first load of each page in headless Chromium until its charts are drawn."""

from __future__ import annotations

import statistics
import sys
import time

from qb_core.paths import PROJECT_DIR

sys.path.insert(0, str(PROJECT_DIR / "tests"))

from apptest_helpers import chart_bytes, charts, new_app, open_page
from browser_support import CHROMIUM_ARGS, PAGES, browser_or_skip, free_port, start_app, wait_for_app

PAGE_FILES = {"": "home", **{path: path for _, path, _ in PAGES if path}}


def open_every_filter(at) -> None:
    """Select every op mode and the whole batch range (the other filters start fully open)."""
    at.button_group(key="op_mode").set_value(list(at.button_group(key="op_mode").options))
    slider = at.select_slider(key="batch")
    at.select_slider(key="batch").set_range(slider.options[0], slider.options[-1])
    at.run()


def apptest_figures(runs: int = 7) -> list[tuple[str, str, str]]:
    rows = []
    for page in PAGE_FILES.values():
        at = new_app().run()
        open_every_filter(at)
        open_page(at, page)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - start)
        sent = sum(chart_bytes(c) for c in charts(at))
        rows.append((f"{page}: warm rerun (AppTest)", f"{statistics.median(times) * 1000:.0f} ms", "< 300 ms"))
        rows.append((f"{page}: Vega-Lite spec + data, every filter open", f"{sent / 1024:.0f} KiB", "< 1 MB"))
    return rows


def browser_figures(runs: int = 5) -> list[tuple[str, str, str]]:
    try:
        executable = browser_or_skip()
    except BaseException:  # pytest.skip outside pytest
        return [("browser first load", "skipped", "chromium not installed")]
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = start_app(port)
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            # One visit per page first: the server's one-off work (imports, caches, chart templates)
            # is not what a user's first load waits for on a server that is already up.
            warm = browser.new_page()
            for _, path, chart_count in PAGES:
                warm.goto(f"http://127.0.0.1:{port}/{path}")
                wait_for_app(warm, chart_count)
            warm.close()
            for label, path, chart_count in PAGES:
                cold, navigate = [], []
                for _ in range(runs):
                    context = browser.new_context(viewport={"width": 1500, "height": 1100})
                    page = context.new_page()
                    start = time.perf_counter()
                    page.goto(f"http://127.0.0.1:{port}/{path}")
                    wait_for_app(page, chart_count)
                    cold.append(time.perf_counter() - start)
                    page.goto(f"http://127.0.0.1:{port}/" + ("overview" if path == "" else ""))
                    wait_for_app(page, 0)
                    start = time.perf_counter()
                    page.locator("[data-testid='stSidebarNav'] a", has_text=label).first.click()
                    wait_for_app(page, chart_count)
                    navigate.append(time.perf_counter() - start)
                    context.close()
                rows.append((f"{path or 'home'}: first load in Chromium (empty cache), charts drawn",
                             f"{statistics.median(cold):.2f} s", "< 3 s"))
                rows.append((f"{path or 'home'}: opened from the navigation, charts drawn",
                             f"{statistics.median(navigate):.2f} s", ""))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    return rows


def run() -> list[tuple[str, str, str]]:
    return apptest_figures() + browser_figures()

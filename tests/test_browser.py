"""Every page in headless Chromium (Debian's package, driven by Playwright; never a browser download).

A chart that renders without an exception can still be unreadable, so each chart of each page is
measured as a reader meets it, at 1280 and 1920 px wide and for every task: a plot area at least
200 px tall, nothing drawn past its column, every legend label inside the drawing, and as many
legend labels as the chart has series (counted from the same view in AppTest). No console error,
no exception box. Screenshots of every page go to test-artifacts/ (look at them).
"""

from __future__ import annotations

import re

import pytest

from devtools.apptest import charts, legend_entries, new_app, open_page
from devtools.browser import (
    ARTIFACTS,
    MIN_PLOT_PX,
    WIDTHS,
    measure,
    screenshot_whole,
    wait_for_app,
    wait_for_charts_drawn,
)
from qb_core.analyses.pareto import pareto_front
from qb_core.measurements.dataset import load_measurements
from qb_core.vocabulary import TASKS
from ui.navigation import SECTIONS

PAGES = [(info.title, info.script) for infos in SECTIONS.values() for info in infos]
#: Console noise that is not the app's: Streamlit's base-path probe of a deep link.
IGNORED_CONSOLE = re.compile(r"_stcore/(health|host-config)|Failed to load resource.*404")


def expected_legends(task: str) -> dict[str, list[int | None]]:
    """Per page, the legend entries each chart should list, from AppTest's view of the defaults."""
    at = new_app().run()
    if task != "cifar10":
        at.selectbox(key="task").set_value(task).run()
    expected = {}
    for _, script in PAGES:
        open_page(at, script)
        expected[script] = [legend_entries(chart) for chart in charts(at)]
    return expected


def open_from_navigation(page, base: str, script: str, charts_expected: int) -> None:
    path = "" if script == "home" else script
    page.locator(f"[data-testid='stSidebarNav'] a[href$='/{path}']").click()
    page.wait_for_url(re.compile(rf"{re.escape(base)}/{'' if script == 'home' else re.escape(script)}(\?.*)?$"))
    wait_for_app(page, charts_expected)
    wait_for_charts_drawn(page)


@pytest.mark.parametrize(("task", "widths"), [("cifar10", WIDTHS), ("mnist", (1280,)), ("imagenet", (1920,))])
def test_every_chart_on_every_page_is_readable(app_url, browser, task, widths):
    expected = expected_legends(task)
    problems: list[str] = []
    for width in widths:
        page = browser.new_page(viewport={"width": width, "height": 1000})
        errors: list[str] = []
        page.on("console", lambda msg, errors=errors: errors.append(msg.text)
                if msg.type == "error" and not IGNORED_CONSOLE.search(msg.text) else None)
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        page.goto(f"{app_url}/?task={TASKS[task]}")  # a bound widget's URL value is its label
        wait_for_app(page)
        for title, script in PAGES:
            open_from_navigation(page, app_url, script, len(expected[script]))
            where = f"{task} {width}px {title}"
            if page.locator("[data-testid='stException']").count():
                problems.append(f"{where}: exception shown")
            geometry = measure(page)
            if len(geometry) != len(expected[script]):
                problems.append(f"{where}: {len(geometry)} charts drawn, {len(expected[script])} expected")
            for index, (chart, entries) in enumerate(zip(geometry, expected[script], strict=False), start=1):
                if chart["plot_h"] < MIN_PLOT_PX:
                    problems.append(f"{where}: chart {index} plot only {chart['plot_h']} px tall")
                if chart["overflow"] > 4:
                    problems.append(f"{where}: chart {index} drawn {chart['overflow']} px past its column")
                if chart["clipped"]:
                    problems.append(f"{where}: chart {index} clips {chart['clipped']} legend label(s)")
                if entries is not None and chart["labels"] != entries:
                    problems.append(f"{where}: chart {index} legend lists {chart['labels']} of {entries} entries")
            screenshot_whole(page, ARTIFACTS / f"{task}_{width}_{script}.png", width)
        problems += [f"{task} {width}px console: {e[:200]}" for e in errors]
        page.close()
    assert problems == [], "\n".join(problems)


def test_a_shared_link_reopens_the_filtered_view(app_url, browser):
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(f"{app_url}/pareto?hw_fpga=&hw_gpu=&hw_tpu=&hw_cpu=&hw_vliw=NCS2")
    wait_for_app(page, 1)
    rows = load_measurements()
    ncs2 = rows[(rows["task"] == "cifar10") & (rows["platform"] == "NCS2")]
    heading = page.get_by_role("heading", name="The Pareto front").inner_text()
    assert heading == f"The Pareto front: {len(pareto_front(ncs2))} point(s)"


def test_moving_a_filter_updates_the_url(app_url, browser):
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(f"{app_url}/rooflines")
    wait_for_app(page, 1)
    page.locator("[data-testid='stSidebar'] button", has_text="FP32").first.click()
    page.wait_for_url("**precision=*")
    assert "FP32" not in page.url.split("precision=", 1)[1]
    wait_for_app(page, 1)
    assert page.locator("[data-testid='stException']").count() == 0


FIRST_LINE = "() => { const p = document.querySelector(\"[data-testid='stVegaLiteChart'] g.mark-line path\"); " \
             "return p ? p.getAttribute('d') : null; }"


def test_dragging_the_bandwidth_slider_redraws_the_rooflines(app_url, browser):
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(f"{app_url}/rooflines")
    wait_for_app(page, 1)
    before = page.evaluate(FIRST_LINE)
    assert before
    value = page.locator(".st-key-bw_scale input[type='range']")
    assert value.get_attribute("aria-valuetext") == "1x"
    thumb = value.locator("xpath=../..")  # the thumb around the hidden range input
    thumb.scroll_into_view_if_needed()
    box = thumb.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()
    page.wait_for_function("() => location.search.includes('bw_scale=')")
    wait_for_app(page, 1)
    # the first roofline's path changes when the chart redraws with the new bandwidth
    page.wait_for_function(f"(before) => ({FIRST_LINE})() !== before", arg=before)
    assert value.get_attribute("aria-valuetext") != "1x"
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(ARTIFACTS / "whatif_rooflines_after_drag.png"), full_page=True)


def test_hostile_names_render_as_text_not_markup(app_url, browser, tmp_path):
    from playwright.sync_api import expect
    name = "<img src=x onerror=alert(1)>fb.csv"
    content = ("NN_Topology,HWType,Precision,batch/thread/stream,lat-comp,fps-comp,top1 [%],PruningFactor\n"
               "CNV,\"[click me](https://example.com/phish)\",INT8,1,0.1,99000,90,100%\n")
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{app_url}/your_measurements")
    wait_for_app(page)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content.encode()}])
    # the Add button names the file once it has reached the server and been read
    page.get_by_role("button", name=re.compile(r"^Add .*fb\.csv")).click()
    page.wait_for_selector("[data-testid='stAlertContentSuccess']")
    wait_for_app(page)
    main = page.locator("[data-testid='stMain']")
    expect(main).to_contain_text("[click me](https://example.com/phish)")  # shown literally (waits for the rerun)
    expect(main).to_contain_text(name)
    links = page.locator("a[href*='example.com']")
    assert links.count() == 0, [links.nth(i).evaluate("a => a.parentElement.outerHTML") for i in range(links.count())]
    assert page.locator("img[src='x']").count() == 0 and dialogs == []
    page.locator("[data-testid='stSidebarNav'] a[href$='/overview']").click()  # same session: upload kept
    page.wait_for_url(f"{app_url}/overview*")
    wait_for_app(page)
    assert page.locator("a[href*='example.com']").count() == 0
    assert page.locator("[data-testid='stSidebar']").get_by_text("[click me](https://example.com/phish)").count() == 1


def test_the_deployed_server_answers_frontend_files_from_its_static_layer(app_url):
    """serve.py runs StaticAssets before Streamlit's stack: a frontend file the page links comes back
    gzipped with a year's caching (Streamlit's own stack never gzips /static/), and a page still
    comes from Streamlit."""
    import gzip
    import urllib.request

    with urllib.request.urlopen(app_url + "/", timeout=10) as response:
        index = response.read().decode()
        assert response.headers.get("content-encoding") is None
    script = re.search(r'src="\.?(/?static/js/[^"]+\.js)"', index)
    assert script, "index.html links no script"
    path = "/" + script.group(1).lstrip("/")
    request = urllib.request.Request(app_url + path, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["content-encoding"] == "gzip"
        assert response.headers["cache-control"] == "public, immutable, max-age=31536000"
        body = gzip.decompress(response.read())
    with urllib.request.urlopen(app_url + path, timeout=10) as response:
        assert response.read() == body and len(body) > 1000

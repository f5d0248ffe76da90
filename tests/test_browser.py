"""Every page in headless Chromium (Debian's package, driven by Playwright; never a browser download).

Starts the app on a free port, opens each page from the navigation, waits for its charts, and
checks there is no exception element and no console error. Screenshots go to test-artifacts/.
In CI (CI=true) a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import pytest
from browser_support import ARTIFACTS, CHROMIUM_ARGS, PAGES, browser_or_skip, free_port, start_app, wait_for_app

from qb_core.measurements import load_measurements
from qb_core.pareto import pareto_front


@pytest.fixture(scope="module")
def app_url():
    port = free_port()
    process = start_app(port)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    executable = browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_every_page_from_the_navigation(app_url, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_url)
    wait_for_app(page, 0)
    for label, path, charts in PAGES:
        page.locator("[data-testid='stSidebarNav'] a", has_text=label).first.click()
        page.wait_for_url(f"{app_url}/{path}*")
        wait_for_app(page, charts)
        assert page.locator("[data-testid='stException']").count() == 0, f"{label}: exception shown"
        assert page.locator("[data-testid='stVegaLiteChart']").count() == charts, label
        page.screenshot(path=str(ARTIFACTS / f"page_{path or 'home'}.png"), full_page=True)
    assert errors == [], errors


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


def test_dragging_the_bandwidth_slider_redraws_the_rooflines(app_url, browser):
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(f"{app_url}/rooflines")
    wait_for_app(page, 1)
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    before = chart.screenshot()
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
    page.wait_for_timeout(300)
    assert value.get_attribute("aria-valuetext") != "1x"
    assert page.locator("[data-testid='stException']").count() == 0
    assert chart.screenshot() != before
    page.screenshot(path=str(ARTIFACTS / "whatif_rooflines_after_drag.png"), full_page=True)

"""Your networks in Chromium: a layer table uploaded as a user would, then seen on the Rooflines and
Calibrated prediction pages; a hostile ONNX file refused with its message, nothing else lost."""

from __future__ import annotations

import re

from devtools.browser import ARTIFACTS, MIN_PLOT_PX, measure, screenshot_whole, wait_for_app, wait_for_charts_drawn
from tests.test_networks_page import CSV


def upload_network(page, file_name: str, content: bytes, name: str) -> None:
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        files=[{"name": file_name, "mimeType": "application/octet-stream", "buffer": content}])
    page.locator("[data-testid='stFileUploader']").get_by_text(file_name).wait_for()
    page.wait_for_load_state("networkidle")  # the file has reached the server before Add is pressed
    page.get_by_label(re.compile("^Name")).fill(name)
    page.get_by_label(re.compile("^Name")).press("Enter")
    wait_for_app(page)
    errors = page.locator("[data-testid='stAlertContentError']")
    for _ in range(20):  # the file reaches the server over the websocket a moment after it is chosen
        page.get_by_role("button", name="Add to my networks").click()
        wait_for_app(page)
        page.wait_for_timeout(300)
        if not (errors.count() and errors.first.inner_text().startswith("Choose")):
            return


def test_an_uploaded_network_reaches_the_theory_pages_in_the_browser(app_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{app_url}/your_networks")
    wait_for_app(page)
    upload_network(page, "tiny.csv", CSV, "TinyNet")
    page.wait_for_selector("text=TinyNet added for CIFAR-10")
    upload_network(page, "evil.onnx", b"\x08\x07not a model at all", "Evil")
    error = page.locator("[data-testid='stAlertContentError']")
    error.wait_for(timeout=60_000)
    assert "Not added" in error.inner_text() and "evil.onnx" in error.inner_text()
    assert page.get_by_text(re.compile(r"^TinyNet \(CIFAR-10")).count() == 1  # the first network is still there
    screenshot_whole(page, ARTIFACTS / "your_networks_1280.png", 1280)
    page.locator("[data-testid='stSidebarNav'] a[href$='/rooflines']").click()
    wait_for_app(page, 1)
    wait_for_charts_drawn(page)
    assert page.locator("[data-testid='stException']").count() == 0
    charts = measure(page)
    assert charts and charts[0]["plot_h"] >= MIN_PLOT_PX
    assert "nets=" in page.url  # a small network travels in the link
    page.locator("[data-testid='stSidebarNav'] a[href$='/calibration']").click()
    wait_for_app(page, 1)
    page.wait_for_selector("text=Calibrated predictions to plan with")
    assert page.locator("[data-testid='stException']").count() == 0
    assert not errors
    page.close()

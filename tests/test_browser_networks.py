"""Your networks in Chromium: a layer table uploaded as a user would, then seen on the Rooflines and
Calibrated prediction pages; a hostile ONNX file refused with its message, nothing else lost."""

from __future__ import annotations

import re

from devtools.browser import ARTIFACTS, MIN_PLOT_PX, measure, screenshot_whole, wait_for_app, wait_for_charts_drawn
from tests.test_networks_page import CSV

ALERTS = "[data-testid='stAlertContentError'], [data-testid='stAlertContentSuccess']"
OUTCOME = """(wanted) => Array.from(document.querySelectorAll(
    "[data-testid='stAlertContentError'], [data-testid='stAlertContentSuccess']"))
    .some(alert => alert.innerText.includes(wanted) || alert.innerText.startsWith("Choose"))"""


def upload_network(page, file_name: str, content: bytes, name: str, outcome: str) -> None:
    """Choose the file, name it and press Add until the page answers with ``outcome`` (the upload
    reaches the server over the websocket a moment after the file is chosen: until then the page
    says "Choose a file first", as it would to a user who pressed too early)."""
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        files=[{"name": file_name, "mimeType": "application/octet-stream", "buffer": content}])
    page.locator("[data-testid='stFileUploader']").get_by_text(file_name).wait_for()
    page.get_by_label(re.compile("^Name")).fill(name)
    page.get_by_label(re.compile("^Name")).press("Enter")
    wait_for_app(page)
    for _ in range(10):
        page.get_by_role("button", name="Add to my networks").click()
        page.wait_for_function(OUTCOME, arg=outcome, timeout=30_000)
        if any(outcome in text for text in page.locator(ALERTS).all_inner_texts()):
            wait_for_app(page)
            return
        page.wait_for_timeout(500)
    raise AssertionError(f"the page never answered {outcome!r}")


def test_an_uploaded_network_reaches_the_theory_pages_in_the_browser(app_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{app_url}/your_networks")
    wait_for_app(page)
    upload_network(page, "tiny.csv", CSV, "TinyNet", "TinyNet added for CIFAR-10")
    upload_network(page, "evil.onnx", b"\x08\x07not a model at all", "Evil", "evil.onnx")
    error = page.locator("[data-testid='stAlertContentError']").first
    assert error.inner_text().startswith("Not added") and "evil.onnx" in error.inner_text()
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

"""Your networks in Chromium: a layer table uploaded as a user would, then seen on the Rooflines and
Calibrated prediction pages; a hostile ONNX file refused with its message, nothing else lost."""

from __future__ import annotations

import re

from devtools.browser import ARTIFACTS, MIN_PLOT_PX, measure, screenshot_whole, wait_for_app, wait_for_charts_drawn
from tests.test_networks_page import CSV

UPLOADER = "[data-testid='stFileUploader']"


def choose_file(page, file_name: str, content: bytes | None = None, path=None) -> None:
    files = str(path) if path is not None else [{"name": file_name, "mimeType": "application/octet-stream",
                                                 "buffer": content}]
    page.locator(f"{UPLOADER} input[type='file']").set_input_files(files=files)


def upload_network(page, file_name: str, content: bytes, name: str) -> None:
    """Name the network, choose the file, then press the Add button once it names the file: it is
    disabled until the file has reached the server and been read."""
    page.get_by_label(re.compile("^Name")).fill(name)
    page.get_by_label(re.compile("^Name")).press("Enter")
    wait_for_app(page)
    choose_file(page, file_name, content)
    page.get_by_role("button", name=f"Add {file_name}").click()
    wait_for_app(page)


def test_an_uploaded_network_reaches_the_theory_pages_in_the_browser(app_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{app_url}/your_networks")
    wait_for_app(page)
    upload_network(page, "tiny.csv", CSV, "TinyNet")
    page.get_by_text("TinyNet added for CIFAR-10").wait_for()
    choose_file(page, "evil.onnx", b"\x08\x07not a model at all")
    error = page.locator("[data-testid='stAlertContentError']").filter(has_text="evil.onnx was not read").first
    error.wait_for()
    assert "Nothing was added" in error.inner_text()
    assert page.get_by_role("button", name="Add (choose a file first)").is_disabled()
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
    page.wait_for_selector("text=Every answer for CIFAR-10")
    assert page.locator("[data-testid='stException']").count() == 0
    assert not errors
    page.close()


def test_an_over_limit_file_after_a_good_one_adds_nothing(app_url, browser, tmp_path):
    """The browser refuses a file over the limit without telling the server; the page must not add
    the file chosen before it in its place, and must not lose the reason."""
    from ui.user_networks import NETWORK_UPLOAD_MB

    big = tmp_path / "vgg16.onnx"
    with open(big, "wb") as handle:  # sparse: takes no disk space; the browser reads only its size
        handle.truncate((NETWORK_UPLOAD_MB + 1) * 1024 * 1024)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{app_url}/your_networks")
    wait_for_app(page)
    upload_network(page, "tiny.csv", CSV, "TinyNet")
    page.get_by_text("TinyNet added for CIFAR-10").wait_for()
    choose_file(page, "vgg16.onnx", path=big)
    page.locator(UPLOADER).get_by_text("vgg16.onnx").wait_for()
    page.wait_for_timeout(1000)
    wait_for_app(page)
    assert page.get_by_role("button", name="Add (choose a file first)").is_disabled()
    assert page.get_by_role("button", name=re.compile("^Add .*(vgg16|tiny)")).count() == 0
    assert page.get_by_text(re.compile(r"^TinyNet \(CIFAR-10")).count() == 1
    assert page.get_by_text(re.compile(r"vgg16")).count() >= 1  # the refused file stays on screen, in red
    assert page.locator(f"{UPLOADER} [role='alert']").filter(has_text="or smaller").count() == 1
    page.close()


def test_add_waits_for_the_upload(app_url, browser):
    """Pressed the moment a file is chosen, Add is still disabled (nothing to add yet); it names the
    file once the file has arrived, and adds that file."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{app_url}/your_networks")
    wait_for_app(page)
    choose_file(page, "quick.csv", CSV)
    add = page.get_by_role("button", name=re.compile(r"^Add (\(choose a file first\)|quick\.csv)$"))
    assert add.is_disabled() or add.inner_text().endswith("Add quick.csv")
    page.get_by_role("button", name="Add quick.csv").click()
    page.get_by_text("quick added for CIFAR-10").wait_for()
    page.close()

"""Every page in headless Chromium (Debian's package, driven by Playwright; never a browser download).

Starts the app on a free port, opens each page from the navigation, waits for its charts, and
checks there is no exception element and no console error. Screenshots go to test-artifacts/.
In CI (CI=true) a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from qb_core.measurements import load_measurements
from qb_core.pareto import pareto_front
from qb_core.paths import PROJECT_DIR

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_DIR / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
#: (navigation label, url path, number of charts the page draws with default filters)
PAGES = [
    ("Home", "", 0),
    ("Rooflines", "rooflines", 1),
    ("Prediction", "prediction", 1),
    ("Overview", "overview", 0),
    ("Latency/Throughput", "latency_throughput", 2),
    ("Boxplots", "boxplots", 3),
    ("Pareto", "pareto", 1),
]


def _browser_or_skip() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if os.environ.get("CI") == "true":
        pytest.fail(f"chromium not found at {CHROMIUM}: .ci/run must install it (apt-get install chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(port: int) -> subprocess.Popen:
    """``streamlit run`` headless on ``port``; returns once /_stcore/health answers."""
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(PROJECT_DIR / "streamlit_app.py"),
         "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"streamlit did not start: {process.stderr.read().decode()[-2000:]}")


@pytest.fixture(scope="module")
def app_url():
    port = free_port()
    process = start_app(port)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    executable = _browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def wait_for_app(page, charts: int, timeout_ms: int = 30_000) -> None:
    """Wait until the script has finished running and ``charts`` charts have drawn their canvas."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout_ms)
    page.wait_for_function(
        """(n) => {
            const running = document.querySelector("[data-testid='stStatusWidget']");
            const charts = document.querySelectorAll("[data-testid='stVegaLiteChart'] canvas, "
                + "[data-testid='stVegaLiteChart'] svg.marks");
            const title = document.querySelector("h1");
            return !running && title && charts.length >= n;
        }""",
        arg=charts, timeout=timeout_ms,
    )


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

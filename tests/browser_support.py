"""Browser-test support shared by tests and ``make bench``: start the app, drive Debian's Chromium."""

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
    ("What-if hardware", "whatif", 0),
    ("Overview", "overview", 0),
    ("Latency/Throughput", "latency_throughput", 2),
    ("Boxplots", "boxplots", 3),
    ("Pareto", "pareto", 1),
    ("Your measurements", "your_measurements", 0),
]


def browser_or_skip() -> str:
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


def wait_for_app(page, charts: int, timeout_ms: int = 30_000) -> None:
    """Wait until the script has finished running and ``charts`` charts have drawn their canvas."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout_ms)
    page.wait_for_function(
        """(n) => {
            const running = document.querySelector("[data-testid='stStatusWidget']");
            const charts = document.querySelectorAll("[data-testid='stVegaLiteChart'] canvas, "
                + "[data-testid='stVegaLiteChart'] svg.marks");
            const title = document.querySelector("h1");
            const loading = document.querySelector("[data-testid='stSkeleton']");
            return !running && !loading && title && charts.length >= n;
        }""",
        arg=charts, timeout=timeout_ms,
    )

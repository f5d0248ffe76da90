"""Start the app and look at it in Debian's Chromium (driven by Playwright; never a browser
download): wait for a page to finish, and measure what it drew.

:data:`GEOMETRY` measures each chart the way a reader meets it: the plot area (the Vega frame's
background), how far the drawing runs past its column, and how many legend labels it draws and
how many of those lie outside what can be seen.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from qb_core.paths import PROJECT_DIR

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_DIR / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
WIDTHS = (1280, 1920)
MIN_PLOT_PX = 200

GEOMETRY = """() => Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]')).map(holder => {
  const svg = holder.querySelector('svg'); if (!svg) return null;
  const cells = Array.from(svg.querySelectorAll(
      'g.role-frame > g > path.background, g.role-scope > g > path.background'))
    .map(b => b.getBoundingClientRect()).filter(r => r.width > 0 || r.height > 0);
  const box = holder.getBoundingClientRect();
  const s = svg.getBoundingClientRect();
  const visible = {left: Math.max(s.left, box.left), right: Math.min(s.right, box.right), bottom: s.bottom};
  const labels = Array.from(svg.querySelectorAll('g.role-legend-label text'));
  const clipped = labels.filter(t => { const r = t.getBoundingClientRect();
    return r.width > 0 && (r.right > visible.right + 1 || r.bottom > visible.bottom + 1
                           || r.left < visible.left - 1); }).length;
  return {plot_w: Math.round(Math.max(0, ...cells.map(r => r.width))),
          plot_h: Math.round(Math.max(0, ...cells.map(r => r.height))),
          overflow: Math.round(s.right - box.right), labels: labels.length, clipped: clipped};
})"""


def executable() -> str | None:
    """Debian's Chromium, or None when it is not installed."""
    return CHROMIUM if Path(CHROMIUM).exists() else None


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(port: int, script: Path = PROJECT_DIR / "serve.py", extra_args: Sequence[str] = (),
              log: Path | None = None) -> subprocess.Popen:
    """``streamlit run`` headless on ``port``; returns once /_stcore/health answers.

    ``script`` is the app (QB Explorer as deployed, ``serve.py``, unless told), ``extra_args`` more
    ``streamlit run`` options, and ``log`` a file for the server's output (by default stderr is
    kept for the error message and stdout dropped)."""
    output = log.open("wb") if log is not None else None
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script),
         "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", *extra_args],
        cwd=PROJECT_DIR, stdout=output or subprocess.DEVNULL, stderr=subprocess.STDOUT if output else subprocess.PIPE,
    )
    if output is not None:
        output.close()  # the child has its own copy
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    process.wait()
    output_text = log.read_bytes() if log is not None else process.stderr.read()
    raise RuntimeError(f"streamlit did not start: {output_text.decode(errors='replace')[-2000:]}")


@contextmanager
def running_app() -> Iterator[str]:
    """The app on a free port for the duration of the block; yields its base URL."""
    port = free_port()
    process = start_app(port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_for_app(page, charts: int = 0, timeout_ms: int = 30_000) -> None:
    """Wait until the script has finished running and at least ``charts`` charts have drawn."""
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


def wait_for_charts_drawn(page, timeout_ms: int = 30_000) -> None:
    """Wait until every chart on the page has its SVG and nothing is running."""
    page.wait_for_function(
        """() => !document.querySelector("[data-testid='stStatusWidget']")
                 && Array.from(document.querySelectorAll("[data-testid='stVegaLiteChart']"))
                      .every(c => c.querySelector("svg.marks g.role-legend, svg.marks g.mark-group"))""",
        timeout=timeout_ms)


def measure(page) -> list[dict]:
    """:data:`GEOMETRY` of every chart on the page (in page order)."""
    return [g for g in page.evaluate(GEOMETRY) if g is not None]


def screenshot_whole(page, path: Path, width: int) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its main block, so the viewport is
    made as tall as the content first (and restored after)."""
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 8000)})
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": 1000})

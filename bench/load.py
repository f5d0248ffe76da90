"""Load benchmarks, seen from the server: CPU seconds a new browser session costs on each page of
the app as deployed (``serve.py``; against a bare one-chart app, served stock and behind the same
static layer), resident memory with ten sessions holding a 10,000-row upload,
and whether that memory comes back once the sessions end.

The server is ``streamlit run`` in a child process; its CPU time and resident memory come from
``/proc`` (children included, if it ever has any). Each new session is a new Chromium context
(empty cache), so it fetches the frontend as well as running the page.
"""

from __future__ import annotations

import os
import re
import statistics
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from devtools.browser import CHROMIUM_ARGS, executable, free_port, start_app, wait_for_app
from qb_core.paths import PROJECT_DIR
from ui.navigation import SECTIONS

SCRIPTS = [info.script for infos in SECTIONS.values() for info in infos]
ONE_CHART_APP = Path(__file__).with_name("one_chart_app.py")
#: The same yardstick behind serve.py's static layer: like with like for the app as deployed.
ONE_CHART_SERVED = Path(__file__).with_name("one_chart_served.py")
TICK = os.sysconf("SC_CLK_TCK")
SESSIONS = 10
UPLOAD_ROWS = 10_000
SESSION_TTL_S = 2
#: New sessions per CPU sample: the kernel's 10 ms clock tick is shared between them.
SESSIONS_PER_SAMPLE = 3
VIEWPORT = {"width": 1500, "height": 1100}


# --- the server process, from /proc ---

def _stat(pid: int) -> list[str]:
    """Fields of /proc/<pid>/stat after the command name (index 0 is field 3, the state)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2:].split()


def _tree(pid: int) -> list[int]:
    """``pid`` and every live descendant."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                children.setdefault(int(_stat(int(entry.name))[1]), []).append(int(entry.name))
            except (OSError, IndexError):
                continue
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, ()))
    return tree


def cpu_seconds(pid: int) -> float:
    """utime + stime of the server and its live children, plus the children it has reaped."""
    ticks = 0
    for index, member in enumerate(_tree(pid)):
        try:
            fields = _stat(member)
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
        if index == 0:
            ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / TICK


def rss_mb(pid: int) -> float:
    """VmRSS of the server and its children, in MB."""
    total_kb = 0
    for member in _tree(pid):
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total_kb += int(match.group(1)) if match else 0
    return total_kb / 1024


def quiet_cpu(pid: int, step_s: float = 0.05, timeout_s: float = 5.0) -> tuple[float, float]:
    """The server's CPU seconds once it has gone idle (three steps in a row under one clock tick), and
    the monotonic time of that reading."""
    last, calm, deadline = cpu_seconds(pid), 0, time.monotonic() + timeout_s
    while calm < 3 and time.monotonic() < deadline:
        time.sleep(step_s)
        now = cpu_seconds(pid)
        calm = calm + 1 if now - last < 1.5 / TICK else 0
        last = now
    return last, time.monotonic()


def idle_cpu_rate(pid: int, seconds: float = 4.0) -> float:
    """CPU seconds per second the server spends with no session at all: Streamlit polls its config
    files every 200 ms whatever the settings. A session's cost leaves out this share of its window."""
    before, start = quiet_cpu(pid)
    time.sleep(seconds)
    after, end = quiet_cpu(pid)
    return (after - before) / (end - start)


def stable_rss(pid: int, step_s: float = 0.5, timeout_s: float = 10.0) -> float:
    """RSS once it changes by less than 0.5 MB between two readings."""
    last, deadline = rss_mb(pid), time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        time.sleep(step_s)
        now = rss_mb(pid)
        if abs(now - last) < 0.5:
            return now
        last = now
    return last


def metrics(base: str, families: tuple[str, ...] = ()) -> dict[str, float]:
    """Streamlit's own counters (/_stcore/metrics): active sessions, connects and disconnects, and
    the bytes it holds per store (``cache:UploadedFileManager``, ``cache:st_memory_media_file_storage``...;
    that family is recomputed at most every 5 s). ``families`` asks for those only."""
    query = "?" + "&".join(f"families={name}" for name in families) if families else ""
    with urllib.request.urlopen(f"{base}/_stcore/metrics{query}", timeout=10) as response:
        text = response.read().decode()
    found: dict[str, float] = {}
    for line in text.splitlines():
        match = re.match(r'^(\w+?)(?:_total)?(?:\{(.*)\})? ([0-9.e+-]+)$', line)
        if not match:
            continue
        name, labels, value = match.groups()
        if name == "session_events":
            name = re.sub(r'type="(\w+)"', r"\1", labels or "")
        elif name == "cache_memory_bytes":
            name = "cache:" + (re.search(r'cache_type="([^"]*)"', labels or "") or [None, "?"])[1]
        found[name] = found.get(name, 0.0) + float(value)
    return found


# --- the browser side ---

def _url(base: str, script: str) -> str:
    return f"{base}/" + ("" if script == "home" else script)


def wait_for_charts_drawn(page, timeout_ms: int = 30_000) -> None:
    """Nothing running and every chart has its marks (SVG, or canvas: with many points the app
    draws on a canvas, which devtools.browser.wait_for_charts_drawn does not wait for)."""
    page.wait_for_function(
        """() => !document.querySelector("[data-testid='stStatusWidget']")
                 && Array.from(document.querySelectorAll("[data-testid='stVegaLiteChart']"))
                      .every(c => c.querySelector("svg.marks g.mark-group, svg.marks g.role-legend, canvas.marks"))""",
        timeout=timeout_ms)


def count_charts(page) -> int:
    """Charts the page draws: counted once the script has finished and the count holds still."""
    previous = -1
    for _ in range(20):
        wait_for_app(page, 0, timeout_ms=60_000)
        wait_for_charts_drawn(page, timeout_ms=60_000)
        count = page.locator("[data-testid='stVegaLiteChart']").count()
        if count == previous:
            return count
        previous = count
        page.wait_for_timeout(700)
    return previous


def session_cpu(browser, pid: int, url: str, chart_count: int, runs: int, cached_assets: bool = False,
                idle_rate: float = 0.0, per_sample: int = SESSIONS_PER_SAMPLE) -> list[float]:
    """Server CPU seconds per new session loading ``url``, one figure for each of ``runs`` samples of
    ``per_sample`` sessions in a row: each session in a new browser context (an empty cache: the
    frontend's scripts are fetched too), or with ``cached_assets`` each a new tab of one context that
    has loaded the page once (a new session whose browser already holds the frontend: what is left is
    the app's own work per session and the websocket). The kernel counts CPU in clock ticks (10 ms):
    a sample of several sessions divides that step between them. ``idle_rate`` (CPU seconds per
    second, ``idle_cpu_rate``) is taken off for the sample's wall time."""
    shared = browser.new_context(viewport=VIEWPORT) if cached_assets else None
    if shared is not None:
        first = shared.new_page()
        first.goto(url)
        wait_for_app(first, chart_count)
        first.close()
    costs = []
    for _ in range(runs):
        before, start = quiet_cpu(pid)
        for _ in range(per_sample):
            context = shared or browser.new_context(viewport=VIEWPORT)
            page = context.new_page()
            page.goto(url)
            wait_for_app(page, chart_count)
            wait_for_charts_drawn(page)
            if shared is None:
                context.close()
            else:
                page.close()
        after, end = quiet_cpu(pid)
        costs.append(max(0.0, after - before - idle_rate * (end - start)) / per_sample)
    if shared is not None:
        shared.close()
    return costs


def frontend_requests(browser, url: str, chart_count: int) -> int:
    """HTTP requests a new browser makes to open ``url`` (the frontend's files, the page, its probes)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url) if not request.url.startswith("ws") else None)
    page.goto(url)
    wait_for_app(page, chart_count)
    wait_for_charts_drawn(page)
    context.close()
    return len(seen)


def write_upload(path: Path, seed: int, rows: int = UPLOAD_ROWS) -> None:
    """The bundled measurements (tidy schema) resampled to ``rows`` rows."""
    bundled = pd.read_csv(PROJECT_DIR / "data" / "measurements.csv")
    bundled.sample(rows, replace=True, random_state=seed).to_csv(path, index=False)


def _add_upload(page) -> None:
    """Press the Add button once it names the file (it is disabled until the file has reached the
    server and been read), then wait for the outcome."""
    outcome = page.locator("[data-testid='stAlertContentSuccess'], [data-testid='stAlertContentError']")
    page.locator(".st-key-measurement_add button:not([disabled])").click(timeout=60_000)
    outcome.first.wait_for(timeout=60_000)
    if not page.locator("[data-testid='stAlertContentSuccess']").count():
        raise RuntimeError(f"upload not added: {outcome.first.inner_text()}")


def memory_round(browser, base: str, pid: int, csvs: list[Path], pareto_charts: int) -> tuple[float, list]:
    """One new session per CSV, all open at once: each uploads its CSV on Your measurements, adds
    it, then opens Pareto from the navigation (same session, so the upload is drawn). The sessions
    go through each step together (the browser and the server overlap their work). Returns the
    server's RSS (MB) with every session open, and the open contexts."""
    contexts = [browser.new_context(viewport=VIEWPORT) for _ in csvs]
    pages = [context.new_page() for context in contexts]
    for page in pages:
        page.goto(_url(base, "your_measurements"), wait_until="commit")
    for page, csv in zip(pages, csvs, strict=True):
        wait_for_app(page, 0, timeout_ms=90_000)
        page.locator(".st-key-measurement_upload input[type=file]").set_input_files(str(csv))
    for page in pages:
        page.locator(".st-key-measurement_upload [data-testid='stFileChip']").wait_for(timeout=60_000)
        _add_upload(page)
    for page in pages:
        page.locator("[data-testid='stSidebarNav'] a[href$='/pareto']").click()
    for page in pages:
        page.wait_for_url(re.compile(r"/pareto(\?.*)?$"))
        wait_for_app(page, pareto_charts, timeout_ms=90_000)
        wait_for_charts_drawn(page, timeout_ms=90_000)
    return stable_rss(pid), contexts


def wait_sessions_dropped(browser, base: str, pid: int, ttl_s: float) -> dict[str, float]:
    """After the contexts closed: no active session on the server, and the TTL (plus a margin)
    gone. Streamlit forgets expired sessions lazily (on the next session it stores), so one
    bare session opens and closes then; an AppSession frees its uploads when it is collected.
    Returns the server's metrics once RSS is steady."""
    def no_active_session() -> None:
        deadline = time.monotonic() + 30
        while metrics(base, ("active_sessions",)).get("active_sessions", 0) > 0 and time.monotonic() < deadline:
            time.sleep(0.2)

    no_active_session()
    time.sleep(ttl_s + 3)
    nudge = browser.new_context(viewport=VIEWPORT)
    page = nudge.new_page()
    page.goto(_url(base, "home"))
    wait_for_app(page, 0)
    nudge.close()
    no_active_session()
    time.sleep(1)
    stable_rss(pid)
    return metrics(base)  # the byte counts are recomputed at most every 5 s: the last call was longer ago


# --- the figures ---

def _with_server(script: Path, extra_args: tuple[str, ...], log: Path, work: Callable[[str, int], object]):
    port = free_port()
    server = start_app(port, script=script, extra_args=extra_args, log=log)
    try:
        return work(f"http://127.0.0.1:{port}", server.pid)
    finally:
        server.terminate()
        server.wait(timeout=20)


def cpu_and_memory(playwright, chromium: str, tmp: Path, runs: int) -> list[tuple[str, str, str]]:
    browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    csvs = [tmp / f"measurements_{seed}.csv" for seed in range(SESSIONS)]
    for seed, csv in enumerate(csvs):
        write_upload(csv, seed)

    def one_chart(base: str, pid: int) -> tuple[float, float, float, int]:
        warm = browser.new_page()
        warm.goto(base)
        charts = count_charts(warm)
        warm.close()
        idle = idle_cpu_rate(pid)
        return (statistics.median(session_cpu(browser, pid, base, charts, runs, idle_rate=idle)),
                statistics.median(session_cpu(browser, pid, base, charts, runs, cached_assets=True, idle_rate=idle)),
                idle, frontend_requests(browser, base, charts))

    def app(base: str, pid: int):
        # Every page once first: the server's one-off work (imports, caches) is not a session's.
        warm = browser.new_page(viewport=VIEWPORT)
        chart_counts = {}
        for script in SCRIPTS:
            warm.goto(_url(base, script))
            chart_counts[script] = count_charts(warm)
        warm.close()
        idle = idle_cpu_rate(pid)
        requests = {script: frontend_requests(browser, _url(base, script), chart_counts[script]) for script in SCRIPTS}
        cpu = {script: statistics.median(session_cpu(browser, pid, _url(base, script), chart_counts[script], runs,
                                                     idle_rate=idle)) for script in SCRIPTS}
        own = {script: statistics.median(session_cpu(browser, pid, _url(base, script), chart_counts[script], runs,
                                                     cached_assets=True, idle_rate=idle)) for script in SCRIPTS}
        before = stable_rss(pid)
        with_sessions, contexts = memory_round(browser, base, pid, csvs, chart_counts["pareto"])
        held = metrics(base)
        for context in contexts:
            context.close()
        return cpu, own, chart_counts, requests, idle, before, with_sessions, held

    reference, reference_own, reference_idle, reference_requests = _with_server(
        ONE_CHART_APP, (), tmp / "one_chart.log", one_chart)
    served, served_own, served_idle, _ = _with_server(ONE_CHART_SERVED, (), tmp / "one_chart_served.log", one_chart)
    cpu, own, chart_counts, requests, idle, before, with_sessions, held = _with_server(
        PROJECT_DIR / "serve.py", (), tmp / "app.log", app)
    browser.close()
    rows = [(f"server CPU per new session: median of {runs} samples of {SESSIONS_PER_SAMPLE} sessions, "
             "new browser / frontend cached", "", ""),
            (f"one-chart app, stock streamlit run ({reference_requests} requests from a new browser)",
             f"{reference * 1000:.0f}/{reference_own * 1000:.0f} ms", "reference"),
            ("one-chart app behind serve.py's static layer (like with like)",
             f"{served * 1000:.0f}/{served_own * 1000:.0f} ms", "reference"),
            ("  idle server taken off each sample (config polling): stock / served / app",
             f"{reference_idle * 1000:.1f}/{served_idle * 1000:.1f}/{idle * 1000:.1f} ms/s", "")]
    for script in sorted(SCRIPTS, key=cpu.get, reverse=True):
        rows.append((f"{script} ({chart_counts[script]} charts, {requests[script]} requests from a new browser)",
                     f"{cpu[script] * 1000:.0f}/{own[script] * 1000:.0f} ms",
                     f"stock x{cpu[script] / reference:.2f}/x{own[script] / reference_own:.2f}, served "
                     f"x{cpu[script] / served:.2f}/x{own[script] / served_own:.2f}; <= 1.2x"))
    rows.append((f"server RSS before the upload round (after {len(SCRIPTS) * (runs + 1)} page sessions)",
                 f"{before:.0f} MB", ""))
    rows.append((f"server RSS, {SESSIONS} sessions open, each {UPLOAD_ROWS:,}-row upload on Pareto",
                 f"{with_sessions:.0f} MB", "< 300 MB"))
    rows.append(("  of which Streamlit's metrics count: uploaded files / media (download buttons)",
                 f"{held.get('cache:UploadedFileManager', 0) / 2**20:.0f}/"
                 f"{held.get('cache:st_memory_media_file_storage', 0) / 2**20:.0f} MB", ""))
    return rows


def released(playwright, chromium: str, tmp: Path, rounds: int = 3) -> list[tuple[str, str, str]]:
    browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    csvs = sorted(tmp.glob("measurements_*.csv"))

    def work(base: str, pid: int) -> list[tuple[float, dict[str, float]]]:
        warm = browser.new_page(viewport=VIEWPORT)
        charts = {}
        for script in ("your_measurements", "pareto"):
            warm.goto(_url(base, script))
            charts[script] = count_charts(warm)
        warm.close()
        after = []
        for _ in range(rounds):
            _, contexts = memory_round(browser, base, pid, csvs, charts["pareto"])
            for context in contexts:
                context.close()
            held = wait_sessions_dropped(browser, base, pid, SESSION_TTL_S)
            after.append((rss_mb(pid), held))
        return after

    after = _with_server(PROJECT_DIR / "serve.py", ("--server.disconnectedSessionTTL", str(SESSION_TTL_S)),
                         tmp / "app_ttl.log", work)
    browser.close()
    rss = [r for r, _ in after]
    growth = [b - a for a, b in zip(rss, rss[1:], strict=False)]
    rows = [(f"TTL {SESSION_TTL_S} s: server RSS after round {i} of {SESSIONS} upload sessions closed",
             f"{r:.0f} MB", "") for i, r in enumerate(rss, start=1)]
    rows.append(("  growth per round: round 1 to 2, 2 to 3", "/".join(f"{g:+.0f}" for g in growth) + " MB",
                 "< 20 MB growth per round"))
    last = after[-1][1]
    rows.append(("  after the last round: active sessions / connects / disconnects",
                 f"{last.get('active_sessions', 0):.0f}/{last.get('connect', 0):.0f}/{last.get('disconnect', 0):.0f}",
                 ""))
    rows.append(("  uploaded-file bytes Streamlit still holds, after each round",
                 "/".join(f"{h.get('cache:UploadedFileManager', 0) / 2**20:.0f}" for _, h in after) + " MB",
                 "0 once sessions end"))
    return rows


def run(runs: int = 5) -> list[tuple[str, str, str]]:
    chromium = executable()
    if chromium is None:
        return [("load", "skipped", "chromium not installed")]
    from playwright.sync_api import sync_playwright

    start = time.monotonic()
    with tempfile.TemporaryDirectory() as name, sync_playwright() as playwright:
        tmp = Path(name)
        rows = cpu_and_memory(playwright, chromium, tmp, runs)
        rows += released(playwright, chromium, tmp)
    rows.append(("load: wall time of this group", f"{time.monotonic() - start:.0f} s", ""))
    return rows

"""Helpers for AppTest page tests: open a page through the entry point, read chart data.

Importing this module also makes AppTest cheaper to run, as a server is (nothing a page does
changes): one compiled-script cache per process instead of one per run (a server shares one across
sessions; AppTest parsed and compiled the entry point and the page on every run), the scan of
installed packages for components once per process instead of once per run (the project has none),
and a run's end awaited on its event instead of a 1 ms polling loop that took the GIL from it.
"""

from __future__ import annotations

import functools
import json
import re
import threading
import time

import pandas as pd
import pyarrow as pa
import streamlit.components.v2.manifest_scanner as manifest_scanner
import streamlit.testing.v1.app_test as app_test_module
import streamlit.testing.v1.local_script_runner as local_script_runner
from streamlit.runtime.scriptrunner import ScriptRunnerEvent
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest

from qb_core.paths import PROJECT_DIR

_SHARED_SCRIPT_CACHE = ScriptCache()


def _wait_for_the_run(runner: local_script_runner.LocalScriptRunner, timeout: float = 3) -> None:
    """AppTest's wait for a run to end, on the runner's SHUTDOWN event; the same error on a timeout."""
    ended = threading.Event()

    def on_event(sender, event: ScriptRunnerEvent, **kwargs) -> None:
        if event == ScriptRunnerEvent.SHUTDOWN:
            ended.set()

    runner.on_event.connect(on_event, weak=False)
    try:
        deadline = time.time() + timeout
        while not (runner.script_stopped() or ended.wait(min(0.05, max(deadline - time.time(), 0)))):
            if time.time() >= deadline:
                runner.request_stop()
                runner.join()
                raise RuntimeError(f"AppTest script run timed out after {timeout}(s)")
    finally:
        runner.on_event.disconnect(on_event)


local_script_runner.ScriptCache = app_test_module.ScriptCache = lambda: _SHARED_SCRIPT_CACHE
local_script_runner.require_widgets_deltas = _wait_for_the_run
manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)


def new_app() -> AppTest:
    return AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=60)


def open_page(at: AppTest, name: str) -> AppTest:
    """Switch a run app to ``app_pages/<name>.py`` and run it."""
    return at.switch_page(f"app_pages/{name}.py").run()


def charts(at: AppTest) -> list:
    return list(at.get("vega_lite_chart"))


def spec(chart) -> dict:
    return json.loads(chart.proto.spec)


def datasets(chart) -> dict[str, pd.DataFrame]:
    """Every dataset a chart sends to the browser, by name, as DataFrames."""
    frames = {}
    for dataset in chart.proto.datasets:
        table = pa.ipc.open_stream(dataset.data.data).read_all()
        frames[dataset.name] = table.to_pandas()
    return frames


def chart_bytes(chart) -> int:
    """Bytes of chart spec plus data sent to the browser."""
    return len(chart.proto.spec) + sum(len(d.data.data) for d in chart.proto.datasets)


def named(chart, name: str) -> pd.DataFrame:
    """The dataset ``name`` a chart sends (``roofs``, ``cells``, ``points``...)."""
    return datasets(chart)[name]


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def plain(markdown: str) -> str:
    """Markdown as read on screen: code spans (how ``ui.safe`` shows user text) and backslash
    escapes removed."""
    unfenced = re.sub(r"(`+) ?(.*?) ?\1", r"\2", markdown)
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", unfenced)


LEGEND_CHANNELS = ("color", "fill", "stroke", "shape", "strokeDash", "opacity", "size")


def leaf_layers(node: dict, data_name: str | None = None):
    """Every mark layer of a Vega-Lite spec (nested layers included) with the dataset it draws."""
    data_name = node.get("data", {}).get("name", data_name)
    if "layer" in node:
        for child in node["layer"]:
            yield from leaf_layers(child, data_name)
    else:
        yield node, data_name


def legend_entries(chart) -> int | None:
    """How many entries the chart's symbol legends should list: per legend (channels sharing a
    field and title are merged into one by Vega-Lite), the size of its scale's domain, or the
    distinct values of its field in the layer's data. None when a chart has a gradient legend
    (its labels are ticks, not entries)."""
    chart_spec = spec(chart)
    frames = datasets(chart)
    entries: dict[tuple[str, str], int] = {}
    for layer, data_name in leaf_layers(chart_spec):
        for channel in LEGEND_CHANNELS:
            encoding = layer.get("encoding", {}).get(channel)
            if not isinstance(encoding, dict) or "field" not in encoding or encoding.get("legend", {}) is None:
                continue
            if encoding.get("type") == "quantitative":
                return None
            key = (encoding["field"], str(encoding.get("title", encoding["field"])))
            domain = encoding.get("scale", {}).get("domain")
            count = len(domain) if domain is not None else frames[data_name][encoding["field"]].nunique()
            entries[key] = max(entries.get(key, 0), count)
    return sum(entries.values())


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    """Upload ``content`` as ``name`` on the Your measurements page, as a user would."""
    open_page(at, "your_measurements")
    at.file_uploader(key="measurement_upload").set_value((name, content, "text/csv")).run()  # read on arrival
    add = at.button(key="measurement_add")
    if not add.disabled:
        add.click().run()
    return at

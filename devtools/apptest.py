"""Helpers for AppTest page tests: open a page through the entry point, read chart data."""

from __future__ import annotations

import json
import re

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

from qb_core.paths import PROJECT_DIR


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

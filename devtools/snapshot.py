"""What every page shows for a fixed set of links, as digests: chart specs and data, tables and
text. ``tests/test_nothing_visible_changes.py`` compares the app with the digests recorded in
``tests/fixtures/page_snapshots.json``; a change meant to be visible records them again:

    .venv/bin/python -m devtools.snapshot record

One AppTest session per link's query parameters opens every page of the link in turn (the sidebar
and caches stay warm, as for a user clicking through the navigation).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from devtools.apptest import charts, datasets, new_app, open_page, spec
from ui.navigation import SECTIONS

SNAPSHOT_FILE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "page_snapshots.json"
#: Pages that describe the machine the app runs on: what they show differs from machine to machine.
MACHINE_PAGES = ("measure_here",)
PAGES = tuple(info.script for infos in SECTIONS.values() for info in infos if info.script not in MACHINE_PAGES)
THEORY_PAGES = tuple(info.script for infos in SECTIONS.values() for info in infos if info.group in ("theory", "gap"))
MEASURED_PAGES = tuple(info.script for infos in SECTIONS.values() for info in infos if info.group == "measured")

#: A platform of one's own, an override and a network of one's own, as a shared link carries them.
OWN_PLATFORM = '[["MyBoard","FPGA",25.0,10.0,{"INT4":8.0,"INT8":4.0},4.0,"layer-by-layer"]]'
OVERRIDE = '{"TX2 maxn":{"bandwidth_gbps":100.0}}'
OWN_NETWORK = ('[["TinyNet","cifar10","INT8|FP16","layer,type,ops,weights,in_activations,out_activations\\r\\n'
               'c1,conv,20000000,10000,3072,32768\\r\\nc2,conv,40000000,30000,32768,16384\\r\\n'
               'fc,fc,1000000,500000,4096,10\\r\\n"]]')

#: (name, query parameters, pages opened with them).
LINKS: tuple[tuple[str, dict[str, str | list[str]], tuple[str, ...]], ...] = (
    ("cifar10", {}, PAGES),
    ("mnist", {"task": "mnist"}, PAGES),
    ("imagenet", {"task": "imagenet"}, PAGES),
    ("whatif", {"bw_scale": "2.0", "peak_scale": "0.5", "weights": "per-batch", "weights_batch": "4",
                "activations": "off-chip", "width_on": "true", "width_pct": "60"}, THEORY_PAGES),
    ("own", {"platforms": OWN_PLATFORM, "overrides": OVERRIDE, "nets": OWN_NETWORK},
     (*THEORY_PAGES, "find", "your_networks")),
    ("narrowed", {"precision": ["INT8", "INT4"], "hw_gpu": "TX2", "batch": ["2", "64"]},
     (*MEASURED_PAGES, "efficiency", "pareto_gap")),
)

TEXT_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success",
                 "metric", "exception")
SIGNIFICANT_DIGITS = 10


def _canonical_frame(frame: pd.DataFrame) -> str:
    """A frame as text, floats to 10 significant digits (summation order may move the last bits)."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_float_dtype(values):
            out[column] = [np.format_float_positional(v, precision=SIGNIFICANT_DIGITS, unique=False, fractional=False)
                           if np.isfinite(v) else repr(v) for v in values.to_numpy(dtype=float)]
    return out.to_csv(index=True)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _chart_text(chart) -> str:
    frames = datasets(chart)
    parts = [json.dumps(spec(chart), sort_keys=True)]
    parts += [f"{name}\n{_canonical_frame(frames[name])}" for name in sorted(frames)]
    return "\n".join(parts)


def _elements(at) -> Iterator[tuple[str, str]]:
    """(kind, canonical text) of everything a page shows that the redesign must keep."""
    for kind in TEXT_ELEMENTS:
        for element in at.get(kind):
            yield kind, str(getattr(element, "value", element.proto))
    for frame in at.dataframe:
        yield "dataframe", _canonical_frame(frame.value) + str(frame.proto.columns)
    for table in at.table:
        yield "table", _canonical_frame(table.value)
    for chart in charts(at):
        yield "chart", _chart_text(chart)


def page_digests(at) -> list[str]:
    """``kind:digest`` of each element of the page ``at`` shows, in page order per kind."""
    return [f"{kind}:{_digest(text)}" for kind, text in _elements(at)]


def snapshots(only: str | None = None) -> Iterator[tuple[str, str, object]]:
    """(link name, page, the run AppTest) for every link and page (of the link ``only``)."""
    for name, params, pages in LINKS:
        if only is not None and name != only:
            continue
        at = new_app()
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        for page in pages:
            yield name, page, open_page(at, page)


def record() -> dict[str, list[str]]:
    found = {f"{name} {page}": page_digests(at) for name, page, at in snapshots()}
    SNAPSHOT_FILE.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
    return found


if __name__ == "__main__":
    if sys.argv[1:] != ["record"]:
        sys.exit("usage: python -m devtools.snapshot record")
    print(f"{len(record())} pages recorded in {SNAPSHOT_FILE}")

"""Hostile and broken input through the app: nothing injected, nothing impossible accepted, every
refusal says why, nothing lost, no other session touched."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from devtools.apptest import button, charts, datasets, new_app, open_page, plain, upload
from qb_core.csv_io import unescape_cell
from qb_core.paths import PROJECT_DIR

HEADER = "NN_Topology,HWType,Precision,batch/thread/stream,lat-comp,fps-comp,top1 [%],FullPwr [W],PruningFactor\n"
LINK = "[click me](https://example.com/phish)"
IMAGE = "![t](https://example.com/t.png)"
EVIL_FILE = "<img src=x onerror=alert(1)>fb.csv"
FORMULA = "=HYPERLINK(\"http://evil\",\"x\")"


@pytest.fixture
def at():
    return new_app().run()



def rendered(at) -> str:
    """Every Markdown body of the page, as the app wrote it (escapes kept)."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error]
    return "\n".join(parts + [s.value for s in at.success] + [w.value for w in at.warning])


def test_names_and_file_names_are_shown_literally(at):
    content = (HEADER + f"CNV,\"{LINK}\",INT8,1,0.1,99000,90,3,100%\n").encode()
    upload(at, EVIL_FILE, content)
    text = rendered(at)
    outside_code = re.sub(r"`[^`]*`", "", text)
    assert "](" not in outside_code and "<img" not in outside_code  # no live link or markup...
    assert f"`{LINK}`" in text and f"`{EVIL_FILE}`" in text  # ...but exactly what was given, as code
    assert LINK in plain(text) and EVIL_FILE in plain(text)
    open_page(at, "overview")
    labels = at.button_group(key="hw_other").options
    assert LINK not in labels and any(plain(label) == LINK for label in labels)


def test_a_markdown_image_as_a_network_name_is_not_loaded(at):
    content = (HEADER + f"\"{IMAGE}\",MyBoard,INT8,1,0.1,99000,90,3,100%\n").encode()
    upload(at, "img.csv", content)
    at.selectbox(key="task").set_value("imagenet").run()  # a network outside CNV and MLP counts as ImageNet
    open_page(at, "overview")  # and its name is a column of the overview
    headers = list(at.table[0].value.columns)
    shown = [h for h in headers if plain(h) == IMAGE]
    assert shown == [f"`{IMAGE}`"]
    open_page(at, "efficiency")
    assert not at.exception


def test_formula_names_survive_a_download_and_upload_round_trip(at):
    from qb_core.measurements.dataset import read_any
    from ui import safe

    content = (HEADER + f"CNV,\"{FORMULA.replace(chr(34), chr(34) * 2)}\",INT8,1,0.1,99000,90,3,100%\n").encode()
    upload(at, "formula.csv", content)
    rows = at.session_state["uploads"]["formula.csv"]
    assert rows["platform"].tolist() == [FORMULA]
    written = safe.to_csv_safe(rows)
    assert "'=HYPERLINK" in written and ",=HYPERLINK" not in written
    back = read_any(written.encode(), name="download.csv").measurements
    assert back["platform"].tolist() == [FORMULA]


def test_every_download_goes_through_the_escaping_writer():
    sources = list((PROJECT_DIR / "app_pages").glob("*.py")) + list((PROJECT_DIR / "ui").rglob("*.py"))
    direct = [p.name for p in sources if "st.download_button" in p.read_text() and p.name != "safe.py"]
    assert direct == []


def test_the_download_helper_escapes_cells(monkeypatch):
    from ui import safe

    captured = {}
    monkeypatch.setattr(safe.st, "download_button", lambda label, data, file_name, mime, **kw: captured.update(
        data=data, file_name=file_name))
    safe.download_csv("x", pd.DataFrame({"platform": ["@SUM(A1)", "-2+3", "ok"], "fps": [-1.5, 2.0, 3.0]}),
                      "../../evil name.csv")
    data = captured["data"]
    lines = (data() if callable(data) else data).splitlines()  # written when clicked
    assert lines[1:] == ["'@SUM(A1),-1.5", "'-2+3,2.0", "ok,3.0"]  # numbers stay numbers
    assert captured["file_name"] == "evil_name.csv"
    assert [unescape_cell(c) for c in ("'@SUM(A1)", "'-2+3")] == ["@SUM(A1)", "-2+3"]


@pytest.mark.parametrize("key", ["overrides", "platforms"])
def test_a_deeply_nested_link_is_refused_before_it_is_parsed(key):
    at = new_app()
    at.query_params[key] = "[" * 5000 + "]" * 5000
    at.run()
    open_page(at, "prediction")
    assert not at.exception
    warnings = [plain(w.value) for w in at.warning]
    assert any("nested deeper" in w and "ignored" in w for w in warnings), warnings
    assert charts(at)


def test_thousands_of_unknown_platforms_give_a_capped_message():
    at = new_app()
    at.query_params["overrides"] = json.dumps({f"FakeBoard{i:04d}": {"bandwidth_gbps": 1} for i in range(400)})
    at.run()
    open_page(at, "rooflines")
    warning = plain(at.warning[0].value)
    assert "FakeBoard0000" in warning and "and 392 more" in warning and len(warning) < 400
    other = new_app()
    other.query_params["overrides"] = json.dumps({f"FakeBoard{i:04d}": {"bandwidth_gbps": 1} for i in range(2000)})
    other.run()
    assert "longer than 20,000 characters" in plain(other.warning[0].value)


@pytest.mark.parametrize(("cell", "column"), [("inf", "fps_comp"), ("1e309", "fps_comp"), ("0", "fps_comp"),
                                              ("-5", "lat_comp_ms"), ("150", "top1_pct")])
def test_impossible_values_are_skipped_and_never_charted(at, cell, column):
    values = {"fps_comp": "500", "lat_comp_ms": "2", "top1_pct": "88"} | {column: cell}
    content = (HEADER + f"CNV,MyBoard,INT8,1,{values['lat_comp_ms']},{values['fps_comp']},{values['top1_pct']},3,100%\n"
               "CNV,MyBoard,INT8,2,3,900,88,3,100%\n").encode()
    upload(at, "bad.csv", content)
    assert any("1 row(s) added, 1 skipped" in plain(s.value) for s in at.success)
    report = at.dataframe[0].value
    skipped = report[report["severity"] == "skipped"]
    assert skipped["line"].tolist() == [2] and "outside the valid range" in skipped["reason"].item()
    for page in ("pareto", "boxplots", "latency_throughput"):
        open_page(at, page)
        assert not at.exception
        for chart in charts(at):
            for frame in datasets(chart).values():
                numbers = frame.select_dtypes("number").to_numpy(dtype=float)
                assert np.isfinite(numbers[~np.isnan(numbers)]).all()
    open_page(at, "pareto")
    front = at.dataframe[0].value
    assert not (front["fps_comp"] > 1e8).any()


@pytest.mark.parametrize(("encoding", "delimiter"), [("utf-16", ","), ("latin-1", ";"), ("utf-8-sig", "\t")])
def test_spreadsheet_exports_keep_names_as_written(at, encoding, delimiter):
    text = HEADER.replace(",", delimiter) + delimiter.join(
        ["CNV", "Carte-Éval", "INT8", "1", "0.1", "99000", "90", "3", "100%"]) + "\n"
    upload(at, "export.csv", text.encode(encoding))
    assert at.session_state["uploads"]["export.csv"]["platform"].tolist() == ["Carte-Éval"]
    open_page(at, "overview")
    assert "Carte-Éval" in at.table[0].value.index


def test_a_broken_upload_in_one_session_leaves_the_other_alone():
    first, second = new_app().run(), new_app().run()
    upload(second, "good.csv", (HEADER + "CNV,MyBoard,INT8,1,0.1,99000,90,3,100%\n").encode())
    upload(first, "broken.csv", b"\xff\xfe\x00garbage")
    assert first.session_state["uploads"] == {}
    assert list(second.session_state["uploads"]) == ["good.csv"]
    open_page(second, "pareto")
    assert second.dataframe[0].value["config"].tolist() == ["MyBoard_INT8_100% · good.csv"]


def test_duplicate_columns_are_refused_with_their_name(at):
    content = (b"NN_Topology,HWType,Precision,Datatype,batch/thread/stream,fps-comp,top1 [%],PruningFactor\n"
               b"CNV,MyBoard,INT8,INT4,1,900,88,100%\n")
    upload(at, "dupes.csv", content)
    error = plain(at.error[0].value)
    assert re.search(r"dupes\.csv: column \S+ appears twice", error), error
    assert at.session_state["uploads"] == {}


def test_own_platform_names_are_capped_and_literal(at):
    open_page(at, "whatif")
    at.text_input(key="own_platform_New platform").set_value("x" * 59 + "]")
    at.number_input(key="own_bandwidth_gbps_New platform").set_value(10.0)
    at.number_input(key="own_peak_tops_int8_New platform").set_value(1.0)
    button(at, "Save platform").click().run()
    assert [r["platform"] for r in at.session_state["custom_platforms"]] == ["x" * 59 + "]"]
    assert any(f"`{'x' * 59}]`" in s.value for s in at.success)  # echoed as code, never as markup

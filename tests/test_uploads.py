"""Users' own measurements: uploaded through the importer, shown beside the bundled data on every
measurement page and in the theory-vs-measurement join."""

from __future__ import annotations

import pytest

from devtools.apptest import button, charts, named, new_app, open_page, plain, upload
from qb_core.paths import PROJECT_DIR

FIXTURES = PROJECT_DIR / "tests" / "fixtures"
HEADER = (b"NN_Topology,HWType,Precision,Op mode,batch/thread/stream,lat-comp,fps-system,fps-comp,tp-system,"
          b"tp-comp,top1 [%],top5 [%],BasePWR [W],IdlePWR [W],FullPwr [W],GOPS,PruningFactor,level\n")
NEW_BOARD = (HEADER + b"CNV,MyBoard,INT8,,1,0.1,,99000,,,90.5,,1,1,3.0,,100%,l3\n"
             b"CNV,MyBoard,INT8,,4,0.3,,120000,,,90.5,,1,1,3.5,,100%,l3\n")
OTHER_BOARD = HEADER + b"CNV,OtherBoard,INT8,,1,0.2,,5000,,,85,,1,1,2.0,,50%,l3\n"


@pytest.fixture
def at():
    return new_app().run()



def test_uploaded_rows_reach_the_pareto_front(at):
    upload(at, "mine.csv", NEW_BOARD)
    assert any("2 row(s) added" in plain(s.value) for s in at.success)
    open_page(at, "pareto")
    front = at.dataframe[0].value
    # 120,000 inputs/s at 90.5% top-1 beats every bundled point in both objectives
    assert front["config"].tolist() == ["MyBoard_INT8_100% · mine.csv"]
    assert "MyBoard_INT8_100% · mine.csv" in set(named(charts(at)[0], "points")["config"])


def test_uploaded_boards_reach_every_measurement_page(at):
    upload(at, "mine.csv", NEW_BOARD)
    open_page(at, "overview")
    table = at.table[0].value
    assert table.loc["MyBoard", "CNV"] == "INT8: 100%" and table.loc["MyBoard", "Data set"] == "mine.csv"
    open_page(at, "latency_throughput")
    assert "MyBoard" in at.multiselect(key="panel_a").options
    at.multiselect(key="panel_a").set_value(["MyBoard"]).run()
    assert set(named(charts(at)[0], "points")["platform"]) == {"MyBoard"}
    open_page(at, "boxplots")
    assert "MyBoard_INT8_100% · mine.csv" in set(named(charts(at)[0], "sweep")["config"])
    open_page(at, "efficiency")
    unpaired = at.dataframe[1].value
    mine = unpaired[unpaired["dataset"] == "mine.csv"]
    assert mine["status"].tolist() == ["measured-only"] and "not in the hardware catalog" in mine["reason"].item()


def test_an_uploaded_board_pairs_once_it_is_described_as_a_platform(at):
    upload(at, "mine.csv", NEW_BOARD)
    at.session_state["custom_platforms"] = [{"platform": "MyBoard", "family": "Other", "bandwidth_gbps": 100.0,
                                             "peak_tops_int8": 10.0}]
    open_page(at, "efficiency")
    paired = at.dataframe[0].value
    mine = paired[paired["dataset"] == "mine.csv"]
    assert mine["config"].tolist() == ["MyBoard_INT8_100% · mine.csv"]
    expected = min(10e12, 100e9 * 469_449_728 / 6_157_696) / 469_449_728
    assert mine["predicted_fps"].item() == pytest.approx(expected)


def test_unknown_board_gets_its_own_toggle_and_every_upload_selects_its_boards(at):
    upload(at, "mine.csv", NEW_BOARD)
    open_page(at, "overview")
    assert "MyBoard" in at.button_group(key="hw_other").options
    assert "MyBoard" in at.button_group(key="hw_other").value
    upload(at, "other.csv", OTHER_BOARD)
    open_page(at, "overview")
    assert {"MyBoard", "OtherBoard"} <= set(at.button_group(key="hw_other").value)
    assert {"MyBoard", "OtherBoard"} <= set(at.table[0].value.index)
    at.button_group(key="hw_other").set_value([]).run()
    assert "MyBoard" not in set(at.table[0].value.index)


def test_skipped_rows_are_listed_with_their_line(at):
    upload(at, "quirks.csv", (FIXTURES / "qutibench_quirks.csv").read_bytes())
    assert any("10 row(s) added, 4 skipped" in plain(s.value) for s in at.success)
    report = at.dataframe[0].value
    assert set(report.loc[report["severity"] == "skipped", "line"]) == {8, 11, 12, 13}


@pytest.mark.parametrize(("content", "message"), [
    (b"\x00\x01\x02 not a csv", "missing column"),
    (b"a,b\n1,2\n", "missing column"),
    (b"", "the file is empty"),
])
def test_malformed_upload_changes_nothing(at, content, message):
    upload(at, "mine.csv", NEW_BOARD)
    upload(at, "bad.csv", content)
    errors = [plain(e.value) for e in at.error]
    assert any("bad.csv was not read" in e and message in e and "Nothing was added" in e for e in errors), errors
    assert at.button(key="measurement_add").disabled
    assert list(at.session_state["uploads"]) == ["mine.csv"]
    open_page(at, "pareto")
    assert not at.exception


def test_remove_an_upload(at):
    upload(at, "mine.csv", NEW_BOARD)
    button(at, "Remove this file").click().run()
    assert at.session_state["uploads"] == {}
    open_page(at, "pareto")
    assert "MyBoard" not in " ".join(at.dataframe[0].value["config"])


def test_uploads_stay_in_their_session():
    first, second = new_app().run(), new_app().run()
    upload(first, "mine.csv", NEW_BOARD)
    open_page(second, "pareto")
    assert "MyBoard" not in " ".join(second.dataframe[0].value["config"])

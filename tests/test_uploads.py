"""Users' own measurements: uploaded through the importer, shown beside the bundled data."""

from __future__ import annotations

import pytest
from apptest_helpers import charts, layer_data, new_app, open_page

from qb_core.paths import PROJECT_DIR

FIXTURES = PROJECT_DIR / "tests" / "fixtures"
NEW_BOARD = (b"NN_Topology,HWType,Precision,Op mode,batch/thread/stream,lat-comp,fps-system,fps-comp,tp-system,"
             b"tp-comp,top1 [%],top5 [%],BasePWR [W],IdlePWR [W],FullPwr [W],GOPS,PruningFactor,level\n"
             b"CNV,MyBoard,INT8,,1,0.1,,99000,,,90.5,,1,1,3.0,,100%,l3\n"
             b"CNV,MyBoard,INT8,,4,0.3,,120000,,,90.5,,1,1,3.5,,100%,l3\n")


@pytest.fixture
def at():
    return new_app().run()


def upload(at, name: str, content: bytes):
    open_page(at, "your_measurements")
    at.file_uploader(key="measurement_upload").set_value((name, content, "text/csv"))
    next(b for b in at.button if b.label == "Add to my measurements").click().run()
    return at


def test_uploaded_rows_reach_the_pareto_front(at):
    upload(at, "mine.csv", NEW_BOARD)
    assert any("2 row(s) added" in s.value for s in at.success)
    open_page(at, "pareto")
    front = at.dataframe[0].value
    # 120,000 inputs/s at 90.5% top-1 beats every bundled point in both objectives
    assert front["config"].tolist() == ["MyBoard_INT8_100% · mine.csv"]
    points = layer_data(charts(at)[0], 0)
    assert "MyBoard_INT8_100% · mine.csv" in set(points["config"])


def test_unknown_board_gets_its_own_toggle_and_overview_row(at):
    upload(at, "mine.csv", NEW_BOARD)
    assert "MyBoard" in at.button_group(key="hw_other").options
    open_page(at, "overview")
    table = at.dataframe[0].value.set_index("platform")
    assert table.loc["MyBoard", "CNV"] == "INT8: 100%"
    at.button_group(key="hw_other").set_value([]).run()
    assert "MyBoard" not in set(at.dataframe[0].value["platform"])


def test_skipped_rows_are_listed_with_their_line(at):
    upload(at, "quirks.csv", (FIXTURES / "qutibench_quirks.csv").read_bytes())
    assert any("10 row(s) added, 4 skipped" in s.value for s in at.success)
    report = at.dataframe[0].value
    assert set(report.loc[report["severity"] == "skipped", "line"]) == {8, 11, 12, 13}


@pytest.mark.parametrize(("content", "message"), [
    (b"\x00\x01\x02 not a csv", "missing column"),
    (b"a,b\n1,2\n", "missing column"),
    (b"", "empty"),
])
def test_malformed_upload_changes_nothing(at, content, message):
    upload(at, "mine.csv", NEW_BOARD)
    upload(at, "bad.csv", content)
    assert any("bad.csv was not added" in e.value and message in e.value for e in at.error), [e.value for e in at.error]
    assert list(at.session_state["uploads"]) == ["mine.csv"]
    open_page(at, "pareto")
    assert not at.exception


def test_remove_an_upload(at):
    upload(at, "mine.csv", NEW_BOARD)
    next(b for b in at.button if b.label == "Remove mine.csv").click().run()
    assert at.session_state["uploads"] == {}
    open_page(at, "pareto")
    assert "MyBoard" not in " ".join(at.dataframe[0].value["config"])


def test_uploads_stay_in_their_session():
    first, second = new_app().run(), new_app().run()
    upload(first, "mine.csv", NEW_BOARD)
    open_page(second, "pareto")
    assert "MyBoard" not in " ".join(second.dataframe[0].value["config"])

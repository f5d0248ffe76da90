"""A corpus of hostile or broken measurement files, each read through ``read_any`` (what the app's
upload and the command line call), with its exact outcome: the rows kept, the lines skipped and
why, the whole-file refusals word for word; nothing added, nothing lost."""

import codecs
import csv
import io

import numpy as np
import pandas as pd
import pytest

from qb_core.csv_io import FORMULA_PREFIXES, DataFormatError, to_csv_safe
from qb_core.measurements.dataset import TIDY_COLUMNS, read_any, read_measurement_file

HEADER = ["NN_Topology", "HWType", "Precision", "Op mode", "batch/thread/stream", "lat-comp", "fps-system", "fps-comp",
          "tp-system", "tp-comp", "top1 [%]", "top5 [%]", "BasePWR [W]", "IdlePWR [W]", "FullPwr [W]", "GOPS",
          "PruningFactor", "level"]
GOOD = dict(zip(HEADER, ["CNV", "ZCU104-FINN", "INT2", "", "4", "0.5", "", "8000", "", "", "86.86", "", "9.2", "11.8",
                         "15.2", "", "100%", "l3"], strict=True))
MISSING = ("not a QuTiBench or QB Explorer measurement file: missing column(s) "
           "NN_Topology, HWType, Datatype, batch/thread/stream, PruningFactor")


def row(**changes: str) -> dict[str, str]:
    """The good template row with some cells changed (keys: source column names, ``_`` for spaces)."""
    cells = dict(GOOD)
    for key, value in changes.items():
        cells[{"fps_comp": "fps-comp", "fps_system": "fps-system", "lat_comp": "lat-comp", "top1": "top1 [%]",
               "full_power": "FullPwr [W]", "base_power": "BasePWR [W]"}.get(key, key)] = value
    return cells


def qutibench(*rows: dict[str, str], header: list[str] = HEADER, delimiter: str = ",", end: str = "\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=end)
    writer.writerow(header)
    for cells in rows:
        writer.writerow([cells.get(column, "") for column in header])
    return buffer.getvalue()


def outcome(result) -> tuple[list[int], list[tuple[int, str, str]]]:
    return (result.measurements["source_line"].tolist(),
            [tuple(p) for p in result.problems[["line", "severity", "reason"]].itertuples(index=False)])


def assert_accounted(result, data_lines: range) -> None:
    """Every data line is kept or skipped, never both, never neither; no row comes from nowhere."""
    kept = list(result.measurements["source_line"])
    skipped = list(result.problems.loc[result.problems["severity"] == "skipped", "line"])
    assert sorted(kept + skipped) == list(data_lines)


def refusal(data: bytes, name: str = "bad.csv") -> str:
    with pytest.raises(DataFormatError) as error:
        read_any(data, name=name)
    return str(error.value)


# --- values outside the valid ranges: the row is skipped, named by column and value ---

RANGE_CASES = [
    *[(column, given, shown, "(0, 1e+09]") for column in ("fps_comp", "fps_system")
      for given, shown in (("inf", "inf"), ("1e309", "inf"), ("1e308", "1e+308"), ("0", "0"), ("-5", "-5"))],
    *[("lat_comp", given, shown, "(0, 1e+07]")
      for given, shown in (("inf", "inf"), ("1e309", "inf"), ("1e308", "1e+308"), ("0", "0"), ("-0.5", "-0.5"))],
    *[(column, given, shown, "(0, 100000]") for column in ("full_power", "base_power")
      for given, shown in (("inf", "inf"), ("1e309", "inf"), ("1e308", "1e+308"), ("0", "0"), ("-3", "-3"))],
    ("top1", "150", "150", "[0, 100]"), ("top1", "inf", "inf", "[0, 100]"), ("top1", "-1", "-1", "[0, 100]"),
]
TIDY_NAMES = {"fps_comp": "fps_comp", "fps_system": "fps_system", "lat_comp": "lat_comp_ms", "top1": "top1_pct",
              "full_power": "full_power_w", "base_power": "base_power_w"}


@pytest.mark.parametrize(("column", "given", "shown", "interval"), RANGE_CASES)
def test_out_of_range_values_skip_their_row(column, given, shown, interval):
    result = read_any(qutibench(row(), row(**{column: given}), row()).encode())
    reason = f"{TIDY_NAMES[column]} '{shown}' is outside the valid range {interval}"
    assert outcome(result) == ([2, 4], [(3, "skipped", reason)])


@pytest.mark.parametrize(("column", "given", "shown", "interval"), RANGE_CASES[::4])
def test_tidy_files_get_the_same_range_checks(column, given, shown, interval):
    tidy = read_any(qutibench(row(), row()).encode()).measurements
    tidy.loc[1, TIDY_NAMES[column]] = float(given)
    result = read_any(tidy.to_csv(index=False).encode())
    reason = f"{TIDY_NAMES[column]} '{shown}' is outside the valid range {interval}"
    assert outcome(result) == ([2], [(3, "skipped", reason)])


def test_edges_of_the_ranges_are_kept():
    result = read_any(qutibench(row(top1="0", top5="100", fps_comp="1e9", lat_comp="1e7", full_power="1e5")).encode())
    assert outcome(result) == ([2], [])


def test_a_cell_that_is_not_a_number_stays_a_warning():
    result = read_any(qutibench(row(fps_comp="fast")).encode())
    assert outcome(result) == ([2], [(2, "warning", "fps_comp: 'fast' is not a number; left empty")])
    assert pd.isna(result.measurements.loc[0, "fps_comp"])


# --- delimiters and encodings ---

def test_semicolon_file_with_decimal_commas():
    text = qutibench(row(lat_comp="0,5", top1="86,86", PruningFactor="12,5%"),
                     row(lat_comp="1.234,5"), row(lat_comp="1,234.5"), delimiter=";")
    result = read_any(text.encode())
    assert outcome(result) == ([2, 3, 4], [(3, "warning", "lat_comp_ms: '1.234,5' is not a number; left empty")])
    rows = result.measurements
    assert rows.loc[0, ["lat_comp_ms", "top1_pct", "pruning_pct"]].tolist() == [0.5, 86.86, 12.5]
    assert pd.isna(rows.loc[1, "lat_comp_ms"]) and rows.loc[2, "lat_comp_ms"] == 1234.5


def test_in_a_comma_file_a_comma_separates_thousands():
    result = read_any(qutibench(row(lat_comp="1,5")).encode())
    assert result.measurements.loc[0, "lat_comp_ms"] == 15


@pytest.mark.parametrize("delimiter", ["\t", "|"])
def test_tab_and_pipe_files(delimiter):
    expected = read_any(qutibench(row()).encode()).measurements
    pd.testing.assert_frame_equal(read_any(qutibench(row(), delimiter=delimiter).encode()).measurements, expected)


NAMED = qutibench(row(HWType="Carte-Éval"), row(fps_comp="0"))


@pytest.mark.parametrize("data", [
    NAMED.encode("utf-16"), codecs.BOM_UTF16_BE + NAMED.encode("utf-16-be"),
    NAMED.encode("utf-16-le"), NAMED.encode("utf-16-be"), NAMED.encode("utf-32"), NAMED.encode("utf-8-sig"),
    NAMED.encode("latin-1"), NAMED.encode("cp1252"),
], ids=["utf16-bom", "utf16be-bom", "utf16le", "utf16be", "utf32", "utf8-bom", "latin1", "cp1252"])
def test_encodings_import_the_same_rows_with_names_as_written(data):
    result = read_any(data)
    assert outcome(result) == ([2], [
        (2, "warning", "platform 'Carte-Éval' is not in the hardware catalog; family set to Other"),
        (3, "skipped", "fps_comp '0' is outside the valid range (0, 1e+09]"),
    ])
    pd.testing.assert_frame_equal(result.measurements, read_any(NAMED.encode()).measurements)
    text = result.measurements.select_dtypes(exclude="number").astype(str)
    assert not text.apply(lambda column: column.str.contains("\x00")).any().any()


@pytest.mark.parametrize("end", ["\r\n", "\r"])
def test_windows_and_old_mac_line_endings(end):
    result = read_any(qutibench(row(), row(fps_comp="0"), row(), end=end).encode())
    assert outcome(result) == ([2, 4], [(3, "skipped", "fps_comp '0' is outside the valid range (0, 1e+09]")])


# --- broken structure ---

def test_duplicate_columns_the_importer_reads_refuse_the_file():
    header = [c if c != "fps-system" else "fps-comp" for c in HEADER]
    assert refusal(qutibench(row(), header=header).encode()) == "bad.csv: column fps-comp appears twice"
    header = [c if c != "tp-system" else "Datatype" for c in HEADER]
    assert refusal(qutibench(row(), header=header).encode()) == (
        "bad.csv: column Precision appears twice (as Precision, Datatype)")


def test_duplicate_columns_the_importer_ignores_are_harmless():
    header = [c if c != "tp-system" else "GOPS" for c in HEADER]
    assert outcome(read_any(qutibench(row(), header=header).encode())) == ([2], [])


@pytest.mark.parametrize(("data", "message"), [
    (b"", "bad.csv: the file is empty"),
    (b"\r\n  \n", "bad.csv: the file is empty"),
    (codecs.BOM_UTF8, "bad.csv: the file is empty"),
    (np.random.default_rng(0).bytes(4096), f"bad.csv: {MISSING}"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", f"bad.csv: {MISSING}"),
    (b"\x00\x01\x02 not a csv", f"bad.csv: {MISSING}"),
    (b"a,b\n1,2\n", f"bad.csv: {MISSING}"),
    (b"platform,fps_comp\nX,1\n", "bad.csv: not a QuTiBench or QB Explorer measurement file: missing column(s) "
                                  "topology, precision, batch, pruning_pct"),
    (codecs.BOM_UTF16_LE + b"a\x00,\x00\x00", "bad.csv: not a readable CSV file "
                                              "(not UTF-16-LE text at byte 6, despite its byte-order mark)"),
    (qutibench(row()).encode() + b'CNV,"unclosed\n', "bad.csv: not a readable CSV file (EOF inside string "
                                                     "starting at row 2)"),
])
def test_unusable_files_are_refused_with_one_line(data, message):
    assert refusal(data) == message


def test_header_only_gives_no_rows_and_no_problems():
    for text in (",".join(HEADER), ",".join(HEADER) + "\n", ",".join(HEADER) + "\n\n\n"):
        result = read_any(text.encode())
        assert tuple(result.measurements.columns) == TIDY_COLUMNS
        assert result.measurements.empty and result.problems.empty


def test_missing_file_through_the_command_line_entry(tmp_path):
    with pytest.raises(DataFormatError, match=r"^file not found: .*missing\.csv$"):
        read_measurement_file(tmp_path / "missing.csv")


def test_row_with_more_cells_than_the_header_is_skipped_not_shifted():
    header, first, last = qutibench(row(), row()).splitlines()
    shifted = first.replace("ZCU104-FINN", "My,Board")  # an unquoted comma in a name
    result = read_any("\n".join([header, first, shifted, last]).encode())
    assert outcome(result) == ([2, 4], [(3, "skipped", "more cells than the header's 18 columns")])


def test_trailing_delimiter_on_every_row_shifts_nothing():
    plain = qutibench(row(), row(HWType="TX2", **{"Op mode": "maxp"}))
    trailing = plain.replace("\n", ",\n")
    pd.testing.assert_frame_equal(read_any(trailing.encode()).measurements, read_any(plain.encode()).measurements)


def test_a_cell_spanning_lines_keeps_later_line_numbers_true():
    result = read_any(qutibench(row(HWType="My\nBoard"), row(fps_comp="0"), row()).encode())
    assert outcome(result) == ([2, 5], [
        (2, "warning", "platform 'My\\nBoard' is not in the hardware catalog; family set to Other"),
        (4, "skipped", "fps_comp '0' is outside the valid range (0, 1e+09]"),
    ])
    assert result.measurements.loc[0, "platform"] == "My\nBoard"


def test_blank_and_whitespace_lines_are_not_rows():
    text = qutibench(row(), row()).replace("\n", "\n\n   \n", 1)
    result = read_any(text.encode())
    assert outcome(result) == ([4, 5], [])


# --- formula injection ---

def test_a_formula_name_survives_a_safe_download_and_reads_back():
    name = '=HYPERLINK("http://example.com","click")'
    result = read_any(qutibench(row(HWType=name, level="@SUM(A1)", NN_Topology="-CNV")).encode())
    rows = result.measurements
    assert rows.loc[0, ["platform", "level", "topology"]].tolist() == [name, "@SUM(A1)", "-CNV"]
    download = to_csv_safe(rows)
    cells = [c for line in csv.reader(io.StringIO(download, newline="")) for c in line]
    assert "'" + name in cells and name not in cells
    assert not [c for c in cells if c[:1] in FORMULA_PREFIXES - {"'", "-"}]
    again = read_any(download.encode())
    pd.testing.assert_frame_equal(again.measurements, rows)
    assert outcome(again) == outcome(result)


def test_tidy_files_have_their_derived_columns_recomputed():
    tidy = read_any(qutibench(row()).encode()).measurements
    forged = tidy.assign(task="imagenet", ops_per_input=1.0, tp_comp_ops_per_s=1.0, config="forged",
                         device="forged", family="GPU")
    again = read_any(forged.to_csv(index=False).encode()).measurements
    pd.testing.assert_frame_equal(again, tidy)


# --- size ---

def test_fifteen_thousand_rows_with_one_bad_row_in_the_middle():
    rows = [row(**{"batch/thread/stream": str(1 + i % 64)}) for i in range(15_000)]
    rows[7_500] = row(fps_comp="inf")
    result = read_any(qutibench(*rows).encode(), name="big.csv")
    kept, problems = outcome(result)
    assert problems == [(7_502, "skipped", "fps_comp 'inf' is outside the valid range (0, 1e+09]")]
    assert kept == [line for line in range(2, 15_002) if line != 7_502]
    assert_accounted(result, range(2, 15_002))
    assert result.measurements["batch"].tolist()[:3] == [1, 2, 3]

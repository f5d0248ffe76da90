"""qb_core.csv_io: decoding, delimiters, formula escaping (round trip over many random strings),
the whole-file messages and the capped echo of names."""

import codecs
import csv
import io
import random

import numpy as np
import pandas as pd
import pytest

from qb_core.csv_io import (
    FORMULA_PREFIXES,
    DataFormatError,
    decode_csv_bytes,
    detect_delimiter,
    duplicate_column,
    echo_list,
    echo_value,
    empty_file,
    escape_cell,
    file_not_found,
    missing_columns,
    no_rows_imported,
    open_csv,
    to_csv_safe,
    unescape_cell,
    unreadable,
)

TEXT = "NN_Topology,HWType\nCNV,Carte-Éval\n"


class TestDecodeCsvBytes:
    @pytest.mark.parametrize(("encoding", "label"), [
        ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16-le"), ("utf-32", "utf-32-le"),
    ])
    def test_byte_order_mark_decides(self, encoding, label):
        assert decode_csv_bytes(TEXT.encode(encoding)) == (TEXT, label)

    @pytest.mark.parametrize(("bom", "codec", "label"), [
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"), (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    ])
    def test_big_endian_marks(self, bom, codec, label):
        assert decode_csv_bytes(bom + TEXT.encode(codec)) == (TEXT, label)

    def test_strict_utf8(self):
        assert decode_csv_bytes(TEXT.encode()) == (TEXT, "utf-8")

    @pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
    def test_utf16_without_mark_is_recognised_by_its_nul_bytes(self, codec):
        text, label = decode_csv_bytes(TEXT.encode(codec))
        assert (text, label) == (TEXT, codec) and "\x00" not in text

    def test_ascii_utf16_is_valid_utf8_but_still_read_as_utf16(self):
        data = "a,b\n1,2\n".encode("utf-16-le")
        data.decode("utf-8")  # valid UTF-8, full of NULs
        assert decode_csv_bytes(data) == ("a,b\n1,2\n", "utf-16-le")

    @pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
    def test_latin1_and_windows_1252_names_are_kept_as_written(self, codec):
        assert decode_csv_bytes(TEXT.encode(codec)) == (TEXT, "cp1252")

    def test_windows_1252_specials_and_undefined_bytes(self):
        text, label = decode_csv_bytes(b"\x80 \x93quoted\x94 \x81")
        assert (text, label) == ("€ \u201cquoted\u201d \ufffd", "cp1252")

    def test_nul_bytes_without_a_utf16_pattern_stay_utf8(self):
        assert decode_csv_bytes(b"\x00\x01\x02 not a csv") == ("\x00\x01\x02 not a csv", "utf-8")

    def test_broken_text_after_a_mark_is_refused(self):
        with pytest.raises(ValueError, match=r"^not UTF-8-SIG text at byte 5, despite its byte-order mark$"):
            decode_csv_bytes(codecs.BOM_UTF8 + b"a,\xff\n")


class TestDetectDelimiter:
    @pytest.mark.parametrize(("line", "expected"), [
        ("a,b,c", ","), ("a;b;c", ";"), ("a\tb\tc", "\t"), ("a|b|c", "|"),
        ("a;b,c", ","),  # a tie: comma
        ("single", ","),
        ("top1 [%];Full_Pwr_W;lat-sys, ms", ";"),
        ('"a;b;c",d', ","),  # a quoted cell's semicolons are not delimiters
    ])
    def test_most_fields_wins(self, line, expected):
        assert detect_delimiter(line) == expected


class TestEscaping:
    @pytest.mark.parametrize("first", sorted(FORMULA_PREFIXES))
    def test_each_dangerous_first_character_is_escaped(self, first):
        assert escape_cell(first + "1+2") == "'" + first + "1+2"
        assert unescape_cell("'" + first + "1+2") == first + "1+2"

    @pytest.mark.parametrize("text", ["", "CNV", "1e309", "x=1", " =1", "a'"])
    def test_harmless_text_is_unchanged(self, text):
        assert escape_cell(text) == text
        assert unescape_cell(text) == text

    def test_a_leading_quote_is_escaped_too_so_the_round_trip_is_exact(self):
        assert escape_cell("'") == "''" and unescape_cell("''") == "'"
        assert escape_cell("'a") == "''a" and unescape_cell("''a") == "'a"
        assert unescape_cell("'a") == "'a"  # not one of ours: left as written

    def test_only_one_quote_is_removed(self):
        assert unescape_cell("''=1") == "'=1"
        assert unescape_cell("'''") == "''"

    def test_round_trip_over_many_random_strings(self):
        rng = random.Random(20240611)
        for text in random_strings(rng, 20_000):
            escaped = escape_cell(text)
            assert unescape_cell(escaped) == text
            assert escaped[:1] not in FORMULA_PREFIXES - {"'"}


ALPHABET = list("abcXYZ019 .,;\"'\n\r\t=+-@|") + ["é", "€", "日本", "\u200b", "😀", "\x00", "\x7f"]


def random_strings(rng: random.Random, count: int) -> list[str]:
    texts = []
    for _ in range(count):
        body = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12)))
        prefix = rng.choice(["", "", "=", "+", "-", "@", "\t", "\r", "'", "''", "'=", "=HYPERLINK(\"x\",\"y\")"])
        texts.append(prefix + body)
    return texts


class TestToCsvSafe:
    @pytest.mark.parametrize("seed", range(12))
    def test_text_cells_and_names_read_back_exactly(self, seed):
        rng = random.Random(seed)
        rows = 60
        frame = pd.DataFrame({
            "=name": random_strings(rng, rows),
            "plain": random_strings(rng, rows),
            "-number": np.random.default_rng(seed).normal(size=rows) * 1e3,
            "category": pd.Categorical(rng.choice(["=A1", "@B", "C", "'D", "-"]) for _ in range(rows)),
        })
        before = frame.copy()
        text = to_csv_safe(frame)
        pd.testing.assert_frame_equal(frame, before)  # the input is not changed
        back = pd.read_csv(io.StringIO(text, newline=""), dtype=str, keep_default_na=False)
        assert [unescape_cell(c) for c in back.columns] == list(frame.columns)
        for column in ("=name", "plain", "category"):
            original = frame[column].astype(str).tolist()
            assert back[escape_cell(column)].map(unescape_cell).tolist() == original
        assert np.allclose(back["'-number"].astype(float), frame["-number"])

    def test_no_cell_a_spreadsheet_would_run(self):
        frame = pd.DataFrame({"platform": ["=HYPERLINK(\"http://x\",\"y\")", "+1", "@SUM(A1)", "\tx", "ok"],
                              "fps": [-5.0, 1, 2, 3, 4]})
        cells = [cell for row in csv.reader(io.StringIO(to_csv_safe(frame), newline="")) for cell in row]
        texts = [c for c in cells if not c.lstrip("-").replace(".", "").isdigit()]
        assert all(c[:1] not in FORMULA_PREFIXES - {"'"} for c in texts)
        assert "-5.0" in cells  # numbers are numbers, not formulas

    def test_categories_other_than_text_and_missing_cells_are_left_alone(self):
        frame = pd.DataFrame({"batch": pd.Categorical([1, 2, 1]), "name": ["=x", None, "y"]})
        assert to_csv_safe(frame) == "batch,name\r\n1,'=x\r\n2,\r\n1,y\r\n"


class TestMessages:
    def test_whole_file_wordings(self):
        assert file_not_found("a/b.csv") == "file not found: a/b.csv"
        assert empty_file("b.csv") == "b.csv: the file is empty"
        assert unreadable("b.csv", "binary") == "b.csv: not a readable CSV file (binary)"
        assert missing_columns("b.csv", ["HWType", "Datatype"]) == (
            "b.csv: not a QuTiBench or QB Explorer measurement file: missing column(s) HWType, Datatype")
        assert duplicate_column("b.csv", ["fps-comp", "fps-comp"]) == "b.csv: column fps-comp appears twice"
        assert duplicate_column("b.csv", ["Datatype", "Precision"]) == (
            "b.csv: column Datatype appears twice (as Datatype, Precision)")
        assert duplicate_column("b.csv", [" level"] * 3) == "b.csv: column level appears 3 times"
        assert no_rows_imported("b.csv", 1234) == "b.csv: no row could be imported (1,234 skipped)"

    def test_echo_list_caps_long_lists_with_thousands_separators(self):
        names = [f"FakeBoard{i:04d}" for i in range(2005)]
        assert echo_list(names) == ", ".join(names[:8]) + ", ... and 1,997 more"
        assert echo_list(names, limit=2) == "FakeBoard0000, FakeBoard0001, ... and 2,003 more"
        assert echo_list(names[:8]) == ", ".join(names[:8])

    def test_echo_value_keeps_a_message_on_one_short_line(self):
        assert echo_value("INT9") == "'INT9'"
        assert echo_value("a\nb") == "'a\\nb'"
        assert echo_value("x" * 100) == "'" + "x" * 40 + "...'"


class TestOpenCsv:
    def test_missing_file_names_the_path_as_written(self, tmp_path):
        path = tmp_path / "nope.csv"
        with pytest.raises(DataFormatError, match=r"^file not found: .*nope\.csv$"):
            open_csv(path)

    def test_a_folder_is_not_a_file(self, tmp_path):
        with pytest.raises(DataFormatError, match=r"^in: not a readable CSV file \(it is a folder\)$"):
            open_csv(tmp_path, name="in")

    @pytest.mark.parametrize("data", [b"", b" \n\r\n\t", codecs.BOM_UTF8, codecs.BOM_UTF16_LE])
    def test_empty_files(self, data):
        with pytest.raises(DataFormatError, match=r"^e\.csv: the file is empty$"):
            open_csv(data, name="e.csv")

    def test_names_come_from_buffers_and_control_characters_are_neutralised(self):
        buffer = io.BytesIO(b"")
        buffer.name = "up\nload.csv"
        with pytest.raises(DataFormatError, match=r"^up\?load\.csv: the file is empty$"):
            open_csv(buffer)
        with pytest.raises(DataFormatError, match=r"^<bytes>: the file is empty$"):
            open_csv(b"")

    def test_header_delimiter_and_encoding(self):
        table = open_csv("a;b\n1,5;2\n".encode("utf-16"), name="x")
        assert (table.header, table.delimiter, table.encoding) == (("a", "b"), ";", "utf-16-le")
        assert table.data == b"a;b\n1,5;2\n"

    def test_record_lines_follow_cells_that_span_lines(self):
        table = open_csv(b'a,b\n1,"two\nlines"\n\n3,4\n')
        frame, overflow = table.read_columns([0, 1])
        assert len(frame) == 3 and not overflow.any()
        assert table.record_lines(len(frame)).tolist() == [2, 4, 5]

    def test_rows_longer_than_the_header_are_flagged(self):
        frame, overflow = open_csv(b"a,b\n1,2\n1,2,3\n1,2,\n").read_columns([0, 1])
        assert overflow.tolist() == [False, True, False]
        assert frame[1].tolist() == [2, 2, 2]

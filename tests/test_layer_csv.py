"""qb_core.networks.layer_csv and qb_core.cli.network: the layer-table CSV (template, spellings, bad cells
named by line and column, limits, exact round trip of hostile names) and the ``network`` command's
logic (CSV on out, warnings on err, exit 2 on a bad file)."""

import csv
import io
import random
from pathlib import Path

import numpy as np
import onnx
import pandas as pd
import pytest
from onnx import TensorProto, helper, numpy_helper

from qb_core.cli.network import network_command
from qb_core.csv_io import FORMULA_PREFIXES
from qb_core.networks.files import read_network_path, split_network_argument
from qb_core.networks.imported import NetworkFileError
from qb_core.networks.layer_csv import (
    MAX_CSV_BYTES,
    MAX_ROWS,
    TYPE_SPELLINGS,
    layer_table_csv,
    read_layer_csv,
    template_path,
)
from qb_core.networks.layer_table import LAYER_TABLE_COLUMNS, LAYER_TYPES

HEADER = "layer,type,ops,weights,in_activations,out_activations"
FILE = "layers.csv"


def table_bytes(*rows, header=HEADER, sep=","):
    return ("\n".join([header.replace(",", sep), *rows]) + "\n").encode()


def refused(data, match, file=FILE):
    with pytest.raises(NetworkFileError, match=match or None) as info:
        read_layer_csv(data, file)
    message = str(info.value)
    assert message.startswith(f"{file}: ") and "\n" not in message
    return message


class TestTemplate:
    def test_template_reads_and_its_counts_are_right(self):
        result = read_layer_csv(template_path().read_bytes(), "layer_table_template.csv")
        layers = result.layers.set_index("layer")
        assert result.name == "layer_table_template" and result.warnings == ()
        assert layers["type"].tolist() == ["conv", "pool", "depthwise", "fc"]
        # conv1: 3x3, padding 1, 32 x 32 x 3 -> 32 x 32 x 16
        assert layers.loc["conv1", ["ops", "weights", "in_activations", "out_activations"]].tolist() == [
            2 * 32 * 32 * 16 * 3 * 9, 3 * 16 * 9, 32 * 32 * 3, 32 * 32 * 16]
        # pool1: 2x2 stride 2 -> 16 x 16 x 16; dw2: 3x3 depthwise, padding 1; fc3: 4,096 -> 10
        assert layers.loc["pool1", ["ops", "in_activations", "out_activations"]].tolist() == [0, 16_384, 4_096]
        assert layers.loc["dw2", ["ops", "weights"]].tolist() == [2 * 16 * 16 * 16 * 9, 16 * 9]
        assert layers.loc["fc3", ["ops", "weights", "out_activations"]].tolist() == [2 * 4_096 * 10, 40_960, 10]

    def test_template_header_is_the_documented_columns(self):
        assert template_path().read_text().splitlines()[0] == HEADER


class TestReading:
    def test_spellings_of_types(self):
        spellings = ["conv", "Depthwise Conv", "dw", "fully connected", "GEMM", "pooling", "element-wise", "add",
                     "FC", " pool ", "Fully_Connected"]
        rows = [f"l{i},{t},1,2,3,4" for i, t in enumerate(spellings)]
        got = read_layer_csv(table_bytes(*rows), FILE).layers["type"].tolist()
        assert got == ["conv", "depthwise", "depthwise", "fc", "fc", "pool", "eltwise", "eltwise", "fc", "pool", "fc"]
        assert set(TYPE_SPELLINGS.values()) == set(LAYER_TYPES)

    def test_header_spelling_order_extra_columns_and_separator(self):
        header = "Notes;OUT Activations;Layer;Type;Ops;Weights;In-Activations"
        data = table_bytes("a note;4;conv 1;conv;1;2;3", header=header, sep=";")
        layers = read_layer_csv(data, FILE).layers
        assert layers.to_dict("records") == [{"layer": "conv 1", "type": "conv", "ops": 1, "weights": 2,
                                              "in_activations": 3, "out_activations": 4}]

    @pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252"])
    def test_encodings(self, encoding):
        text = f"{HEADER}\nCouche é,conv,1,2,3,4\n"
        assert read_layer_csv(text.encode(encoding), FILE).layers["layer"].tolist() == ["Couche é"]

    def test_number_spellings(self):
        layers = read_layer_csv(table_bytes('a,conv,"1,234,567",1e3,2.0, 7 '), FILE).layers
        assert layers.iloc[0, 2:].tolist() == [1_234_567, 1_000, 2, 7]
        # exact up to 2^53 (check_layer_table holds counts as float64 on the way to int64)
        big = read_layer_csv(table_bytes(f"a,fc,{2**53},0,0,0"), FILE).layers
        assert big["ops"].iloc[0] == 2**53

    @pytest.mark.parametrize(("cell", "reason"), [
        ("2.5", "'2.5' is not a whole number"), ("-1", "'-1' is not a whole number"),
        ("inf", "'inf' is not a whole number"), ("nan", "'nan' is not a whole number"),
        ("1e19", "'1e19' is not a whole number from 0 to 10\\^18"), ("abc", "'abc'"), ("", "empty cell"),
        ("12,34", "'12,34'"),
    ])
    def test_bad_numbers_named_by_line_and_column(self, cell, reason):
        data = table_bytes("ok,conv,1,1,1,1", f'bad,fc,1,1,"{cell}",1')
        refused(data, f"^layers.csv: line 3, column in_activations: {reason}")

    def test_line_numbers_count_blank_lines_and_quoted_line_breaks(self):
        data = table_bytes('"two\nlines",conv,1,1,1,1', "", "third,pool,0,0,1,1", "bad,conv,x,1,1,1")
        refused(data, "^layers.csv: line 6, column ops: 'x'")

    def test_first_bad_cell_in_file_order(self):
        data = table_bytes("a,conv,1,1,1,-5", "b,foo,-1,1,1,1")
        refused(data, "line 2, column out_activations")

    def test_unknown_type(self):
        refused(table_bytes("a,lstm,1,1,1,1"), "line 2, column type: unknown layer type 'lstm' \\(use conv, ")

    def test_duplicate_and_empty_and_long_names(self):
        refused(table_bytes("a,conv,1,1,1,1", "a,conv,1,1,1,1"), "line 3, column layer: layer name 'a' appears more")
        refused(table_bytes(" ,conv,1,1,1,1"), "line 2, column layer: empty cell")
        refused(table_bytes("x" * 201 + ",conv,1,1,1,1"), "longer than 200 characters")

    def test_shifted_row(self):
        refused(table_bytes("a,b,conv,1,1,1,1"), "line 2: 7 cells but the header has 6")

    def test_missing_and_repeated_columns(self):
        refused(b"layer,type,ops\na,conv,1\n", "missing column\\(s\\) weights, in_activations, out_activations")
        refused(b"name,value\na,1\n", "not a layer table: none of its columns layer, type, ops")
        refused(table_bytes("a,conv,1,1,1,1,2", header=HEADER + ",OPS"), "column ops appears 2 times")

    def test_empty_header_only_and_garbage(self):
        refused(b"", "the file is empty")
        refused(b"  \n", "the file is empty")
        refused(table_bytes(), "no layer")
        refused(bytes(random.Random(0).randbytes(5000)), "")

    def test_limits(self):
        refused(b"x" * (MAX_CSV_BYTES + 1), "at most 2,000,000")
        rows = [f"l{i},fc,1,1,1,1" for i in range(MAX_ROWS + 1)]
        refused(table_bytes(*rows), f"more than {MAX_ROWS:,} layers")
        assert len(read_layer_csv(table_bytes(*rows[:MAX_ROWS]), FILE).layers) == MAX_ROWS

    def test_name(self):
        data = table_bytes("a,conv,1,1,1,1")
        assert read_layer_csv(data, "dir/My net.csv").name == "My net"
        assert read_layer_csv(data, "dir/My net.csv", name="Mine").name == "Mine"


def hostile_names(count, seed=0):
    rng = random.Random(seed)
    alphabet = [*FORMULA_PREFIXES, ",", ";", '"', "\n", "\r\n", " ", "a", "Z", "é", "€", "|", "\\", "0", "\u2028",
                "\x00", "\x0b", "\x85"]
    fixed = ["NA", "null", "None", "nan", "", "=SUM(A1)", "'=x", "+1", "-2", "@cmd", "\ttab", '"quoted"', "1e5"]
    names = {n for n in fixed if n}
    while len(names) < count:
        name = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        if name.strip():
            names.add(name)
    return sorted(names)


class TestRoundTrip:
    def test_hostile_names_round_trip_exactly(self):
        names = hostile_names(400)
        rng = np.random.default_rng(0)
        table = pd.DataFrame({"layer": names, "type": rng.choice(LAYER_TYPES, len(names))})
        for column in LAYER_TABLE_COLUMNS[2:]:
            table[column] = rng.integers(0, 2**51, len(names), dtype=np.int64)  # 400 x 2^51 < 10^18 in all
        text = layer_table_csv(table)
        cells = [record[0] for record in csv.reader(io.StringIO(text, newline=""))]
        assert not any(cell[:1] in "=+-@\t\r" for cell in cells)  # every formula cell escaped
        back = read_layer_csv(text.encode(), FILE).layers
        pd.testing.assert_frame_equal(back, table, check_dtype=False)
        assert back["layer"].tolist() == names

    def test_writer_refuses_a_bad_table(self):
        with pytest.raises(ValueError, match="unknown layer type"):
            layer_table_csv(pd.DataFrame({c: ["x"] for c in LAYER_TABLE_COLUMNS}))


# --- the network command's logic ---

def onnx_file(path, nodes, inputs, initializers=(), opsets=()):
    graph = helper.make_graph(nodes, "tiny", inputs, [helper.make_tensor_value_info(nodes[-1].output[0], 1, None)],
                              list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), *opsets])
    path.write_bytes(model.SerializeToString())
    return path


def run(path, name=None):
    out, err = io.StringIO(), io.StringIO()
    code = network_command(path, name, out, err)
    return code, out.getvalue(), err.getvalue()


class TestNetworkCommand:
    def test_onnx_file_to_csv(self, tmp_path):
        w = numpy_helper.from_array(np.zeros((4, 3, 3, 3), np.float32), "w")
        nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="=conv"),
                 helper.make_node("Foo", ["c"], ["y"], domain="custom")]
        path = onnx_file(tmp_path / "tiny.onnx", nodes, [helper.make_tensor_value_info("x", 1, ["N", 3, 8, 8])], [w],
                         opsets=[helper.make_opsetid("custom", 1)])
        code, out, err = run(path)
        assert code == 0
        assert out.split("\r\n")[0] == HEADER
        assert out.split("\r\n")[1] == f"'=conv,conv,{2 * 4 * 36 * 27},{4 * 27},192,144"
        assert err.splitlines() == [
            "warning: 1 operator the import does not know was counted as 0 ops and 0 weights: custom.Foo (1); they "
            "read 144 activation elements per input",
            "note: input 'x': 1x3x8x8", "note: weights stored as FP32"]

    def test_onnx_recognised_by_its_first_byte(self, tmp_path):
        nodes = [helper.make_node("GlobalMaxPool", ["x"], ["y"], name="p")]
        path = onnx_file(tmp_path / "model.bin", nodes, [helper.make_tensor_value_info("x", 1, [1, 2, 3, 3])])
        code, out, _ = run(path, "Mine")
        assert code == 0 and out.split("\r\n")[1] == "p,pool,0,0,18,2"
        assert read_network_path(path, "Mine").name == "Mine"
        assert read_network_path(path).name == "tiny"

    def test_csv_file(self, tmp_path):
        path = tmp_path / "net.csv"
        path.write_bytes(template_path().read_bytes())
        code, out, err = run(path)
        assert (code, err) == (0, "")
        assert out.replace("\r\n", "\n") == template_path().read_text()

    @pytest.mark.parametrize(("content", "message"), [
        (b"\x08\x07garbage", "not a readable ONNX model"),
        (b"layer,type\n", "missing column"),
        (b"", "the file is empty"),
    ])
    def test_bad_file_one_line_exit_2(self, tmp_path, content, message):
        path = tmp_path / "bad.csv"
        path.write_bytes(content)
        code, out, err = run(path)
        assert code == 2 and out == ""
        assert err.startswith(f"qb_core: {path}") and message in err and err.count("\n") == 1

    def test_missing_file_and_folder(self, tmp_path):
        assert run(tmp_path / "none.onnx")[2] == f"qb_core: file not found: {tmp_path / 'none.onnx'}\n"
        code, _, err = run(tmp_path)
        assert code == 2 and "folder" in err

    def test_csv_size_checked_before_reading(self, tmp_path):
        csv_path = tmp_path / "big.csv"
        with open(csv_path, "wb") as handle:
            handle.truncate(MAX_CSV_BYTES + 1)
        assert "at most 2,000,000" in run(csv_path)[2]

    def test_hostile_onnx_names_read_back_exactly(self, tmp_path):
        names = [n for n in hostile_names(60, seed=3)]
        nodes = [helper.make_node("MaxPool", ["x" if i == 0 else f"t{i - 1}"], [f"t{i}"], name=n, kernel_shape=[1, 1])
                 for i, n in enumerate(names)]
        path = onnx_file(tmp_path / "names.onnx", nodes, [helper.make_tensor_value_info("x", 1, [1, 1, 2, 2])])
        code, out, _ = run(path)
        assert code == 0
        back = read_layer_csv(out.encode(), "out.csv").layers
        pd.testing.assert_frame_equal(back, read_network_path(path).layers)
        assert back["layer"].tolist() == names

    def test_external_data_via_the_command_reads_shapes_only(self, tmp_path):
        tensor = numpy_helper.from_array(np.zeros((4, 3, 3, 3), np.float32), "w")
        onnx.external_data_helper.set_external_data(tensor, location="/etc/passwd")
        tensor.ClearField("raw_data")
        tensor.data_location = TensorProto.EXTERNAL
        path = onnx_file(tmp_path / "ext.onnx", [helper.make_node("Conv", ["x", "w"], ["y"], name="c")],
                         [helper.make_tensor_value_info("x", 1, [1, 3, 8, 8])], [tensor])
        code, out, err = run(path)
        assert code == 0 and out.split("\r\n")[1] == f"c,conv,{2 * 4 * 36 * 27},{4 * 27},192,144"
        assert "/etc/passwd" not in err and "external file" in err

    def test_a_large_onnx_file_is_memory_mapped_not_read(self, tmp_path, monkeypatch):
        """A 100 MB initializer: the command maps the file and parses only its structure."""
        big = numpy_helper.from_array(np.zeros((25_000, 1_000), np.float32), "w")
        path = onnx_file(tmp_path / "big.onnx", [helper.make_node("MatMul", ["x", "w"], ["y"], name="fc")],
                         [helper.make_tensor_value_info("x", 1, [1, 25_000])], [big])
        assert path.stat().st_size > 100_000_000
        parsed = []
        real = onnx.ModelProto.ParseFromString
        monkeypatch.setattr(onnx.ModelProto, "ParseFromString", lambda m, b: parsed.append(len(b)) or real(m, b))
        code, out, _ = run(path)
        assert code == 0 and out.split("\r\n")[1] == "fc,fc,50000000,25000000,25000,1000"
        assert max(parsed) < 1_000

    @pytest.mark.parametrize(("head", "what"), [
        (b"PK\x03\x04" + bytes(22) + b"\x11\x00\x00\x00archive/data.pkl", "a PyTorch checkpoint (torch.save)"),
        (b"\x80\x02}q\x00", "a Python pickle"),
        (b"\x89HDF\r\n\x1a\n" + bytes(8), "a Keras .h5 model"),
        (b"\x1c\x00\x00\x00TFL3" + bytes(8), "TensorFlow Lite"),
        (b"\x10\x00\x00\x00\x00\x00\x00\x00{\"w\":{}}     ", "safetensors"),
        (b"\x1f\x8b\x08\x00", "compressed"),
    ])
    @pytest.mark.parametrize("suffix", [".pt", ".onnx", ".csv"])
    def test_other_formats_say_what_they_are(self, tmp_path, head, what, suffix):
        path = tmp_path / f"model{suffix}"
        path.write_bytes(head + bytes(64))
        code, out, err = run(path)
        assert code == 2 and what in err and "CSV" not in err and err.count("\n") == 1

    def test_network_argument_with_a_name(self, tmp_path):
        assert split_network_argument("a.onnx") == (Path("a.onnx"), None)
        assert split_network_argument("dir/a.onnx:ResNet v2") == (Path("dir/a.onnx"), "ResNet v2")
        odd = tmp_path / "odd:name.csv"
        odd.write_text("x")
        assert split_network_argument(str(odd)) == (odd, None)


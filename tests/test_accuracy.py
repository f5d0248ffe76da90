"""qb_core.measurements.accuracy: QuTiBench's wide accuracy table -> one row per topology x pruning x precision."""

import math
import re

import pandas as pd
import pytest

from qb_core.csv_io import DataFormatError
from qb_core.measurements.accuracy import ACCURACY_COLUMNS, import_accuracy, load_accuracy

SOURCE = "cnn_topologies_accuracy.csv"
HEADER = " ,INT2,INT4,INT8,FP16,FP32\n  " + ",top1 (top5) [%]" * 5 + "\n"


def cell(table, topology, pruning_pct, precision):
    rows = table[(table["topology"] == topology) & (table["pruning_pct"] == pruning_pct)
                 & (table["precision"] == precision)]
    assert len(rows) == 1, (topology, pruning_pct, precision)
    return rows.iloc[0]


def naive_parse(text: str) -> dict[tuple[str, float, str], tuple[float, float]]:
    """An independent reading of the source: plain splitting and a number regex."""
    lines = text.splitlines()
    precisions = [p.strip() for p in lines[0].split(",")[1:]]
    expected = {}
    for line in lines[2:]:
        first, *cells = line.split(",")
        topology, pct = first.strip().rsplit(" ", 1)
        for precision, raw in zip(precisions, cells, strict=True):
            numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", raw)]
            top1, top5 = (numbers + [math.nan, math.nan])[:2]
            expected[(topology, float(pct), precision)] = (top1, top5)
    return expected


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def test_every_source_cell_is_in_the_tidy_table(shared_qutibench):
    text = (shared_qutibench / SOURCE).read_text()
    expected = naive_parse(text)
    table = import_accuracy(shared_qutibench / SOURCE)
    assert len(table) == len(expected) == 85
    for (topology, pct, precision), (top1, top5) in expected.items():
        row = cell(table, topology, pct, precision)
        assert same(row["top1_pct"], top1) and same(row["top5_pct"], top5), (topology, pct, precision)
        assert row["measured"] == (not math.isnan(top1))


def test_bundled_file_is_the_importers_output(shared_qutibench):
    pd.testing.assert_frame_equal(load_accuracy(), import_accuracy(shared_qutibench / SOURCE))


class TestBundledAccuracy:
    def test_schema_and_one_row_per_variant_and_precision(self):
        table = load_accuracy()
        assert tuple(table.columns) == ACCURACY_COLUMNS
        assert not table.duplicated(["topology", "pruning_pct", "precision"]).any()
        assert table["measured"].dtype == bool

    def test_pinned_cells(self):
        table = load_accuracy()
        assert cell(table, "CNV", 12.5, "FP16")["top1_pct"] == 77.82
        googlenet = cell(table, "GoogLeNetv1", 100, "INT8")
        assert (googlenet["top1_pct"], googlenet["top5_pct"]) == (69.24, 88.45)
        resnet = cell(table, "ResNet-50", 30, "INT8")  # written "68.83 ( 90.16)"
        assert (resnet["top1_pct"], resnet["top5_pct"], resnet["task"]) == (68.83, 90.16, "imagenet")

    def test_not_measured_is_kept_as_missing(self):
        mobilenet = cell(load_accuracy(), "MobileNetv1", 100, "FP16")
        assert pd.isna(mobilenet["top1_pct"]) and pd.isna(mobilenet["top5_pct"]) and not mobilenet["measured"]

    def test_top1_without_top5(self):
        efficientnet = cell(load_accuracy(), "EfficientNet-S", 100, "INT8")
        assert efficientnet["top1_pct"] == 77 and pd.isna(efficientnet["top5_pct"]) and efficientnet["measured"]

    def test_tasks_follow_the_topology(self):
        tasks = load_accuracy().groupby("topology")["task"].first()
        assert (tasks["CNV"], tasks["MLP"], tasks["ResNet-50"]) == ("cifar10", "mnist", "imagenet")

    def test_a_callers_change_does_not_reach_the_cache(self):
        first = load_accuracy()
        first.loc[first.index[0], "topology"] = "changed"
        first["top1_pct"] = 0.0
        again = load_accuracy()
        assert again.loc[again.index[0], "topology"] == "GoogLeNetv1"
        assert again["top1_pct"].max() > 90


class TestImportAccuracy:
    def test_a_small_table(self):
        table = import_accuracy((HEADER + "CNV 100,86.86,nm,nm,87.02,87.06\nX 12.5,nm,nm,70 ( 90.5 ),nm,nm\n").encode())
        assert len(table) == 10
        assert table["measured"].tolist() == [True, False, False, True, True, False, False, True, False, False]
        x = cell(table, "X", 12.5, "INT8")
        assert (x["top1_pct"], x["top5_pct"], x["task"]) == (70, 90.5, "imagenet")

    @pytest.mark.parametrize(("row", "message"), [
        ("CNV 100,86.86,abc,nm,nm,nm",
         r"^acc\.csv: line 3, INT4: 'abc' is not 'nm', a top-1 figure or 'top-1 \(top-5\)'$"),
        ("CNV 100,150,nm,nm,nm,nm", r"^acc\.csv: line 3, INT2: '150' is not a percentage in \[0, 100\]$"),
        ("CNV 100,1 (101),nm,nm,nm,nm", r"^acc\.csv: line 3, INT2: '1 \(101\)' is not a percentage in \[0, 100\]$"),
        ("CNV,1,nm,nm,nm,nm", r"^acc\.csv: line 3: 'CNV' is not 'TOPOLOGY PRUNING_PCT'$"),
        ("CNV 100,1,nm", r"^acc\.csv: line 3: 2 cells for 5 precisions$"),
    ])
    def test_unreadable_cells_refuse_with_file_and_line(self, row, message):
        with pytest.raises(DataFormatError, match=message):
            import_accuracy((HEADER + row + "\n").encode(), name="acc.csv")

    def test_unknown_precision_in_the_header(self):
        with pytest.raises(DataFormatError, match=r"^acc\.csv: line 1: .* not 'INT9'$"):
            import_accuracy(b" ,INT2,INT9\nCNV 100,1,2\n", name="acc.csv")

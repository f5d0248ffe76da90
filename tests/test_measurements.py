import io

import pandas as pd
import pytest

from qb_core.measurements.dataset import (
    MEASURED,
    TIDY_COLUMNS,
    DataFormatError,
    import_qutibench,
    load_measurements,
    read_any,
    read_measurement_file,
    topology_task,
)
from qb_core.measurements.row_checks import VALID_RANGES


@pytest.fixture
def quirks(fixtures):
    return import_qutibench(fixtures / "qutibench_quirks.csv")


def row_at(result, line):
    rows = result.measurements[result.measurements["source_line"] == line]
    assert len(rows) == 1, f"line {line} was not imported"
    return rows.iloc[0]


def reasons(result, line):
    return result.problems.loc[result.problems["line"] == line, "reason"].tolist()


def test_tidy_schema_in_order(quirks):
    assert tuple(quirks.measurements.columns) == TIDY_COLUMNS


def test_platform_name_variants_become_canonical(quirks):
    assert row_at(quirks, 2)["platform"] == "NCS2"
    assert row_at(quirks, 3)["platform"] == "NCS2"  # "NCS (MyriadX)"
    assert row_at(quirks, 6)["platform"] == "ZCU104-BISMO"
    assert row_at(quirks, 7)["platform"] == "U96-A53"
    assert row_at(quirks, 7)["family"] == "CPU"


def test_op_mode_from_its_column_or_from_the_name(quirks):
    assert row_at(quirks, 4)[["platform", "op_mode", "device"]].tolist() == ["TX2", "maxp", "TX2-maxp"]
    assert row_at(quirks, 5)[["platform", "op_mode", "device"]].tolist() == ["TX2", "maxn", "TX2-maxn"]


def test_thousands_separator_and_pruning_text(quirks):
    assert row_at(quirks, 3)["lat_sys_ms"] == 1234.82
    assert row_at(quirks, 2)["pruning_pct"] == 12.5
    assert row_at(quirks, 9)["pruning_pct"] == 30.0


def test_leading_space_level_column_is_read(quirks):
    assert row_at(quirks, 2)["level"] == "l3"


def test_throughput_is_fps_times_exact_ops(quirks):
    ncs = row_at(quirks, 2)
    assert ncs["ops_per_input"] == 8_017_792  # not the rounded 0.01 GOP of the source
    assert ncs["tp_comp_ops_per_s"] == pytest.approx(526.305 * 8_017_792)
    resnet = row_at(quirks, 9)
    assert resnet["ops_per_input"] == 2.5e9 and resnet["task"] == "imagenet"


def test_config_label_is_platform_precision_pruning(quirks):
    assert row_at(quirks, 2)["config"] == "NCS2_FP16_12.5%"
    assert row_at(quirks, 4)["config"] == "TX2-maxp_FP16_50%"


def test_rows_without_results_are_reported_not_silently_dropped(quirks):
    assert not (quirks.measurements["source_line"] == 8).any()
    assert reasons(quirks, 8) == ["no measured values (configuration not measured or not supported)"]


def test_bad_rows_are_skipped_with_line_and_reason(quirks):
    assert "precision 'INT9' is not one of" in reasons(quirks, 11)[0]
    assert "batch/thread/stream '0'" in reasons(quirks, 12)[0]
    assert "PruningFactor 'half'" in reasons(quirks, 13)[0]
    skipped = set(quirks.problems.loc[quirks.problems["severity"] == "skipped", "line"])
    assert skipped == {8, 11, 12, 13}


def test_bad_cells_warn_and_keep_the_rest_of_the_row(quirks):
    row = row_at(quirks, 14)
    assert pd.isna(row["lat_comp_ms"]) and row["fps_comp"] == 500
    assert reasons(quirks, 14) == ["lat_comp_ms: 'oops' is not a number; left empty"]


def test_unknown_platform_is_kept_with_a_warning(quirks):
    row = row_at(quirks, 10)
    assert (row["platform"], row["family"]) == ("MyBoard", "Other")
    assert "not in the hardware catalog" in reasons(quirks, 10)[0]


def test_blank_lines_keep_line_numbers_true(quirks):
    assert row_at(quirks, 16)["batch"] == 16


def test_contribution_template_spellings(fixtures):
    result = import_qutibench(fixtures / "template_rows.csv")
    finn = row_at(result, 2)
    assert finn[["precision", "full_power_w", "base_power_w", "idle_power_w"]].tolist() == ["INT2", 15.2, 9.2, 11.8]
    assert finn["tp_comp_ops_per_s"] == pytest.approx(8000 * 469_449_728)
    tpu = row_at(result, 3)
    assert tpu[["device", "task", "ops_per_input"]].tolist() == ["EdgeTPU-slow", "mnist", 5_820_416]
    assert result.problems.empty


@pytest.mark.parametrize(("content", "message"), [
    (b"", "<bytes>: the file is empty"),
    (b"a,b\n1,2\n", "<bytes>: not a QuTiBench or QB Explorer measurement file: missing column(s) NN_Topology, "
                    "HWType, Datatype, batch/thread/stream, PruningFactor"),
    (b"NN_Topology,HWType\nCNV,TX2\n", "<bytes>: not a QuTiBench or QB Explorer measurement file: missing "
                                       "column(s) Datatype, batch/thread/stream, PruningFactor"),
])
def test_unusable_files_raise_one_clear_error_naming_the_file(content, message):
    with pytest.raises(DataFormatError) as error:
        import_qutibench(io.BytesIO(content))
    assert str(error.value) == message


def test_files_are_named_as_written(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(DataFormatError, match=r"^.*empty\.csv: the file is empty$"):
        read_measurement_file(path)
    with pytest.raises(DataFormatError, match=r"^mine\.csv: the file is empty$"):
        read_any(b"", name="mine.csv")


def test_topology_task_follows_the_layer_models():
    tasks = topology_task(pd.Series(["CNV", "MLP", "ResNet-50", "", "CNV"]))
    assert tasks.astype(str).tolist() == ["cifar10", "mnist", "imagenet", "imagenet", "cifar10"]


def test_bundled_measurements_lie_within_the_valid_ranges():
    data = load_measurements()
    assert set(VALID_RANGES) == set(MEASURED)
    for column, (low, high, low_inclusive) in VALID_RANGES.items():
        values = data[column].dropna()
        assert ((values >= low) if low_inclusive else (values > low)).all() and (values <= high).all(), column


def test_read_any_accepts_both_formats(fixtures):
    source = import_qutibench(fixtures / "template_rows.csv").measurements
    buffer = io.BytesIO(source.to_csv(index=False).encode())
    again = read_any(buffer).measurements
    pd.testing.assert_frame_equal(again, source, check_dtype=False, check_categorical=False)
    assert len(read_any((fixtures / "template_rows.csv").read_bytes()).measurements) == 2


def test_bundled_dataset_is_the_importers_output(shared_qutibench):
    fresh = import_qutibench(shared_qutibench / "measurements.csv").measurements
    pd.testing.assert_frame_equal(load_measurements(), fresh, check_dtype=False, check_categorical=False)


def test_bundled_cifar10_rows():
    data = load_measurements()
    cnv = data[data["task"] == "cifar10"]
    assert set(cnv["topology"]) == {"CNV"}
    assert set(cnv["pruning_pct"]) == {100.0, 50.0, 25.0, 12.5}
    assert set(cnv["platform"]) == {"NCS2", "TX2", "U96-A53", "ZCU104-BISMO", "ZCU104-FINN"}
    expected = cnv["pruning_pct"].map({100.0: 469_449_728, 50.0: 118_922_752, 25.0: 30_510_848, 12.5: 8_017_792})
    assert (cnv["ops_per_input"] == expected).all()


def test_tidy_files_are_checked_cell_by_cell(fixtures):
    tidy = import_qutibench(fixtures / "template_rows.csv").measurements
    text = tidy.to_csv(index=False).splitlines()
    header, first, second = text[0], text[1], text[2]
    columns = header.split(",")
    cells = first.split(",")
    cells[columns.index("fps_comp")] = "fast"
    broken = second.split(",")
    broken[columns.index("batch")] = ""
    result = read_any("\n".join([header, ",".join(cells), ",".join(broken)]).encode())
    assert len(result.measurements) == 1 and pd.isna(result.measurements.loc[0, "fps_comp"])
    assert result.problems[["line", "severity"]].values.tolist() == [[2, "warning"], [3, "skipped"]]
    with pytest.raises(DataFormatError, match="missing column"):
        read_any(b"platform,fps_comp\nX,1\n")


def test_distinct_rows_never_overflow_however_many_columns():
    import numpy as np

    from qb_core.distinct import distinct_rows

    columns = [pd.Series(np.arange(20_000).astype(str)) for _ in range(6)]
    codes, table = distinct_rows(*columns)
    assert len(table) == 20_000 and codes.max() == 19_999
    codes, table = distinct_rows(pd.Series(["x", "y", "x", None]), pd.Series([1.0, 1.0, 1.0, float("nan")]))
    assert codes.tolist() == [0, 1, 0, 2] and table.iloc[1].tolist() == ["y", 1.0]

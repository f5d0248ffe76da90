import json

import numpy as np
import pandas as pd
import pytest

from qb_core.analyses.predictions import predict
from qb_core.hardware.catalog import catalog_long, default_catalog
from qb_core.hardware.whatif import (
    apply_overrides,
    apply_whatif,
    combined_catalog,
    compare,
    custom_catalog,
    log_scale_steps,
    platforms_from_csv,
    platforms_to_csv,
)
from qb_core.links import overrides_from_text, overrides_to_text, platforms_from_text, platforms_to_text
from qb_core.question import HardwareWhatIf

MINE = {"platform": "MyBoard", "family": "FPGA", "bandwidth_gbps": 100, "peak_tops_int8": 10, "peak_tops_int4": 20}


def test_scale_steps_are_log_spaced_and_hit_round_multiples():
    steps = log_scale_steps()
    assert steps[0] == 0.1 and steps[-1] == 10.0
    assert {0.5, 1.0, 2.0, 4.0, 5.0} <= set(steps)
    ratios = np.diff(np.log10(steps))
    assert (ratios > 0).all() and ratios.max() < 0.2


class TestCustomPlatforms:
    def test_a_valid_platform_becomes_catalog_rows_per_native_precision(self):
        long = catalog_long(combined_catalog(default_catalog(), custom_catalog([MINE])))
        mine = long[long["platform"] == "MyBoard"]
        assert mine["precision"].tolist() == ["INT4", "INT8"]
        assert mine["ridge_ops_per_byte"].tolist() == pytest.approx([200.0, 100.0])

    @pytest.mark.parametrize(("change", "message"), [
        ({"platform": "  "}, "needs a name"),
        ({"bandwidth_gbps": 0}, "bandwidth (GB/s) must be above 0"),
        ({"bandwidth_gbps": -5}, "bandwidth (GB/s) must be above 0"),
        ({"bandwidth_gbps": "fast"}, "bandwidth (GB/s) must be a number"),
        ({"bandwidth_gbps": None}, "bandwidth (GB/s) is required"),
        ({"peak_tops_int8": 1e30}, "peak INT8 (TOP/s) must be above 0 and at most"),
        ({"peak_tops_int8": float("nan")}, "peak INT8 (TOP/s) must be above 0"),
        ({"peak_tops_int8": None, "peak_tops_int4": None}, "at least one precision"),
    ])
    def test_bad_values_are_refused_with_a_message(self, change, message):
        with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
            custom_catalog([{**MINE, **change}])

    def test_names_must_be_unique(self):
        with pytest.raises(ValueError, match="exists already"):
            combined_catalog(default_catalog(), custom_catalog([{**MINE, "platform": "NCS2"}]))
        with pytest.raises(ValueError, match="duplicate"):
            combined_catalog(default_catalog(), custom_catalog([MINE, MINE]))

    def test_text_and_csv_round_trips(self):
        frame = custom_catalog([MINE, {**MINE, "platform": "Other board", "power_w": 7.5}])
        pd.testing.assert_frame_equal(platforms_from_text(platforms_to_text(frame)), frame)
        pd.testing.assert_frame_equal(platforms_from_csv(platforms_to_csv(frame)), frame)

    @pytest.mark.parametrize(("text", "message"), [
        ("not json", "not readable"),
        ('{"a": 1}', "list of at most"),
        ("[[1, 2]]", "expected form"),
        ('[["X", "FPGA", 10, null, {"INT3": 1}]]', "unknown precision"),
        ('[["X", "FPGA", 0, null, {"INT8": 1}]]', "must be above 0"),
        (json.dumps([["X", "FPGA", 10, None, {"INT8": 1}]] * 13), "at most 12"),
    ])
    def test_malformed_link_text_is_refused(self, text, message):
        with pytest.raises(ValueError, match=message):
            platforms_from_text(text)

    def test_malformed_csv_is_refused(self):
        with pytest.raises(ValueError, match="platform and bandwidth_gbps"):
            platforms_from_csv(b"name,speed\nx,1\n")
        with pytest.raises(ValueError, match="must be a number"):
            platforms_from_csv(b"platform,bandwidth_gbps,peak_tops_int8\nX,abc,1\n")


class TestOverrides:
    def test_override_is_absolute_and_wins_over_the_scale(self):
        long = apply_whatif(catalog_long(), HardwareWhatIf(bandwidth_scale=2.0,
                                                           overrides_text='{"NCS2": {"bandwidth_gbps": 50.0}}'))
        ncs2 = long[long["device"] == "NCS2"]
        assert (ncs2["bandwidth_gbps"] == 50.0).all()
        tx2 = long[long["device"] == "TX2-maxp"]
        assert (tx2["bandwidth_gbps"] == 2 * 59.7).all()
        assert ncs2["ridge_ops_per_byte"].tolist() == pytest.approx([1000 * 1 / 50, 1000 * 0.5 / 50])

    def test_peak_override_changes_only_that_precision(self):
        long = apply_overrides(catalog_long(), {"NCS2": {"peak_tops_fp16": 2.0}})
        ncs2 = long[long["device"] == "NCS2"].set_index("precision")["peak_tops"]
        assert ncs2.to_dict() == {"INT8": 1.0, "FP16": 2.0}

    @pytest.mark.parametrize(("overrides", "message"), [
        ({"Nope": {"bandwidth_gbps": 1}}, "no platform named Nope"),
        ({"NCS2": {"bandwidth_gbps": 0}}, "must be above 0"),
        ({"NCS2": {"power_w": 3}}, "cannot be overridden"),
    ])
    def test_bad_overrides_are_refused(self, overrides, message):
        with pytest.raises(ValueError, match=message):
            apply_overrides(catalog_long(), overrides)

    def test_link_text_round_trip_and_validation(self):
        overrides = {"NCS2": {"bandwidth_gbps": 50.0}, "TX2-maxp": {"peak_tops_fp16": 2.5}}
        devices = list(default_catalog()["device"])
        assert overrides_from_text(overrides_to_text(overrides), devices) == overrides
        for text, message in (("{", "not readable"), ('{"X": {"bandwidth_gbps": 1}}', "no platform named X"),
                              ('{"NCS2": {"colour": 1}}', "cannot be overridden"), ('{"NCS2": 5}', "expected form"),
                              ('{"NCS2": {"bandwidth_gbps": "1e999"}}', "must be above 0")):
            with pytest.raises(ValueError, match=message):
                overrides_from_text(text, devices)


def test_compare_marks_ratio_and_flipped_bounds():
    base = predict()
    changed = predict(hardware=apply_whatif(catalog_long(combined_catalog(default_catalog(), custom_catalog([MINE]))),
                                         HardwareWhatIf(bandwidth_scale=2.0)))
    table = compare(base, changed)
    finn = table[(table["device"] == "ZCU104-FINN") & (table["precision"] == "INT2")]
    assert np.allclose(finn["ratio"], 2.0) and not finn["bound_flipped"].any()
    edge = table[(table["device"] == "EdgeTPU-slow") & (table["pruning_pct"] == 100)].iloc[0]
    assert edge["bound_flipped"] and edge["original_bound"] == "memory" and edge["bound"] == "compute"
    assert edge["ratio"] == pytest.approx(2.0 / (25.6 * 469_449_728 / 6_157_696 / 1000))
    mine = table[table["device"] == "MyBoard"]
    assert mine["new"].all() and mine["ratio"].isna().all() and not mine["bound_flipped"].any()


def test_settings_name_themselves_in_a_download():
    from qb_core.hardware.whatif import WhatIf

    assert WhatIf().file_suffix() == ""
    settings = WhatIf(bandwidth_scale=2.0, weights="per-batch", batch=8,
                      overrides_text='{"NCS2":{"bandwidth_gbps":50.0}}')
    assert settings.file_suffix() == "_bw2x_weights-per-batch-N8_1-overrides"
    assert settings.hardware_changed and settings.storage_changed and settings.active
    assert not WhatIf(width_pct=75.0).hardware_changed and WhatIf(width_pct=75.0).active


def test_a_link_nested_too_deep_or_too_long_is_refused_before_parsing():
    from qb_core.links import MAX_LINK_TEXT, json_depth

    assert json_depth('[[1, "[[[[", {"a": [2]}]]') == 4  # brackets inside strings do not count
    with pytest.raises(ValueError, match="nested deeper"):
        overrides_from_text("[" * 5000 + "]" * 5000, [])
    with pytest.raises(ValueError, match="longer than"):
        platforms_from_text("[" + " " * MAX_LINK_TEXT + "]")


def test_a_platform_family_must_be_one_of_the_families():
    with pytest.raises(ValueError, match="family must be one of"):
        custom_catalog([{**MINE, "family": "Quantum"}])


def test_slider_snapping_takes_the_smallest_stop_that_reaches_the_multiple():
    from qb_core.hardware.whatif import snap_to_stop
    from ui.whatif_sidebar import SCALES

    assert snap_to_stop(2.41, SCALES) == 2.5  # FINN INT2 CNV 100% at 30,000 inputs/s needs 2.41x bandwidth
    assert snap_to_stop(2.0, SCALES) == 2.0 and snap_to_stop(0.3, SCALES) == 1.0
    assert snap_to_stop(50.0, SCALES) == max(SCALES)


def test_an_override_for_a_target_never_lowers_today_and_keeps_the_rest():
    from qb_core.hardware.whatif import merged_override

    before = {"NCS2": {"bandwidth_gbps": 20.0}, "TX2-maxp": {"peak_tops_fp16": 2.0}}
    after = merged_override(before, "TX2-maxp", "peak_tops_fp16", (100.0, 1.0), (59.7, 1.15))
    assert after == {"NCS2": {"bandwidth_gbps": 20.0}, "TX2-maxp": {"peak_tops_fp16": 1.15, "bandwidth_gbps": 100.0}}
    assert before["TX2-maxp"] == {"peak_tops_fp16": 2.0}  # the caller's mapping is not changed
    unknown = merged_override({}, "EdgeTPU-fast", "peak_tops_int8", (float("nan"), 8.0), (25.6, 4.0))
    assert unknown == {"EdgeTPU-fast": {"peak_tops_int8": 8.0}}  # an unknown bandwidth need leaves the bandwidth

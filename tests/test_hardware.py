import pandas as pd
import pytest

from qb_core.hardware.catalog import canonical_platform, catalog_long, default_catalog, validate_catalog


@pytest.mark.parametrize(("name", "platform", "mode"), [
    ("NCS2", "NCS2", ""),
    ("NCS (MyriadX)", "NCS2", ""),
    ("ZCU104-Bismo", "ZCU104-BISMO", ""),
    ("U96-Quadcore-A53", "U96-A53", ""),
    ("U96-Quadcore A53-INT8", "U96-A53", ""),
    ("TX2 - maxn", "TX2", "maxn"),
    ("EdgeTPU-fast", "EdgeTPU", "fast"),
    ("GPU", "TX2", ""),
    ("ZCU104-FINN", "ZCU104-FINN", ""),
])
def test_every_spelling_maps_to_one_canonical_platform(name, platform, mode):
    canonical, op_mode = canonical_platform(pd.Series([name]))
    assert (canonical[0], op_mode[0]) == (platform, mode)


def test_unknown_platform_is_nan():
    canonical, _ = canonical_platform(pd.Series(["MyBoard"]))
    assert canonical.isna().all()


def test_catalog_matches_the_qutibench_datasheet(shared_qutibench):
    source = pd.read_csv(shared_qutibench / "hardware_platforms.csv", skiprows=[1], na_values=["na"])
    platform, mode = canonical_platform(source["Hardware Platforms"])
    source = source.assign(platform=platform, op_mode=mode)
    ours = default_catalog().merge(source, on=["platform", "op_mode"], how="outer", indicator=True)
    assert (ours["_merge"] == "both").all()
    for precision in ("INT2", "INT4", "INT8", "FP16", "FP32"):
        pd.testing.assert_series_equal(ours[f"peak_tops_{precision.lower()}"], ours[precision], check_names=False)
    pd.testing.assert_series_equal(ours["bandwidth_gbps"], ours["Memory Bandwidth"], check_names=False)


def test_long_catalog_has_one_row_per_native_precision_and_ridge_point():
    long = catalog_long()
    assert len(long) == 20
    a53 = long[long["platform"] == "U96-A53"]
    assert a53["precision"].tolist() == ["INT2", "INT4", "INT8"]
    assert a53["bandwidth_gbps"].eq(4.26).all()
    tx2 = long[(long["device"] == "TX2-maxn") & (long["precision"] == "FP16")].iloc[0]
    assert tx2["ridge_ops_per_byte"] == pytest.approx(1330 / 59.7)


@pytest.mark.parametrize(("change", "message"), [
    ({"bandwidth_gbps": 0}, "bandwidth must be a number above 0"),
    ({"bandwidth_gbps": "fast"}, "bandwidth must be a number above 0"),
    ({"peak_tops_int8": -1}, "peak TOP/s must be a number above 0"),
    ({"peak_tops_int8": 1e30}, "peak TOP/s must be a number above 0"),
    ({"platform": ""}, "needs a name"),
])
def test_validation_names_the_problem(change, message):
    bad = default_catalog().iloc[[10]].copy()  # NCS2
    for column, value in change.items():
        bad[column] = bad[column].astype(object)
        bad[column] = value
    problems = validate_catalog(bad)
    assert any(message in p for p in problems), problems


def test_duplicates_are_refused_and_the_bundled_catalog_is_valid():
    catalog = default_catalog()
    assert validate_catalog(catalog) == []
    assert any("duplicate" in p for p in validate_catalog(pd.concat([catalog, catalog.iloc[[0]]])))

from qb_core.analyses.overview import overview_table
from qb_core.measurements.dataset import load_measurements


def test_cifar10_overview_lists_every_catalog_platform_with_na_where_unmeasured():
    table = overview_table(load_measurements(), "cifar10").set_index("platform")
    assert table.loc["ZCU104-DPU", "CNV"] == "na"
    assert table.loc["EdgeTPU", "batch_sweep"] == "na"
    assert table.loc["TX2", "CNV"] == "FP16: 100%, 50%, 25%, 12.5%; FP32: 100%, 50%, 25%, 12.5%"
    assert table.loc["TX2", "op_modes"] == "maxn, maxp, maxq"
    assert table.loc["ZCU104-BISMO", "CNV"] == "INT2: 50%, 25%, 12.5%; INT4: 25%, 12.5%"
    assert table.loc["NCS2", "batch_sweep"] == "1, 2, 4, 8, 16, 32, 64, 128"
    assert table.loc["NCS2", "family"] == "VLIW"


def test_overview_follows_the_data_not_a_typed_table():
    data = load_measurements()
    fewer = data[~((data["platform"] == "NCS2") & (data["pruning_pct"] == 12.5))]
    table = overview_table(fewer, "cifar10").set_index("platform")
    assert table.loc["NCS2", "CNV"] == "FP16: 100%, 50%, 25%"
    assert (overview_table(data.iloc[0:0], "cifar10")["batch_sweep"] == "na").all()

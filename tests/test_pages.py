"""AppTest tests of every page: runs cleanly, charts carry the expected data, filters act."""

from __future__ import annotations

import pandas as pd
import pytest
from apptest_helpers import charts, datasets, layer_data, new_app, open_page, spec

from qb_core.hardware import default_catalog
from qb_core.measurements import configs_with_single_value, load_measurements
from qb_core.pareto import pareto_front

PAGES = ["home", "rooflines", "prediction", "whatif", "overview", "latency_throughput", "boxplots", "pareto",
         "your_measurements"]
FAMILY_KEYS = ["hw_fpga", "hw_gpu", "hw_tpu", "hw_vliw", "hw_cpu"]


def native_pairs(op_modes=("maxp", "fast", "slow"), platforms=None) -> int:
    """Platform x precision pairs counted straight from data/hardware.csv."""
    catalog = default_catalog()
    keep = (catalog["op_mode"] == "") | catalog["op_mode"].isin(op_modes)
    if platforms is not None:
        keep &= catalog["platform"].isin(platforms)
    peaks = catalog.loc[keep, [c for c in catalog.columns if c.startswith("peak_tops_")]]
    return int(peaks.notna().sum().sum())


def cifar_rows(platforms=None) -> pd.DataFrame:
    rows = load_measurements()
    default_mode = (rows["op_mode"] == "") | rows["op_mode"].isin(["maxp", "fast", "slow"])
    rows = rows[(rows["task"] == "cifar10") & default_mode]
    return rows if platforms is None else rows[rows["platform"].isin(platforms)]


@pytest.fixture
def at():
    return new_app().run()


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_exception(at, page):
    open_page(at, page)
    assert not at.exception
    assert at.title[0].value
    assert len(at.sidebar.children) > 5, "the shared sidebar filters are on every page"


def test_home_summarises_the_dataset(at):
    metrics = {m.label: m.value for m in at.metric}
    every_cifar_row = load_measurements()["task"] == "cifar10"
    assert metrics["Measured rows"] == f"{every_cifar_row.sum():,}"
    assert "QuTiBench, Xilinx Inc., Apache License 2.0" in " ".join(m.value for m in at.markdown)


class TestRooflines:
    def test_one_roofline_per_platform_precision_pair(self, at):
        open_page(at, "rooflines")
        roofs = layer_data(charts(at)[0], 0)
        assert roofs["roof"].nunique() == native_pairs() == 16
        assert (roofs.groupby("roof").size() == 3).all()  # two segments: three corner points

    def test_corner_points_follow_the_formula(self, at):
        open_page(at, "rooflines")
        roofs = layer_data(charts(at)[0], 0)
        finn = roofs[roofs["roof"] == "ZCU104-FINN INT2"].sort_values("point")
        assert finn["intensity"].iloc[1] == pytest.approx(30.7e12 / 19.2e9)  # ridge
        assert finn["tops"].iloc[1] == pytest.approx(30.7)
        x_min = finn["intensity"].iloc[0]
        assert finn["tops"].iloc[0] == pytest.approx(19.2 * x_min / 1000)

    def test_intensity_rules_per_variant_and_precision(self, at):
        open_page(at, "rooflines")
        rules = layer_data(charts(at)[0], 2)
        assert len(rules) == 4 * 5
        cnv = rules[(rules["variant"] == "CNV 100%") & (rules["precision"] == "INT8")]
        assert cnv["intensity"].iloc[0] == pytest.approx(469_449_728 / 6_157_696)

    def test_deselecting_platforms_and_precisions_removes_their_rooflines(self, at):
        open_page(at, "rooflines")
        at.button_group(key="hw_fpga").set_value(["ZCU104-FINN"]).run()
        at.button_group(key="precision").set_value(["INT2", "FP16"]).run()
        roofs = layer_data(charts(at)[0], 0)
        assert set(roofs["roof"]) == {"ZCU104-FINN INT2", "TX2-maxp FP16", "NCS2 FP16", "U96-A53 INT2"}
        rules = layer_data(charts(at)[0], 2)
        assert set(rules["precision"]) == {"INT2", "FP16"}

    def test_bound_table_lists_ridge_and_bounds(self, at):
        open_page(at, "rooflines")
        table = at.dataframe[0].value
        finn = table[(table["device"] == "ZCU104-FINN") & (table["precision"] == "INT2")].iloc[0]
        assert finn["ridge_ops_per_byte"] == pytest.approx(1000 * 30.7 / 19.2)
        assert finn["CNV 100%"] == "memory"
        tx2 = table[(table["device"] == "TX2-maxp") & (table["precision"] == "FP16")].iloc[0]
        assert tx2["CNV 100%"] == "compute"


class TestPrediction:
    def test_heatmap_cells_and_a_hand_computed_value(self, at):
        open_page(at, "prediction")
        cells = layer_data(charts(at)[0], 0)
        assert len(cells) == native_pairs() * 4
        finn = cells[(cells["device"] == "ZCU104-FINN") & (cells["precision"] == "INT2")
                     & (cells["pruning_pct"] == 100)]
        assert finn["inputs_per_s"].iloc[0] == pytest.approx(19.2e9 / 1_539_424)
        assert finn["label"].iloc[0] == "12.5k"
        assert spec(charts(at)[0])["layer"][0]["encoding"]["color"]["scale"]["type"] == "log"

    def test_no_cell_where_the_platform_lacks_the_precision(self, at):
        open_page(at, "prediction")
        cells = layer_data(charts(at)[0], 0)
        assert cells[cells["device"] == "NCS2"]["precision"].unique().tolist() == ["INT8", "FP16"]

    def test_pruning_filter_drops_columns(self, at):
        open_page(at, "prediction")
        at.button_group(key="pruning").set_value([100.0]).run()
        cells = layer_data(charts(at)[0], 0)
        assert set(cells["pruning_pct"]) == {100.0}


class TestOverview:
    def test_table_is_derived_with_na_for_unmeasured_platforms(self, at):
        open_page(at, "overview")
        table = at.dataframe[0].value.set_index("platform")
        assert len(table) == default_catalog()["platform"].nunique()
        assert table.loc["ZCU102-DPU", "CNV"] == "na"
        assert table.loc["NCS2", "CNV"] == "FP16: 100%, 50%, 25%, 12.5%"

    def test_deselected_platforms_leave_the_table(self, at):
        open_page(at, "overview")
        at.button_group(key="hw_fpga").set_value([]).run()
        table = at.dataframe[0].value
        assert "ZCU104-FINN" not in set(table["platform"])


class TestLatencyThroughput:
    def test_notebook_panels_by_default(self, at):
        open_page(at, "latency_throughput")
        drawn = charts(at)
        assert len(drawn) == 2
        left = layer_data(drawn[0], 0)
        expected = cifar_rows(["NCS2", "ZCU104-BISMO", "U96-A53"])
        assert len(left) == len(expected)
        assert set(left["platform"]) == {"NCS2", "ZCU104-BISMO", "U96-A53"}
        assert spec(drawn[0])["layer"][0]["encoding"]["y"]["scale"]["type"] == "log"

    def test_legend_selection_and_batch_order(self, at):
        open_page(at, "latency_throughput")
        chart_spec = spec(charts(at)[0])
        params = chart_spec["params"]
        assert params[0]["name"] == "pick_0" and params[0]["bind"] == "legend"
        assert chart_spec["layer"][0]["encoding"]["order"]["field"] == "batch"

    def test_regrouping_panels(self, at):
        open_page(at, "latency_throughput")
        at.multiselect(key="panel_a").set_value(["TX2"]).run()
        left = layer_data(charts(at)[0], 0)
        assert set(left["platform"]) == {"TX2"}

    def test_batch_range_filters_points(self, at):
        open_page(at, "latency_throughput")
        at.select_slider(key="batch").set_range(4, 32).run()
        left = layer_data(charts(at)[0], 0)
        assert left["batch"].between(4, 32).all() and set(left["batch"]) == {4, 8, 16, 32}


class TestBoxplots:
    def test_three_charts_and_single_power_configs_left_out(self, at):
        open_page(at, "boxplots")
        drawn = charts(at)
        assert len(drawn) == 3
        power = next(iter(datasets(drawn[2]).values()))
        single = configs_with_single_value(cifar_rows(), "full_power_w")
        assert single and not set(power["config"]) & set(single)
        assert all(c.startswith("U96-A53") for c in single)
        assert any("single power value" in c.value for c in at.caption)

    def test_facets_are_precision_by_platform(self, at):
        open_page(at, "boxplots")
        chart_spec = spec(charts(at)[0])
        assert chart_spec["facet"]["column"]["field"] == "quant_model"
        assert chart_spec["spec"]["encoding"]["y"]["scale"]["type"] == "log"


class TestPareto:
    def test_table_equals_the_cores_front(self, at):
        open_page(at, "pareto")
        shown = at.dataframe[0].value
        expected = pareto_front(cifar_rows().dropna(subset=["fps_comp", "top1_pct"]))
        assert shown["config"].tolist() == expected["config"].astype(str).tolist()
        assert shown["fps_comp"].tolist() == pytest.approx(expected["fps_comp"].tolist())

    def test_front_follows_the_filters(self, at):
        open_page(at, "pareto")
        for key in FAMILY_KEYS:
            at.button_group(key=key).set_value([])
        at.button_group(key="hw_vliw").set_value(["NCS2"]).run()
        shown = at.dataframe[0].value
        assert set(shown["device"]) == {"NCS2"}
        assert len(shown) == len(pareto_front(cifar_rows(["NCS2"])))


@pytest.mark.parametrize("page", [p for p in PAGES if p not in ("home", "whatif", "your_measurements")])
def test_empty_platform_selection_shows_a_message(at, page):
    open_page(at, page)
    for key in FAMILY_KEYS:
        at.button_group(key=key).set_value([])
    at.run()
    assert not at.exception
    assert any("Select at least one hardware platform" in i.value for i in at.info)
    assert not charts(at)


def test_a_filter_set_on_one_page_holds_on_the_others(at):
    open_page(at, "rooflines")
    at.button_group(key="precision").set_value(["FP16"]).run()
    open_page(at, "pareto")
    assert set(at.dataframe[0].value["precision"]) == {"FP16"}


def test_query_parameters_open_the_same_view():
    at = new_app()
    at.query_params["hw_fpga"] = "ZCU104-FINN"
    at.query_params["precision"] = ["INT2", "INT4"]
    at.run()
    open_page(at, "rooflines")
    roofs = layer_data(charts(at)[0], 0)
    assert set(roofs["roof"]) == {"ZCU104-FINN INT2", "ZCU104-FINN INT4", "U96-A53 INT2", "U96-A53 INT4"}


def test_sessions_do_not_share_filters():
    first, second = new_app().run(), new_app().run()
    open_page(first, "rooflines")
    open_page(second, "rooflines")
    first.button_group(key="precision").set_value(["INT8"]).run()
    second.run()
    assert set(layer_data(charts(first)[0], 0)["precision"]) == {"INT8"}
    assert len(set(layer_data(charts(second)[0], 0)["precision"])) == 5


@pytest.mark.parametrize("task", ["mnist", "imagenet"])
def test_other_tasks_can_be_switched_on(monkeypatch, task):
    import ui.sidebar

    monkeypatch.setattr(ui.sidebar, "ENABLED_TASKS", ("cifar10", "mnist", "imagenet"))
    at = new_app().run()
    at.selectbox(key="task").set_value(task).run()
    for page in PAGES:
        open_page(at, page)
        assert not at.exception, (task, page)
    open_page(at, "rooflines")
    rules = layer_data(charts(at)[0], 2)
    if task == "mnist":  # every MLP weight is used once per input: 2 ops per byte at INT8
        assert rules.loc[rules["precision"] == "INT8", "intensity"].tolist() == pytest.approx([2.0] * 4)
    else:
        resnet = rules[(rules["variant"] == "ResNet-50 100%") & (rules["precision"] == "INT8")]
        assert resnet["intensity"].iloc[0] == pytest.approx(7.7e9 / 25.5e6)
        at.segmented_control(key="activations").set_value("off-chip").run()
        assert not at.exception
        assert any("activation traffic" in c.value for c in at.caption)


def test_heatmap_rows_by_platform_and_precision(at):
    open_page(at, "prediction")
    at.segmented_control(key="heatmap_rows").set_value("Platform · precision").run()
    cells = layer_data(charts(at)[0], 0)
    assert cells["row"].nunique() == native_pairs()
    assert set(cells["column"]) == {"CNV 100%", "CNV 50%", "CNV 25%", "CNV 12.5%"}
    assert spec(charts(at)[0])["layer"][0]["encoding"]["y"]["sort"][:2] == ["ZCU104-FINN · INT2", "ZCU104-FINN · INT4"]


def test_reset_filters_restores_every_default(at):
    open_page(at, "rooflines")
    at.button_group(key="hw_fpga").set_value([]).run()
    at.button_group(key="precision").set_value(["INT8"]).run()
    next(b for b in at.button if b.label == "Reset filters").click().run()
    roofs = layer_data(charts(at)[0], 0)
    assert roofs["roof"].nunique() == native_pairs()


def test_pareto_against_latency_minimizes_it(at):
    open_page(at, "pareto")
    at.segmented_control(key="pareto_x").set_value("latency").run()
    shown = at.dataframe[0].value
    expected = pareto_front(cifar_rows().dropna(subset=["lat_comp_ms", "top1_pct"]), "lat_comp_ms", "top1_pct",
                            (False, True))
    assert shown["config"].tolist() == expected["config"].astype(str).tolist()
    assert shown["lat_comp_ms"].is_monotonic_increasing and shown["top1_pct"].is_monotonic_increasing
    assert spec(charts(at)[0])["layer"][1]["mark"]["interpolate"] == "step-after"

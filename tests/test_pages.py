"""AppTest tests of every page: runs cleanly for every task, charts carry the core's figures,
filters act, theory and measurement pages have the sidebars they need."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import ui.charts as charts_module
from devtools.apptest import button, charts, datasets, leaf_layers, named, new_app, open_page, plain, spec
from qb_core.analyses.pareto import pareto_front
from qb_core.hardware.catalog import catalog_long, default_catalog
from qb_core.measurements.dataset import load_measurements
from qb_core.measurements.spread import configs_with_single_value
from ui.navigation import SECTIONS

PAGES = [info.script for infos in SECTIONS.values() for info in infos]
GROUPS = {info.script: info.group for infos in SECTIONS.values() for info in infos}
FAMILY_KEYS = ["hw_fpga", "hw_gpu", "hw_tpu", "hw_vliw", "hw_cpu"]


def native_pairs(op_modes=None, platforms=None) -> int:
    """Platform x precision pairs counted straight from data/hardware.csv."""
    catalog = default_catalog()
    keep = pd.Series(True, index=catalog.index)
    if op_modes is not None:
        keep &= (catalog["op_mode"] == "") | catalog["op_mode"].isin(op_modes)
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
def test_each_page_has_the_sidebar_of_its_group(at, page):
    open_page(at, page)
    keys = {getattr(w, "key", None) for w in at.sidebar.children.values()} | {
        getattr(w, "key", None) for w in at.sidebar}
    widgets = {w.key for w in at.get("button_group")} | {w.key for w in at.get("select_slider")}
    group = GROUPS[page]
    if group == "data":
        assert "precision" not in widgets and "bw_scale" not in widgets
    if group in ("theory", "gap"):
        assert {"precision", "theory_op_mode", "bw_scale"} <= widgets and "op_mode" not in widgets
    if group == "measured":
        assert {"precision", "op_mode", "batch"} <= widgets and "bw_scale" not in widgets
    assert "task" in {s.key for s in at.selectbox}, keys


def test_home_counts_imagenet_platforms_in_one_unit():
    at = new_app().run()
    at.selectbox(key="task").set_value("imagenet").run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Platforms that ran it"] == "6 of 9"  # TX2, NCS2, EdgeTPU and the three DPUs


def test_home_summarises_the_dataset_and_links_every_page(shown):
    at = shown("home")
    metrics = {m.label: m.value for m in at.metric}
    every_cifar_row = load_measurements()["task"] == "cifar10"
    assert metrics["Measured rows"] == f"{every_cifar_row.sum():,}"
    assert metrics["Configurations"] == "46"
    # one unit on both sides: 5 of the catalog's 9 platforms ran CIFAR-10 (no DPU, no EdgeTPU), 7 of its 12
    # platform x op mode rows (TX2's three modes)
    assert metrics["Platforms that ran it"] == "5 of 9" and metrics["Platform x op mode"] == "7 of 12"
    assert "QuTiBench, Xilinx Inc., Apache License 2.0" in " ".join(m.value for m in at.markdown)
    links = {link.proto.page for link in at.get("page_link")}
    assert len(links) == len(PAGES) - 1  # every page but Home itself


class TestRooflines:
    def test_one_line_per_platform_coinciding_ones_inside_one_another(self, shown):
        at = shown("rooflines")
        chart = charts(at)[0]
        roofs = named(chart, "roofs")
        # 20 platform x precision pairs; FINN and BISMO share the ZCU104's figures at INT2 and INT4
        assert native_pairs() == 20 == roofs["roof"].nunique()
        assert len(roofs.drop_duplicates(["roof_devices", "precision"])) == 18
        shared = roofs[roofs["roof_devices"] == "ZCU104-FINN = ZCU104-BISMO"]
        assert set(shared["roof"]) == {"ZCU104-FINN INT2", "ZCU104-FINN INT4", "ZCU104-BISMO INT2", "ZCU104-BISMO INT4"}
        assert set(named(chart, "casing")["roof"]) == {"ZCU104-FINN INT2", "ZCU104-FINN INT4"}  # wide, BISMO inside
        assert (roofs.groupby("roof").size() == 3).all()  # two segments: three corner points
        assert "18 distinct rooflines" in at.caption[0].value

    def test_one_colour_legend_and_every_mark_in_its_platforms_colour(self, at):
        open_page(at, "rooflines")
        at.toggle(key="roof_measured").set_value(True).run()
        chart = charts(at)[0]
        colour_fields = {layer["encoding"]["color"]["field"] for layer, _ in leaf_layers(spec(chart))
                         if "field" in layer["encoding"].get("color", {})}
        assert colour_fields == {"device"}  # one scale, one legend: roofs, points and segments alike
        scale = next(layer["encoding"]["color"]["scale"] for layer, name in leaf_layers(spec(chart))
                     if name == "roofs")
        colours = dict(zip(scale["domain"], scale["range"], strict=True))
        assert colours["ZCU104-BISMO"] != colours["ZCU104-FINN"]
        measured = named(chart, "measured")
        assert {"ZCU104-BISMO", "ZCU104-FINN"} <= set(measured["device"]) <= set(colours)
        titles = {layer["encoding"][axis]["title"] for layer, _ in leaf_layers(spec(chart))
                  for axis in ("x", "y") if "title" in layer["encoding"].get(axis, {})}
        assert titles and all(t.endswith("log scale") for t in titles)

    def test_operating_points_sit_on_the_roof_of_their_precision(self, shown):
        at = shown("rooflines")
        operating = named(charts(at)[0], "operating")
        assert len(operating) == 72  # 4 CNV variants x 18 distinct roofs, each at its precision
        finn = operating[(operating["roof_devices"] == "ZCU104-FINN = ZCU104-BISMO")
                         & (operating["precision"] == "INT2") & (operating["variant"] == "CNV 100%")].iloc[0]
        intensity = 469_449_728 / (6_157_696 * 2 / 8)  # 2-bit weights read once per input
        assert finn["intensity"] == pytest.approx(intensity)
        assert finn["tops"] == pytest.approx(min(30.7, 19.2 * intensity / 1000)) and finn["bound"] == "memory"
        tx2 = operating[(operating["roof"] == "TX2-maxp FP16") & (operating["variant"] == "CNV 100%")].iloc[0]
        assert tx2["tops"] == pytest.approx(1.15) and tx2["bound"] == "compute"

    def test_one_platform_in_focus(self, at):
        at.selectbox(key="task").set_value("imagenet").run()
        open_page(at, "rooflines")
        chart = charts(at)[0]
        assert "rules" not in datasets(chart)  # 50 verticals over every platform: too many to read
        assert "too many verticals to read" in at.caption[0].value
        at.toggle(key="roof_measured").set_value(True).run()
        at.selectbox(key="roof_focus").set_value("ZCU104-DPU").run()
        chart = charts(at)[0]
        assert set(named(chart, "roofs")["device"]) == {"ZCU104-DPU"}
        assert set(named(chart, "measured")["device"]) == {"ZCU104-DPU"}
        rules, operating = named(chart, "rules"), named(chart, "operating")
        assert set(rules["precision"]) == {"INT8"} and len(rules) == len(operating) > 0
        linked = new_app()
        linked.query_params.update(task="imagenet", roof_focus="ZCU104-DPU")  # a shared link keeps the focus
        open_page(linked.run(), "rooflines")
        assert set(named(charts(linked)[0], "roofs")["device"]) == {"ZCU104-DPU"}

    def test_intensity_rules_per_variant_and_precision_labelled_by_network(self, shown):
        at = shown("rooflines")
        rules = named(charts(at)[0], "rules")
        assert len(rules) == 4 * 5
        cnv = rules[(rules["variant"] == "CNV 100%") & (rules["precision"] == "INT8")]
        assert cnv["intensity"].iloc[0] == pytest.approx(469_449_728 / 6_157_696)
        labels = named(charts(at)[0], "labels")
        assert set(labels["text"]) == {f"CNV 12.5–100% {p}" for p in ("INT2", "INT4", "INT8", "FP16", "FP32")}

    def test_measured_points_are_the_joins_paired_rows(self, at):
        from qb_core.analyses.efficiency import efficiency_table

        open_page(at, "rooflines")
        at.toggle(key="roof_measured").set_value(True).run()
        measured = named(charts(at)[0], "measured")
        join = efficiency_table(load_measurements(), catalog_long())
        paired = join[join["status"] == "paired"]
        assert len(measured) == len(paired) == 46
        tx2 = measured[measured["config"] == "TX2-maxp_FP16_100%"].iloc[0]
        assert tx2["measured_tops"] == pytest.approx(1939.6 * 469_449_728 / 1e12)
        assert tx2["intensity"] == pytest.approx(469_449_728 / (2 * 6_157_696))
        assert round(tx2["efficiency_pct"], 1) == 79.2
        finn = measured[measured["config"] == "ZCU104-FINN_INT2_100%"].iloc[0]
        assert finn["roof_devices"] == "ZCU104-FINN = ZCU104-BISMO"  # named with its roof, coloured as its device

    def test_every_tasks_networks_at_once(self, at):
        open_page(at, "rooflines")
        at.toggle(key="roof_all").set_value(True).run()
        chart = charts(at)[0]
        assert {"CNV", "MLP", "ResNet-50", "GoogLeNetv1"} <= set(named(chart, "operating")["topology"])
        assert "rules" not in datasets(chart)  # 90 verticals: only with one platform in focus
        at.toggle(key="roof_measured").set_value(True).run()
        measured = named(charts(at)[0], "measured")
        assert {"CNV", "MLP", "GoogLeNetv1"} <= set(measured["variant"].str.split(" ").str[0])  # every task's
        at.selectbox(key="roof_focus").set_value("ZCU104-DPU").run()
        labels = set(named(charts(at)[0], "labels")["text"])
        assert {"MLP 12.5–100% INT8", "GoogLeNetv1 100% INT8"} <= labels  # the others overlap: on hover only
        at.selectbox(key="roof_focus").set_value("All platforms").run()
        at.multiselect(key="roof_tasks").set_value(["mnist"]).run()
        assert set(named(charts(at)[0], "rules")["topology"]) == {"MLP"}

    def test_deselecting_platforms_and_precisions_removes_their_rooflines(self, at):
        open_page(at, "rooflines")
        at.button_group(key="hw_fpga").set_value(["ZCU104-FINN"]).run()
        at.button_group(key="precision").set_value(["INT2", "FP16"]).run()
        at.button_group(key="theory_op_mode").set_value(["maxp"]).run()
        roofs = named(charts(at)[0], "roofs")
        assert set(roofs["roof"]) == {"ZCU104-FINN INT2", "TX2-maxp FP16", "NCS2 FP16", "U96-A53 INT2"}
        assert set(named(charts(at)[0], "rules")["precision"]) == {"INT2", "FP16"}

    def test_on_chip_fit_table_says_what_automatic_does(self, shown):
        at = shown("rooflines")
        fits = at.dataframe[0].value
        finn = fits[(fits["device"] == "ZCU104-FINN") & (fits["precision"] == "INT2") & (fits["variant"] == "CNV 100%")]
        assert finn["weights_mb"].item() == pytest.approx(1.539424) and finn["fits"].item() == "yes"
        tx2 = fits[(fits["device"] == "TX2-maxp") & (fits["precision"] == "FP16") & (fits["variant"] == "CNV 100%")]
        assert tx2["fits"].item() == "no"  # 12.3 MB of FP16 weights against a 0.5 MB L2

    def test_bound_table_lists_ridge_and_bounds(self, shown):
        at = shown("rooflines")
        table = at.dataframe[1].value
        finn = table[(table["device"] == "ZCU104-FINN") & (table["precision"] == "INT2")].iloc[0]
        assert finn["ridge_ops_per_byte"] == pytest.approx(1000 * 30.7 / 19.2)
        assert finn["CNV 100%"] == "memory"
        tx2 = table[(table["device"] == "TX2-maxp") & (table["precision"] == "FP16")].iloc[0]
        assert tx2["CNV 100%"] == "compute"


class TestPrediction:
    def test_every_op_mode_is_shown_by_default_with_tx2_maxn_at_2833(self, shown):
        at = shown("prediction")
        cells = named(charts(at)[0], "cells")
        assert len(cells) == native_pairs() * 4
        tx2 = cells[(cells["device"] == "TX2-maxn") & (cells["precision"] == "FP16") & (cells["pruning_pct"] == 100)]
        assert round(tx2["inputs_per_s"].item()) == 2833

    def test_heatmap_cells_and_a_hand_computed_value(self, shown):
        at = shown("prediction")
        cells = named(charts(at)[0], "cells")
        finn = cells[(cells["device"] == "ZCU104-FINN") & (cells["precision"] == "INT2")
                     & (cells["pruning_pct"] == 100)]
        assert finn["inputs_per_s"].iloc[0] == pytest.approx(19.2e9 / 1_539_424)
        assert finn["label"].iloc[0] == "12.5k"
        assert spec(charts(at)[0])["layer"][0]["encoding"]["color"]["scale"]["type"] == "log"

    def test_one_number_format_and_readable_ink(self, shown):
        at = shown("prediction")
        cells = named(charts(at)[0], "cells")
        assert set(cells.loc[cells["inputs_per_s"] < 1000, "label"].str[-1]) <= set("0123456789")
        assert cells.loc[cells["inputs_per_s"] >= 1000, "label"].str[-1].isin(["k", "M"]).all()
        darkest = cells.loc[cells["inputs_per_s"].idxmax()]
        lightest = cells.loc[cells["inputs_per_s"].idxmin()]
        assert (darkest["ink"], lightest["ink"]) == ("light", "dark")

    def test_no_cell_where_the_platform_lacks_the_precision(self, shown):
        at = shown("prediction")
        cells = named(charts(at)[0], "cells")
        assert cells[cells["device"] == "NCS2"]["precision"].unique().tolist() == ["INT8", "FP16"]

    def test_pruning_filter_drops_columns(self, at):
        open_page(at, "prediction")
        at.button_group(key="pruning").set_value([100.0]).run()
        assert set(named(charts(at)[0], "cells")["pruning_pct"]) == {100.0}

    def test_heatmap_puts_the_precision_in_the_rows_when_columns_would_not_fit(self, at):
        open_page(at, "prediction")
        assert named(charts(at)[0], "cells")["column"].nunique() == 20 <= charts_module.MAX_HEATMAP_COLUMNS
        at.selectbox(key="task").set_value("imagenet").run()
        cells = named(charts(at)[0], "cells")
        assert cells["row"].nunique() == native_pairs() and cells["column"].nunique() == 10  # not 50 columns
        assert "would need 50 columns" in " ".join(c.value for c in at.caption)
        at.segmented_control(key="heatmap_rows").set_value("Platform").run()
        assert named(charts(at)[0], "cells")["column"].nunique() == 50  # asked for: given

    def test_heatmap_rows_by_platform_and_precision(self, at):
        open_page(at, "prediction")
        at.segmented_control(key="heatmap_rows").set_value("Platform · precision").run()
        cells = named(charts(at)[0], "cells")
        assert cells["row"].nunique() == native_pairs()
        assert set(cells["column"]) == {"CNV 100%", "CNV 50%", "CNV 25%", "CNV 12.5%"}
        assert spec(charts(at)[0])["layer"][0]["encoding"]["y"]["sort"][:2] == ["ZCU104-FINN · INT2",
                                                                                  "ZCU104-FINN · INT4"]


class TestNetworksAndHardware:
    def test_networks_table_pins_cnv_and_mlp_from_the_layer_model(self, shown):
        at = shown("networks")
        table = at.dataframe[0].value.set_index("variant")
        assert table.loc["CNV 100%", "params"] == 6_157_696
        assert table.loc["CNV 12.5%", "ops_per_input"] == 8_017_792
        assert table.loc["MLP 100%", "params"] == 10_014_720
        assert table.loc["CNV 100%", "model_mb_int2"] == pytest.approx(6_157_696 * 0.25 / 1e6)
        assert table.loc["CNV 100%", "intensity_int8"] == pytest.approx(469_449_728 / 6_157_696)
        assert table.loc["CNV 12.5%", "accuracy_fp16"] == "77.82"
        assert table.loc["CNV 100%", "accuracy_int8"] == "not measured"
        assert table.loc["GoogLeNetv1 100%", "accuracy_int8"] == "69.24 (88.45)"
        assert table.loc["ResNet-50 30%", "accuracy_int8"] == "68.83 (90.16)"
        shown_as = json.loads(at.dataframe[0].proto.columns)
        assert shown_as["params"]["type_config"]["format"] == "localized"  # 6,157,696 in full, never rounded

    def test_the_cnv_12_5_discrepancy_is_shown_with_both_counts(self, shown):
        at = shown("networks")
        compared = at.dataframe[1].value.set_index("variant")
        assert compared.loc["CNV 12.5%", "ops_per_input"] == 8_017_792
        assert compared.loc["CNV 12.5%", "ops_per_input_published"] == 8_124_928
        assert not compared.loc["CNV 12.5%", "agrees"] and compared.loc["CNV 100%", "agrees"]
        assert not any("ResNet-50v15" in plain(w.value) for w in at.warning)  # its layer table counts its ops
        imagenet = next(d.value for d in at.dataframe if "within_3_pct" in d.value.columns).set_index("variant")
        assert not imagenet.loc["GoogLeNetv1 100%", "within_3_pct"]
        assert "classifier" in imagenet.loc["GoogLeNetv1 100%", "note"]

    def test_hardware_table_and_chart_include_your_own_platform(self, at):
        at.session_state["custom_platforms"] = [{"platform": "MyBoard", "family": "FPGA", "bandwidth_gbps": 100.0,
                                                 "peak_tops_int8": 10.0}]
        open_page(at, "networks")
        hardware = next(d.value for d in at.dataframe if "device" in d.value.columns)
        mine = hardware[hardware["device"] == "MyBoard"]
        assert mine["source"].tolist() == ["your own platform"]
        points = named(charts(at)[2], "hardware")
        assert points.loc[points["device"] == "MyBoard", "ridge_ops_per_byte"].item() == pytest.approx(100.0)


class TestOverview:
    def test_table_is_derived_with_na_for_unmeasured_platforms(self, shown):
        at = shown("overview")
        table = at.table[0].value
        assert len(table) == default_catalog()["platform"].nunique()
        assert table.loc["ZCU102-DPU", "CNV"] == "na"
        assert table.loc["NCS2", "CNV"] == "FP16: 100%, 50%, 25%, 12.5%"

    def test_deselected_platforms_leave_the_table(self, at):
        open_page(at, "overview")
        at.button_group(key="hw_fpga").set_value([]).run()
        assert "ZCU104-FINN" not in set(at.table[0].value.index)


class TestLatencyThroughput:
    def test_notebook_panels_by_default(self, shown):
        at = shown("latency_throughput")
        drawn = charts(at)
        assert len(drawn) == 2
        left = named(drawn[0], "points")
        expected = cifar_rows(["NCS2", "ZCU104-BISMO", "U96-A53"])
        assert len(left) == len(expected)
        assert set(left["platform"]) == {"NCS2", "ZCU104-BISMO", "U96-A53"}
        assert spec(drawn[0])["layer"][0]["encoding"]["y"]["scale"]["type"] == "log"
        assert spec(drawn[0])["title"] == "Left: NCS2, ZCU104-BISMO, U96-A53"

    def test_the_two_panels_share_their_axes_and_the_board_figures_are_one_click_away(self, at):
        open_page(at, "latency_throughput")
        left, right = (spec(c)["layer"][0]["encoding"] for c in charts(at))
        assert left["x"]["field"] == "lat_comp_ms" and left["x"]["scale"]["domain"] == right["x"]["scale"]["domain"]
        assert left["y"]["scale"]["domain"] == right["y"]["scale"]["domain"]
        at.button_group(key="level").set_value("board").run()
        drawn = charts(at)
        encoding = spec(drawn[0])["layer"][0]["encoding"]
        assert (encoding["x"]["field"], encoding["y"]["field"]) == ("lat_sys_ms", "fps_system")
        points = named(drawn[0], "points")
        ncs2 = points[(points["platform"] == "NCS2") & (points["batch"] == 1) & (points["pruning_pct"] == 12.5)]
        assert ncs2["lat_sys_ms"].tolist() == [3.40]  # NCS2 CNV 12.5 % FP16: 3.40 ms on the board, 1.90 alone
        assert set(points["platform"]) == {"NCS2"}  # BISMO and the A53 have no board-level figures

    def test_legend_selection_batch_order_and_one_style_per_config(self, shown):
        at = shown("latency_throughput")
        chart_spec = spec(charts(at)[1])
        params = chart_spec["params"]
        assert params[0]["name"] == "pick_1" and params[0]["bind"] == "legend"
        assert chart_spec["layer"][0]["encoding"]["order"]["field"] == "batch"
        colors = chart_spec["layer"][0]["encoding"]["color"]["scale"]
        shapes = chart_spec["layer"][1]["encoding"]["shape"]["scale"]
        dashes = chart_spec["layer"][0]["encoding"]["strokeDash"]["scale"]
        assert colors["domain"] == shapes["domain"] == dashes["domain"]
        styles = list(zip(colors["range"], shapes["range"], map(tuple, dashes["range"]), strict=True))
        assert len(set(styles)) == len(styles)  # every configuration distinguishable

    def test_regrouping_panels(self, at):
        open_page(at, "latency_throughput")
        at.multiselect(key="panel_a").set_value(["TX2"]).run()
        assert set(named(charts(at)[0], "points")["platform"]) == {"TX2"}

    def test_batch_range_filters_points(self, at):
        open_page(at, "latency_throughput")
        at.select_slider(key="batch").set_range(4, 32).run()
        left = named(charts(at)[0], "points")
        assert left["batch"].between(4, 32).all() and set(left["batch"]) == {4, 8, 16, 32}


class TestBatchSweeps:
    def test_three_charts_of_every_batch_and_single_power_configs_left_out(self, shown):
        at = shown("boxplots")
        drawn = charts(at)
        assert len(drawn) == 3
        latency = named(drawn[0], "sweep")
        ncs = cifar_rows(["NCS2"])
        ncs100 = ncs[ncs["pruning_pct"] == 100].sort_values("batch")
        row = latency[latency["config"] == "NCS2_FP16_100%"].sort_values("batch")
        assert row["batch"].tolist() == ncs100["batch"].tolist()  # every batch of the sweep, not five statistics
        assert row["value"].tolist() == pytest.approx(ncs100["lat_comp_ms"].tolist())
        assert (row["low"] == ncs100["lat_comp_ms"].min()).all() and (row["high"] == ncs100["lat_comp_ms"].max()).all()
        power = named(drawn[2], "sweep")
        single = configs_with_single_value(cifar_rows(), "full_power_w")
        assert single and not set(power["config"]) & set(single)
        assert any("single power value" in c.value for c in at.caption)

    def test_each_network_variant_has_its_own_column_and_colour_full_width_darkest(self, shown, at):
        layers = spec(charts(shown("boxplots"))[0])["layer"]
        dots = next(layer["encoding"] for layer in layers if layer["mark"]["type"] == "point")
        assert dots["xOffset"]["sort"] == ["CNV 100%", "CNV 50%", "CNV 25%", "CNV 12.5%"]
        assert (dots["color"]["field"], dots["color"]["title"]) == ("variant", "Network variant (lighter: pruned)")
        shades = dict(zip(dots["color"]["scale"]["domain"], dots["color"]["scale"]["range"], strict=True))
        lightness = {p: sum(int(c[i:i + 2], 16) for i in (1, 3, 5)) for p, c in shades.items()}
        assert lightness["CNV 100%"] < lightness["CNV 50%"] < lightness["CNV 25%"] < lightness["CNV 12.5%"]
        assert dots["size"]["field"] == "batch" and dots["size"]["scale"]["type"] == "log"
        ticks = layers[0]["encoding"]["y"]["axis"]["values"]
        assert {1, 10, 100} <= set(ticks) and layers[0]["encoding"]["y"]["title"].endswith("log scale")
        at.selectbox(key="task").set_value("imagenet").run()
        open_page(at, "boxplots")
        sweep = named(charts(at)[0], "sweep")
        edge = sweep[sweep["device"] == "EdgeTPU-fast"]
        assert edge["variant"].nunique() == edge["topology"].nunique() > 1  # networks apart, never one line
        dots = next(layer["encoding"] for layer in spec(charts(at)[0])["layer"] if layer["mark"]["type"] == "point")
        assert len(set(dots["color"]["scale"]["range"])) == len(dots["color"]["scale"]["domain"])


class TestPareto:
    def test_table_equals_the_cores_front(self, shown):
        at = shown("pareto")
        shown = at.dataframe[0].value
        expected = pareto_front(cifar_rows().dropna(subset=["fps_comp", "top1_pct"]))
        assert shown["config"].tolist() == expected["config"].astype(str).tolist()
        assert shown["fps_comp"].tolist() == pytest.approx(expected["fps_comp"].tolist())

    def test_every_configuration_in_the_legend(self, shown):
        at = shown("pareto")
        chart = charts(at)[0]
        domain = spec(chart)["layer"][0]["encoding"]["color"]["scale"]["domain"]
        assert set(domain) == set(named(chart, "points")["config"]) and len(domain) == 30
        legend = spec(chart)["layer"][0]["encoding"]["color"]["legend"]
        assert legend["symbolLimit"] == 0

    def test_front_follows_the_filters(self, at):
        open_page(at, "pareto")
        for key in FAMILY_KEYS:
            at.button_group(key=key).set_value([])
        at.button_group(key="hw_vliw").set_value(["NCS2"]).run()
        shown = at.dataframe[0].value
        assert set(shown["device"]) == {"NCS2"}
        assert len(shown) == len(pareto_front(cifar_rows(["NCS2"])))

    def test_against_latency_minimizes_it_and_energy_is_named_so(self, at):
        open_page(at, "pareto")
        assert "energy (inputs/J)" in at.segmented_control(key="pareto_x").options
        at.segmented_control(key="pareto_x").set_value("latency").run()
        shown = at.dataframe[0].value
        expected = pareto_front(cifar_rows().dropna(subset=["lat_comp_ms", "top1_pct"]), "lat_comp_ms", "top1_pct",
                                (False, True))
        assert shown["config"].tolist() == expected["config"].astype(str).tolist()
        assert spec(charts(at)[0])["layer"][1]["mark"]["interpolate"] == "step-after"


@pytest.mark.parametrize("page", [p for p in PAGES if GROUPS[p] != "data" and p not in ("whatif", "networks")])
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
    open_page(at, "prediction")
    assert set(named(charts(at)[0], "cells")["precision"]) == {"FP16"}


def test_query_parameters_open_the_same_view():
    at = new_app()
    at.query_params["hw_fpga"] = "ZCU104-FINN"
    at.query_params["precision"] = ["INT2", "INT4"]
    at.run()
    open_page(at, "rooflines")
    roofs = named(charts(at)[0], "roofs")
    assert set(roofs["roof"]) == {"ZCU104-FINN INT2", "ZCU104-FINN INT4", "U96-A53 INT2", "U96-A53 INT4"}


def test_sessions_do_not_share_filters():
    first, second = new_app().run(), new_app().run()
    open_page(first, "rooflines")
    open_page(second, "rooflines")
    first.button_group(key="precision").set_value(["INT8"]).run()
    second.run()
    assert set(named(charts(first)[0], "roofs")["precision"]) == {"INT8"}
    assert len(set(named(charts(second)[0], "roofs")["precision"])) == 5


def test_reset_filters_restores_every_default(at):
    open_page(at, "rooflines")
    at.button_group(key="hw_fpga").set_value([]).run()
    at.button_group(key="precision").set_value(["INT8"]).run()
    button(at, "Reset filters").click().run()
    assert named(charts(at)[0], "roofs")["roof"].nunique() == 20


def test_mnist_rooflines_and_imagenet_unknown_activation_traffic():
    at = new_app().run()
    at.selectbox(key="task").set_value("mnist").run()
    open_page(at, "rooflines")
    rules = named(charts(at)[0], "rules")
    assert rules.loc[rules["precision"] == "INT8", "intensity"].tolist() == pytest.approx([2.0] * 4)
    at.selectbox(key="task").set_value("imagenet").run()
    open_page(at, "rooflines")
    points = named(charts(at)[0], "operating")
    resnet = points[(points["variant"] == "ResNet-50 100%") & (points["precision"] == "INT8")]
    assert resnet["intensity"].iloc[0] == pytest.approx(7.7e9 / 25.5e6)
    at.segmented_control(key="activations").set_value("off-chip").run()
    assert not at.exception  # every ImageNet network has a layer table: its activation traffic is known
    points = named(charts(at)[0], "operating")
    assert points["intensity"].notna().all()


def test_no_chart_carries_infinity_or_nan_in_its_plotted_positions(shown):
    for page in ("rooflines", "prediction", "efficiency", "layers"):
        at = shown(page)
        for chart in charts(at):
            for frame in datasets(chart).values():
                numbers = frame.select_dtypes("number").to_numpy(dtype=float)
                assert not np.isinf(numbers).any(), page


@pytest.mark.parametrize(("page", "table", "key_columns"), [
    ("calibration", 0, {"band_factor", "tested_median_abs_error_pct"}),
    ("calibration", 1, {"error_pct", "evidence"}),
    ("calibration", 3, {"evidence", "band", "latency_ms", "fps"}),
    ("pareto", 0, {"config", "top1_pct"}),
    ("pareto_gap", 0, {"config", "top1_pct", "status"}),
    ("efficiency", 0, {"config", "efficiency_pct"}),
    ("efficiency", 1, {"status", "reason"}),
])
def test_key_columns_are_shown_without_more_columns(shown, page, table, key_columns):
    frame = shown(page).dataframe[table]
    visible = list(frame.proto.column_order) or list(frame.value.columns)  # no order: every column is shown
    assert key_columns <= set(visible), visible


def test_each_run_gets_its_own_page_objects():
    """The navigation's pages are built once and copied per run: st.navigation marks the page it
    chose as runnable and running it unmarks it, so two sessions must never share the objects."""
    def script():
        import streamlit as st

        from ui import navigation

        first, second = navigation.pages(), navigation.pages()
        flat_first = [page for section in first.values() for page in section]
        flat_second = [page for section in second.values() for page in section]
        st.write(f"shared {sum(a is b for a, b in zip(flat_first, flat_second, strict=True))}")
        st.write(f"paths {[page.url_path for page in flat_first] == [page.url_path for page in flat_second]}")
        st.write(f"count {len(flat_first)}")

    at = AppTest.from_function(script).run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["shared 0", "paths True", f"count {len(PAGES)}"]

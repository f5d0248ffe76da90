"""What-if in the app: sliders, storage assumptions, overrides, own platforms, links, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from devtools.apptest import button, charts, datasets, named, new_app, open_page, plain, spec
from qb_core.networks.layer_models import cnv, layer_table

OPS_100 = 469_449_728
WEIGHT_BYTES_100_INT2 = 1_539_424  # 6,157,696 params x 0.25 byte


@pytest.fixture
def at():
    return new_app().run()


def heatmap_cell(at, device: str, precision: str, pruning: float = 100.0) -> float:
    cells = named(charts(at)[0], "cells")
    row = cells[(cells["device"] == device) & (cells["precision"] == precision) & (cells["pruning_pct"] == pruning)]
    assert len(row) == 1
    return float(row["inputs_per_s"].iloc[0])


def add_platform(at, name="MyBoard", bandwidth=100.0, int8=10.0):
    open_page(at, "whatif")
    at.text_input(key="own_platform_New platform").set_value(name)
    at.number_input(key="own_bandwidth_gbps_New platform").set_value(bandwidth)
    at.number_input(key="own_peak_tops_int8_New platform").set_value(int8)
    button(at, "Save platform").click().run()
    return at


class TestSliders:
    def test_bandwidth_scale_doubles_memory_bound_cells_only(self, at):
        open_page(at, "prediction")
        at.select_slider(key="bw_scale").set_value(2.0).run()
        assert heatmap_cell(at, "ZCU104-FINN", "INT2") == pytest.approx(2 * 19.2e9 / WEIGHT_BYTES_100_INT2)
        assert heatmap_cell(at, "TX2-maxp", "FP16") == pytest.approx(1.15e12 / OPS_100)  # compute-bound

    def test_peak_scale_moves_compute_bound_cells(self, at):
        open_page(at, "prediction")
        at.select_slider(key="peak_scale").set_value(0.5).run()
        assert heatmap_cell(at, "TX2-maxp", "FP16") == pytest.approx(0.5 * 1.15e12 / OPS_100)
        assert heatmap_cell(at, "ZCU104-FINN", "INT2") == pytest.approx(19.2e9 / WEIGHT_BYTES_100_INT2)

    def test_rooflines_move_with_the_sliders_over_a_faded_datasheet(self, at):
        open_page(at, "rooflines")
        assert "ghost" not in datasets(charts(at)[0])  # no ghost at the datasheet
        at.select_slider(key="bw_scale").set_value(4.0).run()
        layers = spec(charts(at)[0])["layer"]
        assert layers[0]["data"]["name"] == "ghost" and layers[0]["mark"]["opacity"] == 0.3
        roofs, ghost = named(charts(at)[0], "roofs"), named(charts(at)[0], "ghost")
        ridge = roofs[(roofs["device"] == "ZCU104-FINN") & (roofs["precision"] == "INT2")
                      & (roofs["point"] == 1)]["intensity"].iloc[0]
        datasheet = ghost[(ghost["device"] == "ZCU104-FINN") & (ghost["precision"] == "INT2") & (ghost["point"] == 1)]
        assert ridge == pytest.approx(30.7e3 / (4 * 19.2))
        assert datasheet["intensity"].iloc[0] == pytest.approx(30.7e3 / 19.2)

    def test_change_view_marks_flipped_bounds(self, at):
        open_page(at, "prediction")
        assert len(charts(at)) == 1
        at.select_slider(key="bw_scale").set_value(2.0).run()
        change = named(charts(at)[1], "cells")
        finn = change[(change["device"] == "ZCU104-FINN") & (change["precision"] == "INT2")]
        assert np.allclose(finn["ratio"], 2.0)
        flipped = change[change["bound_flipped"]]
        assert set(flipped["device"]) == {"EdgeTPU-fast", "EdgeTPU-slow", "NCS2"}
        assert flipped["label"].str.endswith("⇄").all()
        scale = spec(charts(at)[1])["layer"][0]["encoding"]["color"]["scale"]
        low, high = scale["domain"]  # every change here is 1x or 2x: white must sit at 1x, not at the low end
        assert low * high == pytest.approx(1.0) and high == pytest.approx(change["ratio"].max())
        assert scale["type"] == "log" and scale["scheme"] == "redblue"


class TestStorageAssumptions:
    def test_per_batch_weights_multiply_intensity_by_n(self, at):
        open_page(at, "rooflines")
        at.selectbox(key="weights").set_value("per-batch").run()
        at.select_slider(key="weights_batch").set_value(8).run()
        rules = named(charts(at)[0], "rules")
        cnv100 = rules[(rules["variant"] == "CNV 100%") & (rules["precision"] == "INT2")]
        assert cnv100["intensity"].iloc[0] == pytest.approx(8 * OPS_100 / WEIGHT_BYTES_100_INT2)
        open_page(at, "prediction")  # 19.2 GB/s x 8 x 305 ops/B = 46.8 TOP/s > 30.7 peak: compute-bound now
        assert heatmap_cell(at, "ZCU104-FINN", "INT2") == pytest.approx(30.7e12 / OPS_100)

    def test_activations_off_chip_add_every_layers_traffic(self, at):
        open_page(at, "rooflines")
        at.segmented_control(key="activations").set_value("off-chip").run()
        table = layer_table(cnv(1.0))
        moved = 2.0 * (table["params"].sum() + (table["in_elems"] + table["out_elems"]).sum())
        rules = named(charts(at)[0], "rules")
        fp16 = rules[(rules["variant"] == "CNV 100%") & (rules["precision"] == "FP16")]
        assert fp16["intensity"].iloc[0] == pytest.approx(OPS_100 / moved)

    def test_everything_on_chip_draws_no_infinite_line(self, at):
        open_page(at, "rooflines")
        at.selectbox(key="weights").set_value("on-chip").run()
        assert not at.exception
        rules = named(charts(at)[0], "rules")
        assert rules.empty
        assert any("intensity is infinite" in c.value for c in at.caption)
        roofs = named(charts(at)[0], "roofs")
        assert np.isfinite(roofs[["intensity", "tops"]].to_numpy()).all()
        open_page(at, "prediction")
        for chart in charts(at):
            for frame in datasets(chart).values():
                assert not np.isinf(frame.select_dtypes("number").to_numpy(dtype=float)).any()
        cells = named(charts(at)[0], "cells")
        assert heatmap_cell(at, "ZCU104-FINN", "INT2") == pytest.approx(30.7e12 / OPS_100)
        assert cells["intensity"].isna().all() and (cells["bound"] == "compute").all()

    def test_own_cnv_width_appears_beside_the_published_variants(self, at):
        open_page(at, "prediction")
        at.toggle(key="width_on").set_value(True).run()
        at.slider(key="width_pct").set_value(75).run()
        cells = named(charts(at)[0], "cells")
        assert sorted(set(cells["pruning_pct"])) == [12.5, 25.0, 50.0, 75.0, 100.0]
        ops75 = layer_table(cnv(0.75))["ops"].sum()
        tx2 = heatmap_cell(at, "TX2-maxp", "FP16", 75.0)
        assert tx2 == pytest.approx(1.15e12 / ops75)


class TestOverridesAndPlatforms:
    def test_override_from_the_form_reaches_both_theory_pages(self, at):
        open_page(at, "whatif")
        at.selectbox(key="ovr_device").set_value("NCS2").run()
        at.number_input(key="ovr_bandwidth_gbps_NCS2").set_value(50.0)
        button(at, "Apply override").click().run()
        assert at.session_state["overrides"] == {"NCS2": {"bandwidth_gbps": 50.0}}
        open_page(at, "rooflines")
        roofs = named(charts(at)[0], "roofs")
        assert set(roofs.loc[roofs["device"] == "NCS2", "bandwidth_gbps"]) == {50.0}
        open_page(at, "prediction")
        assert heatmap_cell(at, "NCS2", "INT8") == pytest.approx(1e12 / OPS_100)  # now compute-bound

    def test_own_platform_appears_on_both_theory_pages(self, at):
        add_platform(at)
        assert [r["platform"] for r in at.session_state["custom_platforms"]] == ["MyBoard"]
        open_page(at, "rooflines")
        roofs = named(charts(at)[0], "roofs")
        assert "MyBoard INT8" in set(roofs["roof"])
        open_page(at, "prediction")
        assert heatmap_cell(at, "MyBoard", "INT8") == pytest.approx(min(10e12, 100e9 * OPS_100 / 6_157_696) / OPS_100)

    def test_edit_and_remove_own_platform(self, at):
        add_platform(at)
        at.selectbox(key="own_target").set_value("MyBoard").run()
        at.number_input(key="own_bandwidth_gbps_MyBoard").set_value(200.0)
        button(at, "Save platform").click().run()
        assert at.session_state["custom_platforms"][0]["bandwidth_gbps"] == 200.0
        button(at, "Remove MyBoard").click().run()
        assert at.session_state["custom_platforms"] == []

    @pytest.mark.parametrize(("name", "bandwidth", "int8", "message"), [
        ("MyBoard", 0.0, 10.0, "bandwidth (GB/s) must be above 0"),
        ("MyBoard", -3.0, 10.0, "bandwidth (GB/s) must be above 0"),
        ("MyBoard", 100.0, 1e30, "peak INT8 (TOP/s) must be above 0 and at most"),
        ("", 100.0, 10.0, "needs a name"),
        ("NCS2", 100.0, 10.0, "exists already"),
    ])
    def test_bad_platform_input_changes_nothing(self, at, name, bandwidth, int8, message):
        add_platform(at, name, bandwidth, int8)
        assert any(message in plain(e.value) for e in at.error), [e.value for e in at.error]
        assert at.session_state["custom_platforms"] == []
        open_page(at, "rooflines")
        assert not at.exception

    def test_zero_bandwidth_override_changes_nothing(self, at):
        open_page(at, "whatif")
        at.number_input(key="ovr_bandwidth_gbps_ZCU104-FINN").set_value(0.0)
        button(at, "Apply override").click().run()
        assert any("must be above 0" in plain(e.value) for e in at.error)
        assert at.session_state["overrides"] == {}

    def test_csv_import_and_a_malformed_file(self, at):
        open_page(at, "whatif")
        csv = b"platform,family,bandwidth_gbps,peak_tops_int8,peak_tops_fp16\nBoardA,GPU,200,8,4\nBoardB,CPU,30,1,\n"
        at.file_uploader(key="own_upload").set_value(("mine.csv", csv, "text/csv")).run()
        at.button(key="own_add").click().run()
        assert [r["platform"] for r in at.session_state["custom_platforms"]] == ["BoardA", "BoardB"]
        at.file_uploader(key="own_upload").set_value(("bad.csv", b"\x00\x01garbage", "text/csv")).run()
        assert at.button(key="own_add").disabled
        assert any("bad.csv" in plain(e.value) and "was not read" in plain(e.value) for e in at.error)
        assert len(at.session_state["custom_platforms"]) == 2

    def test_reset_to_datasheet(self, at):
        open_page(at, "whatif")
        at.select_slider(key="bw_scale").set_value(3.0).run()
        at.session_state["overrides"] = {"NCS2": {"bandwidth_gbps": 50.0}}
        at.run()
        button(at, "Reset to datasheet").click().run()
        assert at.select_slider(key="bw_scale").value == 1.0
        assert at.session_state["overrides"] == {}


class TestLinks:
    def test_settings_round_trip_through_the_url(self, at):
        add_platform(at)
        at.session_state["overrides"] = {"NCS2": {"bandwidth_gbps": 50.0}}
        open_page(at, "rooflines")
        params = dict(at.query_params)
        assert "MyBoard" in params["platforms"] and "NCS2" in params["overrides"]
        other = new_app()
        other.query_params["platforms"] = params["platforms"]
        other.query_params["overrides"] = params["overrides"]
        other.query_params["bw_scale"] = "2x"
        other.run()
        open_page(other, "rooflines")
        roofs = named(charts(other)[0], "roofs")
        assert "MyBoard INT8" in set(roofs["roof"])
        assert set(roofs.loc[roofs["device"] == "NCS2", "bandwidth_gbps"]) == {50.0}
        assert set(roofs.loc[roofs["device"] == "ZCU104-FINN", "bandwidth_gbps"]) == {2 * 19.2}

    @pytest.mark.parametrize(("key", "value"), [("platforms", "not json"), ("overrides", '{"Nope": {}}'),
                                                ("platforms", '[["X","FPGA",0,null,{"INT8":1}]]')])
    def test_malformed_link_is_reported_and_ignored(self, key, value):
        at = new_app()
        at.query_params[key] = value
        at.run()
        open_page(at, "prediction")
        assert not at.exception
        assert any("ignored" in w.value for w in at.warning)
        assert at.session_state["custom_platforms"] == [] and at.session_state["overrides"] == {}


def test_two_sessions_never_share_platforms_or_settings():
    first, second = new_app().run(), new_app().run()
    add_platform(first)
    first.select_slider(key="bw_scale").set_value(2.0).run()
    open_page(second, "prediction")
    cells = named(charts(second)[0], "cells")
    assert "MyBoard" not in set(cells["device"])
    assert second.session_state["custom_platforms"] == []
    finn = cells[(cells["device"] == "ZCU104-FINN") & (cells["precision"] == "INT2") & (cells["pruning_pct"] == 100)]
    assert finn["inputs_per_s"].iloc[0] == pytest.approx(19.2e9 / WEIGHT_BYTES_100_INT2)


def test_renaming_an_overridden_platform_keeps_its_override_and_every_page_runs(at):
    add_platform(at)
    at.session_state["overrides"] = {"MyBoard": {"bandwidth_gbps": 50.0}}
    at.selectbox(key="own_target").set_value("MyBoard").run()
    at.text_input(key="own_platform_MyBoard").set_value("Renamed")
    button(at, "Save platform").click().run()
    assert at.session_state["overrides"] == {"Renamed": {"bandwidth_gbps": 50.0}}
    at.session_state["overrides"] = {"Gone": {"bandwidth_gbps": 5.0}, "Renamed": {"bandwidth_gbps": 50.0}}
    for page in ("rooflines", "prediction", "efficiency"):
        open_page(at, page)
        assert not at.exception, page
    assert at.session_state["overrides"] == {"Renamed": {"bandwidth_gbps": 50.0}}  # a stale one is dropped

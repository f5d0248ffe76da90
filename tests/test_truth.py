"""Issue 18, every page tells the truth: no rows lost silently between tasks, explanations
computed from the rows they speak of, charts that separate what differs. Core rules are tested
directly, pages through AppTest."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from devtools.apptest import charts, datasets, leaf_layers, named, new_app, open_page, plain, spec
from qb_core.analyses.efficiency import BEATS_PEAK, efficiency_table
from qb_core.analyses.energy import POWER_MEASURED, constant_power, ideal_energy
from qb_core.analyses.explain import above_roofline_summary, beats_layer_model
from qb_core.analyses.filters import Selection, carried_choice, carried_range, hidden_by, select
from qb_core.analyses.layers import layer_predictions
from qb_core.analyses.pareto import predicted_and_measured
from qb_core.analyses.predictions import predict, weights_fit_table
from qb_core.hardware.catalog import catalog_long
from qb_core.hardware.notes import achievable_peaks, platform_notes, platform_report
from qb_core.measurements.accuracy import load_accuracy
from qb_core.measurements.dataset import load_measurements
from qb_core.paths import PROJECT_DIR
from qb_core.question import Storage
from qb_core.vocabulary import TASKS
from ui.charts.theory import LABEL_GAP_PX, MIN_PLOT_WIDTH_PX, intensity_labels
from ui.navigation import SECTIONS


@pytest.fixture
def at():
    return new_app().run()


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


class TestTaskSwitch:
    def test_carried_choice_selects_the_new_tasks_options(self):
        cifar, imagenet = (100.0, 50.0, 25.0, 12.5), (100.0, 80.0, 50.0, 30.0, 25.0, 12.5)
        assert carried_choice(list(cifar), cifar, imagenet) == list(imagenet)
        assert carried_choice([50.0], cifar, imagenet) == [80.0, 50.0, 30.0]  # new options selected
        assert carried_choice([80.0], imagenet, cifar) == list(cifar)  # nothing left of the narrowing

    def test_carried_range_moves_the_ends_at_an_extreme(self):
        imagenet, mnist = (1, 2, 4, 8, 16, 32, 64, 128), (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
        assert carried_range((1, 128), imagenet, mnist) == (1, 512)
        assert carried_range((4, 64), imagenet, mnist) == (4, 64)
        assert carried_range((256, 512), mnist, imagenet) == (1, 128)

    def test_hidden_by_counts_what_one_filter_alone_leaves_out(self):
        rows = load_measurements()
        task = rows[rows["task"] == "imagenet"]
        narrowed = Selection(task="imagenet", pruning_pcts=(100.0,), batch_range=(1, 1))
        assert hidden_by(rows, narrowed, "pruning_pcts") == int((task["pruning_pct"] != 100.0).sum())
        assert hidden_by(rows, narrowed, "batch_range") == int((task["batch"] != 1).sum())

    def test_cifar10_to_imagenet_keeps_every_paired_row(self, at):
        fresh = new_app()
        fresh.query_params["task"] = "ImageNet"
        fresh.run()
        open_page(fresh, "efficiency")
        open_page(at, "efficiency")
        at.selectbox(key="task").set_value("imagenet").run()
        assert metrics(at)["Paired configurations"] == metrics(fresh)["Paired configurations"] == "34"
        assert metrics(at) == metrics(fresh)
        assert not at.warning

    def test_imagenet_to_mnist_keeps_finns_largest_batches(self, at):
        at.selectbox(key="task").set_value("imagenet").run()
        open_page(at, "latency_throughput")
        at.selectbox(key="task").set_value("mnist").run()
        points = named(charts(at)[1], "points")
        finn = points[points["platform"] == "ZCU104-FINN"]
        assert {256, 512} <= set(finn["batch"])

    def test_a_carried_narrowing_says_what_it_hides(self, at):
        open_page(at, "efficiency")
        at.button_group(key="pruning").set_value([50.0]).run()
        at.selectbox(key="task").set_value("imagenet").run()
        assert sorted(at.button_group(key="pruning").value) == [30.0, 50.0, 80.0]
        rows = load_measurements()
        hidden = len(select(rows, Selection(task="imagenet"))) - len(
            select(rows, Selection(task="imagenet", pruning_pcts=(80.0, 50.0, 30.0))))
        note = plain(at.warning[0].value)
        assert note.startswith("Kept from CIFAR-10") and f"Pruning factor hides {hidden:,} measurement(s)" in note
        at.button_group(key="pruning").set_value([100.0, 80.0, 50.0, 30.0, 25.0, 12.5]).run()
        assert not any("Kept from" in w.value for w in at.warning)


def add_platform(at, name="MyBoard", bandwidth=100.0, int8=10.0):
    open_page(at, "whatif")
    at.text_input(key="own_platform_New platform").set_value(name)
    at.number_input(key="own_bandwidth_gbps_New platform").set_value(bandwidth)
    at.number_input(key="own_peak_tops_int8_New platform").set_value(int8)
    next(b for b in at.button if b.label == "Save platform").click().run()
    return at


def import_platforms(at, csv: bytes, name: str = "mine.csv"):
    open_page(at, "whatif")
    at.file_uploader(key="own_upload").set_value((name, csv, "text/csv")).run()
    at.button(key="own_add").click().run()
    return at


BOARDS_CSV = b"platform,family,bandwidth_gbps,peak_tops_int8,peak_tops_fp16\nBoardA,GPU,200,8,4\nBoardB,CPU,30,1,\n"


class TestOwnPlatformsShown:
    def test_platforms_imported_after_a_saved_one_reach_the_prediction_download(self, at):
        add_platform(at)
        import_platforms(at, BOARDS_CSV)
        assert at.button_group(key="own_platforms").value == ["MyBoard", "BoardA", "BoardB"]
        open_page(at, "prediction")
        table = at.dataframe[0].value  # the frame the download writes
        assert {"MyBoard", "BoardA", "BoardB"} <= set(table["device"])
        assert {"MyBoard", "BoardA", "BoardB"} <= set(named(charts(at)[0], "cells")["device"])

    def test_a_platform_the_user_hid_stays_hidden_when_more_arrive(self, at):
        import_platforms(at, BOARDS_CSV)
        at.button_group(key="own_platforms").set_value(["BoardB"]).run()
        add_platform(at)
        assert at.button_group(key="own_platforms").value == ["BoardB", "MyBoard"]


@pytest.fixture(scope="module")
def joins():
    rows = load_measurements()
    return {task: efficiency_table(rows, catalog_long(), task) for task in TASKS}


class TestEnergy:

    def test_ideal_uses_the_power_measured_at_the_op_mode(self, joins):
        paired = ideal_energy(joins["cifar10"].query("status == 'paired'"))
        maxq = paired[paired["config"] == "TX2-maxq_FP32_100%"].iloc[0]
        assert maxq["ideal_power_w"] == 9.3 and maxq["ideal_power_from"] == POWER_MEASURED
        assert maxq["ideal_mj_per_input"] == pytest.approx(1000 * 9.3 / maxq["predicted_fps"])
        assert maxq["ideal_mj_per_input"] < maxq["mj_per_input"] < maxq["predicted_mj_per_input"]  # 15 W: 16.0 mJ
        assert "datasheet's 15 W is the board's ceiling" in maxq["energy_note"]

    @pytest.mark.parametrize("task", list(TASKS))
    def test_no_ideal_above_measured_without_its_note(self, joins, task):
        paired = ideal_energy(joins[task].query("status == 'paired'"))
        above = (paired["ideal_mj_per_input"] > paired["mj_per_input"]) | (
            paired["predicted_mj_per_input"] > paired["mj_per_input"])
        assert (paired.loc[above, "energy_note"] != "").all()
        assert (paired.loc[~above, "energy_note"] == "").all()
        beats = paired["ideal_mj_per_input"] > paired["mj_per_input"]
        assert (paired.loc[beats, "efficiency_pct"] > 100).all()  # only a beaten roofline puts the ideal above

    def test_constant_power_names_u96_a53(self):
        rows = load_measurements()
        constant = constant_power(rows[rows["task"] == "cifar10"])
        device = constant[constant["scope"] == "device"]
        assert device[["device", "full_power_w", "rows"]].values.tolist() == [["U96-A53", 14.5, 35]]
        mnist = constant_power(rows[rows["task"] == "mnist"])
        assert mnist[["scope", "config"]].values.tolist() == [["configuration", "ZCU104-FINN_INT4_12.5%"]]

    @pytest.mark.parametrize("task", ["cifar10", "mnist"])
    def test_the_page_notes_every_ideal_above_measured(self, at, task):
        at.selectbox(key="task").set_value(task).run()
        open_page(at, "energy")
        energy = named(charts(at)[0], "energy")
        wide = energy.pivot_table(index="config", columns="series", values="value", aggfunc="first")
        notes = energy.groupby("config")["energy_note"].first()
        above = wide.index[wide["Ideal (roofline speed, measured power)"] > wide["Measured, full board"]]
        assert (notes[above] != "").all()
        text = " ".join(plain(c.value) for c in at.caption)
        if len(above):
            assert f"The ideal is above the measured energy for {len(above)} configuration(s)" in text
        else:
            assert "No ideal is above its measured energy." in text
        assert ("the datasheet figure is the board's ceiling" in text) == (task == "cifar10")  # TX2's 15 W
        warnings = " ".join(plain(w.value) for w in at.warning)
        assert ("U96-A53 reports 14.5 W in all 35 of its rows" in warnings) == (task == "cifar10")


class TestGeneralisingSentences:
    def test_cifar10_has_nothing_above_the_roofline_and_says_so(self):
        join = efficiency_table(load_measurements(), catalog_long(), "cifar10")
        fits = weights_fit_table(predict("cifar10", catalog_long()))
        sentence = above_roofline_summary(join[join["status"] == "paired"], fits)
        assert sentence == ("None of the 46 measured configurations shown runs above its roofline (the closest: "
                            "TX2-maxq_FP32_100% at 88.8 % of it).")

    def test_mnist_splits_the_causes_by_the_rows(self):
        join = efficiency_table(load_measurements(), catalog_long(), "mnist")
        paired = join[join["status"] == "paired"]
        sentence = above_roofline_summary(paired, weights_fit_table(predict("mnist", catalog_long())))
        above = paired[paired["efficiency_pct"] > 100]
        assert sentence.startswith(f"{len(above)} of the {len(paired)} measured configurations shown run above")
        finn = above[above["device"] == "ZCU104-FINN"]
        assert f"the weights of {len(finn)} fit on chip (" in sentence
        peak = above[above["reason"] == BEATS_PEAK]
        assert f"{len(peak)} measure above the platform's peak itself" in sentence

    @pytest.mark.parametrize(("task", "expected"), [
        ("cifar10", "None of the 46 measured configurations shown runs above its roofline"),
        ("mnist", "the weights of 7 fit on chip"),
    ])
    def test_rooflines_page_computes_its_on_chip_sentence(self, at, task, expected):
        at.selectbox(key="task").set_value(task).run()
        open_page(at, "rooflines")
        text = " ".join(plain(m.value) for m in at.markdown)
        assert expected in text
        assert "this is why" not in text.lower()

    def test_no_page_hard_codes_a_generalisation(self):
        pages = (PROJECT_DIR / "app_pages").glob("*.py")
        for page in pages:
            source = page.read_text().lower()
            for phrase in ("this is why", "typically", "run above the qutibench roofline"):
                assert phrase not in source, (page.name, phrase)


class TestPerLayer:
    def test_weight_reuse_explains_tx2_beating_the_layer_model(self):
        table = predict("cifar10", catalog_long())
        row = table[(table["device"] == "TX2-maxp") & (table["precision"] == "FP16") & (table["topology"] == "CNV")
                    & (table["pruning_pct"] == 100)]
        layer_fps = float(layer_predictions(row)["layer_fps"].iloc[0])
        reuse = float(layer_predictions(row, Storage("per-batch", 128))["layer_fps"].iloc[0])
        assert round(layer_fps) == 1803 and reuse == pytest.approx(1.15e12 / 469_449_728)  # compute-bound at 128
        note = beats_layer_model(row, 1939.6, 128, layer_fps, Storage("off-chip", 1, "on-chip"))
        assert note.startswith("Measured 1,940 inputs/s beats the per-layer model's 1,803 inputs/s")
        assert f"the per-layer model gives {reuse:,.0f} inputs/s, which the measurement does not beat" in note
        assert beats_layer_model(row, 1700.0, 128, layer_fps, Storage("off-chip", 1, "on-chip")) == ""
        assert "weight reuse does not explain it" in beats_layer_model(row, 1939.6, 128, 1803.0,
                                                                        Storage("on-chip", 1, "on-chip"))

    def test_the_page_says_why_the_measurement_beats_the_layer_model(self, shown):
        at = shown("layers")
        info = " ".join(plain(i.value) for i in at.info)
        table = predict("cifar10", catalog_long())
        row = table[(table["device"] == "TX2-maxp") & (table["precision"] == "FP16") & (table["topology"] == "CNV")
                    & (table["pruning_pct"] == 100)]
        # the page's default storage is the layer-by-layer engine's: activations off chip as well
        default = float(layer_predictions(row, Storage("off-chip", 1, "off-chip"))["layer_fps"].iloc[0])
        assert f"Measured 1,940 inputs/s beats the per-layer model's {default:,.0f} inputs/s" in info
        assert "batch 128" in info

    def test_automatic_weights_draw_finns_layers_and_say_nothing_moves_off_chip(self, at):
        open_page(at, "layers")
        at.selectbox(key="weights").set_value("automatic").run()
        at.selectbox(key="layer_device").set_value("ZCU104-FINN").run()
        layers = named(charts(at)[0], "layers")
        assert len(layers) == 9 and np.isfinite(layers["x"]).all()  # every computing layer drawn
        assert layers["name"].str.endswith("(nothing off chip)").all()
        text = " ".join(plain(m.value) for m in at.markdown)
        assert "inf ops/byte" not in text and "nothing off chip" in text

    def test_dataflow_bottleneck_is_the_slowest_stage_not_a_share_of_a_sum(self, at):
        open_page(at, "layers")
        at.selectbox(key="layer_device").set_value("ZCU104-FINN").run()
        text = " ".join(plain(m.value) for m in at.markdown)
        assert "slowest of the 9 pipeline stages" in text and "summed layer time" not in text


class TestWhatItTakesSaysItOnce:
    def test_a_reached_target_is_said_reached_once(self, at):
        open_page(at, "what_it_takes")
        at.number_input(key="take_target").set_value(100.0).run()
        text = " ".join(plain(m.value) for m in at.markdown).lower()
        assert text.count("already reached") == 1
        assert "the roofline promises 12,472 inputs/s, at least the target" in text


class TestEfficiencyUnderWhatIf:
    def test_no_banner_at_the_datasheet(self, shown):
        at = shown("efficiency")
        assert not any("hypothetical hardware" in w.value for w in at.warning)
        assert "datasheet_efficiency_pct" not in at.dataframe[0].value.columns

    def test_a_scale_is_said_at_the_top_with_the_datasheet_figure_beside(self, at):
        open_page(at, "efficiency")
        at.select_slider(key="bw_scale").set_value(2.0).run()
        banner = plain(at.warning[0].value)
        assert banner.startswith("**Efficiency against hypothetical hardware** (memory bandwidth x2)")
        assert "Against the datasheet: median 26.8% over 46 paired configuration(s)" in banner
        table = at.dataframe[0].value.set_index("config")
        finn = table.loc["ZCU104-FINN_INT2_100%"]
        assert finn["datasheet_efficiency_pct"] == pytest.approx(2979.1 / 12472.2 * 100, abs=0.05)  # 23.9 %
        assert finn["efficiency_pct"] == pytest.approx(finn["datasheet_efficiency_pct"] / 2)

    def test_an_override_is_named(self, at):
        at.session_state["overrides"] = {"NCS2": {"bandwidth_gbps": 50.0}}
        open_page(at, "efficiency")
        assert "NCS2 overridden" in plain(at.warning[0].value)


class TestWhyPlatformsRunWhereTheyRun:
    def test_the_three_issue_platforms_have_a_sourced_cause(self):
        notes = platform_notes().set_index("platform")
        for platform, words in (("ZCU104-BISMO", "overlay"), ("U96-A53", "8 bits"), ("ZCU104-FINN", "folding")):
            assert words in notes.loc[platform, "why"] and notes.loc[platform, "source"]

    def test_achievable_peak_is_the_best_measured_tops_at_or_below_the_peak(self):
        rows = load_measurements()
        best = achievable_peaks(rows, catalog_long()).set_index(["device", "precision"])
        bismo = rows[(rows["device"] == "ZCU104-BISMO") & (rows["precision"] == "INT2")]
        expected = (bismo["fps_comp"] * bismo["ops_per_input"] / 1e12).max()
        assert best.loc[("ZCU104-BISMO", "INT2"), "achievable_tops"] == pytest.approx(expected)
        assert best.loc[("ZCU104-BISMO", "INT2"), "achievable_pct"] == pytest.approx(100 * expected / 30.7)
        tx2 = best.loc[("TX2-maxp", "FP16")]
        assert tx2["achievable_tops"] <= 1.15 and tx2["rows_above_peak"] == 1  # MNIST's row above the peak: out
        # a configuration measured above the peak at any batch sets no achievable peak at any batch
        maxn = best.loc[("TX2-maxn", "FP16")]
        suspect = rows[(rows["device"] == "TX2-maxn") & (rows["precision"] == "FP16")]
        tops = suspect["fps_comp"] * suspect["ops_per_input"] / 1e12
        above = set(suspect.loc[tops > 1.33 * (1 + 1e-9), "config"])
        assert above and maxn["best_config"] not in above
        assert maxn["achievable_tops"] == pytest.approx(tops[~suspect["config"].isin(above)].max())

    def test_efficiency_page_says_why_each_platform_runs_where_it_runs(self, shown):
        at = shown("efficiency")
        text = " ".join(plain(m.value) for m in at.markdown)
        paired = efficiency_table(load_measurements(), catalog_long()).query("status == 'paired'")
        bismo = paired[paired["platform"] == "ZCU104-BISMO"]["efficiency_pct"]
        assert f"**ZCU104-BISMO**: {bismo.min():.2g}–{bismo.max():.2g} % of its roofline" in text
        assert "gemmlowp computes in 8 bits" in text and "Source: Umuroglu, Rasnayake, Sjalander" in text

    def test_ranges_read_as_plain_percentages(self):
        join = efficiency_table(load_measurements(), catalog_long(), "mnist").query("status == 'paired'")
        report = platform_report(join, achievable_peaks(load_measurements(), catalog_long())).set_index("platform")
        tx2 = join.loc[join["platform"] == "TX2", "efficiency_pct"]
        assert report.loc["TX2", "efficiency_range"] == f"{tx2.min():,.0f}–{tx2.max():,.0f} %"  # never 2.3e+02
        assert "e+" not in " ".join(report["efficiency_range"]) + " ".join(report["achievable"])

    def test_a_platform_without_an_achievable_peak_reads_blank_not_a_crash(self):
        join = efficiency_table(load_measurements(), catalog_long(), "mnist").query("status == 'paired'")
        none = achievable_peaks(load_measurements(), catalog_long()).iloc[0:0]
        report = platform_report(join, none)
        assert len(report) == join["platform"].nunique() and (report["achievable"] == "").all()

    def test_rooflines_draw_each_platforms_best_measured_tops(self, at):
        open_page(at, "rooflines")
        at.toggle(key="roof_measured").set_value(True).run()
        best = named(charts(at)[0], "achievable").set_index(["device", "precision"])
        assert best.loc[("ZCU104-BISMO", "INT2"), "achievable_tops"] < 0.04  # beside its 30.7 TOP/s roof
        assert best.loc[("ZCU104-BISMO", "INT2"), "x_start"] == pytest.approx(30.7e3 / 19.2)

    def test_networks_and_hardware_show_the_achievable_peak(self, shown):
        at = shown("networks")
        hardware = next(d.value for d in at.dataframe if "peak_tops" in d.value.columns)
        assert "achievable_tops" in hardware.columns
        chart = next(c for c in charts(at) if "achievable" in datasets(c))
        best = named(chart, "achievable")
        assert set(best["device"]) >= {"ZCU104-FINN", "ZCU104-BISMO", "U96-A53"}
        caption = " ".join(plain(c.value) for c in at.caption)
        assert "Dashed lines join platforms with the same ridge" not in caption


def _lab(hex_color: str) -> np.ndarray:
    """CIELAB (D65) of an sRGB hex colour: how far apart two colours look."""
    rgb = np.array([int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    rgb = np.where(rgb > 0.04045, ((rgb + 0.055) / 1.055) ** 2.4, rgb / 12.92)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ rgb
    f = np.cbrt(np.maximum(xyz / np.array([0.95047, 1.0, 1.08883]), 0.008856))
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _style(layer: dict, frame: pd.DataFrame, channel: str) -> pd.Series:
    encoding = layer.get("encoding", {}).get(channel)
    if not isinstance(encoding, dict) or "field" not in encoding:
        value = encoding.get("value") if isinstance(encoding, dict) else layer.get("mark", {}).get(channel)
        return pd.Series(str(value), index=frame.index)
    values = frame[encoding["field"]].astype(str)
    domain, colours = encoding.get("scale", {}).get("domain"), encoding.get("scale", {}).get("range")
    return values.map(dict(zip(domain, map(str, colours), strict=True))) if domain and colours else values


#: Datasets whose points or bars stand for measured (or predicted) deployments of one device each.
DEVICE_DATASETS = {"measured", "points", "bars", "energy", "achievable"}


class TestChartsSeparateWhatDiffers:
    def test_every_op_mode_of_a_platform_has_its_own_colour(self):
        from ui.colors import device_colors, platform_colors

        catalog = catalog_long().drop_duplicates("device")
        colours = device_colors(catalog, platform_colors(list(dict.fromkeys(catalog["platform"]))))
        names = list(colours)
        distances = {(a, b): float(np.linalg.norm(_lab(colours[a]) - _lab(colours[b])))
                     for i, a in enumerate(names) for b in names[i + 1:]}
        assert min(distances.values()) >= 20, min(distances, key=distances.get)  # TX2 maxp/maxq were 13 apart

    @pytest.mark.parametrize(("task", "page"), [("cifar10", "rooflines"), ("cifar10", "efficiency"),
                                                ("cifar10", "energy"), ("cifar10", "pareto_gap"),
                                                ("mnist", "rooflines"), ("cifar10", "networks")])
    def test_every_device_drawn_has_its_own_colour_or_shape(self, at, task, page):
        at.selectbox(key="task").set_value(task).run()
        open_page(at, page)
        if page == "rooflines":
            at.toggle(key="roof_measured").set_value(True).run()
        checked = 0
        for chart in charts(at):
            frames = datasets(chart)
            for layer, name in leaf_layers(spec(chart)):
                if name not in DEVICE_DATASETS or "color" not in layer.get("encoding", {}):
                    continue
                frame = frames[name]
                style = _style(layer, frame, "color") + "|" + _style(layer, frame, "shape")
                shared = frame.groupby(style)["device"].nunique()
                assert (shared <= 1).all(), (page, name, shared[shared > 1])
                checked += 1
        assert checked

    def test_all_tasks_networks_label_only_what_can_be_read(self, at):
        open_page(at, "rooflines")
        at.toggle(key="roof_all").set_value(True).run()
        at.selectbox(key="roof_focus").set_value("U96-A53").run()
        chart = charts(at)[0]
        labels, roofs = named(chart, "labels"), named(chart, "roofs")
        span = np.log10(roofs["intensity"].max()) - np.log10(roofs["intensity"].min())
        positions = np.sort(np.log10(labels["intensity"].to_numpy(dtype=float)))
        assert (np.diff(positions) * MIN_PLOT_WIDTH_PX / span >= LABEL_GAP_PX - 1e-9).all()  # none overlap
        every = intensity_labels(named(chart, "rules"))
        assert 0 < len(labels) < len(every)
        assert f"{len(every) - len(labels)} network label(s) left out" in " ".join(plain(c.value) for c in at.caption)


def _titles(node: dict):
    """Every axis and legend title of a Vega-Lite spec."""
    for layer, _ in leaf_layers(node):
        for encoding in layer.get("encoding", {}).values():
            if isinstance(encoding, dict) and isinstance(encoding.get("title"), str):
                yield encoding["title"]


OTHERS_PAGES = {"find", "calibration", "your_networks"}  # owned by other sessions of issue 18


class TestOneSpellingPerName:
    @pytest.mark.parametrize("task", list(TASKS))
    def test_headers_cells_and_axis_titles_spell_names_one_way(self, task):
        at = new_app().run()
        at.selectbox(key="task").set_value(task).run()
        pages = [p.script for infos in SECTIONS.values() for p in infos if p.script not in OTHERS_PAGES]
        for page in pages:
            open_page(at, page)
            for frame in at.dataframe:
                config = json.loads(frame.proto.columns) if frame.proto.columns else {}
                labels = [c.get("label", "") for c in config.values() if isinstance(c, dict)]
                assert not [label for label in labels if re.search(r"\b(Cnv|Mlp|Resnet)\b", label or "")], page
                cells = frame.value.astype(str).stack()
                assert not cells.isin(list(TASKS)).any(), (page, "task code shown raw")
            for chart in charts(at):
                for text in _titles(spec(chart)):
                    assert ") (" not in text and "(log)" not in text, (page, text)

    def test_missing_numbers_are_blank_not_none(self, shown):
        at = shown("layers")
        frame = next(f for f in at.dataframe if "intensity" in f.value.columns)
        assert frame.proto.placeholder == ""  # pools have no intensity: blank, never "None"


class TestPredictedParetoAccuracy:
    def test_a_prediction_without_published_accuracy_takes_the_measured_one(self):
        join = pd.DataFrame([
            {"status": "predicted-only", "device": "EdgeTPU-fast", "precision": "INT8", "topology": "CNV",
             "pruning_pct": 100.0, "predicted_fps": 5000.0, "measured_fps": np.nan, "top1_pct": np.nan},
            {"status": "measured-only", "device": "MyDPU", "precision": "INT8", "topology": "CNV",
             "pruning_pct": 100.0, "predicted_fps": np.nan, "measured_fps": 900.0, "top1_pct": 84.0},
            {"status": "predicted-only", "device": "EdgeTPU-fast", "precision": "INT8", "topology": "CNV",
             "pruning_pct": 50.0, "predicted_fps": 9000.0, "measured_fps": np.nan, "top1_pct": np.nan},
        ])
        points, _ = predicted_and_measured(join, load_accuracy())
        predicted = points[points["kind"] == "predicted"].set_index("pruning_pct")
        assert predicted.loc[100.0, "top1_pct"] == 84.0 and predicted.loc[100.0, "accuracy_from"].startswith("measured")
        assert np.isnan(predicted.loc[50.0, "top1_pct"]) and predicted.loc[50.0, "accuracy_from"] == ""

    def test_the_page_says_what_is_left_out_and_why(self, shown):
        at = shown("pareto_gap")
        text = " ".join(plain(c.value) for c in at.caption)
        assert "Left out: 28 prediction(s) with neither a published nor a measured accuracy" in text
        assert "CNV 100% INT8" in text


def test_generalising_sentences_write_names_through_the_pages_escaping():
    from qb_core.analyses.explain import above_roofline_summary
    from ui.safe import cell_text

    hostile = "[click](https://example.com)_INT8_100%"
    paired = pd.DataFrame({"config": [hostile], "device": ["d"], "precision": ["INT8"], "variant": ["CNV 100%"],
                           "efficiency_pct": [150.0]})
    fits = pd.DataFrame({"device": ["d"], "precision": ["INT8"], "variant": ["CNV 100%"], "fits": ["yes"]})
    sentence = above_roofline_summary(paired, fits, cell_text)
    assert cell_text(hostile) in sentence and cell_text(hostile) != hostile  # a code span, not a link


def test_why_a_measurement_beats_its_prediction_is_a_core_rule():
    from qb_core.analyses.explain import BEATEN_ABOVE_PEAK, BEATEN_BATCH, BEATEN_FITS, why_beaten

    beaten = pd.DataFrame({"device": ["a", "b", "c"], "precision": ["INT8"] * 3, "variant": ["CNV 100%"] * 3})
    fits = pd.DataFrame({"device": ["a", "b", "c"], "precision": ["INT8"] * 3, "variant": ["CNV 100%"] * 3,
                         "fits": ["yes", "yes", "no"]})
    why = why_beaten(beaten, fits, np.array([True, False, False]))
    assert list(why) == [BEATEN_ABOVE_PEAK, BEATEN_FITS, BEATEN_BATCH]  # the peak first, then on chip, then batch

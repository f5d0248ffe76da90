"""AppTest tests of the Find a deployment page: what it answers equals the finder core on the same
question and candidates, constraints set through widgets and through the page address give the
same answer, an empty answer names every miss, untested figures and rooflines are listed apart,
and the chart carries every judged candidate."""

from __future__ import annotations

import pandas as pd
import pytest

from devtools.apptest import charts, named, new_app, open_page, plain, spec, upload
from qb_core.analyses.finder import Constraints, combined_candidates, find_deployments, left_out_rows, readable
from qb_core.hardware.catalog import catalog_long
from qb_core.measurements.accuracy import load_accuracy
from qb_core.measurements.dataset import BUNDLED_DATASET, load_measurements
from qb_core.model.batch_model import build_batch_model, model_grid, predict_rows, weak_bands
from qb_core.question import Asked
from qb_core.vocabulary import variant_label
from ui import cache

#: "CNV (CIFAR-10) at INT2, >= 10,000 inputs/s, <= 5 W": widget key -> (value, its address form).
CNV_INT2 = {"find_level": ("accelerator", "accelerator"), "find_task": ("cifar10", "CIFAR-10"),
            "find_network": ("CNV", "CNV"), "find_precision": ("INT2", "INT2"), "find_min_fps": (10_000.0, "10000"),
            "find_max_power_w": (5.0, "5")}
#: "ImageNet, top-1 >= 70 %, <= 10 ms one input at a time (accelerator), ranked by energy per input".
IMAGENET = {"find_question": ("latency-b1", "latency-b1"), "find_level": ("accelerator", "accelerator"),
            "find_task": ("imagenet", "ImageNet"), "find_min_top1_pct": (70.0, "70"),
            "find_max_latency_ms": (10.0, "10"), "find_objective": ("energy", "energy per input")}


@pytest.fixture(scope="module")
def model():
    measured = load_measurements().assign(dataset=BUNDLED_DATASET)
    return measured, build_batch_model(measured, catalog_long()), model_grid(catalog_long())


def core_for(model, asked: Asked) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The candidates the page weighs for ``asked``, built from the core alone (as ``ui.cache.finder_candidates``)."""
    measured, fitted, grid = model
    answers = predict_rows(fitted, grid, asked.level, asked.kind, asked.batch)
    return combined_candidates(measured, answers, load_accuracy(), asked), left_out_rows(measured, answers, asked)


@pytest.fixture(scope="module")
def core(model):
    """The page's default question: throughput at the best batch, on the board."""
    return core_for(model, Asked())


def widget(at, key: str):
    numbers = ("find_min_fps", "find_max_power_w", "find_max_latency_ms", "find_max_mj_per_input", "find_min_top1_pct")
    if key in ("find_question", "find_level"):
        return at.button_group(key=key)
    return at.number_input(key=key) if key in numbers else at.selectbox(key=key)


def find_page(**widgets) -> object:
    """The page with ``widgets`` (key -> (value, address form)) set one by one, as a user would."""
    at = new_app().run()
    open_page(at, "find")
    for key, (value, _) in widgets.items():
        widget(at, key).set_value(value).run()
        assert not at.exception
    return at


def linked_page(**widgets) -> object:
    """The page opened from an address carrying ``widgets``' values."""
    at = new_app()
    for key, (_, text) in widgets.items():
        at.query_params[key] = text
    at.run()
    open_page(at, "find")
    assert not at.exception
    return at


def deployments(frame: pd.DataFrame) -> list[str]:
    return list(frame["device"] + " · " + frame["precision"] + " · "
                + variant_label(frame["topology"], frame["pruning_pct"]))


def frame_with(at, *columns: str) -> pd.DataFrame:
    """The first data grid on the page with ``columns``."""
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def shown(at) -> pd.DataFrame:
    """The table the page shows first (the answer, or the nearest misses)."""
    return at.table[0].value


def test_the_cnv_example_meets_nothing_and_names_each_miss(model):
    at = find_page(**CNV_INT2)
    assert [s.value for s in at.subheader][0] == "Nothing meets every constraint"
    table = shown(at)
    candidates, left_out = core_for(model, Asked("throughput-best", "accelerator"))
    expected = find_deployments(candidates, Constraints(task="cifar10", topology="CNV", precision="INT2",
                                                        min_fps=10_000, max_power_w=5), left_out=left_out)
    assert expected.feasible.empty
    assert list(table["Deployment"]) == deployments(expected.nearest)
    first = table.iloc[0]
    assert first["Deployment"] == "ZCU104-FINN · INT2 · CNV 12.5%" and first["Power (W)"] == "12.62"  # 4 digits
    assert plain(first["Misses"]) == "power 12.6 W > 5 W limit"
    assert plain(table.iloc[3]["Misses"]) == "fps 2,683 < 10,000 minimum; power 14.9 W > 5 W limit"
    assert "ZCU104-FINN INT2 CNV 100%" in plain(" ".join(m.value for m in at.markdown))
    ask = at.button(key="find_what_it_takes")
    assert ask.label == "What would it take for ZCU104-FINN INT2 CNV 100% to reach 10,000 inputs/s?"
    ask.click().run()  # What would it take opens on that deployment and target
    assert not at.exception
    assert at.selectbox(key="take_device").value == "ZCU104-FINN"
    assert at.selectbox(key="take_variant").value == "CNV 100%"
    assert at.number_input(key="take_target").value == 10_000
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Peak needed (TOP/s)"] == f"{10_000 * 469_449_728 / 1e12:,.2f}"


def test_widgets_and_the_address_give_the_same_answer():
    for widgets in (CNV_INT2, IMAGENET):
        by_hand, by_link = find_page(**widgets), linked_page(**widgets)
        for key, (value, _) in widgets.items():
            assert widget(by_link, key).value == widget(by_hand, key).value == value
        assert [s.value for s in by_hand.subheader] == [s.value for s in by_link.subheader]
        pd.testing.assert_frame_equal(shown(by_hand), shown(by_link))
        pd.testing.assert_frame_equal(named(charts(by_hand)[0], "points"), named(charts(by_link)[0], "points"))


def test_the_imagenet_example_ranks_edgetpu_efficientnet_s_first_by_energy(model):
    at = find_page(**IMAGENET)
    table = shown(at)
    candidates, left_out = core_for(model, Asked("latency-b1", "accelerator"))
    expected = find_deployments(candidates, Constraints(task="imagenet", min_top1_pct=70, max_latency_ms=10),
                                "energy", left_out=left_out)
    assert [s.value for s in at.subheader][0] == f"{len(expected.feasible)} deployment(s) meet every constraint"
    assert list(table["Deployment"]) == deployments(expected.feasible.head(10))
    first = table.iloc[0]
    assert first["Deployment"] == "EdgeTPU-fast · INT8 · EfficientNet-S 100%"
    assert (first["mJ/input"], first["Batch"], first["Evidence"]) == ("9.988", "1", "measured")
    assert plain(first["Why it is here"]) == "measured at this batch (accelerator level)"
    # one input at a time is asked of every deployment: what was measured only at larger batches is
    # predicted at batch 1, so nothing is dropped for want of a batch-1 row
    assert (candidates["batch"] == 1).all() and (candidates["source"] != "measured").sum() > 100
    assert not any("Left out" in e.label for e in at.expander) or len(expected.dropped) > 0


def test_the_board_level_is_the_default_and_changes_the_answer(model):
    at = find_page(find_question=("latency-b1", "latency-b1"), find_task=("imagenet", "ImageNet"),
                   find_max_latency_ms=(10.0, "10"), find_min_top1_pct=(70.0, "70"))
    assert at.button_group(key="find_level").value == "board"
    assert "board level" in " ".join(c.value for c in at.caption)
    candidates, left_out = core_for(model, Asked("latency-b1", "board"))
    expected = find_deployments(candidates, Constraints(task="imagenet", min_top1_pct=70, max_latency_ms=10),
                                left_out=left_out)
    assert not expected.feasible["topology"].str.startswith("EfficientNet").any()  # 50 ms on the board
    if len(expected.feasible):
        assert list(shown(at)["Deployment"]) == deployments(expected.feasible.head(10))


def test_tested_answers_carry_their_band_and_untested_ones_are_listed_apart(core):
    at = find_page(find_task=("imagenet", "ImageNet"), find_min_fps=(100.0, "100"))
    at.button_group(key="find_platforms").set_value(["TX2"]).run()
    table = shown(at)
    tested = table[table["Evidence"] == "tested"]
    assert len(tested) and "Inputs/s (band)" in table.columns
    candidates, left_out = core
    expected = find_deployments(candidates, Constraints(task="imagenet", min_fps=100, platforms=("TX2",)),
                                left_out=left_out)
    row = expected.feasible[expected.feasible["source"] == "tested"].iloc[0]
    low, high = (round(row[c]) if row[c] >= 100 else readable(row[c], 4) for c in ("fps_low", "fps_high"))
    low, high = (f"{v:,}" if isinstance(v, int) else v for v in (low, high))  # inputs/s whole from 100 up
    assert tested.iloc[0]["Inputs/s (band)"].endswith(f"({low} – {high})")
    assert "tested prediction" in plain(tested.iloc[0]["Why it is here"])
    assert not table.loc[table["Evidence"] != "tested", "Inputs/s (band)"].str.contains("–").any()
    assert set(table["Evidence"]) <= {"measured", "tested"}
    apart = [e for e in at.expander if e.label.startswith("Not evidence")]
    assert bool(apart) == bool(len(expected.not_evidence))
    if apart:
        assert f"Not evidence: {len(expected.not_evidence)} untested" in apart[0].label


def test_changing_the_task_falls_back_to_any_network_and_says_so():
    at = find_page(find_task=("cifar10", "CIFAR-10"), find_network=("CNV", "CNV"))
    at.selectbox(key="find_task").set_value("imagenet").run()
    assert at.selectbox(key="find_network").value == "any"
    assert any(plain(i.value) == "ImageNet has no network CNV: network set to any." for i in at.info)
    assert at.selectbox(key="task").value == "imagenet"  # the sidebar follows, so linked pages open on it
    at.selectbox(key="task").set_value("mnist").run()  # and the page follows the sidebar
    assert at.selectbox(key="find_task").value == "mnist"


def test_the_chart_shows_every_judged_candidate_and_shades_the_constraints(model):
    at = find_page(**CNV_INT2)
    chart = charts(at)[0]
    layers = spec(chart)["layer"]
    points = named(chart, "points")
    encoding = next(layer["encoding"] for layer in layers if layer.get("data", {}).get("name") == "points")
    assert (encoding["x"]["field"], encoding["y"]["field"]) == ("power_w", "fps")  # the constrained axes
    assert encoding["x"]["scale"]["type"] == encoding["y"]["scale"]["type"] == "log"
    candidates, _ = core_for(model, Asked("throughput-best", "accelerator"))
    scope = candidates[(candidates["task"] == "cifar10") & (candidates["topology"] == "CNV")
                       & (candidates["precision"] == "INT2")]
    assert len(points) == len(scope)
    assert set(points["standing"]) <= {"nearest miss", "misses a constraint", "would meet, not evidence"}
    assert (points["standing"] == "nearest miss").sum() == 5
    # colour is the platform, in the app's colour for it; standing is opacity, the nearest misses ringed
    assert encoding["color"]["field"] == "device" and encoding["opacity"]["field"] == "standing"
    colours = dict(zip(encoding["color"]["scale"]["domain"], encoding["color"]["scale"]["range"], strict=True))
    assert set(colours) == set(points["device"]) and len(set(colours.values())) == len(colours)
    assert colours == {d: c for d, c in cache.device_palette().items() if d in colours}  # as on every page
    rings = named(chart, "rings")
    assert len(rings) == 5 and set(rings["standing"]) == {"nearest miss"}
    region = named(chart, "region").iloc[0]
    assert region["x2"] == 5 and region["y"] == 10_000  # power up to 5 W, throughput from 10,000
    assert named(chart, "x_limits")["value"].tolist() == [5] and named(chart, "y_limits")["value"].tolist() == [10_000]
    assert set(named(chart, "bands")["source"]) <= {"tested"}


def test_the_axes_follow_the_constraints_and_the_selectors():
    at = find_page(**IMAGENET)
    encoding = spec(charts(at)[0])["layer"][-1]["encoding"]
    assert (encoding["x"]["field"], encoding["y"]["field"]) == ("latency_ms", "top1_pct")
    assert "type" not in encoding["y"]["scale"] or encoding["y"]["scale"]["type"] != "log"  # accuracy: linear
    at.selectbox(key="find_x").set_value("mj_per_input").run()
    at.selectbox(key="find_y").set_value("fps").run()
    encoding = spec(charts(at)[0])["layer"][-1]["encoding"]
    assert (encoding["x"]["field"], encoding["y"]["field"]) == ("mj_per_input", "fps")
    assert len(named(charts(at)[0], "bands"))  # throughput on an axis: the tested band drawn


def test_the_task_starts_from_the_sidebars_and_any_task_lists_every_deployment(core):
    at = new_app().run()
    open_page(at, "find")
    assert not at.exception
    assert at.selectbox(key="find_task").value == at.selectbox(key="task").value == "cifar10"
    candidates, left_out = core
    cifar = find_deployments(candidates, Constraints(task="cifar10"), left_out=left_out)
    assert [s.value for s in at.subheader][0] == f"{len(cifar.feasible)} deployment(s) meet every constraint"
    at.selectbox(key="find_task").set_value("any").run()
    expected = find_deployments(candidates, left_out=left_out)
    assert [s.value for s in at.subheader][0] == f"{len(expected.feasible)} deployment(s) meet every constraint"
    assert len(shown(at)) == 10 and len(frame_with(at, "fps_low", "why")) == len(expected.feasible)
    assert len(named(charts(at)[0], "points")) == len(candidates)
    assert named(charts(at)[0], "region").empty  # nothing constrained, nothing shaded
    at.button_group(key="find_platforms").set_value([]).run()
    assert any("Allow at least one platform" in i.value for i in at.info)


def test_an_uploaded_board_is_a_candidate_and_its_name_is_shown_literally():
    name = "[click me](https://example.com/phish)"
    content = ("NN_Topology,HWType,Precision,batch/thread/stream,lat-comp,fps-comp,top1 [%],PruningFactor\n"
               f"CNV,\"{name}\",INT8,1,0.1,99000,90,100%\n").encode()
    at = upload(new_app().run(), "board.csv", content)
    open_page(at, "find")
    at.button_group(key="find_level").set_value("accelerator").run()  # the upload has compute figures only
    at.button_group(key="find_platforms").set_value([name]).run()
    assert not at.exception
    deployment = shown(at)["Deployment"].tolist()
    assert deployment == [f"`{name}` · INT8 · CNV 100%"]  # a code span: never a link


def test_a_link_value_out_of_range_is_named_not_silently_dropped():
    at = new_app()
    at.query_params["find_min_fps"] = "-5"
    at.query_params["find_max_power_w"] = "5"
    at.run()
    open_page(at, "find")
    assert not at.exception
    warning = " ".join(plain(w.value) for w in at.warning)
    assert "minimum throughput (-5) could not be used" in warning and "maximum power" not in warning


def test_a_link_naming_a_choice_by_the_clis_id_is_taken():
    at = new_app()
    at.query_params["find_task"] = "imagenet"  # the CLI's id; the page shows "ImageNet"
    at.query_params["find_level"] = "accelerator"
    at.query_params["find_question"] = "latency-b1"
    at.run()
    open_page(at, "find")
    assert not at.exception  # and no word about the link: the only warning is the answer's band check
    assert all(plain(w.value).startswith("Narrower than promised") for w in at.warning)
    assert at.selectbox(key="find_task").value == "imagenet"
    assert (at.button_group(key="find_level").value, at.button_group(key="find_question").value) == (
        "accelerator", "latency-b1")


def test_an_old_link_asking_the_latency_at_batch_1_asks_the_batch_1_question():
    at = new_app()
    at.query_params["find_latency_batch"] = "1"
    at.run()
    open_page(at, "find")
    assert at.button_group(key="find_question").value == "latency-b1"


def test_tested_rows_whose_band_held_too_little_are_flagged(model):
    at = find_page(find_task=("imagenet", "ImageNet"), find_min_fps=(100.0, "100"),
                   find_level=("accelerator", "accelerator"))
    at.button_group(key="find_platforms").set_value(["TX2"]).run()
    assert (shown(at)["Evidence"] == "tested").any()
    held = weak_bands(model[1], "accelerator", "throughput-best").set_index("platform")["band_held_pct"]
    warned = " ".join(plain(w.value) for w in at.warning)
    assert f"{held['TX2']:.0f} % on TX2" in warned  # promised 80 %, held 56 % leaving a network out
    at.button_group(key="find_level").set_value("board").run()  # TX2's board band held 75 %: no warning
    assert "Narrower than promised" not in " ".join(plain(w.value) for w in at.warning)

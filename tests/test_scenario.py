"""The scenario value and the one place its settings are unpacked (qb_core.service)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from qb_core import service as qs
from qb_core.analyses.efficiency import efficiency_table
from qb_core.analyses.filters import Selection, select
from qb_core.analyses.predictions import intensity_table, predict
from qb_core.hardware.catalog import catalog_long, default_catalog
from qb_core.hardware.whatif import WhatIf, apply_whatif
from qb_core.measurements.dataset import load_measurements
from qb_core.question import HardwareWhatIf, Storage
from qb_core.service import Scenario

SETTINGS = WhatIf(bandwidth_scale=2.0, peak_scale=0.5, weights="per-batch", batch=4, activations="off-chip",
                  width_pct=60.0)
SELECTION = Selection(task="cifar10", platforms=("TX2", "ZCU104-FINN", "EdgeTPU"), precisions=("INT8", "FP16"),
                      pruning_pcts=(100.0, 50.0), op_modes=("maxn", "fast"))


def test_the_theory_selection_adds_the_own_width_to_the_pruning_filter_only():
    scenario = Scenario(SELECTION, SETTINGS)
    assert scenario.theory_selection.pruning_pcts == (100.0, 50.0, 60.0)
    assert replace(scenario.theory_selection, pruning_pcts=SELECTION.pruning_pcts) == SELECTION
    assert Scenario(SELECTION).theory_selection is SELECTION  # no own width: the sidebar's selection
    assert Scenario(replace(SELECTION, pruning_pcts=None), SETTINGS).theory_selection.pruning_pcts is None


def test_predictions_are_the_cores_with_every_setting_unpacked_once():
    scenario = Scenario(SELECTION, SETTINGS)
    hardware = apply_whatif(catalog_long(), HardwareWhatIf(2.0, 0.5))
    expected = predict("cifar10", select(hardware, scenario.theory_selection), Storage("per-batch", 4, "off-chip"),
                       width_scales=(0.6,))
    expected = select(expected, scenario.theory_selection, by_batch=False)
    got = qs.predictions(qs.whatif_catalog(catalog_long(), scenario.whatif.hardware), scenario)
    pd.testing.assert_frame_equal(got, expected)
    assert set(got["pruning_pct"]) == {100.0, 50.0, 60.0}
    assert set(got["platform"]) <= {"TX2", "ZCU104-FINN", "EdgeTPU"} and set(got["precision"]) <= {"INT8", "FP16"}
    assert (got["batch"] == 4).all()


def test_the_datasheet_catalog_and_the_whatif_catalog_differ_by_the_scales_only():
    scenario = Scenario(SELECTION, SETTINGS)
    datasheet = qs.datasheet_catalog(default_catalog(), scenario.whatif.hardware)
    pd.testing.assert_frame_equal(datasheet, catalog_long())
    scaled = qs.whatif_catalog(datasheet, scenario.whatif.hardware)
    assert scaled["bandwidth_gbps"].tolist() == pytest.approx((datasheet["bandwidth_gbps"] * 2.0).tolist())
    assert scaled["peak_tops"].tolist() == pytest.approx((datasheet["peak_tops"] * 0.5).tolist())


def test_join_and_intensities_take_the_scenarios_settings():
    scenario = Scenario(replace(SELECTION, batch_range=(1, 8)), SETTINGS)
    measured = load_measurements()
    datasheet = catalog_long()
    hardware = apply_whatif(datasheet, HardwareWhatIf(2.0, 0.5))
    chosen = scenario.theory_selection
    expected = efficiency_table(select(measured, chosen), select(hardware, chosen), "cifar10",
                                Storage("per-batch", 4, "off-chip"), width_scales=(0.6,),
                                datasheet=select(datasheet, chosen))
    pd.testing.assert_frame_equal(qs.join(measured, hardware, datasheet, scenario), expected)
    assert (expected["status"] == "paired").any()
    pd.testing.assert_frame_equal(qs.intensities(scenario), intensity_table(
        "cifar10", (0.6,), Storage("per-batch", 4, "off-chip")))
    mnist = qs.intensities(scenario.with_task("mnist"), ())
    assert set(mnist["topology"]) == {"MLP"}


def test_the_measured_side_is_shared_by_every_what_if_and_gives_the_same_join():
    from qb_core.analyses.efficiency import best_measured

    scenario = Scenario(SELECTION, SETTINGS)
    side = scenario.measurement_side()
    assert side.whatif == WhatIf(width_pct=60.0) and side.theory_selection == scenario.theory_selection
    assert replace(scenario, whatif=replace(SETTINGS, bandwidth_scale=5.0)).measurement_side() == side
    measured = select(load_measurements(), scenario.theory_selection)
    best = best_measured(measured[measured["task"] == "cifar10"])
    hardware, datasheet = apply_whatif(catalog_long(), HardwareWhatIf(2.0, 0.5)), catalog_long()
    pd.testing.assert_frame_equal(qs.join(measured, hardware, datasheet, scenario, best=best),
                                  qs.join(measured, hardware, datasheet, scenario))

"""One composition root (issue 26): the app and the command line both reach the catalog's what-if
through qb_core.service, and the bandwidth scale travels as one value (a HardwareWhatIf) from the
sidebar's slider or the --bandwidth-scale flag to the one place it multiplies."""

from __future__ import annotations

import io

import pandas as pd
import pytest
import streamlit as st

from devtools.apptest import charts, named, new_app, open_page
from qb_core import service
from qb_core.analyses.filters import Selection
from qb_core.cli.main import run
from qb_core.hardware import whatif
from qb_core.hardware.catalog import catalog_long, default_catalog
from qb_core.hardware.whatif import WhatIf
from qb_core.networks.layer_models import topology_totals
from qb_core.question import HardwareWhatIf, Storage
from qb_core.service import Scenario
from qb_core.vocabulary import BYTES_PER_ELEMENT

ZCU104_FINN_GBPS = 19.2


@pytest.fixture
def received(monkeypatch) -> list[tuple[str, object]]:
    """What the service hands the what-if rule and what the rule multiplies by, in order."""
    calls: list[tuple[str, object]] = []
    rule, scaled = service.apply_whatif, whatif._scaled

    def spy_rule(datasheet_long: pd.DataFrame, hardware: HardwareWhatIf) -> pd.DataFrame:
        calls.append(("service -> apply_whatif", hardware))
        return rule(datasheet_long, hardware)

    def spy_scaled(frame: pd.DataFrame, bandwidth_scale: float, peak_scale: float) -> pd.DataFrame:
        calls.append(("multiply bandwidth by", bandwidth_scale))
        return scaled(frame, bandwidth_scale, peak_scale)

    monkeypatch.setattr(service, "apply_whatif", spy_rule)
    monkeypatch.setattr(whatif, "_scaled", spy_scaled)
    return calls


def test_the_sidebar_slider_reaches_the_multiply_as_one_value_through_the_service(received):
    st.cache_resource.clear()  # the what-if catalog is cached across sessions: compute it afresh here
    at = new_app().run()
    open_page(at, "prediction")
    received.clear()
    at.select_slider(key="bw_scale").set_value(4.0).run()
    assert ("service -> apply_whatif", HardwareWhatIf(bandwidth_scale=4.0)) in received
    assert ("multiply bandwidth by", 4.0) in received
    cells = named(charts(at)[0], "cells")
    finn = cells[(cells["device"] == "ZCU104-FINN") & (cells["precision"] == "INT2") & (cells["pruning_pct"] == 100)]
    weight_bytes = topology_totals("CNV", 100.0)["params"] * BYTES_PER_ELEMENT["INT2"]  # read once per input
    assert finn["inputs_per_s"].tolist() == pytest.approx([4 * ZCU104_FINN_GBPS * 1e9 / weight_bytes])


def test_the_command_line_flag_reaches_the_multiply_as_one_value_through_the_service(received):
    out, err = io.StringIO(), io.StringIO()
    assert run(["predict", "--bandwidth-scale", "4", "--weights", "per-batch", "--batch", "8"], out, err) == 0
    assert received == [("service -> apply_whatif", HardwareWhatIf(bandwidth_scale=4.0)),
                        ("multiply bandwidth by", 4.0)]
    printed = pd.read_csv(io.StringIO(out.getvalue()))
    scenario = Scenario(selection=Selection(task="cifar10"),
                        whatif=WhatIf(bandwidth_scale=4.0, weights="per-batch", batch=8))
    expected = service.predictions(service.hardware_catalog(default_catalog(), scenario.whatif.hardware), scenario)
    assert len(printed) == len(expected) > 0
    assert printed["inputs_per_s"].to_numpy() == pytest.approx(expected["inputs_per_s"].to_numpy())
    assert set(printed.loc[printed["device"] == "ZCU104-FINN", "bandwidth_gbps"]) == {4 * ZCU104_FINN_GBPS}


def test_the_scenario_hands_out_its_parts_whole():
    settings = WhatIf(bandwidth_scale=2.0, peak_scale=0.5, weights="per-batch", batch=4, activations="off-chip")
    assert settings.hardware == HardwareWhatIf(2.0, 0.5)
    assert settings.storage == Storage("per-batch", 4, "off-chip")
    datasheet = service.datasheet_catalog(default_catalog(), settings.hardware)
    scaled = service.whatif_catalog(datasheet, settings.hardware)
    assert scaled["bandwidth_gbps"].to_numpy() == pytest.approx(2 * datasheet["bandwidth_gbps"].to_numpy())
    assert scaled["peak_tops"].to_numpy() == pytest.approx(0.5 * datasheet["peak_tops"].to_numpy())
    assert datasheet.equals(catalog_long())


@pytest.mark.parametrize(("part", "message"), [
    (lambda: HardwareWhatIf(bandwidth_scale=0.0), "bandwidth scale must be a number above 0"),
    (lambda: HardwareWhatIf(peak_scale=float("nan")), "peak scale must be a number above 0"),
    (lambda: Storage("cloud"), "weights must be one of"),
    (lambda: Storage(batch=0), "batch must be a whole number"),
    (lambda: Storage(activations="nowhere"), "activations must be one of"),
])
def test_a_bad_part_is_refused_when_it_is_made(part, message):
    with pytest.raises(ValueError, match=message):
        part()

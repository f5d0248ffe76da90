"""Every figure the README and data/README state is computed here from the code and the data, and
must appear in the document as written: a doc that drifts from the numbers fails."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qb_core.analyses.efficiency import efficiency_table
from qb_core.analyses.layers import layer_predictions
from qb_core.analyses.predictions import predict
from qb_core.hardware.catalog import catalog_long
from qb_core.measurements.dataset import load_measurements
from qb_core.model import batch_model as bm
from qb_core.networks.variants import topology_table
from qb_core.paths import PROJECT_DIR
from qb_core.question import Storage

README = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
DATA_README = (PROJECT_DIR / "data" / "README.md").read_text(encoding="utf-8")


def flat(text: str) -> str:
    return " ".join(text.split())


def claims(*figures: str, doc: str = README) -> None:
    text = flat(doc)
    missing = [f for f in figures if f not in text]
    assert not missing, f"the document no longer says: {missing}"


def test_cnv_counts():
    cnv = topology_table("cifar10").set_index("pruning_pct").loc[100.0]
    claims(f"{int(cnv['params']):,} parameters and {int(cnv['ops_per_input']):,} ops per input")


def test_efficiency_figures():
    join = efficiency_table(load_measurements(), catalog_long(), "cifar10")
    paired = join[join["status"] == "paired"].set_index("config")
    tx2, finn = paired.loc["TX2-maxp_FP16_100%"], paired.loc["ZCU104-FINN_INT2_100%"]
    claims(f"{len(paired)} configurations pair, the median efficiency is {paired['efficiency_pct'].median():.1f} %",
           f"{tx2['measured_fps']:,.1f} / {tx2['predicted_fps']:,.1f} = {tx2['efficiency_pct']:.1f} %",
           f"{finn['measured_fps']:,.1f} / {finn['predicted_fps']:,.1f} = {finn['efficiency_pct']:.1f} %")


def test_per_layer_figures():
    row = predict()
    row = row[(row["device"] == "TX2-maxp") & (row["precision"] == "FP16") & (row["pruning_pct"] == 100)]
    by_execution = layer_predictions(row, Storage("off-chip", 1, "off-chip"))["layer_fps"].item()
    qutibench = layer_predictions(row)["layer_fps"].item()
    claims(f"TX2-maxp FP16 CNV 100%: {by_execution:,.0f} inputs/s; {qutibench:,.0f} under QuTiBench's")


@pytest.fixture(scope="module")
def model() -> bm.BatchModel:
    return bm.build_batch_model(load_measurements(), catalog_long())


def test_the_models_held_out_figures(model):
    table = bm.summary(model).set_index(["level", "question"])
    b1_acc, b1_board = table.loc[("accelerator", "latency-b1")], table.loc[("board", "latency-b1")]
    best_acc, best_board = table.loc[("accelerator", "throughput-best")], table.loc[("board", "throughput-best")]
    claims(f"batch-1 latency {b1_acc['tested_median_abs_error_pct']:.1f} % median error on the accelerator and "
           f"{b1_board['tested_median_abs_error_pct']:.1f} % on the board, {b1_acc['tested_pct']:.0f} % of rows tested",
           f"best-batch throughput {best_acc['tested_median_abs_error_pct']:.1f} % and "
           f"{best_board['tested_median_abs_error_pct']:.1f} %, {best_acc['tested_pct']:.0f} % tested")
    bands = model.bands
    tx2 = bands[(bands["platform"] == "TX2") & (bands["level"] == "board") & (bands["question"] == "throughput-best")]
    claims(f"TX2's best batch ({tx2['tested_median_abs_error_pct'].item():.0f} %)")
    edge = bands[(bands["platform"] == "EdgeTPU") & (bands["level"] == "board")
                 & bands["question"].isin(["latency-b1", "throughput-best"])]["tested_median_abs_error_pct"]
    claims(f"EdgeTPU ({edge.min():.0f}-{edge.max():.0f} %")
    tested_platforms = set(model.holdout.loc[model.holdout["evidence"] == bm.TESTED, "platform"])
    assert tested_platforms >= {"TX2", "NCS2", "EdgeTPU"}


def test_the_range_factor_is_what_the_doc_says(model):
    claims(f"operations and weights within {bm.RANGE_FACTOR:g}x of the measured range")
    claims(f"RANGE_FACTOR = {bm.RANGE_FACTOR:g}", doc=Path(bm.__file__).read_text())


def test_data_readme_figures():
    measured = load_measurements()
    resnet15 = measured[measured["topology"] == "ResNet-50v15"]
    assert resnet15["ops_per_input"].isna().all()  # "no published count: ... no throughput in ops/s"
    claims("ResNet-50v15 has no published count", doc=DATA_README)
    cnv = topology_table("cifar10").set_index("pruning_pct")
    assert int(cnv.loc[12.5, "ops_per_input"]) == 8_017_792
    claims("8,124,928 ops against the layer model's 8,017,792", doc=DATA_README)
    assert np.isfinite(cnv.loc[100.0, "ops_per_input"])

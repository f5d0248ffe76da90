"""The batch-aware model (issue 23): its held-out errors per question and level leaving whole
networks out on TX2, NCS2 and EdgeTPU together and per platform, the share of rows tested, what a
refusal saves (untested against tested errors), nested band coverage per platform, the variant
and configuration hold-outs, the fit time, and an estimate of a 500-layer network on every device.
``python -m bench model``."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator

import numpy as np
import pandas as pd

from bench.core import median_seconds
from qb_core.hardware.catalog import catalog_long
from qb_core.measurements.dataset import load_measurements
from qb_core.model import batch_model as bm
from qb_core.networks.layer_table import check_layer_table
from qb_core.networks.user import make_network
from qb_core.vocabulary import PRECISIONS

TARGET_PLATFORMS = ("TX2", "NCS2", "EdgeTPU")
QUESTIONS = ("latency-b1", "throughput-best")


def _median(values: pd.Series) -> str:
    return "n/a" if values.dropna().empty else f"{values.abs().median():.1f} %"


def _fit_time(measured: pd.DataFrame, hardware: pd.DataFrame, runs: int = 5) -> tuple[bm.BatchModel, float]:
    times, model = [], None
    for _ in range(runs):
        start = time.perf_counter()
        model = bm.build_batch_model(measured, hardware)
        times.append(time.perf_counter() - start)
    return model, statistics.median(times)


def held_out_figures(model: bm.BatchModel) -> Iterator[tuple[str, str, str]]:
    """The issue's targets, one line each."""
    together = bm.summary(model, TARGET_PLATFORMS).set_index(["level", "question"])
    for level in bm.LEVELS:
        for question in QUESTIONS:
            row = together.loc[(level, question)]
            label = f"model: {question}, {level}, TX2+NCS2+EdgeTPU leaving a network out"
            yield (f"{label}: median |error| tested", f"{row['tested_median_abs_error_pct']:.1f} %", "<= 20 %")
            yield (f"{label}: rows tested", f"{row['tested_pct']:.0f} % of {row['units']:.0f}", ">= 70 %")
            yield (f"{label}: untested rows' median |error| (refusals earned?)",
                   f"{row['untested_median_abs_error_pct']:.1f} %", ">= 2x tested")
            for platform in TARGET_PLATFORMS:
                one = bm.summary(model, (platform,)).set_index(["level", "question"])
                if (level, question) not in one.index:
                    continue
                mine = one.loc[(level, question)]
                tested = round(mine["units"] * mine["tested_pct"] / 100)
                yield (f"  {platform}: median |error| over {tested} tested, nested 80 % band held",
                       f"{mine['tested_median_abs_error_pct']:.1f} %, {mine['band_coverage_pct']:.0f} %",
                       "<= 30 %; 70-90 % with >= 10 rows")


def other_platforms(model: bm.BatchModel) -> Iterator[tuple[str, str, str]]:
    held = model.holdout[model.holdout["question"].isin(QUESTIONS)]
    for platform, rows in held[~held["platform"].isin(TARGET_PLATFORMS)].groupby("platform"):
        tested = rows[rows["evidence"] == bm.TESTED]
        yield (f"  {platform} (all questions and levels): tested rows, untested median |error|",
               f"{len(tested)} of {len(rows)}, {_median(rows.loc[rows['evidence'] != bm.TESTED, 'error_pct'])}", "")


def other_holdouts(model: bm.BatchModel) -> Iterator[tuple[str, str, str]]:
    for holdout in ("variant", "config"):
        table = bm.judge_holdout(model, holdout)
        for question in QUESTIONS:
            rows = table[(table["question"] == question) & table["platform"].isin(TARGET_PLATFORMS)]
            tested = rows[rows["evidence"] == bm.TESTED]
            yield (f"model: leave one {holdout} out, {question}, both levels, TX2+NCS2+EdgeTPU",
                   f"{_median(tested['error_pct'])} ({100 * len(tested) / max(len(rows), 1):.0f} % tested, band "
                   f"{100 * tested['in_band'].mean():.0f} %)", "")


def deep_network_estimate(model: bm.BatchModel, runs: int = 5) -> tuple[str, str, str]:
    """A 500-layer user network (a chain of 3x3 convolutions) answered on every device x precision."""

    layers = check_layer_table(pd.DataFrame({
        "layer": [f"conv{i}" for i in range(500)], "type": "conv", "ops": 2 * 32 * 32 * 16 * 16 * 9,
        "weights": 16 * 16 * 9, "in_activations": 32 * 32 * 16, "out_activations": 32 * 32 * 16}))
    network = make_network("Deep500", "cifar10", PRECISIONS, layers, "bench")
    hardware = catalog_long()
    seconds = median_seconds(lambda: bm.answer(model, bm.model_grid(hardware, (network,)).query(
        "topology == 'Deep500'"), "board", "latency-b1"), runs)
    rows = bm.model_grid(hardware, (network,)).query("topology == 'Deep500'")
    return (f"estimate: a 500-layer network on every device x precision ({len(rows)} rows, grid included)",
            f"{seconds * 1000:.0f} ms", "< 300 ms")


def run() -> Iterator[tuple[str, str, str]]:
    measured, hardware = load_measurements(), catalog_long()
    model, seconds = _fit_time(measured, hardware)
    yield ("model: fit every platform x level on every batch, network hold-out, nested bands",
           f"{seconds:.2f} s", "< 5 s")
    yield from held_out_figures(model)
    yield from other_platforms(model)
    yield from other_holdouts(model)
    yield deep_network_estimate(model)
    claims = bm.coefficient_claims(model)
    above = claims[claims["above_datasheet"]]
    yield ("model: shares above the datasheet (platform level term)",
           "; ".join(f"{r.platform} {r.level} {r.term} {r.claim}" for r in above.itertuples()) or "none", "")
    np.seterr(all="ignore")

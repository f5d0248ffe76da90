"""Why a platform runs where it runs: the known causes, with their sources, as data, and what
the measurements say beside them (each platform's achievable peak and efficiency range).

The roofline assumes a platform reaches its datasheet peak. Some cannot by construction: a
bit-serial overlay instantiated on part of the fabric, a CPU library that computes 2- and 4-bit
networks in 8 bits, a dataflow build folded for a target frame rate. :data:`PLATFORM_NOTES`
records those causes once; :func:`achievable_peaks` measures how far each platform got.

Notes
-----
measured_tops   = fps_comp x ops_per_input / 1e12 (any task, any batch)
achievable_tops = max measured_tops per device x precision, over the rows at or below the
                  datasheet peak (a row above it is suspect and left out, and counted)
achievable_pct  = 100 x achievable_tops / peak_tops (datasheet)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd

from qb_core.roofline_formulas import tops_from_inputs
from qb_core.units import above as above_limit


class PlatformNote(NamedTuple):
    """The known causes of a platform's distance from its roofline, and where they are stated."""

    platform: str
    why: str
    source: str


PLATFORM_NOTES: tuple[PlatformNote, ...] = (
    PlatformNote(
        "ZCU104-BISMO",
        "The roofline's 30.7 TOP/s (INT2) is the whole device doing binary operations; BISMO is one bit-serial "
        "matrix-multiplication overlay instantiated on part of it, whose peak is set by its array size and clock "
        "and falls with precision (a w-bit x a-bit product takes w x a binary passes). Convolutions reach it "
        "lowered to matrix products on the host, which adds host-side time per layer.",
        "Umuroglu, Rasnayake, Sjalander, BISMO, FPL 2018 (6.5 binary TOPS peak on a PYNQ-Z1); Umuroglu et al., "
        "Optimizing Bit-Serial Matrix Multiplication for Reconfigurable Computing, ACM TRETS 2019 (15.4 binary "
        "TOPS on an Ultra96)",
    ),
    PlatformNote(
        "U96-A53",
        "gemmlowp computes in 8 bits (8-bit operands, 32-bit accumulators): INT2 and INT4 networks run as INT8, "
        "so their weights move as 1 byte each, not 0.25 or 0.5. The roofline's INT2/INT4 byte widths overstate "
        "the intensity 4x and 2x there, and QuTiBench names the platform U96-Quadcore A53-INT8.",
        "google/gemmlowp README (low-precision GEMM on 8-bit inputs); QuTiBench peakPerfBandHardPlatf.csv "
        "(platform name U96-Quadcore A53-INT8)",
    ),
    PlatformNote(
        "ZCU104-FINN",
        "A FINN build is a dataflow pipeline whose folding (processing elements and SIMD lanes per layer) is "
        "chosen per build for a target frame rate and the resources at hand; its throughput is that of its "
        "slowest folded stage, not the device's peak. Each network variant measured is its own build.",
        "Umuroglu et al., FINN: A Framework for Fast, Scalable Binarized Neural Network Inference, FPGA 2017 "
        "(folding); Blott et al., FINN-R, ACM TRETS 2018",
    ),
    PlatformNote(
        "ZCU104-DPU",
        "The DPU's peak counts every multiply-accumulate unit busy each cycle; a layer whose channel counts do not "
        "fill the engine's input- and output-channel parallelism leaves units idle.",
        "Xilinx PG338, DPU for Convolutional Neural Network (architecture and configurations)",
    ),
    PlatformNote("ZCU102-DPU", "As ZCU104-DPU: channel counts that do not fill the engine's parallelism leave "
                 "units idle.", "Xilinx PG338, DPU for Convolutional Neural Network"),
    PlatformNote("Ultra96-DPU", "As ZCU104-DPU: channel counts that do not fill the engine's parallelism leave "
                 "units idle.", "Xilinx PG338, DPU for Convolutional Neural Network"),
    PlatformNote(
        "EdgeTPU",
        "The Edge TPU caches a model's parameters in about 8 MB of on-chip SRAM; what does not fit streams from "
        "host memory over USB for every inference, and operations the compiler cannot map run on the host CPU.",
        "Coral, Edge TPU Compiler documentation (parameter data caching; operations run on the CPU)",
    ),
)  # fmt: skip

NOTE_COLUMNS = ["platform", "why", "source"]


def platform_notes() -> pd.DataFrame:
    """:data:`PLATFORM_NOTES` as a table (platform, why, source)."""
    return pd.DataFrame(PLATFORM_NOTES, columns=NOTE_COLUMNS)


ACHIEVABLE_COLUMNS = ["device", "precision", "achievable_tops", "peak_tops", "achievable_pct", "best_config",
                      "best_task", "best_batch", "rows_above_peak"]


def achievable_peaks(measured: pd.DataFrame, datasheet: pd.DataFrame) -> pd.DataFrame:
    """Per device x precision of ``measured`` (tidy rows, every task and batch) the best measured
    TOP/s at or below its datasheet peak (``datasheet``: a long catalog) and where it was measured;
    ``rows_above_peak`` counts the rows measured above the peak. A configuration with any row above
    the peak is suspect data and sets no achievable peak at any of its batches (TX2's MLP FP16 runs
    are above the peak at batch 128: their batch-64 row cannot stand for what TX2 achieves).

    Devices without a datasheet peak at that precision (uploaded boards not in the catalog) get
    their best measured TOP/s and a missing percentage.
    """
    rows = measured.assign(measured_tops=tops_from_inputs(measured["fps_comp"], measured["ops_per_input"]))
    rows = rows[np.isfinite(rows["measured_tops"]) & (rows["measured_tops"] > 0)]
    rows = rows.astype({"device": str, "precision": str, "config": str, "task": str})
    peaks = datasheet[["device", "precision", "peak_tops"]].astype({"device": str, "precision": str})
    rows = rows.merge(peaks.drop_duplicates(["device", "precision"]), on=["device", "precision"], how="left")
    above = pd.Series(above_limit(rows["measured_tops"], rows["peak_tops"]), index=rows.index)
    suspect = rows["config"].isin(set(rows.loc[above, "config"]))  # a configuration measured above the peak
    kept = rows[~suspect]
    if kept.empty:
        return pd.DataFrame(columns=ACHIEVABLE_COLUMNS)
    best = kept.loc[kept.groupby(["device", "precision"], sort=False)["measured_tops"].idxmax()]
    counted = above.groupby([rows["device"], rows["precision"]]).sum().rename("rows_above_peak")
    best = best.merge(counted.reset_index(), on=["device", "precision"], how="left")
    return pd.DataFrame({
        "device": best["device"], "precision": best["precision"], "achievable_tops": best["measured_tops"],
        "peak_tops": best["peak_tops"], "achievable_pct": 100.0 * best["measured_tops"] / best["peak_tops"],
        "best_config": best["config"], "best_task": best["task"], "best_batch": best["batch"].astype(int),
        "rows_above_peak": best["rows_above_peak"].fillna(0).astype(int),
    }).reset_index(drop=True)


def platform_report(paired: pd.DataFrame, achievable: pd.DataFrame,
                    name: Callable[[str], str] = str) -> pd.DataFrame:
    """One row per platform of ``paired`` (the join's paired rows shown): its devices, its
    efficiency range over them, its best measured share of the datasheet peak (from
    ``achievable``, :func:`achievable_peaks`; device names written by ``name``) and the recorded
    cause with its source ('' where none is recorded)."""
    if paired.empty:
        return pd.DataFrame(columns=["platform", "configurations", "efficiency_range", "achievable", *NOTE_COLUMNS[1:]])
    table = paired.astype({"platform": str, "device": str})
    grouped = table.groupby("platform", sort=False)
    low, high = grouped["efficiency_pct"].min(), grouped["efficiency_pct"].max()
    best = achievable.merge(table[["device", "platform"]].drop_duplicates(), on="device")
    best = best[best["precision"].isin(set(table["precision"].astype(str)))]
    texts = pd.Series([f"{name(d)} {p}: {t:.3g} of {k:.3g} TOP/s ({_percent(s)} %)" for d, p, t, k, s in zip(
        best["device"], best["precision"], best["achievable_tops"], best["peak_tops"], best["achievable_pct"],
        strict=True)], index=best.index, dtype=object)
    shares = texts.groupby(best["platform"].to_numpy(), sort=False).agg("; ".join) if len(best) else pd.Series(
        dtype=object)
    notes = platform_notes().set_index("platform")
    report = pd.DataFrame({"platform": low.index, "configurations": grouped.size().to_numpy(),
                           "efficiency_range": [_range(lo, hi) for lo, hi in zip(low, high, strict=True)]})
    report["achievable"] = report["platform"].map(shares).astype(object).fillna("")
    report["why"] = report["platform"].map(notes["why"]).fillna("")
    report["source"] = report["platform"].map(notes["source"]).fillna("")
    return report


def _range(low: float, high: float) -> str:
    """``0.11–0.53 %``, ``7.5–34 %``, ``230–3,074 %``: a range of percentages, one figure when both
    ends read the same."""
    lo, hi = _percent(low), _percent(high)
    return f"{lo} %" if lo == hi else f"{lo}–{hi} %"


def _percent(value: float) -> str:
    """A percentage to two significant figures below 10, whole above (never in exponent form)."""
    return f"{value:,.0f}" if value >= 10 else f"{value:.2g}"

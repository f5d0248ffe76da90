"""Sentences that generalise, computed from the rows they speak of: a page never says "this is why
FINN runs above the roofline" unless the rows shown do.

Each function takes the rows a page shows (the join's paired rows inside the filters, the
on-chip fit table of its predictions) and returns the sentence those rows support.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd

from qb_core.analyses.efficiency import BEATS_PEAK
from qb_core.analyses.layers import layer_predictions
from qb_core.csv_io import echo_list
from qb_core.question import Storage
from qb_core.units import us_from_s


def _names(values: pd.Series, limit: int = 6, name: Callable[[str], str] = str) -> str:
    return echo_list([name(str(v)) for v in values], limit)


def above_roofline_summary(paired: pd.DataFrame, fits: pd.DataFrame, name: Callable[[str], str] = str) -> str:
    """How many measured configurations of ``paired`` run above their roofline (efficiency over
    100 %) and, of those, whose weights fit on chip (``fits``: :func:`qb_core.analyses.predictions.weights_fit_table`)
    and whose do not; when none does, the closest to its roofline. Configuration labels (which carry
    users' board and network names) are written by ``name`` (a page passes its escaping).

    >>> paired = pd.DataFrame({"config": ["A", "B"], "device": ["d", "d"], "precision": ["INT2", "INT2"],
    ...                        "variant": ["MLP 100%", "MLP 50%"], "efficiency_pct": [150.0, 20.0]})
    >>> fits = pd.DataFrame({"device": ["d", "d"], "precision": ["INT2", "INT2"],
    ...                      "variant": ["MLP 100%", "MLP 50%"], "fits": ["yes", "yes"]})
    >>> above_roofline_summary(paired, fits).split("; ")
    ['1 of the 2 measured configurations shown runs above its roofline (A)', \
'its weights fit on chip, which the roofline that reads them off chip does not count.']
    """
    efficiency = paired["efficiency_pct"].astype(float)
    total = int(efficiency.notna().sum())
    if total == 0:
        return "No measured configuration shown has a roofline to compare with."
    above = paired[efficiency > 100.0]
    if above.empty:
        closest = paired.loc[efficiency.idxmax()]
        return (f"None of the {total} measured configurations shown runs above its roofline (the closest: "
                f"{name(str(closest['config']))} at {closest['efficiency_pct']:.1f} % of it).")
    key = ["device", "precision", "variant"]
    fit = above.merge(fits[[*key, "fits"]].drop_duplicates(key), on=key, how="left")["fits"].fillna("unknown")
    verb = "runs" if len(above) == 1 else "run"
    sentence = (f"{len(above)} of the {total} measured configurations shown {verb} above "
                f"{'its' if len(above) == 1 else 'their'} roofline ({_names(above['config'], 4, name)})")
    peak = (above["reason"] == BEATS_PEAK).to_numpy() if "reason" in above else np.zeros(len(above), bool)
    on_chip = above["weights_on_chip"].fillna(False).astype(bool).to_numpy() & ~peak \
        if "weights_on_chip" in above else np.zeros(len(above), bool)
    fitting = (fit.to_numpy() == "yes") & ~peak & ~on_chip
    other = ~(peak | on_chip | fitting)
    if fitting.all():
        whose = "its weights fit" if len(above) == 1 else "the weights of every one fit"
        return f"{sentence}; {whose} on chip, which the roofline that reads them off chip does not count."
    clauses = []
    if peak.any():
        clauses.append(f"{_count(peak, len(above))} measure above the platform's peak itself "
                       f"({_names(above.loc[peak, 'config'], 4, name)}), which no storage assumption explains")
    if on_chip.any():
        clauses.append(f"{_count(on_chip, len(above))} run above although this roofline already keeps their "
                       f"weights on chip ({_names(above.loc[on_chip, 'config'], 4, name)}): check the measurement or "
                       "the operation count")
    if fitting.any():
        clauses.append(f"the weights of {_count(fitting, len(above))} fit on chip "
                       f"({_names(above.loc[fitting, 'config'], 4, name)}), which the roofline that reads them off "
                       "chip does not count")
    if other.any():
        clauses.append(f"{_count(other, len(above))} have weights that do not fit on chip "
                       f"({_names(above.loc[other, 'config'], 4, name)}), so a batch sharing one read of the weights "
                       "is the likelier cause there")
    return f"{sentence}: " + "; ".join(clauses) + "."


def _count(mask: np.ndarray, total: int) -> str:
    """'all 3', 'it' or '2' for a sub-count of a list of ``total``."""
    count = int(mask.sum())
    if total == 1:
        return "it"
    return f"all {count}" if count == total else str(count)


def beats_layer_model(config: pd.DataFrame, measured_fps: float, measured_batch: int, layer_fps: float,
                      storage: Storage, networks: tuple = ()) -> str:
    """Why a measurement beats the per-layer model of its configuration (a one-row prediction
    table), computed; '' when it does not. A batch of B reads each weight once for B inputs: where
    the model reads them more often (off chip per input, or per batch of fewer than B), the model
    is run again with weights read once per batch of B.

    Notes
    -----
    reuse_fps = layer_predictions(config, Storage("per-batch", measured_batch, activations))["layer_fps"]
    """
    if not (measured_fps > layer_fps):
        return ""
    head = (f"Measured {measured_fps:,.0f} inputs/s beats the per-layer model's {layer_fps:,.0f} inputs/s "
            f"({100 * measured_fps / layer_fps:.0f} %).")
    weights, batch = storage.weights, storage.batch
    reads_more = weights == "off-chip" or (weights == "per-batch" and batch < measured_batch)
    if measured_batch > 1 and reads_more:
        reuse = float(layer_predictions(config, replace(storage, weights="per-batch", batch=int(measured_batch)),
                                        networks)["layer_fps"].iloc[0])
        why = (f" It was measured at batch {measured_batch:,}, where one read of each weight serves "
               f"{measured_batch:,} inputs; the model reads them "
               f"{'once per input' if weights == 'off-chip' else f'once per batch of {batch:,}'}. With weights read "
               f"once per batch of {measured_batch:,} the per-layer model gives {reuse:,.0f} inputs/s")
        if reuse >= measured_fps:
            return head + why + f", which the measurement does not beat ({100 * measured_fps / reuse:.0f} % of it)."
        return head + why + (", still below the measurement: weight reuse alone does not explain it (check the "
                             "operation count or the peak).")
    return head + (" The model already reads the weights no more often than the measured batch does, so weight "
                   "reuse does not explain it: check the operation count, the peak or the measurement.")


def bottleneck_sentence(layers: pd.DataFrame, execution: str) -> str:
    """The slowest layer of a per-layer view (:func:`qb_core.analyses.layers.layer_roofline` rows of one
    configuration) in words: its share of the summed layer time where layers run one after the
    other; where they run at once (dataflow), the slowest of the stages, which sets the pace."""
    bottleneck = layers.loc[layers["time_s"].idxmax()]
    traffic = ("nothing off chip, so its intensity is unbounded" if not np.isfinite(bottleneck["intensity"])
               else f"{bottleneck['bytes']:,.0f} bytes off chip, intensity {bottleneck['intensity']:,.1f} ops/byte")
    detail = f"({int(bottleneck['ops']):,} ops, {traffic})"
    if execution == "dataflow":
        stages = layers[layers["bound"] != "none"]["time_s"]
        others = stages.drop(index=bottleneck.name)
        ratio = (f", {bottleneck['time_s'] / others.median():.1f} x the median of the other stages"
                 if len(others) and others.median() > 0 else "")
        pace = (f"the slowest of the {len(stages)} pipeline stages, {us_from_s(bottleneck['time_s']):,.2f} µs per input"
                f"{ratio}; every stage runs at once, so it sets the pace")
        return f"{bottleneck['bound']}-bound, {pace} {detail}."
    share = 100 * bottleneck["time_s"] / layers["time_s"].sum()
    return f"{bottleneck['bound']}-bound, {share:.0f} % of the summed layer time {detail}."


def hardware_whatif_text(bandwidth_scale: float, peak_scale: float, overridden: list[str]) -> str:
    """What makes the hardware hypothetical, in words ('' at the datasheet): the global scales and
    the platforms overridden.

    >>> hardware_whatif_text(2.0, 1.0, ["NCS2"])
    'memory bandwidth x2, NCS2 overridden'
    """
    parts = [f"memory bandwidth x{bandwidth_scale:g}" if bandwidth_scale != 1.0 else "",
             f"peak x{peak_scale:g}" if peak_scale != 1.0 else "",
             f"{echo_list(overridden, 4)} overridden" if overridden else ""]
    return ", ".join(p for p in parts if p)


#: Why a measured configuration beats the roofline shown for it, most telling first.
BEATEN_ABOVE_PEAK = "Some measure above the platform's peak itself: check those measurements or the datasheet peak."
BEATEN_FITS = ("The weights of some fit in the platform's on-chip memory: choose Automatic under What-if (weights on "
               "chip where they fit).")
BEATEN_BATCH = "The others read their weights once per batch of many inputs: choose Off chip, once per batch."


def why_beaten(beaten: pd.DataFrame, fits: pd.DataFrame, above_peak: np.ndarray) -> np.ndarray:
    """Per measured configuration that beats its prediction (device, precision, variant), why:
    above the platform's peak itself (``above_peak``), else weights that fit on chip (``fits``:
    :func:`qb_core.analyses.predictions.weights_fit_table`), else a batch sharing one read of the weights."""
    fit = fits.set_index(["device", "precision", "variant"])["fits"]
    key = pd.MultiIndex.from_frame(beaten[["device", "precision", "variant"]])
    fitting = fit.reindex(key).to_numpy() == "yes"
    return np.select([np.asarray(above_peak, dtype=bool), fitting], [BEATEN_ABOVE_PEAK, BEATEN_FITS],
                     BEATEN_BATCH).astype(object)

"""Theory meets measurement: every measured configuration joined to its roofline prediction.

Nothing is dropped. Each row of the result is one of

- ``paired``: a measured configuration (device x precision x topology variant, per dataset) and
  the prediction for the same device, precision and variant under the current what-if settings;
- ``predicted-only``: a prediction nothing was measured for;
- ``measured-only``: a measured configuration without a prediction, with the reason (unknown
  platform, op mode missing, precision not native, unknown op count, no positive throughput).

Notes
-----
measured_fps   = the configuration's best ``fps_comp`` over its batch sizes (that batch is kept,
                 with its power and top-1 accuracy)
efficiency_pct = 100 x measured_fps / predicted_fps
measured_tops  = measured_fps x ops_per_input / 1e12 (the point on the roofline chart)
mj_per_input   = 1000 x full_power_w / measured_fps (measured energy per input)
Above 100 % the roofline was beaten, so its storage assumption cannot hold for that row.
Under "weights once per batch of N" each measured batch is paired with the prediction at that
batch, and the configuration keeps the batch of its best throughput.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qb_core.analyses.predictions import predict, predict_grid
from qb_core.distinct import distinct_rows
from qb_core.measurements.dataset import BUNDLED_DATASET
from qb_core.networks.layer_models import LAYER_MODELS
from qb_core.question import QUTIBENCH_STORAGE, Storage
from qb_core.roofline_formulas import inputs_per_s, tops_from_inputs
from qb_core.units import above, inputs_per_joule, mj_per_input
from qb_core.vocabulary import CONFIG_KEYS, MEASURED_CONFIG_KEYS, VARIANT_KEYS, pruning_key, variant_label

#: Status of a row of the join.
STATUSES: tuple[str, ...] = ("paired", "predicted-only", "measured-only")
#: A measured configuration: where it comes from, the device, precision and network variant.
BEATS_ROOFLINE = ("measured above the roofline: its storage assumption cannot hold here (typically the weights "
                  "stay on chip instead of being read per input)")
BEATS_PEAK = ("measured above the platform's peak compute: no storage assumption explains it (check the measurement, "
              "the network's operation count or the datasheet peak)")
NOT_MEASURED = "nothing measured for this platform, precision and variant"
UNKNOWN_TRAFFIC = ("no prediction: the network's activation traffic is unknown (published totals, no layer list), "
                   "needed with activations off chip")
#: The join's columns, in order (the CLI prints these).
JOIN_COLUMNS: tuple[str, ...] = (
    "device", "platform", "op_mode", "family", "precision", *VARIANT_KEYS, "variant", "dataset", "config",
    "status", "measured_fps", "measured_batch", "predicted_fps", "efficiency_pct", "bound", "intensity", "top1_pct",
    "measured_tops", "peak_tops", "bandwidth_gbps", "peak_fps", "ops_per_input", "full_power_w", "idle_power_w",
    "mj_per_input",
    "inputs_per_joule", "power_w", "predicted_mj_per_input", "predicted_inputs_per_joule", "weights_on_chip",
    "execution", "reason",
)  # fmt: skip


def best_batches(measured: pd.DataFrame) -> pd.DataFrame:
    """One row per measured configuration (:data:`MEASURED_CONFIG_KEYS`): its row with the best positive,
    finite ``fps_comp`` (the smallest such batch on ties); configurations with none keep one row
    with ``fps_comp`` missing, so they can be listed rather than lost.

    Notes
    -----
    Two hash-based group passes on arrays (no sort of the table): each configuration's best
    score, then the smallest batch among its rows with that score; only those rows are taken.
    """
    rows = _with_dataset(measured)
    codes, _ = distinct_rows(*(rows[key] for key in MEASURED_CONFIG_KEYS))
    fps = rows["fps_comp"].to_numpy(dtype=float)
    usable = np.isfinite(fps) & (fps > 0)
    score = np.where(usable, fps, -np.inf)
    best_score = pd.Series(score).groupby(codes).transform("max").to_numpy()
    candidates = np.flatnonzero(score == best_score)
    batches = pd.Series(rows["batch"].to_numpy(dtype=float)[candidates], index=candidates)
    positions = np.sort(batches.groupby(codes[candidates]).idxmin().to_numpy())
    best = rows.iloc[positions].copy()
    best.loc[~usable[positions], "fps_comp"] = np.nan
    # the layer model names a width to 4 decimals (topology.cnv): the join key must match it
    best["pruning_pct"] = pruning_key(best["pruning_pct"])
    return best.reset_index(drop=True)


def _with_dataset(measured: pd.DataFrame) -> pd.DataFrame:
    if "dataset" in measured.columns:
        return measured
    return measured.assign(dataset=BUNDLED_DATASET)


def measured_widths(measured: pd.DataFrame, task: str) -> tuple[float, ...]:
    """Width scales of the layer-modelled networks measured at a pruning outside the published
    ones (e.g. an uploaded CNV 75%): the layer model predicts any width, so they get a prediction."""
    rows = measured[(measured["task"] == task) & measured["topology"].isin(list(LAYER_MODELS))]
    return tuple(sorted({float(p) / 100.0 for p in rows["pruning_pct"].dropna().unique() if float(p) > 0}))


def efficiency_table(
    measured: pd.DataFrame,
    hardware: pd.DataFrame,
    task: str = "cifar10",
    storage: Storage = QUTIBENCH_STORAGE,
    *,
    width_scales: tuple[float, ...] = (),
    datasheet: pd.DataFrame | None = None,
    networks: tuple = (),
    best: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Join ``measured`` (tidy measurements of ``task``) to the roofline predictions over
    ``hardware`` (a long, possibly what-if catalog) under the storage assumption; see the module
    docstring. Returns :data:`JOIN_COLUMNS`, one row per measured configuration or unmeasured
    prediction, paired rows first. A measurement is above the peak against ``datasheet``'s
    figures (the hardware it was measured on; default ``hardware``), not a what-if peak. The
    user's ``networks`` get predictions, so measurements of them (uploaded) pair. ``best`` is the
    measured side when already worked out (:func:`best_measured` of ``measured``'s ``task`` rows):
    a what-if slider does not move it."""
    measured = measured[measured["task"] == task]
    widths = tuple(sorted({*width_scales, *measured_widths(measured, task)}))
    predictions = predict(task, hardware, storage, width_scales=widths, networks=networks)
    best = best_measured(measured) if best is None else best
    reasons = unpaired_reasons(best, hardware, predictions)
    unpaired = reasons.notna().to_numpy()
    paired = pair(best[~unpaired], predictions, storage)
    measured_only = best[unpaired].assign(reason=reasons[unpaired].to_numpy())
    unmeasured = predictions.merge(best[list(CONFIG_KEYS)].drop_duplicates(), on=list(CONFIG_KEYS), how="left",
                                   indicator=True)
    predicted_only = unmeasured[unmeasured["_merge"] == "left_only"].drop(columns="_merge")
    predicted_only = predicted_only.assign(reason=np.where(predicted_only["inputs_per_s"].isna(), UNKNOWN_TRAFFIC,
                                                           NOT_MEASURED))
    table = pd.concat([paired.assign(status="paired", reason=""),
                       predicted_only.assign(status="predicted-only"),
                       measured_only.assign(status="measured-only")], ignore_index=True)
    table = _derived(table.rename(columns={"inputs_per_s": "predicted_fps"}))
    table.loc[above_peak(table, hardware if datasheet is None else datasheet), "reason"] = BEATS_PEAK
    return table


def best_measured(measured: pd.DataFrame) -> pd.DataFrame:
    """The measured side of the join: each configuration's best batch (:func:`best_batches`) as
    ``measured_fps`` and ``measured_batch``, with what the join keeps of it."""
    best = best_batches(measured).rename(columns={"fps_comp": "measured_fps", "batch": "measured_batch"})
    return best[[*MEASURED_CONFIG_KEYS, "platform", "op_mode", "family", "config", "measured_fps", "measured_batch",
                 "full_power_w", "idle_power_w", "top1_pct", "ops_per_input"]]


def pair(best: pd.DataFrame, predictions: pd.DataFrame, storage: Storage = QUTIBENCH_STORAGE) -> pd.DataFrame:
    """Measured configurations (:func:`best_measured`) joined to the predictions for the same
    device, precision and variant; with weights read once per batch, each against the
    prediction at its own measured batch. Configurations without a prediction drop out here:
    :func:`efficiency_table` lists them with their reason."""
    paired = best.drop(columns=["platform", "op_mode", "family", "ops_per_input"]).merge(
        predictions, on=list(CONFIG_KEYS), how="inner")
    if storage.weights == "per-batch":
        paired = predict_grid(paired.assign(batch=paired["measured_batch"]), storage)
    return paired


def above_peak(paired: pd.DataFrame, datasheet: pd.DataFrame) -> np.ndarray:
    """Rows whose measured TOP/s (measured inputs/s x ops per input) exceed their platform's peak
    at that precision in ``datasheet`` (a long catalog: the hardware measured, not a what-if)."""
    peak = datasheet.set_index(["device", "precision"])["peak_tops"]
    peak_tops = peak.reindex(pd.MultiIndex.from_frame(paired[["device", "precision"]])).to_numpy(dtype=float)
    measured_tops = tops_from_inputs(paired["measured_fps"].to_numpy(dtype=float),
                                     paired["ops_per_input"].to_numpy(dtype=float))
    return above(measured_tops, peak_tops)


REASON_KEYS = ["platform", "op_mode", *CONFIG_KEYS]


def unpaired_reasons(best: pd.DataFrame, hardware: pd.DataFrame, predictions: pd.DataFrame) -> pd.Series:
    """Why each measured configuration has no prediction (missing where it has one). Checked in
    order: unknown platform, op mode missing or unknown, precision not native, no operation count
    for the variant, no prediction (unknown activation traffic); no positive throughput overrides
    them all. Worked out once per distinct combination."""
    codes, combos = distinct_rows(*(best[key] for key in REASON_KEYS))
    combos.columns = REASON_KEYS
    device, platform, precision = (combos[c].astype(str) for c in ("device", "platform", "precision"))
    topology, pruning = combos["topology"].astype(str), combos["pruning_pct"].astype(float)
    native_pairs = pd.MultiIndex.from_arrays([hardware["device"].astype(str), hardware["precision"].astype(str)])
    variants = pd.MultiIndex.from_arrays([predictions["topology"].astype(str),
                                          predictions["pruning_pct"].astype(float)])
    predicted = predictions[predictions["inputs_per_s"].notna()]
    known = pd.MultiIndex.from_arrays([predicted["device"].astype(str), predicted["precision"].astype(str),
                                       predicted["topology"].astype(str), predicted["pruning_pct"].astype(float)])

    def op_modes(rows: pd.Series) -> pd.Series:
        modes = hardware.groupby("platform")["op_mode"].agg(lambda m: ", ".join(sorted(set(m) - {""})))
        return platform[rows] + " needs an op mode among " + platform[rows].map(modes).fillna("") + \
            "; this row has " + combos.loc[rows, "op_mode"].astype(str).map(repr)

    def natives(rows: pd.Series) -> pd.Series:
        listed = hardware.groupby("device")["precision"].agg(lambda p: ", ".join(p.astype(str)))
        return precision[rows] + " is not native on " + device[rows] + " (native: " + \
            device[rows].map(listed).fillna("") + ")"

    # (failed, the reason's text for the rows given): texts are built only for rows that fail
    checks = [
        (~platform.isin(set(hardware["platform"].astype(str))),
         lambda rows: "platform " + platform[rows].map(repr) + " is not in the hardware catalog (add it on the "
                                                                 "What-if hardware page to get a prediction)"),
        (~device.isin(set(hardware["device"].astype(str))), op_modes),
        (~pd.MultiIndex.from_arrays([device, precision]).isin(native_pairs), natives),
        (~pd.MultiIndex.from_arrays([topology, pruning]).isin(variants),
         lambda rows: "no operation count known for " + variant_label(topology[rows], pruning[rows])),
        (~pd.MultiIndex.from_arrays([device, precision, topology, pruning]).isin(known),
         lambda rows: UNKNOWN_TRAFFIC + " (" + variant_label(topology[rows], pruning[rows]) + ")"),
    ]
    per_combo = pd.Series(pd.NA, index=combos.index, dtype=object)
    for failed, text in checks:
        fresh = np.asarray(failed) & per_combo.isna().to_numpy()
        if fresh.any():
            per_combo[fresh] = text(pd.Series(fresh, index=combos.index)).to_numpy()
    reasons = pd.Series(per_combo.to_numpy()[codes], index=best.index, dtype=object)
    no_throughput = ~(best["measured_fps"] > 0)
    reasons[no_throughput] = "no positive measured throughput (fps_comp missing or 0): nothing to compare"
    return reasons


def _derived(table: pd.DataFrame) -> pd.DataFrame:
    """Efficiency, measured TOP/s, peak inputs/s and the energy figures; rows sorted and ordered."""
    measured = table["measured_fps"].astype(float)
    predicted = table["predicted_fps"].astype(float)
    ops = table["ops_per_input"].astype(float)
    power = table["full_power_w"].astype(float).where(lambda w: w > 0)
    datasheet_power = table["power_w"].astype(float).where(lambda w: w > 0)
    table = table.assign(
        efficiency_pct=100.0 * measured / predicted,
        measured_tops=tops_from_inputs(measured, ops),
        peak_fps=inputs_per_s(table["peak_tops"].astype(float), ops),
        mj_per_input=mj_per_input(power, measured),
        inputs_per_joule=inputs_per_joule(measured, power),
        predicted_mj_per_input=mj_per_input(datasheet_power, predicted),
        predicted_inputs_per_joule=inputs_per_joule(predicted, datasheet_power),
        variant=variant_label(table["topology"].astype(str), table["pruning_pct"].astype(float)),
        bound=table["bound"].astype(object),
        **{c: table[c].astype(object).fillna("").astype(str)
           for c in ("dataset", "config", "op_mode", "platform", "family", "execution", "device", "precision",
                     "topology")},
    )
    table.loc[table["efficiency_pct"] > 100.0, "reason"] = BEATS_ROOFLINE
    rank = table["status"].map({s: i for i, s in enumerate(STATUSES)})
    table = table.assign(_rank=rank, _pruning=-table["pruning_pct"].astype(float)).sort_values(
        ["_rank", "device", "precision", "topology", "_pruning", "dataset"], kind="stable")
    return table[list(JOIN_COLUMNS)].reset_index(drop=True)


def summary(table: pd.DataFrame) -> dict[str, float]:
    """Counts per status, the median efficiency over paired rows, and how many beat the roofline."""
    paired = table[table["status"] == "paired"]
    counts = table["status"].value_counts()
    return {
        **{status: int(counts.get(status, 0)) for status in STATUSES},
        "median_efficiency_pct": float(paired["efficiency_pct"].median()) if len(paired) else float("nan"),
        "above_roofline": int((paired["efficiency_pct"] > 100).sum()),
    }

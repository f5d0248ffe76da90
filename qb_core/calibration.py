"""Calibrated predictions: how far below its roofline each platform runs, fitted from the
measurements alone, with honest held-out errors.

The model (one per platform, e.g. all TX2 op modes and precisions together)::

    time per input = overhead_s + roofline_s / fraction

``roofline_s`` = 1 / (roofline inputs/s) under the current storage assumption; ``overhead_s`` is a
fixed cost per input (launching layers, moving the input, host round trips) and ``fraction`` the
share of the roofline the rest of the work reaches. Efficiency (measured / roofline) is therefore
fraction / (1 + fraction x overhead_s / roofline_s): small networks are dominated by the overhead,
large ones approach ``fraction``. That is what the measurements show on every platform (TX2 reaches
79 % of its roofline on CNV 100 % but 21 % on CNV 12.5 %).

Notes
-----
Fit: minimise sum_i ((overhead + roofline_s_i / fraction) / measured_s_i - 1)^2, the squared
relative error of the predicted time, with overhead >= 0 and 1 / fraction >= 0. With u_i =
1 / measured_s_i and v_i = roofline_s_i / measured_s_i this is linear least squares in
(overhead, 1 / fraction), solved in closed form from five sums per platform, so every hold-out is
a weighted sum of per-group sums: no loop over held-out groups, and a held-out row never
influences its own prediction (its sums enter its training set with weight exactly 0).

Hold-outs: ``config`` leaves out one measured configuration (device x precision x variant x
dataset); ``variant`` leaves out every configuration of one network variant (e.g. every CNV 50 %
row of every platform), which is what predicting an unmeasured network faces.

Baseline (shown beside it): per platform, log(efficiency) = alpha + beta x log(ops per input).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qb_core.layers import layer_predictions
from qb_core.topology import variant_label

HOLDOUTS: tuple[str, ...] = ("config", "variant")
#: Predictions compared in the error table: column -> what it is.
MODELS: dict[str, str] = {
    "roofline_fps": "whole-network roofline",
    "layer_fps": "per-layer roofline",
    "baseline_fps": "baseline: log-linear efficiency on ops per input",
    "calibrated_fps": "calibrated: overhead + fraction of the roofline",
}
WITHIN_PCT = 25.0
GROUP = "platform"
CALIBRATE_COLUMNS: tuple[str, ...] = (
    "device", "precision", "topology", "pruning_pct", "dataset", "measured_fps", "roofline_fps", "layer_fps",
    "baseline_fps", "calibrated_fps", "error_pct", "baseline_error_pct", "overhead_us", "fraction", "fit_rows",
    "platform", "op_mode",
)  # fmt: skip


def _sums(group: pd.Series, u: np.ndarray, v: np.ndarray) -> pd.DataFrame:
    """Per group: n, S_u, S_v, S_uu, S_uv, S_vv (the normal equations of the fit)."""
    return _terms(u, v, group.index).groupby(group.to_numpy()).sum()


def _terms(u: np.ndarray, v: np.ndarray, index: pd.Index) -> pd.DataFrame:
    return pd.DataFrame({"n": 1.0, "su": u, "sv": v, "suu": u * u, "suv": u * v, "svv": v * v}, index=index)


def _training_sums(terms: pd.DataFrame, platform: pd.Series, group: pd.Series) -> np.ndarray:
    """Per row, the sums of its platform's rows outside its held-out group.

    Cells (platform, held-out group) are summed, ordered by platform, and each cell's training
    sums are the running sums of the cells before it plus those after it within its platform
    (both exclusive): its own values are never added, so they cannot leave even a rounding
    trace (as ``total - own`` would), and the cost grows with the number of cells, not its square.
    """
    key = pd.MultiIndex.from_arrays([platform.to_numpy(), group.astype(str).to_numpy()])
    codes, cells = pd.factorize(key)
    cell_sums = terms.groupby(codes).sum().sort_index()
    cell_platform = pd.Series([p for p, _ in cells], index=cell_sums.index)
    by_platform = cell_sums.groupby(cell_platform.to_numpy())
    before = by_platform.transform(lambda frame: frame.cumsum().shift(1, fill_value=0.0))
    after = by_platform.transform(lambda frame: frame.iloc[::-1].cumsum().shift(1, fill_value=0.0).iloc[::-1])
    return (before + after).to_numpy()[codes]


def _solve(s: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(overhead_s, 1 / fraction) per row of sums, the non-negative least-squares solution.

    Candidates: both free (when the system is well posed and both come out >= 0), overhead 0, or
    1 / fraction 0; the feasible one with the smallest residual wins (overhead 0 on ties, e.g. a
    single training row). No training row gives NaN (not calibrated).
    """
    n, su, sv, suu, suv, svv = (s[c].to_numpy(dtype=float) for c in ("n", "su", "sv", "suu", "suv", "svv"))
    with np.errstate(divide="ignore", invalid="ignore"):
        det = suu * svv - suv * suv
        free_a = (svv * su - suv * sv) / det
        free_b = (suu * sv - suv * su) / det
        well_posed = (det > 1e-9 * suu * svv) & (free_a >= 0) & (free_b >= 0)
        only_b = sv / svv
        only_a = su / suu

    def residual(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a * a * suu + 2 * a * b * suv + b * b * svv - 2 * a * su - 2 * b * sv + n

    prefer_b = residual(0.0, only_b) <= residual(only_a, 0.0) + 1e-12
    a = np.where(well_posed, free_a, np.where(prefer_b, 0.0, only_a))
    b = np.where(well_posed, free_b, np.where(prefer_b, only_b, 0.0))
    empty = ~(n > 0)
    return np.where(empty, np.nan, a), np.where(empty, np.nan, b)


def _fit_inputs(paired: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    measured_s = 1.0 / paired["measured_fps"].to_numpy(dtype=float)
    roofline_s = 1.0 / paired["roofline_fps"].to_numpy(dtype=float)
    return 1.0 / measured_s, roofline_s / measured_s


def fit(paired: pd.DataFrame) -> pd.DataFrame:
    """Per platform: ``overhead_s``, ``fraction`` and the rows fitted, from every paired row
    (columns platform, measured_fps, roofline_fps)."""
    u, v = _fit_inputs(paired)
    sums = _sums(paired[GROUP].astype(str), u, v)
    overhead, inverse_fraction = _solve(sums)
    with np.errstate(divide="ignore"):
        fraction = 1.0 / inverse_fraction
    return pd.DataFrame({"overhead_s": overhead, "fraction": fraction, "fit_rows": sums["n"].astype(int)},
                        index=sums.index.rename(GROUP))


def apply(coefficients: pd.DataFrame, rows: pd.DataFrame) -> pd.Series:
    """Calibrated inputs/s of ``rows`` (platform, roofline_fps) = 1 / (overhead + roofline_s /
    fraction); missing for a platform without coefficients (not calibrated)."""
    joined = coefficients.reindex(rows[GROUP].astype(str).to_numpy())
    roofline_s = 1.0 / rows["roofline_fps"].to_numpy(dtype=float)
    with np.errstate(divide="ignore"):
        per_input_s = joined["overhead_s"].to_numpy() + roofline_s / joined["fraction"].to_numpy()
    return pd.Series(1.0 / per_input_s, index=rows.index)


def held_out_group(paired: pd.DataFrame, holdout: str) -> pd.Series:
    """The label of each row's held-out group: its configuration (device x precision x variant,
    whatever data set it came from, so a re-upload of the same configuration is held out with
    it) or its network variant."""
    if holdout == "config":
        return (paired["device"].astype(str) + "|" + paired["precision"].astype(str) + "|"
                + variant_label(paired["topology"].astype(str), paired["pruning_pct"].astype(float)))
    if holdout == "variant":
        return variant_label(paired["topology"].astype(str), paired["pruning_pct"].astype(float))
    raise ValueError(f"holdout must be one of {', '.join(HOLDOUTS)}, got {holdout!r}")


def held_out_calibrated(paired: pd.DataFrame, holdout: str = "config") -> pd.DataFrame:
    """Each paired row's calibrated inputs/s, fitted without its held-out group: the platform's
    sums outside its (platform, held-out group). Also the coefficients each row was given."""
    u, v = _fit_inputs(paired)
    terms = _terms(u, v, paired.index)
    train = _training_sums(terms, paired[GROUP].astype(str), held_out_group(paired, holdout))
    overhead, inverse_fraction = _solve(pd.DataFrame(train, columns=terms.columns))
    roofline_s = 1.0 / paired["roofline_fps"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        calibrated = 1.0 / (overhead + roofline_s * inverse_fraction)
        fraction = 1.0 / inverse_fraction
    return pd.DataFrame({"calibrated_fps": calibrated, "overhead_us": overhead * 1e6, "fraction": fraction,
                         "fit_rows": np.nan_to_num(train[:, 0]).astype(int)}, index=paired.index)


def held_out_baseline(paired: pd.DataFrame, holdout: str = "config") -> pd.Series:
    """The baseline, held out the same way: per platform, least squares of log(efficiency) on
    log(ops per input); one training row (or one distinct size) gives a constant efficiency."""
    x = np.log(paired["ops_per_input"].to_numpy(dtype=float))
    y = np.log(paired["measured_fps"].to_numpy(dtype=float) / paired["roofline_fps"].to_numpy(dtype=float))
    terms = pd.DataFrame({"n": 1.0, "sx": x, "sy": y, "sxx": x * x, "sxy": x * y}, index=paired.index)
    train = _training_sums(terms, paired[GROUP].astype(str), held_out_group(paired, holdout))
    n, sx, sy, sxx, sxy = train.T
    with np.errstate(divide="ignore", invalid="ignore"):
        det = n * sxx - sx * sx
        slope = np.where(det > 1e-9 * np.maximum(n * sxx, 1e-300), (n * sxy - sx * sy) / det, 0.0)
        intercept = (sy - slope * sx) / n
    return pd.Series(paired["roofline_fps"].to_numpy(dtype=float) * np.exp(intercept + slope * x), index=paired.index)


def error_pct(predicted: pd.Series | np.ndarray, measured: pd.Series | np.ndarray) -> np.ndarray:
    """Signed error of a prediction against the measurement, in percent: 100 x (pred - meas) / meas."""
    measured = np.asarray(measured, dtype=float)
    return 100.0 * (np.asarray(predicted, dtype=float) - measured) / measured


def paired_for_calibration(join: pd.DataFrame, weights: str = "off-chip", batch: int = 1,
                           activations: str = "on-chip") -> pd.DataFrame:
    """The paired rows of an efficiency join (:func:`qb_core.efficiency.efficiency_table`) with the
    columns the fit needs: roofline_fps, layer_fps (the per-layer model) and the platform."""
    paired = join[join["status"] == "paired"].reset_index(drop=True)
    if paired.empty:
        return paired.assign(roofline_fps=pd.Series(dtype=float), layer_fps=pd.Series(dtype=float),
                             bottleneck=pd.Series(dtype=object))
    layers = layer_predictions(paired, weights,
                               paired["measured_batch"].to_numpy() if weights == "per-batch" else batch, activations)
    return paired.assign(roofline_fps=paired["predicted_fps"], layer_fps=layers["layer_fps"],
                         bottleneck=layers["bottleneck"])


def calibration_table(paired: pd.DataFrame, holdout: str = "config") -> pd.DataFrame:
    """One row per paired configuration: measured, whole-network roofline, per-layer roofline,
    baseline and calibrated inputs/s (the last two held out), and the calibrated signed error.
    A platform with no other training row falls back to the roofline (``fit_rows`` 0)."""
    calibrated = held_out_calibrated(paired, holdout)
    baseline = held_out_baseline(paired, holdout)
    cal_fps = calibrated["calibrated_fps"].fillna(paired["roofline_fps"])
    table = paired.assign(calibrated_fps=cal_fps, baseline_fps=baseline.fillna(paired["roofline_fps"]),
                          overhead_us=calibrated["overhead_us"], fraction=calibrated["fraction"],
                          fit_rows=calibrated["fit_rows"])
    table["error_pct"] = error_pct(table["calibrated_fps"], table["measured_fps"])
    table["baseline_error_pct"] = error_pct(table["baseline_fps"], table["measured_fps"])
    return table[list(CALIBRATE_COLUMNS)]


FITTED = ("baseline_fps", "calibrated_fps")


def error_summary(paired: pd.DataFrame) -> pd.DataFrame:
    """Median |error| and share within +-25 % of every model under both hold-outs: one row per
    model x hold-out (the two roofline models are not fitted, so their figures are the same).
    The fitted models are scored only where their fit had training rows; ``not_calibrated``
    counts the configurations left out of their figures (their platform had no other row)."""
    rows = []
    for holdout in HOLDOUTS:
        table = calibration_table(paired, holdout)
        trained = (table["fit_rows"] > 0).to_numpy()
        for column, name in MODELS.items():
            scored = trained if column in FITTED else np.ones(len(table), dtype=bool)
            errors = np.abs(error_pct(table[column], table["measured_fps"]))[scored]
            errors = errors[np.isfinite(errors)]
            rows.append({"model": name, "column": column, "holdout": holdout, "configurations": len(errors),
                         "not_calibrated": int((~scored).sum()),
                         "median_abs_error_pct": float(np.median(errors)) if len(errors) else np.nan,
                         "within_25_pct": float(100.0 * np.mean(errors <= WITHIN_PCT)) if len(errors) else np.nan})
    return pd.DataFrame(rows)


def error_bands(paired: pd.DataFrame, holdout: str = "variant", low_q: float = 0.1,
                high_q: float = 0.9) -> pd.DataFrame:
    """Per platform, the band a calibrated figure carries: from the platform's held-out signed
    errors e (leave-one-variant-out by default, what an unmeasured variant faces), the measured
    value of a prediction F lies in [F / (1 + e_90), F / (1 + e_10)] for 80 % of held-out rows.
    Platforms with fewer than 3 held-out rows take the band of all platforms together."""
    table = calibration_table(paired, holdout)
    trained = (table["fit_rows"] > 0).to_numpy()
    relative = (table["error_pct"] / 100.0)[trained]
    platform = paired[GROUP].astype(str)[trained]
    grouped = relative.groupby(platform.to_numpy())
    bands = pd.DataFrame({"low_error": grouped.quantile(low_q), "high_error": grouped.quantile(high_q),
                          "band_rows": grouped.size(), "median_abs_error_pct": 100 * grouped.apply(
                              lambda e: e.abs().median())})
    pooled = (relative.quantile(low_q), relative.quantile(high_q), 100 * relative.abs().median())
    few = bands["band_rows"] < 3
    bands.loc[few, ["low_error", "high_error", "median_abs_error_pct"]] = pooled
    bands["band_source"] = np.where(few, "all platforms", "this platform")
    return bands.rename_axis(GROUP)


def calibrate_predictions(predictions: pd.DataFrame, paired: pd.DataFrame) -> pd.DataFrame:
    """Every prediction (platform x precision x variant, possibly under what-if hardware) with its
    calibrated inputs/s and band, fitted on all ``paired`` rows of its platform. A platform
    without measurements keeps the raw roofline and ``calibrated`` False: never an invented figure."""
    coefficients = fit(paired)
    bands = error_bands(paired)
    rows = predictions.assign(roofline_fps=predictions["inputs_per_s"])
    calibrated = apply(coefficients, rows)
    band = bands.reindex(rows[GROUP].astype(str).to_numpy())
    known = calibrated.notna().to_numpy()
    return rows.assign(
        calibrated=known,
        calibrated_fps=calibrated.where(known, rows["roofline_fps"]),
        band_low_fps=np.where(known, calibrated / (1 + band["high_error"].to_numpy()), np.nan),
        band_high_fps=np.where(known, calibrated / (1 + band["low_error"].to_numpy()), np.nan),
        typical_error_pct=np.where(known, band["median_abs_error_pct"].to_numpy(), np.nan),
        band_source=np.where(known, band["band_source"].fillna("").to_numpy(), "not calibrated"),
    )


def roofline_target(coefficients: pd.DataFrame, platform: str, target_fps: float) -> tuple[float, str]:
    """The roofline inputs/s a platform must be promised to *measure* ``target_fps``, by its
    calibrated model: roofline_s = (1 / target - overhead) x fraction. Returns (inputs/s, '') or
    (NaN, why): not calibrated, or the fixed overhead alone already exceeds the target's time."""
    if platform not in coefficients.index:
        return float("nan"), f"{platform} has no measurements to calibrate on"
    overhead, fraction = coefficients.loc[platform, ["overhead_s", "fraction"]].astype(float)
    budget_s = 1.0 / target_fps - overhead
    if not np.isfinite(fraction):
        return float("nan"), (f"{platform}'s fit puts all of its time in a fixed overhead of {overhead * 1e6:,.1f} µs "
                              "per input: by its measurements the roofline does not limit it, so no bandwidth or "
                              "peak changes its throughput")
    if budget_s <= 0:
        return float("nan"), (f"{platform}'s measured overhead of {overhead * 1e6:,.1f} µs per input alone exceeds "
                              f"the {1e6 / target_fps:,.1f} µs a target of {target_fps:,.0f} inputs/s allows: "
                              "no bandwidth or peak reaches it")
    return 1.0 / (budget_s * fraction), ""

"""The calibrated model: one physical model per platform across every task, judged by leaving
whole networks out, with error bands built only from fits that never saw what they cover.

Notes
-----
Time per input on a platform, every term normalised by the datasheet::

    t = c_conv x (conv + depthwise ops) / peak   [1 / c_conv: share of the peak reached on convolutions]
      + c_fc   x fully connected ops / peak      [1 / c_fc: share of the peak on FC layers]
      + c_w    x weight bytes / bandwidth        [1 / c_w: share of the bandwidth reading weights; 0 bytes
                                                  where the weights fit in the on-chip memory]
      + c_0                                      [c_0: fixed seconds per input]

peak and bandwidth are those of the platform, op mode and precision (TX2's op modes and EdgeTPU's
modes share one fit: their peaks differ, the shares do not have to). Coefficients are
non-negative; a share above 100 % (a coefficient below 1) is a claim the datasheet contradicts,
and the rows that force it are named (:func:`suspect_rows`). Other forms were tried on the same
data (a separate depthwise term, weights read once per batch, a per-batch cost fitted on the whole
batch sweep): held out by network, variant and configuration none predicted better, so the batch
enters only through each configuration's best measured batch.

Fit: minimise sum_i (t_i / measured_i - 1)^2 (squared relative error of the time) over each
platform's paired configurations of every task, each at its measured best batch; exact
non-negative least squares by trying every support of the 4 terms on stacked normal equations.

Hold-outs: ``network`` (every configuration of one topology), ``variant`` (one topology x
pruning) and ``config`` (one device x precision x variant) out at once; each prediction comes
from sums that exclude its group exactly (a mask product: its own values enter multiplied by 0).

Status: ``calibrated``, or ``not calibrated: <reason>`` where the platform has no training row,
the precision was never measured there, the network has a layer type never measured there, the
network is new to the platform and the platform has fewer than 3 measured networks, or a layer
type carries most of the network's operations but never more than a tenth of that share in the
networks measured there (the fit would extrapolate that type's coefficient: TX2's MLP, all fully
connected, predicted from convolutional networks).

Band (80 %): measured / predicted lies within exp(+-q), q the 80th percentile of held-out
|log(measured / predicted)| at the same hold-out level. For coverage each group's band comes only
from fits that excluded that group too (nested: leave two groups out).
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np
import pandas as pd

from qb_core.roofline_formulas import OPS_PER_TOP
from qb_core.topology import bytes_per_element

TERMS: tuple[str, ...] = ("conv_s", "fc_s", "weights_s", "fixed_s")
#: term -> (what it is, its formula, what its coefficient means)
TERM_INFO: dict[str, tuple[str, str, str]] = {
    "conv_s": ("convolutions", "(conv + depthwise ops) / peak", "1 / share of the datasheet peak reached"),
    "fc_s": ("fully connected layers", "FC ops / peak", "1 / share of the datasheet peak reached"),
    "weights_s": ("weights read off chip", "weight bytes / bandwidth, 0 where they fit on chip",
                  "1 / share of the datasheet bandwidth reached"),
    "fixed_s": ("fixed cost", "1 per input", "seconds per input"),
}
HOLDOUTS: tuple[str, ...] = ("network", "variant", "config")
MIN_NETWORKS = 3
BAND_LEVEL = 0.8
MIN_BAND_ERRORS = 5
CALIBRATED = "calibrated"
FEATURE_COLUMNS: tuple[str, ...] = ("platform", "device", "precision", "topology", "pruning_pct", "peak_tops",
                                    "bandwidth_gbps", "on_chip_mb", "conv_ops", "depthwise_ops", "fc_ops", "params",
                                    "layer_types")


def features(rows: pd.DataFrame) -> np.ndarray:
    """The model's terms (seconds per input) per row, an N x 4 array in :data:`TERMS` order: MAC
    ops of convolutions (dense and depthwise) and of FC layers over the platform's (datasheet or
    what-if) peak at that precision, the weights over its bandwidth where they do not fit in its
    on-chip memory (an unknown on-chip size never fits), and 1."""
    peak = rows["peak_tops"].to_numpy(dtype=float) * OPS_PER_TOP
    weight_bytes = rows["params"].to_numpy(dtype=float) * bytes_per_element(rows["precision"])
    fits = weight_bytes <= rows["on_chip_mb"].to_numpy(dtype=float) * 1e6
    weights = np.where(fits, 0.0, weight_bytes / (rows["bandwidth_gbps"].to_numpy(dtype=float) * 1e9))
    conv = rows["conv_ops"].to_numpy(dtype=float) + rows["depthwise_ops"].to_numpy(dtype=float)
    return np.column_stack([conv / peak, rows["fc_ops"].to_numpy(dtype=float) / peak, weights, np.ones(len(rows))])


def _supports(k: int) -> list[tuple[int, ...]]:
    return [s for r in range(1, k + 1) for s in itertools.combinations(range(k), r)]


def solve_nonnegative(gram: np.ndarray, rhs: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Non-negative least squares for a stack of normal equations (gram: N x k x k, rhs: N x k,
    n: N, the sum of squared targets): for each, the c >= 0 minimising c'Gc - 2c'h + n. Exact:
    the optimum is the unconstrained solution on its own support, so the best feasible solution
    over every support is it. Rows with n == 0 (no training data) give NaN."""
    count, k = rhs.shape
    best = np.zeros((count, k))  # the empty support: every coefficient 0, residual n
    best_residual = np.asarray(n, dtype=float).copy()
    for support in _supports(k):
        index = np.array(support)
        sub = gram[:, index[:, None], index[None, :]]
        # terms differ by orders of magnitude: solve the diagonally scaled system (a correlation matrix)
        scale = np.sqrt(np.maximum(np.einsum("nii->ni", sub), 1e-300))
        normal = sub / scale[:, :, None] / scale[:, None, :]
        regular = np.abs(np.linalg.det(normal)) > 1e-12
        safe = np.where(regular[:, None, None], normal, np.eye(len(index)))
        scaled_rhs = np.where(regular[:, None], rhs[:, index] / scale, 0.0)
        c_sub = np.linalg.solve(safe, scaled_rhs[..., None])[..., 0] / scale
        feasible = regular & np.all(c_sub >= 0, axis=1)
        c = np.zeros((count, k))
        c[:, index] = c_sub
        residual = np.einsum("ni,nij,nj->n", c, gram, c) - 2 * np.einsum("ni,ni->n", c, rhs) + n
        better = feasible & (residual < best_residual - 1e-12 * np.abs(best_residual))
        best[better] = c[better]
        best_residual[better] = residual[better]
    best[~(n > 0)] = np.nan
    return best


def _row_sums(scaled: np.ndarray) -> np.ndarray:
    """Per row: the flattened outer product x x', x and 1 (the normal equations of one row)."""
    outer = np.einsum("ni,nj->nij", scaled, scaled).reshape(len(scaled), -1)
    return np.column_stack([outer, scaled, np.ones(len(scaled))])


def _solve_sums(sums: np.ndarray, k: int) -> np.ndarray:
    return solve_nonnegative(sums[:, : k * k].reshape(-1, k, k), sums[:, k * k: k * k + k], sums[:, -1])


def _cells(fit_group: np.ndarray, held_group: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes of each row's (fit group, held-out group) cell, each cell's fit group code, and the
    training mask between cells: cell j trains on cell m when both share a fit group and m != j."""
    cell_codes, cells = pd.factorize(pd.MultiIndex.from_arrays([fit_group, held_group]))
    cell_fit = pd.factorize(cells.get_level_values(0))[0]
    mask = (cell_fit[:, None] == cell_fit[None, :]) & ~np.eye(len(cells), dtype=bool)
    return cell_codes, cell_fit, mask


def _cell_sums(values: np.ndarray, cell_codes: np.ndarray, count: int) -> np.ndarray:
    out = np.zeros((count, values.shape[1]))
    np.add.at(out, cell_codes, values)
    return out


class HeldOut(NamedTuple):
    """Held-out predictions of every row and what each row's fit saw."""

    predicted_fps: np.ndarray
    coefficients: np.ndarray
    training_mask: np.ndarray  # cell x cell: which cells trained each cell's fit
    cell_codes: np.ndarray


def held_out(terms: np.ndarray, measured_fps: np.ndarray, fit_group: np.ndarray, held_group: np.ndarray) -> HeldOut:
    """Each row's prediction from the fit of its fit group without its held-out group."""
    measured_s = 1.0 / measured_fps
    sums = _row_sums(terms / measured_s[:, None])
    cell_codes, _, mask = _cells(fit_group, held_group)
    cell = _cell_sums(sums, cell_codes, mask.shape[0])
    coefficients = _solve_sums(mask.astype(float) @ cell, terms.shape[1])[cell_codes]
    with np.errstate(divide="ignore", invalid="ignore"):
        predicted = 1.0 / np.einsum("ni,ni->n", terms, coefficients)
    return HeldOut(predicted, coefficients, mask, cell_codes)


def fit_all(terms: np.ndarray, measured_fps: np.ndarray, fit_group: np.ndarray) -> pd.DataFrame:
    """Coefficients per fit group from every row (index: the group)."""
    sums = _row_sums(terms / (1.0 / measured_fps)[:, None])
    codes, groups = pd.factorize(fit_group)
    total = _cell_sums(sums, codes, len(groups))
    return pd.DataFrame(_solve_sums(total, terms.shape[1]), index=pd.Index(groups, name="platform"),
                        columns=list(TERMS)[: terms.shape[1]] if terms.shape[1] == len(TERMS) else None)


def _indicator(cell_codes: np.ndarray, values: pd.Series, count: int) -> tuple[np.ndarray, pd.Index]:
    """cell x distinct value (as 0/1 floats): does the cell hold a row with that value?"""
    codes, uniques = pd.factorize(values)
    table = np.zeros((count, len(uniques)))
    table[cell_codes, codes] = 1.0
    return table, pd.Index(uniques)


def _layer_type_flags(layer_types: pd.Series, layer_type: str) -> np.ndarray:
    return layer_types.fillna("").astype(str).str.split("|").map(lambda present: layer_type in present).to_numpy(
        dtype=bool)


def statuses(train_rows: pd.DataFrame, cell_codes: np.ndarray, train: np.ndarray, judged: pd.DataFrame,
             unit: np.ndarray) -> np.ndarray:
    """Per row of ``judged``, ``calibrated`` or ``not calibrated: <reason>`` against what its fit
    saw: ``train`` (fits x cells, 0/1) says which cells of ``train_rows`` (cell of each row:
    ``cell_codes``) trained fit ``unit[j]`` of judged row j. Rules in the module notes."""
    if judged.empty:
        return np.array([], dtype=object)
    count = train.shape[1]
    at = np.arange(len(judged))
    nets, net_names = _indicator(cell_codes, train_rows["topology"].astype(str), count)
    precs, prec_names = _indicator(cell_codes, train_rows["precision"].astype(str), count)
    seen_nets = (train @ nets > 0)[unit]
    # an unknown name indexes -1: the appended all-False column
    net_known = np.column_stack([seen_nets, np.zeros(len(judged), dtype=bool)])[
        at, net_names.get_indexer(judged["topology"].astype(str))]
    prec_known = np.column_stack([(train @ precs > 0)[unit], np.zeros(len(judged), dtype=bool)])[
        at, prec_names.get_indexer(judged["precision"].astype(str))]
    trained_rows = (train @ np.bincount(cell_codes, minlength=count))[unit]
    missing = np.full(len(judged), "", dtype=object)
    for layer_type in ("conv", "depthwise", "fc"):
        cell_has = np.bincount(cell_codes, weights=_layer_type_flags(train_rows["layer_types"], layer_type),
                               minlength=count) > 0
        unseen = _layer_type_flags(judged["layer_types"], layer_type) & ~((train @ cell_has) > 0)[unit]
        missing = np.where(unseen, missing + np.where(missing == "", "", ", ") + layer_type, missing)
    network_count = seen_nets.sum(axis=1)
    platform = judged["platform"].astype(str).to_numpy().astype(object)
    patterns, which = np.unique(seen_nets, axis=0, return_inverse=True)  # names joined once per distinct set
    measured_names = np.array([", ".join(net_names[flags]) for flags in patterns], dtype=object)[which.ravel()]
    extrapolated = _extrapolated(train_rows, cell_codes, train, judged, unit)
    conditions = [judged["layer_types"].fillna("").eq("").to_numpy(), trained_rows == 0, ~prec_known,
                  missing != "", ~net_known & (network_count < MIN_NETWORKS), extrapolated != ""]
    texts = [
        "not calibrated: no layer table for " + judged["topology"].astype(str).to_numpy().astype(object),
        "not calibrated: nothing else measured on " + platform,
        "not calibrated: " + judged["precision"].astype(str).to_numpy().astype(object) + " was never measured on "
        + platform,
        "not calibrated: " + missing + " layers were never measured on " + platform,
        "not calibrated: " + platform + " has " + network_count.astype(str).astype(object) + " measured network(s) ("
        + measured_names + f"); a network new to it needs at least {MIN_NETWORKS}",
        "not calibrated: " + extrapolated + " on " + platform,
    ]
    return np.select(conditions, texts, CALIBRATED).astype(object)


#: A layer type carrying more than this share of a network's MAC operations ...
DOMINANT_SHARE = 0.5
#: ... is extrapolated when every network measured on the platform gave it less than this fraction of that share.
EXTRAPOLATION_RATIO = 0.1
_TYPE_OPS = {"conv": ("conv_ops",), "depthwise": ("depthwise_ops",), "fc": ("fc_ops",)}


def _type_shares(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each MAC layer type's share of the MAC operations of every row."""
    ops = {t: sum(frame[c].to_numpy(dtype=float) for c in columns) for t, columns in _TYPE_OPS.items()}
    total = sum(ops.values())
    with np.errstate(divide="ignore", invalid="ignore"):
        return {t: np.nan_to_num(o / total) for t, o in ops.items()}


def _extrapolated(train_rows: pd.DataFrame, cell_codes: np.ndarray, train: np.ndarray, judged: pd.DataFrame,
                  unit: np.ndarray) -> np.ndarray:
    """Per judged row, why its prediction would extrapolate ("" where it does not): a layer type
    carries most of its operations (> :data:`DOMINANT_SHARE`) but never more than a tenth of that
    share in any network its fit saw, so that type's coefficient was never really measured."""
    count = train.shape[1]
    seen = train > 0
    judged_shares = _type_shares(judged)
    reasons = np.full(len(judged), "", dtype=object)
    for layer_type, shares in _type_shares(train_rows).items():
        cell_max = np.zeros(count)
        np.maximum.at(cell_max, cell_codes, shares)
        seen_max = np.where(seen, cell_max[None, :], 0.0).max(axis=1)[unit] if count else np.zeros(len(judged))
        share = judged_shares[layer_type]
        fails = (share > DOMINANT_SHARE) & (seen_max < share * EXTRAPOLATION_RATIO) & (reasons == "")
        text = (f"{layer_type} layers carry " + pd.Series(100 * share).map("{:.0f}%".format).to_numpy().astype(object)
                + " of its operations but at most " + pd.Series(100 * seen_max).map("{:.1f}%".format).to_numpy()
                .astype(object) + " in the networks measured")
        reasons = np.where(fails, text, reasons)
    return reasons


def holdout_groups(rows: pd.DataFrame, holdout: str) -> np.ndarray:
    """Each row's held-out group: its network (topology), network variant, or configuration
    (device x precision x variant, whatever file it came from)."""
    variant = rows["topology"].astype(str) + " " + rows["pruning_pct"].astype(float).map("{:g}%".format)
    if holdout == "network":
        return rows["topology"].astype(str).to_numpy()
    if holdout == "variant":
        return variant.to_numpy()
    if holdout == "config":
        return (rows["device"].astype(str) + "|" + rows["precision"].astype(str) + "|" + variant).to_numpy()
    raise ValueError(f"holdout must be one of {', '.join(HOLDOUTS)}, got {holdout!r}")


def usable_rows(rows: pd.DataFrame) -> np.ndarray:
    """Rows the model can use: a layer table, finite positive terms and a positive measurement."""
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = features(rows)
    fps = rows["measured_fps"].to_numpy(dtype=float) if "measured_fps" in rows else np.ones(len(rows))
    return (rows["layer_types"].fillna("").ne("").to_numpy() & np.all(np.isfinite(terms), axis=1)
            & (terms[:, :3].sum(axis=1) > 0) & np.isfinite(fps) & (fps > 0))


def _pair_fits(cell: np.ndarray, mask: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fits that leave out two cells of one fit group: (cell c, cell d, training mask, coefficients)."""
    c_index, d_index = np.nonzero(mask)
    train = mask[c_index].astype(float)
    train[np.arange(len(c_index)), d_index] = 0.0
    return c_index, d_index, train, _solve_sums(train @ cell, k) if len(c_index) else np.zeros((0, k))


def evaluate(rows: pd.DataFrame, holdout: str) -> pd.DataFrame:
    """Held-out predictions of every row (a paired configuration with :data:`FEATURE_COLUMNS`,
    ``layer_types`` and ``measured_fps``): ``predicted_fps`` (NaN unless calibrated), ``status``,
    the nested 80 % band and whether the measurement fell inside it, and ``log_ratio`` =
    log(measured / predicted). Index as ``rows``."""
    out = pd.DataFrame({"predicted_fps": np.nan, "status": "not calibrated: no layer table", "band_low_fps": np.nan,
                        "band_high_fps": np.nan, "in_band": np.nan, "log_ratio": np.nan}, index=rows.index)
    usable = usable_rows(rows)
    used = rows[usable]
    if used.empty:
        return out.astype({"status": object})
    terms = features(used)
    measured = used["measured_fps"].to_numpy(dtype=float)
    group = holdout_groups(used, holdout)
    platform = used["platform"].astype(str).to_numpy()
    sums = _row_sums(terms * measured[:, None])
    cell_codes, _, mask = _cells(platform, group)
    cell = _cell_sums(sums, cell_codes, mask.shape[0])
    k = terms.shape[1]
    single = _solve_sums(mask.astype(float) @ cell, k)
    status = statuses(used, cell_codes, mask.astype(float), used, cell_codes)
    with np.errstate(divide="ignore", invalid="ignore"):
        predicted = 1.0 / np.einsum("ni,ni->n", terms, single[cell_codes])
    calibrated = (status == CALIBRATED) & np.isfinite(predicted) & (predicted > 0)
    log_ratio = np.where(calibrated, np.log(measured / np.where(calibrated, predicted, 1.0)), np.nan)
    low, high = _nested_band(used, terms, measured, group, cell_codes, mask, cell, log_ratio)
    inside = np.where(calibrated & np.isfinite(low), (log_ratio >= low) & (log_ratio <= high), np.nan)
    out.loc[usable, "predicted_fps"] = np.where(calibrated, predicted, np.nan)
    out.loc[usable, "status"] = status
    out.loc[usable, "band_low_fps"] = np.where(calibrated, predicted * np.exp(low), np.nan)
    out.loc[usable, "band_high_fps"] = np.where(calibrated, predicted * np.exp(high), np.nan)
    out.loc[usable, "in_band"] = inside
    out.loc[usable, "log_ratio"] = log_ratio
    return out


def _nested_band(used: pd.DataFrame, terms: np.ndarray, measured: np.ndarray, group: np.ndarray,
                 cell_codes: np.ndarray, mask: np.ndarray, cell: np.ndarray,
                 single_log_ratio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the band (low, high log ratio) of its group g from errors of other groups' rows,
    each predicted by a fit that saw neither its own group nor g (leave two groups out)."""
    group_codes, groups = pd.factorize(group)
    cell_group = np.zeros(mask.shape[0], dtype=int)
    cell_group[cell_codes] = group_codes
    c_index, d_index, train, coefficients = _pair_fits(cell, mask, terms.shape[1])
    # errors[i, g]: row i's log ratio from the fit that also left out group g (default: its single fit)
    errors = np.repeat(single_log_ratio[:, None], len(groups), axis=1)
    if len(c_index):
        rows_in = pd.DataFrame({"row": np.arange(len(used)), "cell": cell_codes})
        expanded = rows_in.merge(pd.DataFrame({"cell": c_index, "pair": np.arange(len(c_index))}), on="cell")
        pair = expanded["pair"].to_numpy()
        row = expanded["row"].to_numpy()
        pair_status = statuses(used, cell_codes, train, used.iloc[row], pair)
        with np.errstate(divide="ignore", invalid="ignore"):
            predicted = 1.0 / np.einsum("ni,ni->n", terms[row], coefficients[pair])
        ok = (pair_status == CALIBRATED) & np.isfinite(predicted) & (predicted > 0)
        errors[row, cell_group[d_index[pair]]] = np.where(
            ok, np.log(measured[row] / np.where(ok, predicted, 1.0)), np.nan)
    errors[np.arange(len(used)), group_codes] = np.nan
    with np.errstate(all="ignore"):
        low, high = band_limits(errors)
    return low[group_codes], high[group_codes]


def band_limits(errors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per column of held-out log ratios (NaN = none): the band's low and high log ratio,
    -q and +q with q the 80th percentile of |log(measured / predicted)|; NaN with fewer than 5."""
    finite = np.isfinite(errors)
    enough = finite.sum(axis=0) >= MIN_BAND_ERRORS
    with np.errstate(all="ignore"):
        q = np.nanquantile(np.abs(np.where(finite, errors, np.nan)), BAND_LEVEL, axis=0)
    return np.where(enough, -q, np.nan), np.where(enough, q, np.nan)


def training_rows(measured: pd.DataFrame, hardware: pd.DataFrame, networks: tuple = ()) -> pd.DataFrame:
    """Every paired configuration of every task (the join on the datasheet ``hardware``, each at
    its best measured batch) with what the model needs: ops by layer type, params, on-chip MB,
    the raw roofline and the per-layer figure. The sidebar never filters this: the model is
    fitted on all of it (uploaded measurements of the user's ``networks`` included)."""
    from qb_core.efficiency import efficiency_table
    from qb_core.layers import layer_predictions
    from qb_core.netlayers import variant_type_totals
    from qb_core.topology import TASKS
    from qb_core.user_networks import layer_tables

    frames = []
    for task in TASKS:
        join = efficiency_table(measured, hardware, task, networks=networks)
        frames.append(join[join["status"] == "paired"].assign(task=task))
    rows = pd.concat(frames, ignore_index=True)
    on_chip = hardware[["device", "precision", "on_chip_mb"]].drop_duplicates(["device", "precision"])
    rows = rows.merge(on_chip, on=["device", "precision"], how="left")
    rows = rows.merge(variant_type_totals(rows, layer_tables(networks)), on=["topology", "pruning_pct"], how="left")
    layer = layer_predictions(rows, networks=networks) if len(rows) else pd.DataFrame({"layer_fps": []})
    return rows.assign(batch=rows["measured_batch"].astype(float), roofline_fps=rows["predicted_fps"],
                       layer_fps=layer["layer_fps"].to_numpy())


def error_pct(predicted: np.ndarray | pd.Series, measured: np.ndarray | pd.Series) -> np.ndarray:
    """Signed error in percent: 100 x (predicted - measured) / measured."""
    measured = np.asarray(measured, dtype=float)
    return 100.0 * (np.asarray(predicted, dtype=float) - measured) / measured


#: The CLI's ``calibrate`` columns, in order.
CALIBRATE_COLUMNS: tuple[str, ...] = (
    "task", "device", "precision", "topology", "pruning_pct", "measured_fps", "roofline_fps", "layer_fps",
    "predicted_fps", "band_low_fps", "band_high_fps", "error_pct", "status",
)  # fmt: skip


def calibration_rows(rows: pd.DataFrame, holdout: str) -> pd.DataFrame:
    """One row per paired configuration with its held-out prediction, nested band, signed error and
    status (:data:`CALIBRATE_COLUMNS`, plus ``platform``, ``in_band`` and ``baseline_fps``: the old
    per-task form held out the same way)."""
    held = evaluate(rows, holdout)
    table = rows.assign(predicted_fps=held["predicted_fps"], band_low_fps=held["band_low_fps"],
                        band_high_fps=held["band_high_fps"], status=held["status"], in_band=held["in_band"],
                        baseline_fps=old_form_held_out(rows, holdout))
    table["error_pct"] = error_pct(table["predicted_fps"], table["measured_fps"])
    extra = ["platform", "op_mode", "in_band", "baseline_fps"]
    return table[[*CALIBRATE_COLUMNS, *extra]].assign(log_ratio=held["log_ratio"])


def old_form_held_out(rows: pd.DataFrame, holdout: str) -> np.ndarray:
    """The model this one replaces, as a baseline: per platform *and task*, time per input =
    overhead + roofline time / fraction, held out the same way (NaN where its fit had no row)."""
    fps = rows["measured_fps"].to_numpy(dtype=float)
    roofline = rows["roofline_fps"].to_numpy(dtype=float)
    ok = np.isfinite(fps) & (fps > 0) & np.isfinite(roofline) & (roofline > 0)
    out = np.full(len(rows), np.nan)
    if ok.any():
        used = rows[ok]
        terms = np.column_stack([np.ones(int(ok.sum())), 1.0 / roofline[ok]])
        fit_group = (used["platform"].astype(str) + "|" + used["task"].astype(str)).to_numpy()
        out[ok] = held_out(terms, fps[ok], fit_group, holdout_groups(used, holdout)).predicted_fps
    return out


MODEL_COLUMNS: dict[str, str] = {
    "roofline_fps": "whole-network roofline",
    "layer_fps": "per-layer roofline",
    "baseline_fps": "old form fitted per task: overhead + roofline time / fraction",
    "predicted_fps": "calibrated model: 4 physical terms per platform, every task",
}


def error_summary(tables: dict[str, pd.DataFrame], by: str | None = None) -> pd.DataFrame:
    """Median |error| per model x hold-out (and per ``by``, e.g. platform), over the rows each
    model predicted; the calibrated model's share of calibrated rows and band coverage beside it."""
    frames = []
    for holdout, table in tables.items():
        keys = table[by].astype(str) if by else pd.Series("all", index=table.index)
        for column, name in MODEL_COLUMNS.items():
            error = np.abs(error_pct(table[column], table["measured_fps"]))
            frame = pd.DataFrame({"key": keys, "error": error, "within": error <= 25, "in_band": table["in_band"],
                                  "calibrated": table["status"].eq(CALIBRATED)})
            grouped = frame.groupby("key", sort=False)
            predicted = grouped["error"].count()
            summary = pd.DataFrame({
                "predicted_rows": predicted, "paired_rows": grouped.size(),
                "median_abs_error_pct": grouped["error"].median(),
                "within_25_pct": 100.0 * grouped["within"].sum() / predicted.where(predicted > 0)})
            if column == "predicted_fps":
                summary["calibrated_pct"] = 100.0 * grouped["calibrated"].mean()
                summary["band_coverage_pct"] = 100.0 * grouped["in_band"].mean()
            frames.append(summary.reset_index().assign(model=name, holdout=holdout))
    out = pd.concat(frames, ignore_index=True)
    return out.rename(columns={"key": by or "scope"})


class FittedModel(NamedTuple):
    """The model fitted on every usable paired row: coefficients per platform, the band per
    hold-out level (10th and 90th percentile of held-out log(measured / predicted)), the
    training rows, and each platform's usual measured batch."""

    coefficients: pd.DataFrame
    bands: pd.DataFrame
    rows: pd.DataFrame
    typical_batch: pd.Series


def fit_model(rows: pd.DataFrame, evaluations: dict[str, pd.DataFrame] | None = None) -> FittedModel:
    """Fit every platform on all of ``rows`` (:func:`training_rows`); ``evaluations`` (hold-out
    -> :func:`evaluate` of the same rows) give the bands, computed here when not passed."""
    used = rows[usable_rows(rows)].reset_index(drop=True)
    terms = features(used)
    coefficients = fit_all(terms, used["measured_fps"].to_numpy(dtype=float), used["platform"].astype(str).to_numpy())
    grouped = used.groupby("platform")
    coefficients = coefficients.assign(
        rows=grouped.size(), networks=grouped["topology"].agg(lambda t: ", ".join(sorted(set(t)))),
        network_count=grouped["topology"].nunique(),
        precisions=grouped["precision"].agg(lambda p: ", ".join(sorted(set(p)))))
    evaluations = evaluations or {h: evaluate(rows, h) for h in HOLDOUTS}
    bands = {}
    for holdout, evaluation in evaluations.items():
        low, high = band_limits(evaluation["log_ratio"].to_numpy(dtype=float)[:, None])
        bands[holdout] = {"low_log_ratio": float(low[0]), "high_log_ratio": float(high[0]),
                          "errors": int(evaluation["log_ratio"].notna().sum()),
                          "nested_coverage_pct": 100.0 * evaluation["in_band"].mean()}
    bands = pd.DataFrame(bands).T
    typical = used.groupby("platform")["batch"].agg(lambda b: float(b.mode().max()))
    return FittedModel(coefficients, bands, used, typical)


def prediction_level(model: FittedModel, grid: pd.DataFrame) -> np.ndarray:
    """What a prediction faces: ``network`` (the network was never measured on the platform),
    ``variant`` (the network was, this variant not) or ``config`` (the variant was, at another
    precision or op mode)."""
    rows = model.rows
    def keys(frame: pd.DataFrame, columns: list[str]) -> pd.MultiIndex:
        return pd.MultiIndex.from_frame(frame[columns].astype(str))
    network_seen = keys(grid, ["platform", "topology"]).isin(keys(rows, ["platform", "topology"]))
    variant_seen = pd.MultiIndex.from_arrays([grid["platform"].astype(str), grid["topology"].astype(str),
                                              grid["pruning_pct"].astype(float)]).isin(
        pd.MultiIndex.from_arrays([rows["platform"].astype(str), rows["topology"].astype(str),
                                   rows["pruning_pct"].astype(float)]))
    return np.where(~network_seen, "network", np.where(~variant_seen, "variant", "config"))


def predict_with_model(model: FittedModel, grid: pd.DataFrame) -> pd.DataFrame:
    """Calibrated inputs/s for every row of ``grid`` (:data:`FEATURE_COLUMNS`, possibly what-if
    peak and bandwidth; ``batch`` missing -> the platform's usual measured batch), with status,
    hold-out level and band. Not calibrated rows get NaN, never an untested band."""
    batch = grid["batch"] if "batch" in grid else pd.Series(np.nan, index=grid.index)
    typical = grid["platform"].astype(str).map(model.typical_batch)
    grid = grid.assign(batch=batch.astype(float).fillna(typical).fillna(1.0))
    platforms = pd.Index(model.coefficients.index.astype(str))
    unit = platforms.get_indexer(grid["platform"].astype(str))
    known = unit >= 0
    train_codes = platforms.get_indexer(model.rows["platform"].astype(str))
    train = np.vstack([np.eye(len(platforms)), np.zeros((1, len(platforms)))])  # last row: an unknown platform
    status = statuses(model.rows, train_codes, train, grid, np.where(known, unit, len(platforms)))
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = features(grid)
        coefficients = model.coefficients[list(TERMS)].to_numpy(dtype=float)
        chosen = np.where(known[:, None], coefficients[np.maximum(unit, 0)], np.nan)
        predicted = 1.0 / np.einsum("ni,ni->n", terms, chosen)
    calibrated = (status == CALIBRATED) & np.isfinite(predicted) & (predicted > 0)
    level = prediction_level(model, grid)
    low = model.bands["low_log_ratio"].reindex(level).to_numpy(dtype=float)
    high = model.bands["high_log_ratio"].reindex(level).to_numpy(dtype=float)
    return grid.assign(predicted_fps=np.where(calibrated, predicted, np.nan), status=status, level=level,
                       band_low_fps=np.where(calibrated, predicted * np.exp(low), np.nan),
                       band_high_fps=np.where(calibrated, predicted * np.exp(high), np.nan))


def coefficient_table(model: FittedModel) -> pd.DataFrame:
    """One row per platform x term: the coefficient, its unit and what it claims about the
    hardware (a share of the datasheet peak or bandwidth, or microseconds), flagged where the claim
    exceeds the datasheet, with the rows that force it (:func:`suspect_rows`)."""
    suspects = suspect_rows(model)
    rows = []
    for platform, fit in model.coefficients.iterrows():
        for term in TERMS:
            value = float(fit[term])
            what, formula, meaning = TERM_INFO[term]
            if term == "fixed_s":
                claim, above = f"{value * 1e6:,.1f} µs per input", False
            elif value == 0:
                claim, above = "not needed by the data (0)", False
            else:
                share = 100.0 / value
                figure = f"{share:,.1f}" if share >= 1 else f"{share:.2g}"  # 0.039 %, never a bare 0.0 %
                claim, above = f"{figure} % of the datasheet {'bandwidth' if term == 'weights_s' else 'peak'}", \
                    share > 100.0 + 1e-9
            named = suspects[(suspects["platform"] == platform) & (suspects["term"] == term)]
            rows.append({"platform": platform, "term": what, "formula": formula, "coefficient": value,
                         "meaning": meaning, "claim": claim, "above_datasheet": above,
                         "suspect_rows": "; ".join(named["config"]) if above else "",
                         "rows": int(fit["rows"]), "networks": fit["networks"]})
    return pd.DataFrame(rows)


def suspect_rows(model: FittedModel) -> pd.DataFrame:
    """Measurements faster than one term alone allows at the datasheet figures (that term's time
    exceeds the measured time): data that force a share above 100 % (platform, term, config)."""
    used = model.rows
    terms = features(used)
    measured_s = 1.0 / used["measured_fps"].to_numpy(dtype=float)
    frames = []
    for index, term in enumerate(TERMS[:3]):
        faster = terms[:, index] > measured_s * (1 + 1e-9)
        label = (used["device"].astype(str) + " " + used["precision"].astype(str) + " "
                 + used["topology"].astype(str) + " " + used["pruning_pct"].astype(float).map("{:g}%".format))
        frames.append(pd.DataFrame({"platform": used["platform"].astype(str)[faster], "term": term,
                                    "config": label[faster]}))
    return pd.concat(frames, ignore_index=True)


class ModelReport(NamedTuple):
    """Everything the calibrated model says about the data: the training rows, the held-out table
    per hold-out (:func:`calibration_rows`) and the model fitted on all rows."""

    rows: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    fitted: FittedModel


def build_report(measured: pd.DataFrame, hardware: pd.DataFrame | None = None, networks: tuple = ()) -> ModelReport:
    """Fit and judge the model on ``measured`` (every task) against the datasheet ``hardware``
    (default: the bundled catalog); raises ValueError when nothing pairs."""
    from qb_core.hardware import catalog_long

    rows = training_rows(measured, catalog_long() if hardware is None else hardware, networks)
    if rows.empty:
        raise ValueError("no measured configuration pairs with a prediction: nothing to calibrate")
    tables = {holdout: calibration_rows(rows, holdout) for holdout in HOLDOUTS}
    return ModelReport(rows, tables, fit_model(rows, tables))


def model_grid_predictions(model: FittedModel, predictions: pd.DataFrame, networks: tuple = ()) -> pd.DataFrame:
    """A roofline prediction table (:func:`qb_core.predictions.predict`, possibly under what-if
    hardware) with the calibrated model beside it: ``roofline_fps``, ``predicted_fps``, ``status``,
    ``level`` and the band (:func:`predict_with_model`)."""
    from qb_core.netlayers import TYPE_TOTAL_COLUMNS, variant_type_totals
    from qb_core.user_networks import layer_tables

    totals = variant_type_totals(predictions, layer_tables(networks))
    grid = predictions.drop(columns=[c for c in TYPE_TOTAL_COLUMNS if c in predictions.columns]).merge(
        totals, on=["topology", "pruning_pct"], how="left")
    grid = grid.assign(roofline_fps=grid["inputs_per_s"]).drop(columns=["batch"], errors="ignore")
    return predict_with_model(model, grid)


def scale_for_target(model: FittedModel, grid: pd.DataFrame, target_fps: float) -> tuple[float, str]:
    """The factor by which peak and bandwidth together must grow for the calibrated model of one
    row of ``grid`` (a :func:`model_grid_predictions` row) to *measure* ``target_fps``.

    Notes
    -----
    t(s) = (c_conv x conv_s + c_fc x fc_s + c_w x weights_s) / s + c_0, so s = variable time /
    (1 / target - c_0). Returns (s, '') or (NaN, why): not calibrated, or the fixed cost alone
    already exceeds the target's time."""
    row = grid.iloc[[0]]
    status = str(row["status"].iloc[0])
    if status != CALIBRATED:
        return float("nan"), status
    platform = str(row["platform"].iloc[0])
    coefficients = model.coefficients.loc[platform, list(TERMS)].to_numpy(dtype=float)
    terms = features(row)[0]
    variable_s = float(terms[:3] @ coefficients[:3])
    budget_s = 1.0 / target_fps - coefficients[3]
    if budget_s <= 0:
        return float("nan"), (f"{platform}'s fixed cost of {coefficients[3] * 1e6:,.1f} µs per input alone exceeds "
                              f"the {1e6 / target_fps:,.1f} µs a target of {target_fps:,.0f} inputs/s allows: no "
                              "bandwidth or peak reaches it")
    return variable_s / budget_s, ""


def unmeasured_predictions(report: ModelReport, hardware: pd.DataFrame | None = None,
                           networks: tuple = ()) -> pd.DataFrame:
    """Every platform x precision x network variant of every task under ``hardware`` (default: the
    datasheet catalog) with its roofline and calibrated prediction, status and band, at the
    platform's usual measured batch; configurations already measured are left out (their
    measurements say more)."""
    from qb_core.predictions import predict
    from qb_core.topology import TASKS

    frames = [predict(task, hardware, networks=networks).assign(task=task) for task in TASKS]
    grid = model_grid_predictions(report.fitted, pd.concat(frames, ignore_index=True), networks)
    measured = pd.MultiIndex.from_frame(report.rows[["device", "precision", "topology", "pruning_pct"]].astype(
        {"pruning_pct": float}))
    keys = pd.MultiIndex.from_frame(grid[["device", "precision", "topology", "pruning_pct"]].astype(
        {"pruning_pct": float}))
    return grid[~keys.isin(measured)].reset_index(drop=True)

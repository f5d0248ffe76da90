"""Latency and throughput at the batch a user asks, on the board or the accelerator alone, each
number with its evidence: measured, tested by a hold-out like it (with that platform's band), or
untested with the reason.

Model: one fit per platform and level (accelerator: ``lat_comp_ms``; board: ``lat_sys_ms``)
---------------------------------------------------------------------------------------------
Seconds to run a batch of B inputs::

    t(B) = c_batch                         fixed cost per batch (launch, host round trip)
         + c_layer  x L                    each of the network's L multiply-accumulate layers is
                                           dispatched once per batch (a kernel, a DPU instruction)
         + c_w      x W_off / bandwidth    weights read once per batch: only the bytes that do not
                                           fit in on-chip memory, W_off = max(0, W - on-chip), so a
                                           network just over the capacity reads a little, not all
         + B x ( c_mac x MAC ops / peak    per input: the multiply-accumulates at a share of the peak
               + c_act x A / bandwidth     the activations written and read off chip
               + c_in )                    fixed cost per input (copying it in, host work)

peak and bandwidth are the platform's (op mode, precision; a what-if value where the user set
one), bytes use the precision's width. Coefficients are non-negative (exact NNLS over every
support); 1 / c_mac is the share of the peak reached, 1 / c_w and 1 / c_act shares of the
bandwidth, the others seconds: each is a claim about the hardware, read as one only where the
fit rests on at least :data:`MIN_CLAIM_NETWORKS` networks and more rows than terms. The fit
minimises the squared relative error of t over every measured batch of every configuration
(the batch sweeps, not only the best batch). Latency at batch B is t(B), throughput B / t(B); the
best batch is the one among those the platform was measured at with the highest B / t(B).

The form was chosen from the physics before any held-out error was computed (QuTiBench's roofline
terms, plus the per-batch and per-input costs a batch sweep separates and the per-layer dispatch
that makes deep networks slow at batch 1); no other form was fitted. One change came after the
first held-out errors were seen: TX2's multiply-accumulates came out at 112 % of the datasheet
peak (forced by its MLP rows, measured above the peak), so the MAC coefficient is now bounded at
100 % of the peak, the one bound the physics sets (accelerator, best-batch throughput, TX2, NCS2
and EdgeTPU: 30.9 % -> 22.0 % median held-out error; batch-1 latency 15.3 % -> 14.9 %). The model
it replaces (best batch only, four terms per platform) was retired with it.

Evidence, computed by one function (:func:`untested_reason_at`) in the hold-out and in the app
-----------------------------------------------------------------------------------------------
``measured``: that configuration was measured at that batch and level (the measurement is shown).
``tested``: the network hold-out (every configuration of one network left out of its platform's
fit) evaluated predictions of this kind (platform, level, question), and this prediction is like
them: its fit rests on at least :data:`MIN_FIT_NETWORKS` networks, its precision and layer types
were measured on the platform, its operations and weights lie within :data:`RANGE_FACTOR` of
the range measured there, its batch inside the measured batches. ``untested: <reason>``
otherwise, with no band. RANGE_FACTOR = 4: leaving a network out, the held-out networks lay up to
3.7x outside the others' range of operations or weights (ResNet-50's weights against GoogLeNet's
on the DPUs, MobileNet's operations on EdgeTPU 2.8x); further than 4x is beyond anything the
hold-out exercised, not a judgement of its errors.

Band (80 %): measured / predicted within exp(+-q), q the 80th percentile of the platform's held-out
|log(measured / predicted)| for that level and question (pooled over platforms, and said so, where
the platform has fewer than :data:`MIN_BAND_ERRORS`). For coverage, each held-out network's band
comes from fits that left it out too (leave two networks out).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from qb_core.analyses.predictions import predict
from qb_core.model.nnls import solve_nonnegative
from qb_core.networks.bundled import variant_type_totals
from qb_core.networks.layer_table import MAC_TYPES
from qb_core.networks.user import layer_tables
from qb_core.question import LEVEL_COLUMNS, LEVELS, QUESTION_TEXT, QUESTIONS, level_figures
from qb_core.roofline_formulas import OPS_PER_TOP
from qb_core.units import above as above_limit
from qb_core.units import (
    bytes_from_mb,
    bytes_per_s_from_gbps,
    inputs_per_s_from_seconds,
    ms_from_s,
    s_from_ms,
    seconds_per_input,
    us_from_s,
)
from qb_core.vocabulary import CONFIG_KEYS, TASKS, VARIANT_KEYS, bytes_per_element

MIN_FIT_NETWORKS = 2
MIN_CLAIM_NETWORKS = 3
RANGE_FACTOR = 4.0
BAND_LEVEL = 0.8
MIN_BAND_ERRORS = 5
TESTED = "tested"
MEASURED = "measured"
UNIT_KEYS: tuple[str, ...] = ("platform", "level", *CONFIG_KEYS)


@dataclass(frozen=True)
class Term:
    """One term of the model: its name, whether it is paid per batch or per input, what it is, the
    quantity it multiplies, and what its coefficient claims (``seconds``, ``seconds per layer``,
    a share of the ``peak`` or of the ``bandwidth``)."""

    name: str
    per: str
    what: str
    formula: str
    claim: str


TERMS: tuple[Term, ...] = (
    Term("batch_s", "batch", "fixed cost per batch", "1", "seconds"),
    Term("layer_s", "batch", "dispatch of each MAC layer", "MAC layers", "seconds per layer"),
    Term("weights_s", "batch", "weights read off chip", "max(0, weight bytes - on-chip bytes) / bandwidth",
         "bandwidth"),
    Term("macs_s", "input", "multiply-accumulates", "MAC ops / peak", "peak"),
    Term("activations_s", "input", "activations off chip", "activation bytes / bandwidth", "bandwidth"),
    Term("input_s", "input", "fixed cost per input", "1", "seconds"),
)
TERM_NAMES: tuple[str, ...] = tuple(t.name for t in TERMS)
_PER_INPUT = np.array([t.per == "input" for t in TERMS])
#: columns a row needs for the model's quantities
FEATURE_COLUMNS: tuple[str, ...] = ("platform", *CONFIG_KEYS, "task", "peak_tops",
                                    "bandwidth_gbps", "on_chip_mb", "conv_ops", "depthwise_ops", "fc_ops", "params",
                                    "activation_elems", "layer_types", "mac_layers")


# --- quantities and rows ---

def quantities(rows: pd.DataFrame) -> np.ndarray:
    """N x len(TERMS) quantities, each term's by its name and in :data:`TERMS` order, before the
    batch: 1, MAC layers, off-chip weight seconds, MAC seconds per input, activation seconds per
    input, 1 (an unknown on-chip size holds nothing)."""
    width = bytes_per_element(rows["precision"])
    bandwidth = bytes_per_s_from_gbps(rows["bandwidth_gbps"].to_numpy(dtype=float))
    peak = rows["peak_tops"].to_numpy(dtype=float) * OPS_PER_TOP
    on_chip = np.nan_to_num(bytes_from_mb(rows["on_chip_mb"].to_numpy(dtype=float)), nan=0.0)
    weight_off = np.maximum(rows["params"].to_numpy(dtype=float) * width - on_chip, 0.0)
    ops = (rows["conv_ops"].to_numpy(dtype=float) + rows["depthwise_ops"].to_numpy(dtype=float)
           + rows["fc_ops"].to_numpy(dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        by_term = {"batch_s": np.ones(len(rows)), "layer_s": rows["mac_layers"].to_numpy(dtype=float),
                   "weights_s": weight_off / bandwidth, "macs_s": ops / peak,
                   "activations_s": rows["activation_elems"].to_numpy(dtype=float) * width / bandwidth,
                   "input_s": np.ones(len(rows))}
    missing = [t.name for t in TERMS if t.name not in by_term]
    if missing:  # a term declared without its quantity would shift every column after it
        raise KeyError(f"no quantity for the model term(s) {', '.join(missing)}")
    return np.column_stack([by_term[t.name] for t in TERMS])


def design(base: np.ndarray, batch: np.ndarray) -> np.ndarray:
    """The model's terms for a batch: per-batch quantities as they are, per-input ones x batch."""
    return np.where(_PER_INPUT[None, :], base * np.asarray(batch, dtype=float)[:, None], base)


def seconds(coefficients: np.ndarray, base: np.ndarray, batch: np.ndarray) -> np.ndarray:
    """t(B) for each row (coefficients N x terms, or one row of them)."""
    return np.einsum("ni,ni->n", design(base, batch), np.broadcast_to(coefficients, base.shape))


def _ops(frame: pd.DataFrame) -> np.ndarray:
    return (frame["conv_ops"].to_numpy(dtype=float) + frame["depthwise_ops"].to_numpy(dtype=float)
            + frame["fc_ops"].to_numpy(dtype=float))


def sweep_rows(measured: pd.DataFrame, hardware: pd.DataFrame, networks: tuple = ()) -> pd.DataFrame:
    """Every measured row of every batch, once per level it was measured at: the datasheet figures
    of its device and precision, its network's per-type totals, ``time_s`` (the batch's latency,
    else batch / throughput) and ``fps`` (the throughput, else batch / latency). Rows without a
    layer table or a datasheet peak are left out (they cannot be modelled)."""

    figures = hardware[["device", "precision", "peak_tops", "bandwidth_gbps", "on_chip_mb"]].drop_duplicates(
        ["device", "precision"])
    rows = measured.drop(columns=[c for c in ("peak_tops", "bandwidth_gbps", "on_chip_mb") if c in measured])
    rows = rows.merge(figures, on=["device", "precision"], how="inner")
    totals = variant_type_totals(rows, layer_tables(networks))
    rows = rows.merge(totals, on=list(VARIANT_KEYS), how="left")
    frames = []
    for level in LEVEL_COLUMNS:
        fps, latency_ms = level_figures(rows, level)  # each from its own column, else from the other and the batch
        frames.append(rows.assign(level=level, time_s=s_from_ms(latency_ms), fps=fps))
    out = pd.concat(frames, ignore_index=True)
    keep = (np.isfinite(out["time_s"]) & (out["time_s"] > 0) & out["layer_types"].fillna("").ne("")
            & np.isfinite(out["peak_tops"]) & (out["peak_tops"] > 0))
    out = out[keep.to_numpy()].reset_index(drop=True)
    return out.assign(pruning_pct=out["pruning_pct"].astype(float), batch=out["batch"].astype(float),
                      ops=_ops(out))


# --- fitting ---

#: Lower bound of each coefficient: the multiply-accumulates cannot run above the datasheet peak
#: (c_mac >= 1); every other coefficient is only non-negative (weights and activations may be
#: cached on chip beyond the estimate, so their bandwidth shares are not bounded by 100 %).
LOWER_BOUND = np.array([1.0 if t.claim == "peak" else 0.0 for t in TERMS])


def _sums(terms: np.ndarray, time_s: np.ndarray) -> np.ndarray:
    """Per row, the normal equations of min (x c / t - 1)^2 over c = :data:`LOWER_BOUND` + c' with
    c' >= 0: x x' / t^2, x / t times the target left for c' (1 - x . bound / t), and its square."""
    scaled = terms / time_s[:, None]
    target = 1.0 - scaled @ LOWER_BOUND
    outer = np.einsum("ni,nj->nij", scaled, scaled).reshape(len(scaled), -1)
    return np.column_stack([outer, scaled * target[:, None], target**2])


def fit_many(masks: np.ndarray, terms: np.ndarray, time_s: np.ndarray) -> np.ndarray:
    """Coefficients (fits x terms) of each fit, trained on the rows its mask (fits x rows, 0/1) holds;
    NaN where a fit has no row."""
    k = terms.shape[1]
    sums = masks.astype(float) @ _sums(terms, time_s)
    free = solve_nonnegative(sums[:, : k * k].reshape(-1, k, k), sums[:, k * k: k * k + k], sums[:, -1])
    empty = masks.sum(axis=1) == 0
    free = np.where(np.isnan(free) & ~empty[:, None], 0.0, free)  # the bound alone fits every row exactly
    return np.where(empty[:, None], np.nan, free + LOWER_BOUND)


# --- evidence ---

class Trained(NamedTuple):
    """What one fit saw: its networks, precisions, tasks, layer types, the range of operations,
    weights and batches of its rows, how many rows."""

    networks: frozenset
    precisions: frozenset
    tasks: frozenset
    layer_types: frozenset
    ops: tuple[float, float]
    params: tuple[float, float]
    batches: tuple[float, float]
    rows: int


def trained(rows: pd.DataFrame) -> Trained:
    """What a fit trained on ``rows`` saw."""
    return TrainingColumns.of(rows).trained(np.ones(len(rows), dtype=bool))


class TrainingColumns(NamedTuple):
    """The columns :class:`Trained` reads, factorized once, so what each of many fits saw is read
    off its row mask with numpy instead of a take of the whole frame per fit."""

    networks: tuple[np.ndarray, np.ndarray]
    precisions: tuple[np.ndarray, np.ndarray]
    tasks: tuple[np.ndarray, np.ndarray]
    layer_types: tuple[np.ndarray, np.ndarray]
    ops: np.ndarray
    params: np.ndarray
    batch: np.ndarray

    @classmethod
    def of(cls, rows: pd.DataFrame) -> TrainingColumns:
        def codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
            values, uniques = pd.factorize(column.astype(str))
            return values, np.asarray(uniques, dtype=object)

        return cls(codes(rows["topology"]), codes(rows["precision"]), codes(rows["task"]),
                   codes(rows["layer_types"].fillna("")), rows["ops"].to_numpy(dtype=float),
                   rows["params"].to_numpy(dtype=float), rows["batch"].to_numpy(dtype=float))

    def trained(self, mask: np.ndarray) -> Trained:
        """What the fit on the rows where ``mask`` holds saw."""
        def seen(pair: tuple[np.ndarray, np.ndarray]) -> frozenset:
            return frozenset(pair[1][np.unique(pair[0][mask])])

        def span(values: np.ndarray) -> tuple[float, float]:
            return float(values[mask].min()), float(values[mask].max())

        types = frozenset(t for text in seen(self.layer_types) for t in text.split("|") if t)
        return Trained(seen(self.networks), seen(self.precisions), seen(self.tasks), types, span(self.ops),
                       span(self.params), span(self.batch), int(mask.sum()))


def _outside(values: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    low, high = bounds
    return (values < low / RANGE_FACTOR) | (values > high * RANGE_FACTOR)


def _amount(value: float) -> str:
    for size, unit in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if abs(value) >= size:
            return f"{value / size:,.3g}{unit}"
    return f"{value:,.3g}"


class JudgedColumns(NamedTuple):
    """What :func:`untested_reason` reads of the judged rows, extracted once (layer types as codes
    into their distinct texts), so many judgements over slices of one table stay in numpy."""

    precision: np.ndarray
    type_codes: np.ndarray
    type_texts: np.ndarray
    ops: np.ndarray
    params: np.ndarray
    batch: np.ndarray
    incomplete: np.ndarray
    whatif: np.ndarray

    @classmethod
    def of(cls, judged: pd.DataFrame) -> JudgedColumns:
        codes, texts = pd.factorize(judged["layer_types"].fillna("").astype(str))
        n = len(judged)
        incomplete = (judged["incomplete"].fillna("").astype(str).to_numpy(dtype=object) if "incomplete" in judged
                      else np.full(n, "", dtype=object))
        whatif = (judged["whatif"].fillna(False).astype(bool).to_numpy() if "whatif" in judged
                  else np.zeros(n, dtype=bool))
        return cls(judged["precision"].astype(str).to_numpy(dtype=object), codes, np.asarray(texts, dtype=object),
                   judged["ops"].to_numpy(dtype=float), judged["params"].to_numpy(dtype=float),
                   judged["batch"].to_numpy(dtype=float), incomplete, whatif)


def untested_reason(fit: Trained | None, judged: pd.DataFrame, platform: str, level: str) -> np.ndarray:
    """Per judged row (precision, task, topology, layer_types, ops, params, batch; optionally
    ``incomplete`` and ``whatif``), why a prediction from ``fit`` is not tested ("" where it is):
    the rules of the module notes, the first that applies."""
    return untested_reason_at(fit, JudgedColumns.of(judged), np.arange(len(judged)), platform, level)


def untested_reason_at(fit: Trained | None, columns: JudgedColumns, at: np.ndarray, platform: str,
                       level: str) -> np.ndarray:
    """:func:`untested_reason` of the rows ``at`` of the table ``columns`` were read from."""
    n = len(at)
    if fit is None:
        return np.full(n, f"nothing measured on {platform} at the {level} level", dtype=object)
    if len(fit.networks) < MIN_FIT_NETWORKS:
        return np.full(n, f"{platform}'s {level} fit rests on {len(fit.networks)} network(s) "
                          f"({', '.join(sorted(fit.networks))}): too few for a network hold-out", dtype=object)
    unseen_text = np.array([", ".join(x for x in t.split("|") if x and x not in fit.layer_types)
                            for t in columns.type_texts] + [""], dtype=object)
    unseen = unseen_text[columns.type_codes[at]]
    ops, params, batch = columns.ops[at], columns.params[at], columns.batch[at]
    incomplete, precision = columns.incomplete[at], columns.precision[at]
    label = f" on {platform}"
    conditions = [
        incomplete != "",
        columns.whatif[at],
        ~np.isin(precision, list(fit.precisions)),
        unseen != "",
        _outside(ops, fit.ops),
        _outside(params, fit.params),
        (batch < fit.batches[0]) | (batch > fit.batches[1]),
    ]
    texts = [
        "the network was " + incomplete.astype(str).astype(object),
        np.full(n, f"what-if hardware (the hold-out tested{label}'s datasheet figures)", dtype=object),
        precision.astype(str).astype(object) + (" was never measured" + label),
        unseen.astype(str).astype(object) + (" layers were never measured" + label),
        _each(conditions[4], ops, lambda v: f"{_amount(v)} ops per input is more than {RANGE_FACTOR:g}x outside the "
                                            f"{_amount(fit.ops[0])}-{_amount(fit.ops[1])} measured{label}"),
        _each(conditions[5], params, lambda v: f"{_amount(v)} weights is more than {RANGE_FACTOR:g}x outside the "
                                               f"{_amount(fit.params[0])}-{_amount(fit.params[1])} measured{label}"),
        _each(conditions[6], batch, lambda b: f"batch {b:g} is outside the batches measured{label} "
                                              f"({fit.batches[0]:g}-{fit.batches[1]:g})"),
    ]
    return np.select(conditions, texts, "").astype(object)


def _each(where: np.ndarray, values: np.ndarray, text) -> np.ndarray:
    """``text(value)`` at the rows ``where`` holds (one sentence per distinct value), "" elsewhere."""
    out = np.full(len(values), "", dtype=object)
    if where.any():
        distinct, inverse = np.unique(values[where], return_inverse=True)
        out[where] = np.array([text(v) for v in distinct], dtype=object)[inverse.ravel()]
    return out


# --- questions over a table of per-row predictions ---

def question_units(rows: pd.DataFrame, predicted_s: np.ndarray, reason: np.ndarray, question: str,
                   extra_keys: tuple[str, ...] = ()) -> pd.DataFrame:
    """The held-out units of one question: ``batch`` (every measured row: its latency),
    ``latency-b1`` (rows at batch 1), ``throughput-best`` (each configuration: its best measured
    throughput against the best predicted over the same batches). Columns: the unit's keys (and
    ``extra_keys`` of ``rows``), batch, measured, predicted (seconds for latency, inputs/s for
    throughput), reason."""
    keys = [*UNIT_KEYS, *extra_keys]
    frame = rows[[*keys, "task", "batch"]].assign(
        measured_s=rows["time_s"].to_numpy(), measured_fps=rows["fps"].to_numpy(), predicted_s=predicted_s,
        predicted_fps=rows["batch"].to_numpy(dtype=float) / predicted_s, reason=reason).reset_index(drop=True)
    if question == "batch":
        return frame.assign(measured=frame["measured_s"], predicted=frame["predicted_s"])
    if question == "latency-b1":
        ones = frame[frame["batch"] == 1]
        return ones.assign(measured=ones["measured_s"], predicted=ones["predicted_s"])
    grouped = frame.groupby(keys, sort=False)
    best = frame.loc[grouped["measured_fps"].idxmax()]
    predicted = grouped["predicted_fps"].max()
    return best.assign(measured=best["measured_fps"],
                       predicted=predicted.reindex(pd.MultiIndex.from_frame(best[keys])).to_numpy())


# --- the hold-out ---

class Fits(NamedTuple):
    """Every fit the model needs: its platform, level, the networks it left out, its training
    mask over the rows, and its coefficients."""

    platform: np.ndarray
    level: np.ndarray
    left_out: list[frozenset]
    masks: np.ndarray
    coefficients: np.ndarray


HOLDOUTS: tuple[str, ...] = ("network", "variant", "config")


def holdout_groups(rows: pd.DataFrame, holdout: str) -> np.ndarray:
    """Each row's held-out group: its network, network variant, or configuration (device x
    precision x variant)."""
    variant = rows["topology"].astype(str) + " " + rows["pruning_pct"].astype(float).map("{:g}%".format)
    if holdout == "network":
        return rows["topology"].astype(str).to_numpy()
    if holdout == "variant":
        return variant.to_numpy()
    if holdout == "config":
        return (rows["device"].astype(str) + "|" + rows["precision"].astype(str) + "|" + variant).to_numpy()
    raise ValueError(f"holdout must be one of {', '.join(HOLDOUTS)}, got {holdout!r}")


def _plan(rows: pd.DataFrame, depth: int) -> tuple[list[tuple[str, str, frozenset]], np.ndarray]:
    """Fits leaving out 0, 1 or 2 (``depth``) held-out groups (``rows["group"]``) of each platform x level."""
    plans, masks = [], []
    groups = rows.groupby(["platform", "level"], sort=True).indices
    topology = rows["group"].astype(str).to_numpy()
    for (platform, level), index in groups.items():
        nets = sorted(set(topology[index]))
        choices = [frozenset()]
        if depth >= 1:
            choices += [frozenset([a]) for a in nets]
        if depth >= 2:
            choices += [frozenset([a, b]) for i, a in enumerate(nets) for b in nets[i + 1:]]
        for out in choices:
            mask = np.zeros(len(rows), dtype=bool)
            mask[index] = True
            if out:
                mask &= ~np.isin(topology, list(out))
            plans.append((platform, level, out))
            masks.append(mask)
    return plans, np.array(masks) if masks else np.zeros((0, len(rows)), dtype=bool)


def fit_plan(rows: pd.DataFrame, base: np.ndarray, depth: int) -> Fits:
    plans, masks = _plan(rows, depth)
    terms = design(base, rows["batch"].to_numpy(dtype=float))
    coefficients = (fit_many(masks, terms, rows["time_s"].to_numpy(dtype=float)) if len(plans)
                    else np.zeros((0, len(TERMS))))
    return Fits(np.array([p[0] for p in plans], dtype=object), np.array([p[1] for p in plans], dtype=object),
                [p[2] for p in plans], masks, coefficients)


def _fit_index(fits: Fits) -> dict[tuple[str, str, frozenset], int]:
    return {(p, lv, out): i for i, (p, lv, out) in enumerate(zip(fits.platform, fits.level, fits.left_out,
                                                                strict=True))}


def _held_out_predictions(rows: pd.DataFrame, base: np.ndarray, fits: Fits,
                          leave: dict[int, frozenset] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each row predicted by the fit of its platform and level that left out its own network (and
    ``leave[row]`` more), with the reason it is untested under that fit ("" when tested)."""
    index = _fit_index(fits)
    predicted = np.full(len(rows), np.nan)
    reason = np.full(len(rows), "", dtype=object)
    keys = rows[["platform", "level", "group"]].astype(str)
    columns, judging = TrainingColumns.of(rows), JudgedColumns.of(rows)
    for (platform, level, topology), at in keys.groupby(["platform", "level", "group"], sort=False).indices.items():
        out = frozenset([topology])
        fit_id = index.get((platform, level, out))
        if fit_id is None:
            continue
        mask = fits.masks[fit_id].astype(bool)
        fit = columns.trained(mask) if mask.any() else None
        predicted[at] = seconds(fits.coefficients[fit_id], base[at], judging.batch[at])
        reason[at] = untested_reason_at(fit, judging, at, platform, level)
    bad = ~(np.isfinite(predicted) & (predicted > 0))
    reason = np.where(bad & (reason == ""), "the fit could not predict it", reason)
    return predicted, reason


def _pair_predictions(rows: pd.DataFrame, base: np.ndarray, fits: Fits) -> pd.DataFrame:
    """For every pair (network g left out for its band, network h judged) of a platform x level:
    h's rows predicted by the fit without g and h, with the reason each is untested under it. The
    rows of ``rows`` with ``band_for`` = g, ``predicted_s`` and ``reason``."""
    index = _fit_index(fits)
    positions, band_for, predicted, reasons = [], [], [], []
    topology = rows["group"].astype(str).to_numpy()
    columns, judging = TrainingColumns.of(rows), JudgedColumns.of(rows)
    for (platform, level), at in rows.groupby(["platform", "level"], sort=False).indices.items():
        nets = sorted(set(topology[at]))
        for g in nets:
            for h in nets:
                fit_id = index.get((platform, level, frozenset([g, h])))
                if g == h or fit_id is None:
                    continue
                judged_at = at[topology[at] == h]
                mask = fits.masks[fit_id].astype(bool)
                reasons.append(untested_reason_at(columns.trained(mask) if mask.any() else None, judging, judged_at,
                                                  platform, level))
                predicted.append(seconds(fits.coefficients[fit_id], base[judged_at], judging.batch[judged_at]))
                positions.append(judged_at)
                band_for.append(np.full(len(judged_at), g, dtype=object))
    if not positions:
        return rows.iloc[0:0].assign(band_for="", predicted_s=0.0, reason="")
    return rows.iloc[np.concatenate(positions)].reset_index(drop=True).assign(
        band_for=np.concatenate(band_for), predicted_s=np.concatenate(predicted), reason=np.concatenate(reasons))


def _nested_bands(pairs: pd.DataFrame, question: str) -> dict[tuple[str, str, str], float]:
    """(platform, level, g) -> q of the band of network g for ``question``, from the tested errors
    of the other networks' units predicted by fits that left g out too."""
    if pairs.empty:
        return {}
    units = question_units(pairs, pairs["predicted_s"].to_numpy(), pairs["reason"].to_numpy(), question,
                           ("group", "band_for"))
    ok = units["reason"].eq("") & np.isfinite(units["predicted"]) & (units["predicted"] > 0)
    units = units[ok]
    ratio = np.log(units["measured"].to_numpy(dtype=float) / units["predicted"].to_numpy(dtype=float))
    frame = pd.DataFrame({"platform": units["platform"].astype(str).to_numpy(),
                          "level": units["level"].astype(str).to_numpy(),
                          "band_for": units["band_for"].astype(str).to_numpy(), "log_ratio": ratio})
    return {key: band_q(g["log_ratio"].to_numpy()) for key, g in frame.groupby(["platform", "level", "band_for"])}


def band_q(log_ratios: np.ndarray) -> float:
    """q of the 80 % band: the 80th percentile of |log(measured / predicted)|; NaN with fewer than
    :data:`MIN_BAND_ERRORS` errors."""
    values = np.abs(np.asarray(log_ratios, dtype=float))
    values = values[np.isfinite(values)]
    return float(np.quantile(values, BAND_LEVEL)) if len(values) >= MIN_BAND_ERRORS else float("nan")


def holdout_table(rows: pd.DataFrame, base: np.ndarray, single: Fits, pairs: Fits | None) -> pd.DataFrame:
    """Every held-out unit of every question: measured, predicted, signed error in percent, the
    reason it is untested ("" when tested), its nested band (``band_q``, ``band_source``: the
    platform's or pooled over the others; only where ``pairs``, the fits leaving two groups out,
    are given) and whether the measurement fell inside it."""
    predicted_s, reason = _held_out_predictions(rows, base, single)
    pair_rows = _pair_predictions(rows, base, pairs) if pairs is not None else rows.iloc[0:0]
    frames = []
    for question in QUESTIONS:
        units = question_units(rows, predicted_s, reason, question, ("group",)).assign(question=question)
        with np.errstate(divide="ignore", invalid="ignore"):
            units["log_ratio"] = np.log(units["measured"].to_numpy(dtype=float) / units["predicted"].to_numpy(
                dtype=float))
        tested = units["reason"].eq("") & np.isfinite(units["log_ratio"])
        units["log_ratio"] = units["log_ratio"].where(tested)
        own = _nested_bands(pair_rows, question)
        keys = units[["platform", "level", "group"]].astype(str)
        q = np.array([own.get(key, np.nan) for key in keys.itertuples(index=False, name=None)])
        pooled_by = {(p, lv): band_q(units.loc[tested & units["level"].eq(lv) & units["platform"].ne(p), "log_ratio"])
                     for p, lv in keys[["platform", "level"]].drop_duplicates().itertuples(index=False, name=None)}
        pooled = np.array([pooled_by[key] for key in keys[["platform", "level"]].itertuples(index=False, name=None)])
        source = np.where(np.isfinite(q), "platform", np.where(np.isfinite(pooled), "pooled over platforms", ""))
        units["band_q"] = np.where(np.isfinite(q), q, pooled)
        units["band_source"] = source
        units["in_band"] = np.where(tested & np.isfinite(units["band_q"]),
                                    np.abs(units["log_ratio"]) <= units["band_q"], np.nan)
        frames.append(units)
    out = pd.concat(frames, ignore_index=True)
    out["error_pct"] = 100.0 * (out["predicted"] - out["measured"]) / out["measured"]
    out["evidence"] = np.where(out["reason"].eq(""), TESTED, "untested")
    return out


# --- the fitted model ---

class BatchModel(NamedTuple):
    """The model fitted on every measured batch: the rows it saw, its coefficients per platform
    and level, what each full fit saw (:class:`Trained`), the network hold-out's table of every
    question and the band per platform, level and question; the batches each platform x level was
    measured at (sorted), read once."""

    rows: pd.DataFrame
    coefficients: pd.DataFrame
    trained: dict[tuple[str, str], Trained]
    holdout: pd.DataFrame
    bands: pd.DataFrame
    batches: dict[tuple[str, str], np.ndarray]


def judge_holdout(model: BatchModel, holdout: str) -> pd.DataFrame:
    """The held-out table of ``holdout`` (network: the model's own, with nested bands; variant or
    config: each group left out of its fit, judged by the same rules, with the network hold-out's
    band per platform, level and question, not nested)."""
    if holdout == "network":
        return model.holdout
    rows = model.rows.assign(group=holdout_groups(model.rows, holdout))
    base = quantities(rows)
    table = holdout_table(rows, base, fit_plan(rows, base, 1), None)
    bands = model.bands.set_index(["platform", "level", "question"])["band_q"]
    q = bands.reindex(pd.MultiIndex.from_frame(table[["platform", "level", "question"]])).to_numpy(dtype=float)
    tested = table["evidence"].eq(TESTED).to_numpy() & np.isfinite(q)
    return table.assign(band_q=q, band_source=np.where(np.isfinite(q), "network hold-out band", ""),
                        in_band=np.where(tested, np.abs(table["log_ratio"]) <= q, np.nan))


def band_table(holdout: pd.DataFrame) -> pd.DataFrame:
    """Per platform x level x question: tested and untested held-out units, median |error| of each,
    the band q from the platform's tested errors (``source`` platform) or pooled over the other
    platforms where it has fewer than :data:`MIN_BAND_ERRORS` (``source`` pooled), and how often
    the nested band held."""
    holdout = holdout.assign(abs_error=holdout["error_pct"].abs(), tested=holdout["evidence"].eq(TESTED))
    rows = []
    for (platform, level, question), g in holdout.groupby(["platform", "level", "question"], sort=True):
        tested = g[g["tested"]]
        own = band_q(tested["log_ratio"])
        others = holdout[holdout["tested"] & holdout["level"].eq(level) & holdout["question"].eq(question)
                         & holdout["platform"].ne(platform)]
        pooled = band_q(others["log_ratio"])
        q, source = (own, "platform") if np.isfinite(own) else (pooled, "pooled over platforms")
        rows.append({"platform": platform, "level": level, "question": question, "units": len(g),
                     "tested": len(tested), "tested_median_abs_error_pct": tested["abs_error"].median(),
                     "untested_median_abs_error_pct": g.loc[~g["tested"], "abs_error"].median(),
                     "band_q": q, "band_source": source if np.isfinite(q) else "",
                     "band_coverage_pct": 100.0 * tested["in_band"].mean() if len(tested) else np.nan})
    return pd.DataFrame(rows)


def build_batch_model(measured: pd.DataFrame, hardware: pd.DataFrame, networks: tuple = ()) -> BatchModel:
    """Fit every platform x level on every measured batch and judge it leaving whole networks out;
    raises ValueError when nothing can be modelled."""
    rows = sweep_rows(measured, hardware, networks)
    if rows.empty:
        raise ValueError("no measured row pairs with a datasheet peak and a layer table: nothing to model")
    rows = rows.assign(group=holdout_groups(rows, "network"))
    base = quantities(rows)
    full = fit_plan(rows, base, 0)
    single = fit_plan(rows, base, 1)
    pairs = fit_plan(rows, base, 2)
    holdout = holdout_table(rows, base, single, pairs)
    fits = {}
    records = []
    columns = TrainingColumns.of(rows)
    for fit_id, (platform, level) in enumerate(zip(full.platform, full.level, strict=True)):
        fits[(platform, level)] = columns.trained(full.masks[fit_id].astype(bool))
        records.append({"platform": platform, "level": level, **dict(zip(TERM_NAMES, full.coefficients[fit_id],
                                                                         strict=True)),
                        "rows": fits[(platform, level)].rows,
                        "networks": ", ".join(sorted(fits[(platform, level)].networks)),
                        "network_count": len(fits[(platform, level)].networks)})
    coefficients = pd.DataFrame(records).set_index(["platform", "level"])
    batches = {key: np.sort(g["batch"].unique()) for key, g in rows.groupby(["platform", "level"])}
    return BatchModel(rows, coefficients, fits, holdout, band_table(holdout), batches)


# --- answering a question ---

def platform_batches(model: BatchModel) -> dict[tuple[str, str], np.ndarray]:
    """The batches each platform x level was measured at (sorted)."""
    return model.batches


def _coefficients_of(model: BatchModel, platform: np.ndarray, level: str) -> tuple[np.ndarray, np.ndarray]:
    keys = pd.MultiIndex.from_arrays([platform, np.full(len(platform), level)])
    table = model.coefficients[list(TERM_NAMES)].reindex(keys)
    return table.to_numpy(dtype=float), table.notna().all(axis=1).to_numpy()


def predict_rows(model: BatchModel, grid: pd.DataFrame, level: str, question: str,
                 batch: float | None = None) -> pd.DataFrame:
    """The model's answer for every row of ``grid`` (:data:`FEATURE_COLUMNS`, possibly what-if peak and
    bandwidth, ``whatif`` and ``incomplete`` flags): ``batch`` (1, the best of the platform's
    measured batches, or the one asked), ``latency_ms``, ``fps`` with their 80 % band where tested,
    ``evidence`` (tested / untested) and ``reason``. Measurements are not looked up here
    (:func:`answer` does)."""
    grid = grid.reset_index(drop=True)
    platform = grid["platform"].astype(str).to_numpy()
    coefficients, known = _coefficients_of(model, platform, level)
    base = quantities(grid)
    batches = platform_batches(model)
    if question == "latency-b1":
        chosen = np.ones(len(grid))
    elif question == "batch":
        chosen = np.full(len(grid), float(batch or 1))
    else:
        chosen = np.ones(len(grid))
        for p in np.unique(platform):
            at = platform == p
            candidates = batches.get((p, level), np.array([1.0]))
            with np.errstate(divide="ignore", invalid="ignore"):
                rates = np.column_stack([b / seconds(coefficients[at], base[at], np.full(at.sum(), b))
                                         for b in candidates])
            pick = np.nanargmax(np.where(np.isfinite(rates), rates, -np.inf), axis=1) if rates.size else 0
            chosen[at] = candidates[pick]
    with np.errstate(divide="ignore", invalid="ignore"):
        time_s = np.where(known, seconds(np.nan_to_num(coefficients), base, chosen), np.nan)
    judged = grid.assign(batch=chosen, ops=_ops(grid))
    reason = np.full(len(grid), "", dtype=object)
    columns = JudgedColumns.of(judged)  # once, as the hold-outs read them: the same rules in both
    for p in np.unique(platform):
        at = np.flatnonzero(platform == p)
        reason[at] = untested_reason_at(model.trained.get((p, level)), columns, at, p, level)
    bands = model.bands[(model.bands["level"] == level) & (model.bands["question"] == question)].set_index("platform")
    q = bands["band_q"].reindex(platform).to_numpy(dtype=float)
    source = bands["band_source"].reindex(platform).fillna("").to_numpy(dtype=object)
    tested_any = bands["tested"].reindex(platform).fillna(0).to_numpy() > 0
    coverage = bands["band_coverage_pct"].reindex(platform).to_numpy(dtype=float)
    reason = np.where((reason == "") & ~tested_any,
                      f"the hold-out on this platform tested no {QUESTION_TEXT[question]} at the {level} level", reason)
    ok = np.isfinite(time_s) & (time_s > 0)
    reason = np.where((reason == "") & ~ok, "the model has no fit for this platform", reason)
    tested = (reason == "") & np.isfinite(q)
    reason = np.where((reason == "") & ~tested, "no band: too few held-out errors anywhere", reason)
    latency_ms = np.where(ok, ms_from_s(time_s), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        fps = chosen / time_s
    return grid.assign(
        batch=chosen, level=level, question=question, latency_ms=latency_ms, fps=np.where(ok, fps, np.nan),
        latency_low_ms=np.where(tested, latency_ms * np.exp(-q), np.nan),
        latency_high_ms=np.where(tested, latency_ms * np.exp(q), np.nan),
        fps_low=np.where(tested, fps * np.exp(-q), np.nan), fps_high=np.where(tested, fps * np.exp(q), np.nan),
        evidence=np.where(tested, TESTED, "untested"), reason=reason,
        band_source=np.where(tested, source, ""), band_held_pct=np.where(tested, coverage, np.nan))


#: A band that held fewer held-out rows than this (of the 80 % it promises) is said to be too narrow.
BAND_HELD_MIN_PCT = 70.0


def weak_bands(model: BatchModel, level: str, question: str) -> pd.DataFrame:
    """Platforms whose 80 % band, checked on rows from fits that never saw their network (nested
    hold-out), held fewer than :data:`BAND_HELD_MIN_PCT` % of them at ``level`` for ``question``:
    ``platform``, ``band_held_pct``, ``tested`` (rows checked). A tested prediction there comes with
    a band narrower than it promises."""
    bands = model.bands[(model.bands["level"] == level) & (model.bands["question"] == question)]
    weak = bands[bands["band_coverage_pct"] < BAND_HELD_MIN_PCT]
    return weak.rename(columns={"band_coverage_pct": "band_held_pct"})[["platform", "band_held_pct", "tested"]]


def measured_answers(model: BatchModel, level: str, question: str, batch: float | None = None) -> pd.DataFrame:
    """The measurements that answer the question directly, per configuration (device, precision,
    topology, pruning): at batch 1, at the batch asked, or the best measured throughput with its
    batch; latency_ms and fps as measured."""
    rows = model.rows[model.rows["level"] == level]
    keys = list(CONFIG_KEYS)
    if question == "latency-b1":
        rows = rows[rows["batch"] == 1]
    elif question == "batch":
        rows = rows[rows["batch"] == float(batch or 1)]
    else:
        rows = rows.loc[rows.groupby(keys, sort=False)["fps"].idxmax()] if len(rows) else rows
    rows = rows.drop_duplicates(keys)
    return rows[[*keys, "batch"]].assign(latency_ms=ms_from_s(rows["time_s"]), fps=rows["fps"])


def answer(model: BatchModel, grid: pd.DataFrame, level: str, question: str,
           batch: float | None = None) -> pd.DataFrame:
    """:func:`predict_rows`, with the measurement in place of the prediction wherever the
    configuration was measured at that batch and level (``evidence`` = measured, no band)."""
    out = predict_rows(model, grid, level, question, batch)
    measured = measured_answers(model, level, question, batch)
    keys = list(CONFIG_KEYS)
    found = out[keys].astype({"pruning_pct": float}).merge(measured, on=keys, how="left", suffixes=("", "_m"))
    hit = found["latency_ms"].notna().to_numpy()
    out = out.copy()
    for column in ("batch", "latency_ms", "fps"):
        out[column] = np.where(hit, found[column].to_numpy(dtype=float), out[column].to_numpy(dtype=float))
    for column in ("latency_low_ms", "latency_high_ms", "fps_low", "fps_high", "band_held_pct"):
        out[column] = np.where(hit, np.nan, out[column].to_numpy(dtype=float))
    out["evidence"] = np.where(hit, MEASURED, out["evidence"])
    out["reason"] = np.where(hit, "", out["reason"])
    out["band_source"] = np.where(hit, "", out["band_source"])
    return out


def model_grid(hardware: pd.DataFrame, networks: tuple = (), whatif_devices: frozenset = frozenset()) -> pd.DataFrame:
    """Every platform x precision x network variant of every task under ``hardware`` (a long
    catalog, possibly what-if) with what the model reads (:data:`FEATURE_COLUMNS`), the raw
    roofline's inputs/s (``roofline_fps``, QuTiBench's storage assumption), ``whatif`` for the
    devices in ``whatif_devices`` and ``incomplete`` for a user's network counted in part."""

    frames = [predict(task, hardware, networks=networks).assign(task=task) for task in TASKS]
    grid = pd.concat(frames, ignore_index=True).rename(columns={"inputs_per_s": "roofline_fps"})
    totals = variant_type_totals(grid, layer_tables(networks))
    grid = grid.drop(columns=[c for c in totals.columns if c in grid and c not in VARIANT_KEYS])
    grid = grid.merge(totals, on=list(VARIANT_KEYS), how="left")
    partial = {n.name: n.incomplete for n in networks if n.incomplete}
    return grid.assign(pruning_pct=grid["pruning_pct"].astype(float),
                       incomplete=grid["topology"].astype(str).map(partial).astype(object).where(
                           grid["topology"].astype(str).isin(list(partial)), ""),
                       whatif=grid["device"].astype(str).isin(whatif_devices))


def scale_for_target(model: BatchModel, row: pd.DataFrame, level: str, target_fps: float,
                     scaled: tuple[str, ...] = ("peak", "bandwidth")) -> tuple[float, int, str]:
    """The factor by which the ``scaled`` datasheet figures (peak, bandwidth or both) must grow for
    the model to answer ``target_fps`` at the platform's best measured batch B, for one grid row.

    Notes
    -----
    t(B) / B = fixed + variable / s, with variable the terms divided by a scaled figure (c_mac x ops
    / peak for the peak; c_w x W_off / bandwidth / B and c_act x A / bandwidth for the bandwidth)
    and fixed every other term (per-batch costs / B, c_in, and the terms of a figure left as it is),
    so s = variable / (1 / target - fixed). Returns (s, B, "") or (NaN, B, why): no fit for the
    platform, or what does not scale already exceeds the target's time."""
    platform = str(row["platform"].iloc[0])
    if (platform, level) not in model.trained:
        return float("nan"), 0, f"nothing measured on {platform} at the {level} level: the model has no fit"
    coefficients = model.coefficients.loc[(platform, level), list(TERM_NAMES)].to_numpy(dtype=float)
    batches = platform_batches(model)[(platform, level)]
    best = float(batches.max())
    terms = design(quantities(row), np.array([best]))[0] * coefficients / best
    moves = np.array([t.claim in scaled for t in TERMS])
    fixed, variable = float(terms[~moves].sum()), float(terms[moves].sum())
    budget = float(seconds_per_input(target_fps)) - fixed
    figures = " and ".join(scaled)
    if budget <= 0 or variable <= 0:
        return float("nan"), int(best), (
            f"{platform}'s costs that its {figures} do not change ({us_from_s(fixed):,.1f} µs per input at batch "
            f"{best:g}) alone exceed the {us_from_s(seconds_per_input(target_fps)):,.1f} µs a target of "
            f"{target_fps:,.0f} inputs/s allows")
    return variable / budget, int(best), ""


#: The CLI's ``calibrate`` columns, in order (the question's quantity in ``measured``/``predicted``).
CALIBRATE_COLUMNS: tuple[str, ...] = (
    "task", *CONFIG_KEYS, "batch", "level", "measured_latency_ms",
    "predicted_latency_ms", "measured_fps", "roofline_fps", "predicted_fps", "band_low_fps", "band_high_fps",
    "error_pct", "status", "evidence",
)  # fmt: skip


def calibration_table(model: BatchModel, holdout: str, question: str, level: str,
                      grid: pd.DataFrame) -> pd.DataFrame:
    """The held-out rows of one hold-out, question and level (:data:`CALIBRATE_COLUMNS`, then
    ``platform`` and ``op_mode``): each
    measured unit with the prediction of a fit that never saw its group, the band (tested rows
    only), the signed error of the question's quantity (latency for ``latency-b1`` and ``batch``,
    throughput for ``throughput-best``), the datasheet roofline's inputs/s from ``grid``
    (:func:`model_grid`), ``status`` (tested, or untested: why) and ``evidence``."""
    table = judge_holdout(model, holdout)
    table = table[(table["question"] == question) & (table["level"] == level)].reset_index(drop=True)
    throughput = question == "throughput-best"
    batch = table["batch"].to_numpy(dtype=float)
    measured_s = np.where(throughput, batch * seconds_per_input(table["measured"]), table["measured"])
    predicted_s = np.where(throughput, batch * seconds_per_input(table["predicted"]), table["predicted"])
    tested = table["evidence"].eq(TESTED).to_numpy()
    q = table["band_q"].to_numpy(dtype=float)
    predicted_fps = batch * inputs_per_s_from_seconds(predicted_s)
    keys = list(CONFIG_KEYS)
    roofline = grid[[*keys, "roofline_fps"]].drop_duplicates(keys)
    roofline_fps = table[keys].merge(roofline, on=keys, how="left")["roofline_fps"].to_numpy(dtype=float)
    op_mode = table[["device"]].merge(grid[["device", "op_mode"]].drop_duplicates("device"), on="device",
                                      how="left")["op_mode"].fillna("").to_numpy()
    return pd.DataFrame({
        "task": table["task"], "device": table["device"], "precision": table["precision"],
        "topology": table["topology"], "pruning_pct": table["pruning_pct"], "batch": batch, "level": level,
        "measured_latency_ms": ms_from_s(measured_s), "predicted_latency_ms": ms_from_s(predicted_s),
        "measured_fps": batch * inputs_per_s_from_seconds(measured_s), "roofline_fps": roofline_fps,
        "predicted_fps": predicted_fps,
        "band_low_fps": np.where(tested, predicted_fps * np.exp(-q), np.nan),
        "band_high_fps": np.where(tested, predicted_fps * np.exp(q), np.nan),
        "error_pct": table["error_pct"], "status": np.where(tested, TESTED, "untested: " + table["reason"]),
        "evidence": table["evidence"], "platform": table["platform"], "op_mode": op_mode,
    })


def coefficient_claims(model: BatchModel) -> pd.DataFrame:
    """One row per platform x level x term: the coefficient and what it claims (a share of the
    datasheet peak or bandwidth, or microseconds), ``read_as_claim`` False where the fit rests on
    fewer than :data:`MIN_CLAIM_NETWORKS` networks or no more rows than terms (then it only fits).
    ``above_datasheet`` flags a share of the peak above 100 % (impossible; the fit bounds it); a
    bandwidth share above 100 % is said to mean less traffic than the estimate, which counts every
    weight and activation byte off chip."""
    records = []
    for (platform, level), fit in model.coefficients.iterrows():
        readable = fit["network_count"] >= MIN_CLAIM_NETWORKS and fit["rows"] > len(TERMS)
        for term in TERMS:
            value = float(fit[term.name])
            if term.claim in ("peak", "bandwidth"):
                share = 100.0 / value if value else float("inf")
                claim = ("not needed by the data (0)" if value == 0 else
                         f"{share:,.3g} % of the datasheet {term.claim}")
                if term.claim == "bandwidth" and value and bool(above_limit(share, 100.0)):
                    claim += ": less traffic than the off-chip estimate (part stays on chip) or poorly determined"
                above = term.claim == "peak" and value > 0 and bool(above_limit(share, 100.0))
            else:
                per_layer = " per layer" if term.claim == "seconds per layer" else ""
                claim, above = f"{us_from_s(value):,.3g} µs{per_layer}", False
            records.append({"platform": platform, "level": level, "term": term.what, "per": term.per,
                            "formula": term.formula, "coefficient": value, "claim": claim,
                            "above_datasheet": above, "read_as_claim": bool(readable),
                            "rows": int(fit["rows"]), "networks": fit["networks"]})
    return pd.DataFrame(records)


def summary(model: BatchModel, platforms: tuple[str, ...] = ("TX2", "NCS2", "EdgeTPU")) -> pd.DataFrame:
    """Per level x question over ``platforms`` together: tested share, median |error| of tested and
    of untested units, band coverage; the figures the issue's targets are judged on."""
    h = model.holdout[model.holdout["platform"].isin(platforms)]
    rows = []
    for (level, question), g in h.groupby(["level", "question"], sort=False):
        tested = g[g["evidence"] == TESTED]
        rows.append({"level": level, "question": question, "units": len(g), "tested_pct": 100.0 * len(tested) / len(g),
                     "tested_median_abs_error_pct": tested["error_pct"].abs().median(),
                     "untested_median_abs_error_pct": g.loc[g["evidence"] != TESTED, "error_pct"].abs().median(),
                     "band_coverage_pct": 100.0 * tested["in_band"].mean() if len(tested) else np.nan})
    return pd.DataFrame(rows)


__all__ = ["HOLDOUTS", "LEVELS", "MAC_TYPES", "QUESTIONS", "TERMS", "BatchModel", "answer", "build_batch_model",
           "coefficient_claims", "judge_holdout", "predict_rows", "summary"]

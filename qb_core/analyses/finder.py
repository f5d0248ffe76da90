"""Find a deployment: a question and constraints in, the deployments that meet them out.

The question (:class:`qb_core.question.Asked`): batch-1 latency, throughput at the best batch, or
latency and throughput at a batch N, at the board level (what a deployment sees) or the
accelerator's. A *candidate* is one deployment (device x precision x network variant) at one
batch, with its figures and where they come from (``source``):

- ``measured``: a measured row at the question's batch (every batch for the best-batch question),
  its fps and latency at the question's level (``fps_system``/``lat_sys_ms`` or
  ``fps_comp``/``lat_comp_ms``), power = ``full_power_w``; its band is the figure itself;
- ``tested``: the batch-aware model's prediction (:mod:`qb_core.model.batch_model`) of a configuration
  the measurements do not answer, tested by the network hold-out, with its 80 % band;
- ``untested``: the model's figure where no hold-out tested a prediction like it (the reason in
  ``status`` and ``why``): not evidence;
- ``roofline``: the datasheet roofline where the model has no figure (a platform of your own):
  the datasheet's promise, not a prediction, and not evidence.

Only evidence (``measured``, ``tested``) can meet the constraints; untested and roofline rows that
would meet them are listed apart (:attr:`FinderResult.not_evidence`), each with its reason.

Notes
-----
mj_per_input = 1000 x power_w / fps                   (every row)
A constraint holds when value >= minimum (fps, top-1) or value <= limit (latency, power, energy):
limits are inclusive. An unknown figure (no power, no accuracy) cannot be shown to meet a
constraint on it, so it is a miss ("power unknown").
miss_score   = sum over missed constraints of |log(value / limit)| (the relative shortfall), plus
               :data:`UNKNOWN_MISS` (log 2: as if missed by a factor of 2) per unknown figure.
meets_at_band_low: the constraints still hold with fps = fps_low (latency and energy scaled by
fps / fps_low).

Choice and order (the tie-breaks are part of the contract, the tests check them):
- per deployment (device x precision x topology x pruning_pct x source) the batch that meets
  every constraint with the best objective (ties: the smaller batch); feasible deployments are
  ranked by the objective (ties: device, precision, topology, pruning_pct, source ascending); a
  missing objective value ranks last; the not-evidence rows the same way, apart;
- with nothing feasible, per evidence deployment the batch with the smallest miss_score (ties:
  better objective, smaller batch), ranked by miss_score (ties: objective, then the same keys).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
import pandas as pd

from qb_core.distinct import distinct_rows
from qb_core.measurements.accuracy import load_accuracy
from qb_core.question import LEVEL_COLUMNS, Asked, level_figures
from qb_core.units import batch_latency_ms, mj_per_input
from qb_core.vocabulary import CONFIG_KEYS, NETWORK_KEYS, PRECISIONS, TASKS, VARIANT_KEYS, pruning_key

SOURCES: tuple[str, ...] = ("measured", "tested", "untested", "roofline")
#: The sources that are evidence: only they can meet the constraints.
EVIDENCE: tuple[str, ...] = ("measured", "tested")
#: One configuration; with ``source``, one deployment.
DEPLOYMENT_KEYS: list[str] = [*CONFIG_KEYS, "source"]
CANDIDATE_COLUMNS: tuple[str, ...] = (
    "task", "device", "platform", "precision", *VARIANT_KEYS, "batch", "source", "fps", "fps_low",
    "fps_high", "latency_ms", "power_w", "mj_per_input", "top1_pct", "status", "why",
)  # fmt: skip
RESULT_COLUMNS: tuple[str, ...] = (
    *CANDIDATE_COLUMNS[:-2], "meets", "meets_at_band_low", "misses", "misses_fps", "miss_score", "status", "why",
)  # fmt: skip
LEFT_OUT_COLUMNS: tuple[str, ...] = (
    "task", "device", "platform", "precision", *VARIANT_KEYS, "batch", "source", "reason",
)  # fmt: skip
#: The model answers :func:`model_candidates` reads (:func:`qb_core.model.batch_model.predict_rows`).
ANSWER_COLUMNS: tuple[str, ...] = (
    "task", "device", "platform", "precision", *VARIANT_KEYS, "batch", "roofline_fps", "fps",
    "fps_low", "fps_high", "latency_ms", "evidence", "reason", "band_source", "power_w",
)  # fmt: skip
_TEXT = ("task", "device", "platform", "precision", "topology")
#: What an unknown figure adds to miss_score: as if the constraint were missed by a factor of 2.
UNKNOWN_MISS = math.log(2.0)
NO_PREDICTION = "no figure (neither the model nor the roofline has one)"
NO_BATCH = "no batch (missing or below 1)"
NOT_USABLE = "no positive finite fps: nothing to judge"


class Objective(NamedTuple):
    """What a deployment is ranked by: a candidate column and whether more is better."""

    column: str
    maximize: bool


OBJECTIVES: dict[str, Objective] = {
    "fps": Objective("fps", True),
    "latency": Objective("latency_ms", False),
    "power": Objective("power_w", False),
    "energy": Objective("mj_per_input", False),
    "top1": Objective("top1_pct", True),
}


class Limit(NamedTuple):
    """One numeric constraint: its field, the candidate column, whether it is a minimum, how a
    miss reads, and whether the figure follows fps (so the band's low end changes it)."""

    field: str
    column: str
    minimum: bool
    label: str
    unit: str
    unknown: str
    follows_fps: bool


LIMITS: tuple[Limit, ...] = (
    Limit("min_fps", "fps", True, "fps", "", "fps unknown", True),
    Limit("max_latency_ms", "latency_ms", False, "latency", " ms", "latency unknown", True),
    Limit("max_power_w", "power_w", False, "power", " W", "power unknown", False),
    Limit("max_mj_per_input", "mj_per_input", False, "energy", " mJ", "energy unknown (no power figure)", True),
    Limit("min_top1_pct", "top1_pct", True, "top-1", " %", "accuracy unknown", False),
)


# --- constraints ---

def _shown(value: object) -> str:
    if isinstance(value, Real) and not isinstance(value, bool):
        return repr(float(value)) if not isinstance(value, Integral) else str(int(value))
    return repr(value)


def _one_of(choices: tuple[str, ...]) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}, not {_shown(value)}"
    return check


def _name(value: object) -> str | None:
    return None if isinstance(value, str) and value.strip() else f"must be a non-empty name, not {_shown(value)}"


def _names(value: object) -> str | None:
    ok = isinstance(value, tuple) and len(value) > 0 and all(isinstance(v, str) and v.strip() for v in value)
    return None if ok else f"must be a non-empty tuple of platform names, not {_shown(value)}"


def _real(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _positive(value: object) -> str | None:
    return None if _real(value) and value > 0 else f"must be a finite number above 0, not {_shown(value)}"


def _percentage(value: object) -> str | None:
    return None if _real(value) and 0 < value <= 100 else f"must be a percentage in (0, 100], not {_shown(value)}"


#: Field -> check (a problem's text, or None when the value is fine).
CHECKS: dict[str, Callable[[object], str | None]] = {
    "task": _one_of(tuple(TASKS)), "topology": _name, "precision": _one_of(PRECISIONS), "min_fps": _positive,
    "max_latency_ms": _positive, "max_power_w": _positive, "max_mj_per_input": _positive,
    "min_top1_pct": _percentage, "platforms": _names,
}  # fmt: skip


def value_problem(field: str, value: object) -> str | None:
    """What is wrong with one constraint value, e.g. ``must be a finite number above 0, not -5.0``;
    None when it is fine or not given (None)."""
    return None if value is None else CHECKS[field](value)


def check_constraints(values: Mapping[str, object], names: Mapping[str, str] | None = None) -> None:
    """Refuse the first bad value with one sentence naming it (as ``names`` calls the field, e.g. a
    CLI flag; default the field): ``max_power_w must be a finite number above 0, not -5.0.``"""
    for field, value in values.items():
        if field not in CHECKS:
            raise ValueError(f"{field} is not a constraint (one of {', '.join(CHECKS)}).")
        problem = value_problem(field, value)
        if problem:
            raise ValueError(f"{(names or {}).get(field, field)} {problem}.")


@dataclass(frozen=True)
class Constraints:
    """What a deployment must meet; every field optional (None = no constraint). The latency is
    read at the question's batch (:class:`qb_core.question.Asked`); ``platforms`` match a platform
    or device name (case-insensitive). Invalid values raise ValueError."""

    task: str | None = None
    topology: str | None = None
    precision: str | None = None
    min_fps: float | None = None
    max_latency_ms: float | None = None
    max_power_w: float | None = None
    max_mj_per_input: float | None = None
    min_top1_pct: float | None = None
    platforms: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if isinstance(self.platforms, list):
            object.__setattr__(self, "platforms", tuple(self.platforms))
        check_constraints({f.name: getattr(self, f.name) for f in fields(self)})

    @classmethod
    def checked(cls, names: Mapping[str, str] | None = None, **values: object) -> Constraints:
        """Constraints from keyword values; a bad value is refused naming it as ``names`` says
        (e.g. ``--max-power-w``), else by its field."""
        check_constraints(values, names)
        return cls(**values)  # type: ignore[arg-type]

    def limits(self) -> list[tuple[Limit, float]]:
        """The numeric constraints given, with their bounds."""
        given = [(limit, getattr(self, limit.field)) for limit in LIMITS]
        return [(limit, float(bound)) for limit, bound in given if bound is not None]


# --- candidates ---

def _floats(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)


def _positive_or_nan(values: pd.Series) -> np.ndarray:
    numbers = _floats(values)
    return np.where(np.isfinite(numbers) & (numbers > 0), numbers, np.nan)


def _config_index(frame: pd.DataFrame) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays([frame["device"].astype(str), frame["precision"].astype(str),
                                      frame["topology"].astype(str), pruning_key(_floats(frame["pruning_pct"]))])


def _notes(base: pd.Series, *notes: tuple[np.ndarray, str]) -> pd.Series:
    """``base`` with ``; note`` appended where each mask holds."""
    text = base.astype(object)
    for mask, note in notes:
        text = text.where(~np.asarray(mask), text + "; " + note)
    return text


def _identity(rows: pd.DataFrame, source: str | np.ndarray, batch: np.ndarray) -> dict[str, object]:
    return {**{c: rows[c].astype(str).to_numpy(dtype=object) for c in _TEXT},
            "pruning_pct": pruning_key(_floats(rows["pruning_pct"])), "batch": batch.astype(np.int64),
            "source": source}


def _left_out(rows: pd.DataFrame, source: str | np.ndarray, reason: np.ndarray | str) -> pd.DataFrame:
    batch = _floats(rows["batch"]) if "batch" in rows.columns else np.full(len(rows), np.nan)
    frame = pd.DataFrame({**{c: rows[c].astype(str).to_numpy(dtype=object) for c in _TEXT},
                          "pruning_pct": pruning_key(_floats(rows["pruning_pct"])), "batch": batch,
                          "source": source, "reason": reason}, index=range(len(rows)))
    return frame[list(LEFT_OUT_COLUMNS)]


def _at_question(measured: pd.DataFrame, asked: Asked) -> pd.DataFrame:
    """The measured rows that answer the question: at its batch (batch 1, N), or every batch."""
    batch = asked.fixed_batch
    return measured if batch is None else measured[_floats(measured["batch"]) == batch]


def _measured_split(measured: pd.DataFrame, asked: Asked) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(candidates, left-out rows) of a tidy measurement table for one question."""
    rows_all = _at_question(measured, asked)
    fps_all, latency_all = level_figures(rows_all, asked.level)
    usable = np.isfinite(fps_all) & (fps_all > 0)
    rows, fps, latency = rows_all[usable], fps_all[usable], latency_all[usable]
    power = _positive_or_nan(rows["full_power_w"])
    top1 = _floats(rows["top1_pct"])
    why = _notes(pd.Series(f"measured at this batch ({asked.level} level)", index=range(len(rows))),
                 (np.isnan(latency), "latency not recorded"), (np.isnan(power), "power not recorded"),
                 (np.isnan(top1), "top-1 not measured"))
    frame = pd.DataFrame({
        **_identity(rows, "measured", _floats(rows["batch"])), "fps": fps, "fps_low": fps, "fps_high": fps,
        "latency_ms": latency, "power_w": power, "mj_per_input": mj_per_input(power, fps), "top1_pct": top1,
        "status": "measured", "why": why.to_numpy(dtype=object),
    }, index=range(len(rows)))  # fmt: skip
    columns = " and ".join(LEVEL_COLUMNS[asked.level])
    return frame[list(CANDIDATE_COLUMNS)], _left_out(rows_all[~usable], "measured",
                                                      f"no {asked.level}-level figures measured ({columns})")


def measured_candidates(measured: pd.DataFrame, asked: Asked | None = None) -> pd.DataFrame:
    """The measured rows that answer ``asked`` (default: throughput at the best batch, board
    level) as candidates (:data:`CANDIDATE_COLUMNS`): fps and latency of that level,
    mj_per_input = 1000 x full_power_w / fps. Rows without that level's figures are left out;
    :func:`left_out_rows` lists them with the reason."""
    return _measured_split(measured, asked or Asked())[0]


def _device_power(measured: pd.DataFrame) -> pd.Series:
    """The highest positive measured full power per device."""
    power = _positive_or_nan(measured["full_power_w"])
    return pd.Series(power).groupby(measured["device"].astype(str).to_numpy()).max().dropna()


def _measured_accuracy(measured: pd.DataFrame) -> pd.Series:
    """Median measured top-1 over the devices that measured each topology x pruning x precision."""
    top1 = _floats(measured["top1_pct"])
    keep = np.isfinite(top1)
    per_config = pd.DataFrame({"topology": measured["topology"].astype(str).to_numpy()[keep],
                               "pruning_pct": pruning_key(_floats(measured["pruning_pct"]))[keep],
                               "precision": measured["precision"].astype(str).to_numpy()[keep],
                               "device": measured["device"].astype(str).to_numpy()[keep], "top1": top1[keep]})
    per_config = per_config.groupby([*NETWORK_KEYS, "device"])["top1"].first()
    return per_config.groupby(level=[0, 1, 2]).median()


def _published_accuracy(accuracy: pd.DataFrame) -> pd.Series:
    top1 = _floats(accuracy["top1_pct"])
    keep = np.isfinite(top1)
    table = pd.DataFrame({"topology": accuracy["topology"].astype(str).to_numpy()[keep],
                          "pruning_pct": pruning_key(_floats(accuracy["pruning_pct"]))[keep],
                          "precision": accuracy["precision"].astype(str).to_numpy()[keep], "top1": top1[keep]})
    return table.groupby(list(NETWORK_KEYS))["top1"].first()


def _lookup(table: pd.Series, rows: pd.DataFrame, keys: list[str]) -> np.ndarray:
    index = pd.MultiIndex.from_arrays([pruning_key(_floats(rows[k])) if k == "pruning_pct" else rows[k].astype(str)
                                       for k in keys])
    if table.empty:
        return np.full(len(rows), np.nan)
    return table.reindex(index).to_numpy(dtype=float)


def _check_answer_columns(answers: pd.DataFrame) -> None:
    missing = [c for c in ANSWER_COLUMNS if c not in answers.columns]
    if missing:
        raise ValueError(f"the model's answers lack column(s) {', '.join(missing)}.")


def _model_split(answers: pd.DataFrame, measured: pd.DataFrame, asked: Asked) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(usable model rows with ``_source``, ``_fps``, ``_latency``, left-out rows with the reason): a
    configuration the measurements answer is not predicted; a row with no model figure falls back
    to the datasheet roofline (``roofline``), or is left out when it has none."""
    _check_answer_columns(answers)
    rows = answers.reset_index(drop=True)
    measured_rows = _at_question(measured, asked)
    fps_measured = level_figures(measured_rows, asked.level)[0]
    answered = _config_index(rows).isin(_config_index(measured_rows[np.isfinite(fps_measured) & (fps_measured > 0)]))
    rows = rows[~answered].reset_index(drop=True)
    model_fps = _positive_or_nan(rows["fps"])
    roofline = _positive_or_nan(rows["roofline_fps"])
    batch = _floats(rows["batch"])
    has_model = np.isfinite(model_fps)
    source = np.where(has_model, np.where(rows["evidence"].astype(str).eq("tested"), "tested", "untested"),
                      "roofline")
    fps = np.where(has_model, model_fps, roofline)
    latency = np.where(has_model, _floats(rows["latency_ms"]), batch_latency_ms(batch, fps))
    no_batch = ~(np.isfinite(batch) & (batch >= 1))
    reason = np.select([np.isnan(fps), no_batch], [NO_PREDICTION, NO_BATCH], "")
    usable = reason == ""
    left = _left_out(rows[~usable], source[~usable], reason[~usable])
    return rows[usable].assign(_source=source[usable], _fps=fps[usable], _latency=latency[usable]), left


def model_candidates(answers: pd.DataFrame, accuracy: pd.DataFrame, measured: pd.DataFrame,
                     asked: Asked | None = None) -> pd.DataFrame:
    """Candidates from the batch-aware model's answers (:data:`ANSWER_COLUMNS`, one row per platform
    x precision x variant; :func:`qb_core.model.batch_model.predict_rows`) for the configurations the
    measurements do not answer: source ``tested`` (with its band) or ``untested`` (the model's
    figure, no band, the reason in ``why``); where the model has no figure, ``roofline`` (the
    datasheet's inputs/s, latency = 1000 x batch / fps, no band). Power: the device's highest
    measured full power, else the datasheet's (a ceiling), else unknown; top-1: published, else the
    median measured on other devices, else unknown. ``why`` says which."""
    asked = asked or Asked()
    rows, _ = _model_split(answers, measured, asked)
    source, fps = rows["_source"].to_numpy(dtype=object), rows["_fps"].to_numpy(dtype=float)
    tested = source == "tested"
    batch = _floats(rows["batch"])
    datasheet = _positive_or_nan(rows["power_w"])
    device_max = rows["device"].astype(str).map(_device_power(measured)).to_numpy(dtype=float)
    power = np.where(np.isfinite(device_max), device_max, datasheet)
    keys = list(NETWORK_KEYS)
    published = _lookup(_published_accuracy(accuracy), rows, keys)
    elsewhere = _lookup(_measured_accuracy(measured), rows, keys)
    top1 = np.where(np.isfinite(published), published, elsewhere)
    reason = rows["reason"].fillna("").astype(str).to_numpy(dtype=object)
    band = np.where(rows["band_source"].astype(str).eq("pooled over platforms"), "80 % band pooled over platforms",
                    "80 % band from this platform's hold-out")
    figures = np.select([tested, source == "untested"],
                        ["fps: predicted, tested by the network hold-out (" + band + ")",
                         "fps: the model's figure, untested: " + reason],
                        "fps: datasheet roofline, not a prediction (" + np.where(reason == "", "no model", reason)
                        + ")")
    why = (pd.Series(figures, dtype=object) + "; "
           + np.select([np.isfinite(device_max), np.isfinite(datasheet)],
                       ["power: highest measured on this device", "power: datasheet"], "power unknown")
           + "; "
           + np.select([np.isfinite(published), np.isfinite(elsewhere)],
                       ["top-1: published", "top-1: measured on other devices (median)"], "top-1 unknown"))
    frame = pd.DataFrame({
        **_identity(rows, source, batch), "fps": fps,
        "fps_low": np.where(tested, _floats(rows["fps_low"]), np.nan),
        "fps_high": np.where(tested, _floats(rows["fps_high"]), np.nan),
        "latency_ms": rows["_latency"].to_numpy(dtype=float), "power_w": power,
        "mj_per_input": mj_per_input(power, fps), "top1_pct": top1,
        "status": np.where(tested, "tested", np.where(source == "untested", "untested: " + reason, "roofline")),
        "why": why.to_numpy(dtype=object),
    }, index=range(len(rows)))  # fmt: skip
    return frame[list(CANDIDATE_COLUMNS)]


def combined_candidates(measured: pd.DataFrame, answers: pd.DataFrame | None = None,
                        accuracy: pd.DataFrame | None = None, asked: Asked | None = None) -> pd.DataFrame:
    """Measured candidates of the question, then the model's (none without ``answers``);
    ``accuracy`` defaults to the bundled table."""
    asked = asked or Asked()
    parts = [measured_candidates(measured, asked)]
    if answers is not None and len(answers):
        if accuracy is None:

            accuracy = load_accuracy()
        parts.append(model_candidates(answers, accuracy, measured, asked))
    return pd.concat(parts, ignore_index=True)


def left_out_rows(measured: pd.DataFrame, answers: pd.DataFrame | None = None,
                  asked: Asked | None = None) -> pd.DataFrame:
    """What :func:`combined_candidates` leaves out, one row each with the reason
    (:data:`LEFT_OUT_COLUMNS`): measured rows of the question without that level's figures; model
    rows with no figure at all, or no batch."""
    asked = asked or Asked()
    parts = [_measured_split(measured, asked)[1]]
    if answers is not None and len(answers):
        parts.append(_model_split(answers, measured, asked)[1])
    return pd.concat(parts, ignore_index=True)


# --- finding ---

class FinderResult(NamedTuple):
    """The answer: feasible deployments (evidence only: measured or tested) ranked by the
    objective; with none, the ``nearest`` evidence misses; how many deployments were judged; what
    was left out of them and why; every judged row; and the untested or roofline deployments that
    would meet every constraint (``not_evidence``, ranked the same way, each with its reason)."""

    feasible: pd.DataFrame
    nearest: pd.DataFrame
    considered: int
    dropped: pd.DataFrame
    judged: pd.DataFrame  # every candidate row in scope with its margins (meets, misses, miss_score)
    not_evidence: pd.DataFrame


def _scope_mask(frame: pd.DataFrame, constraints: Constraints) -> np.ndarray:
    """Rows inside the question's scope: task, topology (case-insensitive), precision, platforms."""
    mask = np.ones(len(frame), dtype=bool)
    if constraints.task is not None:
        mask &= (frame["task"].astype(str) == constraints.task).to_numpy()
    if constraints.topology is not None:
        mask &= (frame["topology"].astype(str).str.lower() == constraints.topology.strip().lower()).to_numpy()
    if constraints.precision is not None:
        mask &= (frame["precision"].astype(str) == constraints.precision).to_numpy()
    if constraints.platforms is not None:
        names = {name.strip().lower() for name in constraints.platforms}
        mask &= (frame["platform"].astype(str).str.lower().isin(names)
                 | frame["device"].astype(str).str.lower().isin(names)).to_numpy()
    return mask


def _scoped(candidates: pd.DataFrame, constraints: Constraints,
            left_out: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows to judge, left-out rows in scope with the reason): rows without a positive finite fps
    are left out."""
    rows = candidates[_scope_mask(candidates, constraints)]
    fps = _floats(rows["fps"])
    usable = np.isfinite(fps) & (fps > 0)
    dropped = [] if left_out is None else [left_out[_scope_mask(left_out, constraints)]]
    dropped.append(_left_out(rows[~usable], rows["source"].astype(str).to_numpy()[~usable], NOT_USABLE))
    rows = rows[usable]
    table = pd.concat([part.reindex(columns=list(LEFT_OUT_COLUMNS)) for part in dropped], ignore_index=True)
    return rows.reset_index(drop=True), table


def _margin(value: np.ndarray, bound: float, minimum: bool) -> tuple[np.ndarray, np.ndarray]:
    """(holds, shortfall): shortfall = |log(value / bound)| on the wrong side, UNKNOWN_MISS when
    the value is unknown, 0 where it holds."""
    known = np.isfinite(value)
    with np.errstate(divide="ignore", invalid="ignore"):
        holds = known & ((value >= bound) if minimum else (value <= bound))
        ratio = np.log(bound / value) if minimum else np.log(value / bound)
    return holds, np.where(holds, 0.0, np.where(known, ratio, UNKNOWN_MISS))


def judge(rows: pd.DataFrame, constraints: Constraints) -> pd.DataFrame:
    """Each row with ``meets``, ``meets_at_band_low``, ``misses_fps`` (a throughput miss) and
    ``miss_score`` (module notes), all as arrays over the whole table."""
    fps = _floats(rows["fps"])
    low = _floats(rows["fps_low"])
    meets = np.ones(len(rows), dtype=bool)
    meets_low = np.ones(len(rows), dtype=bool)
    score = np.zeros(len(rows))
    misses_fps = np.zeros(len(rows), dtype=bool)
    for limit, bound in constraints.limits():  # at most five constraints, each over every row
        value = _floats(rows[limit.column])
        at_low = (low if limit.column == "fps" else value * fps / low) if limit.follows_fps else value
        holds, shortfall = _margin(value, bound, limit.minimum)
        meets &= holds
        meets_low &= _margin(at_low, bound, limit.minimum)[0]
        score += shortfall
        if limit.column == "fps":
            misses_fps = ~holds
    return rows.assign(meets=meets, meets_at_band_low=meets & meets_low, misses_fps=misses_fps, miss_score=score)


def _objective_key(rows: pd.DataFrame, goal: Objective) -> np.ndarray:
    """Smaller is better; a missing value last."""
    value = _floats(rows[goal.column])
    key = -value if goal.maximize else value
    return np.where(np.isnan(key), np.inf, key)


def is_evidence(rows: pd.DataFrame) -> np.ndarray:
    """Rows whose figures are evidence (measured, or tested by a hold-out like them)."""
    return rows["source"].astype(str).isin(EVIDENCE).to_numpy()


def _best_per_deployment(rows: pd.DataFrame, *keys: np.ndarray) -> pd.DataFrame:
    """Per deployment the row first by ``keys`` (primary first)."""
    if rows.empty:
        return rows
    codes, _ = distinct_rows(*(rows[k] for k in DEPLOYMENT_KEYS))
    order = np.lexsort((*reversed(keys), codes))
    sorted_codes = codes[order]
    first = order[np.r_[True, sorted_codes[1:] != sorted_codes[:-1]]]
    return rows.iloc[np.sort(first)]


def _ranked(rows: pd.DataFrame, *keys: np.ndarray) -> pd.DataFrame:
    names = [f"_key{i}" for i in range(len(keys))]
    ordered = rows.assign(**dict(zip(names, keys, strict=True)))
    ordered = ordered.sort_values([*names, *DEPLOYMENT_KEYS], kind="stable")
    return ordered.drop(columns=names).reset_index(drop=True)


def readable(value: float, significant: int = 3) -> str:
    """A figure to ``significant`` digits with thousands separators and no trailing zeros (a
    limit as the user typed it, a figure without padding): ``8,000``, ``12.6``, ``0.0861``, ``5``."""
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    decimals = max(0, significant - 1 - math.floor(math.log10(abs(value))))
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _against(value: float, bound_text: str) -> str:
    """``value`` readable, with more digits where 3 would read the same as the bound."""
    for significant in range(3, 9):
        text = readable(value, significant)
        if text != bound_text:
            return text
    return text


def misses_text(rows: pd.DataFrame, constraints: Constraints) -> pd.Series:
    """Every missed constraint of each row, e.g. ``fps 8,000 < 10,000 minimum; power 12.6 W > 5 W
    limit``; ``power unknown (limit 5 W)`` for an unknown figure; '' where every one holds.
    Only the rows shown are worded (the nearest few), so the text work stays small."""
    text = pd.Series("", index=rows.index, dtype=object)
    for limit, bound in constraints.limits():
        value = pd.Series(_floats(rows[limit.column]), index=rows.index)
        holds, _ = _margin(value.to_numpy(), bound, limit.minimum)
        bound_text = readable(bound, 6)
        word, sign = ("minimum", "<") if limit.minimum else ("limit", ">")
        values = value.map(lambda v, b=bound_text: _against(v, b))
        part = f"{limit.label} " + values + f"{limit.unit} {sign} {bound_text}{limit.unit} {word}"
        part = part.where(value.notna(), f"{limit.unknown} ({word} {bound_text}{limit.unit})")
        part = part.where(~holds, "")
        text = text.where(part == "", text.where(text == "", text + "; ") + part)
    return text


def _result(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.reindex(columns=list(RESULT_COLUMNS)).reset_index(drop=True)


def find_deployments(candidates: pd.DataFrame, constraints: Constraints | None = None, objective: str = "fps",
                     nearest: int = 5, *, left_out: pd.DataFrame | None = None) -> FinderResult:
    """The deployments among ``candidates`` (:data:`CANDIDATE_COLUMNS`) that meet ``constraints``,
    one row each at its best batch, ranked by ``objective`` (:data:`OBJECTIVES`); with none,
    the ``nearest`` smallest misses. Scope (task, topology, precision, platforms) filters first
    and is never a miss. ``left_out`` (:func:`left_out_rows`) joins ``dropped``, in scope.
    Choice, order and tie-breaks: module notes. :data:`RESULT_COLUMNS` in both frames."""
    constraints = constraints or Constraints()
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}, not {objective!r}.")
    if not isinstance(nearest, Integral) or isinstance(nearest, bool) or nearest < 0:
        raise ValueError(f"nearest must be a whole number of at least 0, not {nearest!r}.")
    rows, dropped = _scoped(candidates, constraints, left_out)
    judged = judge(rows, constraints)
    considered = len(judged[DEPLOYMENT_KEYS].drop_duplicates()) if len(judged) else 0
    goal = OBJECTIVES[objective]
    evidence = is_evidence(judged)
    meeting = judged["meets"].to_numpy(dtype=bool)
    ranked = []
    for chosen in (meeting & evidence, meeting & ~evidence):  # an untested figure or a roofline never meets
        rows_meeting = judged[chosen]
        best = _best_per_deployment(rows_meeting, _objective_key(rows_meeting, goal), _floats(rows_meeting["batch"]))
        ranked.append(_ranked(best, _objective_key(best, goal)).assign(misses=""))
    feasible, not_evidence = ranked
    near = judged.iloc[:0].assign(misses="")
    candidates_near = judged[evidence]
    if feasible.empty and nearest and len(candidates_near):
        closest = _best_per_deployment(candidates_near, candidates_near["miss_score"].to_numpy(),
                                       _objective_key(candidates_near, goal), _floats(candidates_near["batch"]))
        near = _ranked(closest, closest["miss_score"].to_numpy(), _objective_key(closest, goal)).head(nearest)
        near = near.assign(misses=misses_text(near, constraints))
    return FinderResult(_result(feasible), _result(near), considered, dropped.reset_index(drop=True), judged,
                        _result(not_evidence))

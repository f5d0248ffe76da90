"""Pareto fronts: the non-dominated configurations for two objectives, in O(n log n)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from qb_core.labels import QUANTITIES
from qb_core.measurements.dataset import config_label
from qb_core.units import inputs_per_joule
from qb_core.vocabulary import CONFIG_KEYS, NETWORK_KEYS


class Objective(NamedTuple):
    """A measured quantity a design can be judged on: label, unit, and whether more is better."""

    label: str
    unit: str
    maximize: bool


#: Whether more is better, per measured objective offered for Pareto fronts.
MAXIMIZE: dict[str, bool] = {"fps_comp": True, "lat_comp_ms": False, "full_power_w": False,
                             "inputs_per_joule": True, "top1_pct": True}
#: The measured objectives (column -> objective); names and units from :data:`qb_core.labels.QUANTITIES`.
OBJECTIVES: dict[str, Objective] = {column: Objective(*QUANTITIES[column], more) for column, more in MAXIMIZE.items()}


def with_efficiency(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``inputs_per_joule`` = fps_comp / full_power_w (inputs per second per watt), a new frame."""
    return frame.assign(inputs_per_joule=inputs_per_joule(frame["fps_comp"], frame["full_power_w"]))


def pareto_mask(x: np.ndarray, y: np.ndarray, maximize: tuple[bool, bool] = (True, True)) -> np.ndarray:
    """Boolean mask of the points not dominated by any other point.

    A point q dominates p when q is at least as good in both objectives and strictly better in
    one. Identical points do not dominate each other, so ties are all kept. Points with a NaN
    objective are never on the front.

    Notes
    -----
    Sort by x (best first), then y (best first). Identical points are adjacent; a group of
    identical points is dominated exactly when some point before the group has y at least as
    good, so one running maximum of y decides every point: O(n log n) for the sort.

    Examples
    --------
    >>> pareto_mask(np.array([1.0, 2.0, 2.0, 3.0]), np.array([3.0, 1.0, 2.0, 1.0])).tolist()
    [True, False, True, True]
    """
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    if xs.shape != ys.shape or xs.ndim != 1:
        raise ValueError("x and y must be one-dimensional and of equal length")
    xs = xs if maximize[0] else -xs
    ys = ys if maximize[1] else -ys
    valid = ~(np.isnan(xs) | np.isnan(ys))
    mask = np.zeros(len(xs), dtype=bool)
    idx = np.flatnonzero(valid)
    if len(idx) == 0:
        return mask
    order = idx[np.lexsort((-ys[idx], -xs[idx]))]
    sx, sy = xs[order], ys[order]
    group_start = np.ones(len(order), dtype=bool)
    group_start[1:] = (sx[1:] != sx[:-1]) | (sy[1:] != sy[:-1])
    running_max = np.maximum.accumulate(sy)
    before = np.concatenate(([-np.inf], running_max[:-1]))
    start_index = np.maximum.accumulate(np.where(group_start, np.arange(len(order)), 0))
    mask[order] = before[start_index] < sy
    return mask


def pareto_front(
    frame: pd.DataFrame,
    x: str = "fps_comp",
    y: str = "top1_pct",
    maximize: tuple[bool, bool] | None = None,
) -> pd.DataFrame:
    """The rows of ``frame`` on the Pareto front of columns ``x`` and ``y``, sorted by ``x``.

    Default: throughput (fps_comp) and top-1 accuracy, both maximized; ``maximize=None`` takes
    each column's direction from :data:`OBJECTIVES` (maximize when unknown). The input is not
    changed.
    """
    if maximize is None:
        maximize = tuple(OBJECTIVES[c].maximize if c in OBJECTIVES else True for c in (x, y))
    for column in (x, y):
        if column not in frame.columns:
            raise ValueError(f"no column {column!r} to build a Pareto front from")
    mask = pareto_mask(frame[x].to_numpy(dtype=float), frame[y].to_numpy(dtype=float), maximize)
    return frame[mask].sort_values([x, y], kind="stable").copy()


def predicted_and_measured(join: pd.DataFrame, accuracy: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Points and Pareto fronts of throughput against top-1 accuracy, predicted beside measured.

    Predicted points: every prediction of the join (paired or predicted-only) at its roofline
    inputs/s, with the published top-1 accuracy of its variant and precision; where none is
    published (``nm``), the median top-1 measured for that variant and precision in the join
    (QuTiBench publishes no INT8 accuracy for CNV, but the DPU and EdgeTPU runs measured one);
    ``accuracy_from`` says which, '' where neither exists (such points cannot be placed).
    Every predicted point is named by its configuration (``config_label``), measured or not.
    Measured points: every measured configuration with a positive throughput, at its best
    throughput and the top-1 accuracy measured there. Each kind gets its own front (both
    maximised). Returns (points with ``kind`` and ``on_front``, the fronts sorted by inputs/s).
    """
    keys = list(NETWORK_KEYS)
    predicted = join[join["status"].isin(["paired", "predicted-only"])].drop_duplicates(
        list(CONFIG_KEYS))
    predicted = predicted.drop(columns="top1_pct").merge(accuracy[[*keys, "top1_pct"]], on=keys, how="left")
    measured = join[join["status"].isin(["paired", "measured-only"]) & (join["measured_fps"] > 0)]
    measured_top1 = measured.dropna(subset=["top1_pct"]).groupby(keys)["top1_pct"].median().rename("measured_top1")
    predicted = predicted.merge(measured_top1.reset_index(), on=keys, how="left")
    published = predicted["top1_pct"].notna()
    named = config_label(predicted["device"].astype(str), predicted["precision"].astype(str),
                         predicted["pruning_pct"].astype(float), predicted["topology"].astype(str)).astype(str)
    predicted = predicted.assign(
        config=predicted["config"].astype(object).where(predicted["config"].notna() & predicted["config"].ne(""),
                                                        named) if "config" in predicted else named,
        kind="predicted", fps=predicted["predicted_fps"],
        top1_pct=predicted["top1_pct"].fillna(predicted["measured_top1"]),
        accuracy_from=np.where(published, "published", np.where(predicted["measured_top1"].notna(),
                                                                 "measured (median of the runs shown)", "")),
    ).drop(columns="measured_top1")
    measured = measured.assign(kind="measured", fps=measured["measured_fps"], accuracy_from="measured")
    points = pd.concat([predicted, measured], ignore_index=True)
    points["on_front"] = False
    for _, group in points.groupby("kind"):
        mask = pareto_mask(group["fps"].to_numpy(dtype=float), group["top1_pct"].to_numpy(dtype=float))
        points.loc[group.index[mask], "on_front"] = True
    fronts = points[points["on_front"]].sort_values(["kind", "fps"])
    return points, fronts

"""The user's selection (task, platforms, precisions, pruning, op modes, batch range) applied to
any table of the core: measurements, the long hardware catalog or predictions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType

import pandas as pd

from qb_core.hardware import FAMILIES
from qb_core.topology import PUBLISHED_PRUNING_PCT

#: Op modes chosen when the user has not chosen: the notebook keeps only ``maxp`` for the GPU.
DEFAULT_OP_MODES: tuple[str, ...] = ("maxp", "fast", "slow")


@dataclass(frozen=True)
class Selection:
    """What the user keeps; ``None`` means everything. Op modes filter only platforms that have
    op modes; the batch range is inclusive."""

    task: str = "cifar10"
    platforms: tuple[str, ...] | None = None
    precisions: tuple[str, ...] | None = None
    pruning_pcts: tuple[float, ...] | None = None
    op_modes: tuple[str, ...] | None = None
    batch_range: tuple[int, int] | None = None

    def empty_filters(self) -> list[str]:
        """Names of the filters whose selection is empty (nothing can be shown). No op mode is a
        valid choice: it keeps only the platforms that have none."""
        labels = {"platforms": "hardware platform", "precisions": "precision", "pruning_pcts": "pruning factor"}
        return [labels[f.name] for f in fields(self)
                if f.name in labels and getattr(self, f.name) is not None and len(getattr(self, f.name)) == 0]


def _keep(frame: pd.DataFrame, column: str, allowed) -> pd.Series:
    if allowed is None or column not in frame.columns:
        return pd.Series(True, index=frame.index)
    return frame[column].isin(list(allowed))


def select(frame: pd.DataFrame, selection: Selection, by_batch: bool = True) -> pd.DataFrame:
    """Rows of ``frame`` inside ``selection`` (columns the frame lacks are not filtered on).

    ``by_batch=False`` for predictions, whose ``batch`` is the storage assumption, not a measurement.
    """
    keep = _keep(frame, "platform", selection.platforms)
    keep &= _keep(frame, "precision", selection.precisions)
    keep &= _keep(frame, "pruning_pct", selection.pruning_pcts)
    if selection.op_modes is not None and "op_mode" in frame.columns:
        keep &= (frame["op_mode"] == "") | frame["op_mode"].isin(list(selection.op_modes))
    if "task" in frame.columns:
        keep &= frame["task"] == selection.task
    if by_batch and selection.batch_range is not None and "batch" in frame.columns:
        low, high = selection.batch_range
        keep &= frame["batch"].between(low, high)
    return frame[keep]


def filter_options(catalog: pd.DataFrame, rows: pd.DataFrame, task: str) -> Mapping[str, object]:
    """The sidebar's choices: platforms by family (the catalog's, then boards found only in
    ``rows``), the batch sizes measured for ``task``, pruning factors (published plus measured)
    and op modes. Immutable all the way down, so one copy can be shared by every session."""
    firsts = catalog[["platform", "family"]].drop_duplicates("platform")
    extra = rows.loc[~rows["platform"].isin(firsts["platform"]), ["platform", "family"]].astype(str)
    firsts = pd.concat([firsts, extra.drop_duplicates("platform")], ignore_index=True)
    families = {f: tuple(firsts.loc[firsts["family"] == f, "platform"]) for f in FAMILIES}
    task_rows = rows[rows["task"] == task]
    return MappingProxyType({
        "families": MappingProxyType({family: names for family, names in families.items() if names}),
        "batches": tuple(sorted(int(b) for b in task_rows["batch"].unique())) or (1,),
        "pruning": tuple(sorted({*PUBLISHED_PRUNING_PCT, *(float(p) for p in task_rows["pruning_pct"].unique())},
                                reverse=True)),
        "op_modes": tuple(m for m in catalog["op_mode"].drop_duplicates() if m),
    })

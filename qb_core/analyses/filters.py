"""The user's selection (task, platforms, precisions, pruning, op modes, batch range) applied to
any table of the core: measurements, the long hardware catalog or predictions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from types import MappingProxyType

import pandas as pd

from qb_core.hardware.catalog import FAMILIES
from qb_core.networks.layer_models import PUBLISHED_PRUNING_PCT

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


def carried_choice(chosen: Sequence, old_options: Sequence, new_options: Sequence) -> list:
    """A multi-choice filter after a task switch: the new task's options, in its order, keeping the
    user's narrowing only where an option exists in both tasks (an option new to this task is
    selected). When none of the chosen options exists any more, every option is selected: a
    narrowing that applies to nothing is no narrowing.

    >>> carried_choice([100.0, 50.0, 25.0, 12.5], [100.0, 50.0, 25.0, 12.5], [100.0, 80.0, 50.0, 30.0])
    [100.0, 80.0, 50.0, 30.0]
    >>> carried_choice([50.0], [100.0, 50.0], [100.0, 80.0, 50.0])
    [80.0, 50.0]
    """
    kept = set(chosen)
    value = [o for o in new_options if o in kept or o not in set(old_options)]
    return value if any(o in kept for o in new_options) else list(new_options)


def carried_range(chosen: tuple[int, int], old_options: Sequence[int], new_options: Sequence[int]) -> tuple[int, int]:
    """A range filter (the batch range) after a task switch: an end at the old task's extreme moves
    to the new task's extreme (1-10,000 on CIFAR-10 becomes 1-128 on ImageNet, and 1-128 on ImageNet
    1-512 on MNIST); an end the user moved stays, snapped inward to the new task's options. A range
    holding no option of the new task becomes the whole range.

    >>> carried_range((1, 128), (1, 8, 128), (1, 128, 256, 512))
    (1, 512)
    >>> carried_range((4, 64), (1, 4, 64, 128), (1, 2, 8, 32, 512))
    (8, 32)
    """
    low, high = chosen
    new_low = new_options[0] if low <= old_options[0] else next((o for o in new_options if o >= low), None)
    new_high = new_options[-1] if high >= old_options[-1] else next(
        (o for o in reversed(new_options) if o <= high), None)
    if new_low is None or new_high is None or new_low > new_high:
        return new_options[0], new_options[-1]
    return new_low, new_high


def hidden_by(frame: pd.DataFrame, selection: Selection, field: str) -> int:
    """How many rows of ``selection.task`` the filter ``field`` of ``selection`` alone leaves out
    (the others not applied): what a filter carried over from another task hides."""
    task_rows = select(frame, Selection(task=selection.task))
    return len(task_rows) - len(select(task_rows, Selection(task=selection.task,
                                                             **{field: getattr(selection, field)})))

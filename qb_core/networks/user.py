"""A user's own networks: a name, the task it is for, the precisions it is meant to run at and its
layer table, carried as one small immutable value so every page and cache can take it whole.

The layer table travels as the project's layer-table CSV (:func:`qb_core.networks.layer_csv.layer_table_csv`),
so a network is hashable, comparable and, when small, fits in a shared link.
"""

from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass
from functools import cached_property, lru_cache

import pandas as pd

from qb_core.networks.layer_csv import layer_table_csv, read_layer_csv
from qb_core.networks.layer_models import LAYER_MODELS
from qb_core.networks.layer_table import MAC_TYPES, layer_totals
from qb_core.networks.published import published_totals
from qb_core.networks.zoo import IMAGENET_VARIANTS
from qb_core.vocabulary import PRECISIONS, TASKS

#: Shared-link budget for one network's layer CSV (characters): larger ones stay in the session.
LINK_CSV_CHARS = 6_000
MAX_NAME_CHARS = 80
MAX_NETWORKS = 12
#: ``ops_source`` of a user's network in the variant table.
OPS_SOURCE = "your network"


@dataclass(frozen=True)
class UserNetwork:
    """One network a user brought: ``layers_csv`` is its layer table as the project's CSV;
    ``incomplete`` says why its counts are partial ("" when they are whole): no prediction of such
    a network is called tested."""

    name: str
    task: str
    precisions: tuple[str, ...]
    layers_csv: str
    source: str = ""
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    incomplete: str = ""

    @property
    def layers(self) -> pd.DataFrame:
        """The layer table (parsed once per distinct CSV; a frame of its own)."""
        return _parsed(self.layers_csv).copy()

    @cached_property
    def digest(self) -> str:
        """A short digest of the whole value (what caches key on, instead of the layer table)."""
        return hashlib.sha256(repr(astuple(self)).encode("utf-8")).hexdigest()[:24]

    @property
    def fits_in_link(self) -> bool:
        return len(self.layers_csv) <= LINK_CSV_CHARS


@lru_cache(maxsize=64)
def _parsed(layers_csv: str) -> pd.DataFrame:
    return read_layer_csv(layers_csv.encode("utf-8"), "your network").layers


def bundled_names() -> set[str]:
    """Names a user's network may not take: every network the project ships."""
    return {*LAYER_MODELS, *published_totals()["topology"].astype(str)} | _zoo_names()


def _zoo_names() -> set[str]:

    return {name for name, _ in IMAGENET_VARIANTS}


def make_network(name: str, task: str, precisions: tuple[str, ...], layers: pd.DataFrame, source: str = "",
                 taken: tuple[str, ...] = (), warnings: tuple[str, ...] = (), notes: tuple[str, ...] = (),
                 incomplete: str = "") -> UserNetwork:
    """A checked :class:`UserNetwork`; raises ValueError with one sentence on a bad name (empty,
    too long, a bundled network's or one already taken), task or precision."""
    name = " ".join(str(name).split())
    if not name:
        raise ValueError("give the network a name")
    if len(name) > MAX_NAME_CHARS:
        raise ValueError(f"a network name has at most {MAX_NAME_CHARS} characters")
    if name in bundled_names():
        raise ValueError(f"{name!r} is a bundled network's name: choose another")
    if name in taken:
        raise ValueError(f"you already have a network named {name!r}: remove it first or choose another name")
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")
    if not precisions or any(p not in PRECISIONS for p in precisions):
        raise ValueError(f"choose at least one precision among {', '.join(PRECISIONS)}")
    if not layers.loc[layers["type"].isin(list(MAC_TYPES)), "ops"].gt(0).any():
        raise ValueError("the network has no convolution or fully connected layer with operations: a roofline "
                         "needs work to predict")
    ordered = tuple(p for p in PRECISIONS if p in precisions)
    return UserNetwork(name, task, ordered, layer_table_csv(layers), source, tuple(warnings), tuple(notes),
                       str(incomplete)[:500])


def variant_rows(networks: tuple[UserNetwork, ...], task: str) -> pd.DataFrame:
    """The variant-table rows (topology, task, pruning_pct 100, params, ops_per_input,
    activation_elems, ops_source) of the networks of ``task``."""
    rows = [{"topology": n.name, "task": task, "pruning_pct": 100.0, **layer_totals(n.layers),
             "ops_source": OPS_SOURCE} for n in networks if n.task == task]
    return pd.DataFrame(rows, columns=["topology", "task", "pruning_pct", "params", "ops_per_input",
                                       "activation_elems", "ops_source"])


def layer_tables(networks: tuple[UserNetwork, ...]) -> dict[str, pd.DataFrame]:
    """Name -> layer table, for the per-layer model and the calibrated model."""
    return {n.name: n.layers for n in networks}


def keep_chosen_precisions(table: pd.DataFrame, networks: tuple[UserNetwork, ...]) -> pd.DataFrame:
    """Rows of a prediction table (topology, precision) without a user network's precisions it was
    not meant for; bundled networks untouched."""
    if not networks or table.empty:
        return table
    mine = table["topology"].astype(str).isin([n.name for n in networks])
    chosen = pd.MultiIndex.from_tuples([(n.name, p) for n in networks for p in n.precisions])
    wanted = pd.MultiIndex.from_arrays([table["topology"].astype(str), table["precision"].astype(str)]).isin(chosen)
    return table[~mine | wanted]

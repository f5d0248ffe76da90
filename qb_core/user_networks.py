"""A user's own networks: a name, the task it is for, the precisions it is meant to run at and its
layer table, carried as one small immutable value so every page and cache can take it whole.

The layer table travels as the project's layer-table CSV (:func:`qb_core.layer_csv.layer_table_csv`),
so a network is hashable, comparable and, when small, fits in a shared link.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from qb_core.layer_csv import layer_table_csv, read_layer_csv
from qb_core.layer_table import MAC_TYPES, layer_totals
from qb_core.topology import LAYER_MODELS, PRECISIONS, TASKS, published_totals

#: Shared-link budget for one network's layer CSV (characters): larger ones stay in the session.
LINK_CSV_CHARS = 6_000
MAX_NAME_CHARS = 80
MAX_NETWORKS = 12
#: ``ops_source`` of a user's network in the variant table.
OPS_SOURCE = "your network"


@dataclass(frozen=True)
class UserNetwork:
    """One network a user brought: ``layers_csv`` is its layer table as the project's CSV."""

    name: str
    task: str
    precisions: tuple[str, ...]
    layers_csv: str
    source: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def layers(self) -> pd.DataFrame:
        """The layer table (parsed once per distinct CSV; a frame of its own)."""
        return _parsed(self.layers_csv).copy()

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
    from qb_core.zoo import IMAGENET_VARIANTS

    return {name for name, _ in IMAGENET_VARIANTS}


def make_network(name: str, task: str, precisions: tuple[str, ...], layers: pd.DataFrame, source: str = "",
                 taken: tuple[str, ...] = (), warnings: tuple[str, ...] = ()) -> UserNetwork:
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
    return UserNetwork(name, task, ordered, layer_table_csv(layers), source, tuple(warnings))


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


def networks_to_text(networks: tuple[UserNetwork, ...]) -> tuple[str, tuple[str, ...]]:
    """The networks that fit a shared link as compact JSON (``[[name, task, "INT8|FP16", csv], ...]``,
    ``""`` when none), in the order added while the whole link stays within the bounded parser's
    :data:`qb_core.whatif.MAX_LINK_TEXT`, and the names of those left out (too large alone, or no
    room left)."""
    import json

    from qb_core.whatif import MAX_LINK_TEXT

    items, left_out, used = [], [], 2  # the brackets
    for network in networks:
        item = json.dumps([network.name, network.task, "|".join(network.precisions), network.layers_csv],
                          separators=(",", ":"))
        if network.fits_in_link and used + len(item) + 1 <= MAX_LINK_TEXT:
            items.append(item)
            used += len(item) + 1
        else:
            left_out.append(network.name)
    return ("[" + ",".join(items) + "]" if items else ""), tuple(left_out)


def networks_from_text(text: str) -> tuple[UserNetwork, ...]:
    """The networks of a link (see :func:`networks_to_text`), each checked like an upload; raises
    ValueError with one sentence when the link's networks cannot be used."""
    from qb_core.whatif import parse_link_json

    items = parse_link_json(text, "networks")
    if not isinstance(items, list) or len(items) > MAX_NETWORKS:
        raise ValueError(f"the link's networks must be a list of at most {MAX_NETWORKS}")
    networks: list[UserNetwork] = []
    for item in items:
        if not (isinstance(item, list) and len(item) == 4 and all(isinstance(v, str) for v in item)):
            raise ValueError("each of the link's networks must be [name, task, precisions, layer table]")
        name, task, precisions, layers_csv = item
        if len(layers_csv) > LINK_CSV_CHARS:
            raise ValueError(f"a network's layer table in a link has at most {LINK_CSV_CHARS:,} characters")
        layers = read_layer_csv(layers_csv.encode("utf-8"), f"the link's network {name[:MAX_NAME_CHARS]!r}").layers
        networks.append(make_network(name, task, tuple(precisions.split("|")), layers, "link",
                                     taken=tuple(n.name for n in networks)))
    return tuple(networks)

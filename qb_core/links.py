"""What a shared link carries, as text and back: the user's own platforms, the overrides and
the user's own networks as compact JSON. Reading is bounded (length and nesting are checked before
``json.loads``) and every value read is checked like one a user typed; anything malformed raises
ValueError with one sentence, so a bad link is reported and ignored, never obeyed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from qb_core.csv_io import echo_list
from qb_core.hardware.catalog import EXECUTION_STYLES, PEAK_COLUMNS
from qb_core.hardware.whatif import MAX_CUSTOM_PLATFORMS, checked_overrides, custom_catalog
from qb_core.networks.layer_csv import read_layer_csv
from qb_core.networks.user import LINK_CSV_CHARS, MAX_NAME_CHARS, MAX_NETWORKS, UserNetwork, make_network

#: What a link may carry at most: longer or deeper JSON is refused before it is parsed.
MAX_LINK_TEXT = 20_000
MAX_LINK_DEPTH = 4


def platforms_to_text(custom: pd.DataFrame) -> str:
    """Compact JSON for a URL: ``[[name, family, GB/s, power, {precision: TOP/s}, on-chip MB,
    execution], ...]`` (the last two only where they differ from "unknown" and layer-by-layer)."""
    items = []
    for row in custom.itertuples(index=False):
        peaks = {p: getattr(row, c) for p, c in PEAK_COLUMNS.items() if pd.notna(getattr(row, c))}
        power = None if pd.isna(row.power_w) else row.power_w
        item = [row.platform, row.family, row.bandwidth_gbps, power, peaks]
        on_chip = None if pd.isna(row.on_chip_mb) else row.on_chip_mb
        if on_chip is not None or row.execution != EXECUTION_STYLES[0]:
            item += [on_chip, row.execution]
        items.append(item)
    return json.dumps(items, separators=(",", ":"))


def json_depth(text: str) -> int:
    """How deeply ``text``'s brackets nest (outside strings), without parsing it: a link with
    thousands of levels must be refused before ``json.loads`` recurses into it."""
    bare = np.frombuffer(_JSON_STRING.sub("", text).encode(), dtype=np.uint8)
    steps = np.isin(bare, _OPENERS).astype(np.int64) - np.isin(bare, _CLOSERS).astype(np.int64)
    return int(np.cumsum(steps).max(initial=0))


_JSON_STRING = re.compile(r'"(?:\\.|[^"\\])*"')
_OPENERS = np.frombuffer(b"[{", dtype=np.uint8)
_CLOSERS = np.frombuffer(b"]}", dtype=np.uint8)


def parse_link_json(text: str, what: str) -> object:
    """JSON from a link, bounded: at most :data:`MAX_LINK_TEXT` characters and
    :data:`MAX_LINK_DEPTH` levels; ValueError naming ``what`` otherwise."""
    if not isinstance(text, str) or len(text) > MAX_LINK_TEXT:
        raise ValueError(f"the link's {what} are longer than {MAX_LINK_TEXT:,} characters")
    if json_depth(text) > MAX_LINK_DEPTH:
        raise ValueError(f"the link's {what} are nested deeper than {MAX_LINK_DEPTH} levels")
    try:
        return json.loads(text)
    except (TypeError, ValueError, RecursionError):
        raise ValueError(f"the link's {what} are not readable") from None


def platforms_from_text(text: str) -> pd.DataFrame:
    """Inverse of :func:`platforms_to_text`; ValueError with a clear message on anything malformed."""
    items = parse_link_json(text, "platforms")
    if not isinstance(items, list) or len(items) > MAX_CUSTOM_PLATFORMS:
        raise ValueError(f"the link's platform list must be a list of at most {MAX_CUSTOM_PLATFORMS} platforms")
    records = []
    for item in items:
        if not (isinstance(item, list) and len(item) in (5, 7) and isinstance(item[4], dict)):
            raise ValueError("the link's platform list is not in the expected form")
        name, family, bandwidth, power, peaks, *rest = item
        unknown = set(peaks) - set(PEAK_COLUMNS)
        if unknown:
            raise ValueError(f"unknown precision {echo_list(sorted(map(str, unknown)))} in the link")
        on_chip, execution = rest or (None, None)
        records.append({"platform": name, "family": family, "bandwidth_gbps": bandwidth, "power_w": power,
                        "on_chip_mb": on_chip, "execution": execution,
                        **{PEAK_COLUMNS[p]: v for p, v in peaks.items()}})
    return custom_catalog(records)


def overrides_to_text(overrides: Mapping[str, Mapping[str, float]]) -> str:
    return json.dumps(overrides, separators=(",", ":"), sort_keys=True)


def overrides_from_text(text: str, devices: Sequence[str]) -> dict[str, dict[str, float]]:
    """Parse and validate overrides from a link: known devices, known fields, sane numbers."""
    raw = parse_link_json(text, "overrides")
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise ValueError("the link's overrides are not in the expected form")
    return checked_overrides(raw, devices)


def networks_to_text(networks: tuple[UserNetwork, ...]) -> tuple[str, tuple[str, ...]]:
    """The networks that fit a shared link as compact JSON (``[[name, task, "INT8|FP16", csv], ...]``,
    a fifth item saying why the counts are partial for a network counted in part; ``""`` when none),
    in the order added while the whole link stays within the bounded parser's :data:`MAX_LINK_TEXT`,
    and the names of those left out (too large alone, or no room left)."""
    items, left_out, used = [], [], 2  # the brackets
    for network in networks:
        fields = [network.name, network.task, "|".join(network.precisions), network.layers_csv]
        item = json.dumps([*fields, network.incomplete] if network.incomplete else fields, separators=(",", ":"))
        if network.fits_in_link and used + len(item) + 1 <= MAX_LINK_TEXT:
            items.append(item)
            used += len(item) + 1
        else:
            left_out.append(network.name)
    return ("[" + ",".join(items) + "]" if items else ""), tuple(left_out)


def networks_from_text(text: str) -> tuple[UserNetwork, ...]:
    """The networks of a link (see :func:`networks_to_text`), each checked like an upload; raises
    ValueError with one sentence when the link's networks cannot be used."""
    items = parse_link_json(text, "networks")
    if not isinstance(items, list) or len(items) > MAX_NETWORKS:
        raise ValueError(f"the link's networks must be a list of at most {MAX_NETWORKS}")
    networks: list[UserNetwork] = []
    for item in items:
        if not (isinstance(item, list) and len(item) in (4, 5) and all(isinstance(v, str) for v in item)):
            raise ValueError("each of the link's networks must be [name, task, precisions, layer table] and, for "
                             "one counted in part, why")
        name, task, precisions, layers_csv = item[:4]
        if len(layers_csv) > LINK_CSV_CHARS:
            raise ValueError(f"a network's layer table in a link has at most {LINK_CSV_CHARS:,} characters")
        layers = read_layer_csv(layers_csv.encode("utf-8"), f"the link's network {name[:MAX_NAME_CHARS]!r}").layers
        networks.append(make_network(name, task, tuple(precisions.split("|")), layers, "link",
                                     taken=tuple(n.name for n in networks),
                                     incomplete=item[4] if len(item) == 5 else ""))
    return tuple(networks)

"""What every chart shares: specs built once per structure, data attached per call, tooltips in
plain language, sizes that keep the plot readable.

Each chart is an Altair chart over *named* datasets, built from its structure only (colours, row
and column order, which layers): the ``*_chart`` builders. The ``*_spec`` functions prepare the
data and return the Vega-Lite spec with the datasets attached, for ``st.vega_lite_chart``. The spec
of a structure is built once (Altair's construction and validation cost tens of milliseconds) and
reused, so a slider that only changes numbers reruns without touching Altair.

Sizing: charts take their column's width and a fixed plot height; legends and axis labels add
height instead of squeezing the plot (``autosize: fit-x``). Legends list every entry.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

import altair as alt
import numpy as np
import pandas as pd
from streamlit import dataframe_util

from qb_core.labels import QUANTITIES, title

#: Plot-area height of a full chart and of a chart in a half-width column (px).
HEIGHT = 420
HALF_HEIGHT = 360
#: No plot area is ever shorter than this (px), however few rows a filter leaves.
MIN_PLOT = 220
LOG = alt.Scale(type="log")
#: Width fits the column; the height grows with legends and labels instead of squeezing the plot.
FIT_WIDTH = {"type": "fit-x", "contains": "padding"}
#: Legend entries of long names are shown whole up to this many px.
LABEL_LIMIT = 320

Field = tuple[str, str, str | None, str | None]  # (column, type, title, format)


def compact_number(value: float) -> str:
    """One rule for every cell label: three significant figures, k/M/G above 1,000.

    Examples: 409, 6.24k, 12.5k, 786k, 1.57M. Missing values give an empty label.
    """
    if value is None or not np.isfinite(value):
        return ""
    magnitude = abs(value)
    if magnitude < 1000:
        return f"{value:.3g}"
    rounded = float(f"{value:.3g}")  # round first, so 999,999 reads 1M, not 1e+03k
    for limit, suffix in ((1e6, "k"), (1e9, "M"), (1e12, "G")):
        if abs(rounded) < limit:
            return f"{rounded / (limit / 1000):.3g}{suffix}"
    return f"{rounded / 1e12:.3g}T"


def log_ticks(low: float, high: float) -> list[float]:
    """1-2-5 ticks covering [low, high] (positive), so a narrow log axis still shows round values."""
    if not (np.isfinite(low) and np.isfinite(high)) or low <= 0 or high <= 0:
        return []
    low, high = min(low, high), max(low, high)
    ticks = [mantissa * 10.0**exponent for exponent in range(math.floor(math.log10(low)) - 1,
                                                             math.ceil(math.log10(high)) + 1)
             for mantissa in (1, 2, 5)]
    inside = [t for t in ticks if low <= t <= high]
    below = [t for t in ticks if t < low][-1:]
    above = [t for t in ticks if t > high][:1]
    return [float(f"{t:.6g}") for t in below + inside + above]


def spec_of(chart: alt.TopLevelMixin) -> dict:
    """Vega-Lite dict of an Altair chart, without Altair's default 300x300 view config."""
    spec = chart.to_dict()
    view = spec.get("config", {}).get("view", {})
    for key in ("continuousWidth", "continuousHeight"):
        view.pop(key, None)
    if spec.get("config", {}).get("view") == {}:
        del spec["config"]["view"]
    if spec.get("config") == {}:
        del spec["config"]
    return spec


@lru_cache(maxsize=256)
def _template(builder: Callable[..., alt.TopLevelMixin], *structure: object) -> str:
    """JSON text of ``builder(*structure)``'s spec: immutable, so one copy serves every session."""
    spec = spec_of(builder(*structure))
    if "facet" not in spec and "autosize" not in spec:
        spec["autosize"] = FIT_WIDTH
    return json.dumps(spec)


def with_data(builder: Callable[..., alt.TopLevelMixin], structure: tuple, **datasets: pd.DataFrame) -> dict:
    """A fresh spec of ``builder(*structure)`` carrying ``datasets`` (name -> DataFrame), each already
    as the Arrow bytes ``st.vega_lite_chart`` sends (the same conversion): a spec cached once per
    question is drawn by every session without converting its data again.

    Infinite numbers (e.g. the intensity when nothing leaves the chip) are sent as missing
    values, so no chart shows "Infinity".
    """
    spec = json.loads(_template(builder, *structure))
    spec["datasets"] = {name: dataframe_util.convert_anything_to_arrow_bytes(finite(frame))
                        for name, frame in datasets.items()}
    return spec


def finite(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with infinite numbers replaced by missing values (a new frame where needed)."""
    numbers = frame.select_dtypes("number")
    infinite = np.isinf(numbers.to_numpy(dtype=float))
    if not infinite.any():
        return frame
    return frame.assign(**{c: numbers[c].mask(np.isinf(numbers[c])) for c in numbers.columns[infinite.any(axis=0)]})


def pairs(mapping: dict[str, object], keep: Iterable[str]) -> tuple[tuple[str, object], ...]:
    """The (name, value) pairs of ``mapping`` whose name is in ``keep``, in mapping order."""
    wanted = set(map(str, keep))
    return tuple((name, value) for name, value in mapping.items() if name in wanted)


def scale(mapping: Sequence[tuple[str, object]]) -> alt.Scale:
    """An ordinal scale from (name, value) pairs: colours, shapes or dashes."""
    return alt.Scale(domain=[name for name, _ in mapping], range=[list(v) if isinstance(v, tuple) else v
                                                                  for _, v in mapping])


def field(column: str, kind: str = "Q", fmt: str | None = None, label: str | None = None) -> Field:
    """A tooltip field titled in plain language with its unit (from :mod:`qb_core.labels`)."""
    if label is None:
        label = title(column) if column in QUANTITIES else column
    if fmt is None and kind == "Q":
        fmt = ",.4~g"
    return (column, kind, label, fmt)


def log_title(column: str, note: str = "") -> str:
    """An axis title on a log scale: ``Efficiency (measured / predicted), %, log scale`` (one pair
    of brackets at most, never ``(%) (log)``); ``note`` is added after a colon."""
    quantity = QUANTITIES.get(column)
    label, unit = (quantity.label, quantity.unit) if quantity else (column, "")
    return f"{label}{f', {unit}' if unit else ''}, log scale" + (f": {note}" if note else "")


def tooltips(fields: Iterable[Field]) -> list[alt.Tooltip]:
    return [alt.Tooltip(f"{name}:{kind}", title=label, **({"format": fmt} if fmt else {}))
            for name, kind, label, fmt in fields]


#: Widest legend title (px) before Vega cuts it with an ellipsis.
TITLE_LIMIT = 400


def legend(columns: int = 1, orient: str = "right", **extra: object) -> alt.Legend:
    """A legend that shows every entry whole: no symbol limit, long labels kept."""
    extra.setdefault("symbolOpacity", 1)  # a faded layer (datasheet rooflines) never fades the legend
    extra.setdefault("titleLimit", TITLE_LIMIT)  # Vega cuts a title at 180 px: "Network variant (lighter: pru…"
    return alt.Legend(orient=orient, columns=columns, symbolLimit=0, labelLimit=LABEL_LIMIT, **extra)


def legend_columns(entries: int, per_column: int = 14) -> int:
    """Columns for a bottom legend of ``entries`` entries (at most 4)."""
    return max(1, min(4, math.ceil(entries / per_column)))


def padded_range(values, log: bool = True) -> tuple[float, float]:
    """An axis domain holding every finite value of ``values`` with a small margin: a factor of 1.25
    either side on a log axis (positive values only), 0 to 5 % past the largest on a linear one. Two
    panels given the same domain share their axes."""
    numbers = np.asarray(values, dtype=float)
    numbers = numbers[np.isfinite(numbers) & ((numbers > 0) if log else True)]
    if numbers.size == 0:
        return (1.0, 10.0) if log else (0.0, 1.0)
    if log:
        return float(numbers.min() / 1.25), float(numbers.max() * 1.25)
    return 0.0, float(numbers.max() * 1.05)

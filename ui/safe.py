"""User-supplied text shown literally, and CSV downloads that no spreadsheet will execute.

Names inside uploaded files, file names, the user's platform names and URL parameters reach the
page through :func:`literal` (prose), :func:`cell_text` (tables and option labels that render
Markdown) or a data grid, which shows text as text: no Markdown link, image, autolink, colour
directive or HTML ever comes from a user. Every CSV leaves through :func:`download_csv`,
whose cells are escaped against formula injection (``qb_core.csv_io.to_csv_safe``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pandas as pd
import streamlit as st

from qb_core.csv_io import echo_list, to_csv_safe

#: What makes Markdown active (links, images, emphasis, HTML, LaTeX, Streamlit's ``:colour[...]``
#: and ``:icon:`` directives) or turns text into a link by itself (``https://``, ``www.``, ``a@b.c``).
_ACTIVE = re.compile(r"[\\`*_{}\[\]()#!|<>~$&@]|:(?=[A-Za-z/])|www\.", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_BACKTICKS = re.compile(r"`+")
MAX_SHOWN = 120


def code_span(text: str) -> str:
    """``text`` as a Markdown code span: shown character for character, never a link, image or
    markup (backslash escapes cannot stop GitHub's autolinks; a code span does). The fence is
    longer than any run of backticks inside."""
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" or text.isspace() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _folded(text: object, limit: int) -> str:
    plain = _SPACE.sub(" ", str(text)).strip()
    return plain if len(plain) <= limit else plain[: limit - 1] + "…"


def literal(text: object, limit: int = MAX_SHOWN) -> str:
    """User-supplied ``text`` for a Markdown body: newlines folded, long text cut with an ellipsis,
    shown exactly as written (a code span)."""
    return code_span(_folded(text, limit))


def cell_text(text: object) -> str:
    """Text for a place that renders Markdown but should read as plain text (``st.table`` cells and
    headers, widget option labels): as it is when nothing in it is active (``INT2: 100%, 50%``,
    ``ZCU104-FINN``), else a code span."""
    plain = _SPACE.sub(" ", str(text))
    return code_span(plain) if _ACTIVE.search(plain) else plain


def option_label(name: object) -> str:
    """A widget option's label (pills and multiselects render Markdown), cut to a readable length."""
    return cell_text(_folded(name, MAX_SHOWN))


def literal_list(names: Iterable[object], limit: int = 8) -> str:
    """A capped, literal list of names: ``A, B, ... and 1,997 more``."""
    return literal(echo_list([str(n) for n in names], limit), limit=2000)


def safe_file_name(name: str, fallback: str = "download.csv") -> str:
    """A download file name of letters, digits, dot, dash and underscore only."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or fallback
    return cleaned if cleaned.endswith(".csv") else f"{cleaned}.csv"


def download_csv(label: str, frame: pd.DataFrame | str, file_name: str, key: str | None = None,
                 columns: Sequence[str] | None = None) -> None:
    """A CSV download of ``frame`` (its ``columns`` only, if given) with formula-injection escaping
    (OWASP: a leading ``'`` on text cells starting with ``= + - @``, tab or CR), readable back by the
    project's importers; text given instead of a frame must come from ``to_csv_safe`` already (e.g.
    ``platforms_to_csv``)."""
    if isinstance(frame, pd.DataFrame):
        def data(table: pd.DataFrame = frame) -> str:  # written when clicked, not on every run
            return to_csv_safe(table if columns is None else table[list(columns)])
    else:
        data = frame
    st.download_button(label, data, safe_file_name(file_name), "text/csv", key=key, icon=":material/download:",
                       on_click="ignore")

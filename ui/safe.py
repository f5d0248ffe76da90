"""User-supplied text shown literally, and CSV downloads that no spreadsheet will execute.

Names inside uploaded files, file names, the user's platform names and URL parameters reach the
page through :func:`literal` (or a table, which shows text as text): no Markdown link, image,
colour directive or HTML ever comes from a user. Every CSV leaves through :func:`download_csv`,
whose cells are escaped against formula injection (``qb_core.csv_io.to_csv_safe``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
import streamlit as st

from qb_core.csv_io import echo_list, to_csv_safe

#: Every ASCII punctuation character may be backslash-escaped in CommonMark: escaping them all
#: disarms links, images, emphasis, HTML, Streamlit's ``:colour[...]`` and ``:icon:`` directives
#: and LaTeX (``$``).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&=\"'^%@;,/?])")
_SPACE = re.compile(r"\s+")
MAX_SHOWN = 120


def literal(text: object, limit: int = MAX_SHOWN) -> str:
    """``text`` as Markdown that shows exactly its characters (newlines folded, long text cut
    with an ellipsis)."""
    plain = _SPACE.sub(" ", str(text)).strip()
    if len(plain) > limit:
        plain = plain[: limit - 1] + "…"
    return _MARKDOWN_SPECIAL.sub(r"\\\1", plain)


def literal_list(names: Iterable[object], limit: int = 8) -> str:
    """A capped, literal list of names: ``A, B, ... and 1,997 more``."""
    return literal(echo_list([str(n) for n in names], limit), limit=2000)


def safe_file_name(name: str, fallback: str = "download.csv") -> str:
    """A download file name of letters, digits, dot, dash and underscore only."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or fallback
    return cleaned if cleaned.endswith(".csv") else f"{cleaned}.csv"


def download_csv(label: str, frame: pd.DataFrame, file_name: str, key: str | None = None) -> None:
    """A CSV download of ``frame`` with formula-injection escaping (OWASP: a leading ``'`` on text
    cells starting with ``= + - @``, tab or CR), readable back by the project's importers."""
    st.download_button(label, to_csv_safe(frame), safe_file_name(file_name), "text/csv", key=key,
                       icon=":material/download:")

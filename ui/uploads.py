"""The user's own measurements: CSV uploads kept in this session only, beside the bundled data.

Each upload goes through the project's importer (QuTiBench export or contribution template, or
the tidy schema of our own downloads). A file that cannot be read changes nothing; rows the
importer skips are listed with their line and reason. Uploaded configurations carry the file
name in their label, so they never merge with the bundled lines.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from qb_core.analyses.filters import filter_options as core_filter_options
from qb_core.csv_io import no_rows_imported
from qb_core.measurements.dataset import DataFormatError, ImportResult, read_any
from qb_core.service import Uploads, content_digest
from ui import cache
from ui.widgets import drop_scenario, family_key

#: The app charts every measurement it shows; beyond this the charts would slow every rerun.
MAX_UPLOADED_ROWS = 20_000


def uploads() -> dict[str, pd.DataFrame]:
    """File name -> tidy rows, for this session."""
    return st.session_state.setdefault("uploads", {})


def digests() -> tuple[tuple[str, str], ...]:
    """(file name, content digest) of each upload of this session, in the order added: the
    scenario's part that stands for the uploaded rows in every cache key."""
    known = st.session_state.get("upload_digests", {})
    return tuple((name, known[name]) for name in uploads())


def current() -> Uploads:
    """This session's uploads as the scenario's part: their digests with the rows they name (the
    bundled rows and the uploaded ones), or no upload."""
    files = digests()
    return Uploads(files, rows()) if files else Uploads()


def reports() -> dict[str, pd.DataFrame]:
    """File name -> the importer's problems (line, severity, reason) for that file."""
    return st.session_state.setdefault("upload_reports", {})


def _refresh() -> None:
    """Rebuild this session's combined table once, when its uploads change (not on every rerun)."""
    parts = [cache.measurements()]
    for name, rows in uploads().items():
        labelled = rows.assign(dataset=name)
        labelled["config"] = labelled["config"].astype(str) + " · " + name
        parts.append(labelled)
    text = [c for c in parts[0].columns if parts[0][c].dtype == "category"] + ["dataset"]
    combined = pd.concat([p.astype({c: str for c in text if c in p}) for p in parts], ignore_index=True)
    st.session_state["_combined_measurements"] = combined.astype({c: "category" for c in text})
    st.session_state["_combined_options"] = {}
    drop_scenario()


def read(name: str, content) -> ImportResult:
    """Import ``content`` (bytes or a buffer) as ``name``, changing nothing; raises ValueError with a
    readable reason."""
    try:
        result = read_any(bytes(content), name=name)
    except DataFormatError as exc:
        raise ValueError(str(exc)) from None
    if result.measurements.empty:
        raise ValueError(no_rows_imported(name, result.skipped))
    return result


def commit(name: str, result: ImportResult, digest: str) -> tuple[int, int]:
    """Keep an imported file in this session; returns (rows kept, rows skipped). Raises ValueError,
    leaving every earlier upload as it was, when the session would hold too many rows."""
    total = sum(len(rows) for n, rows in uploads().items() if n != name) + len(result.measurements)
    if total > MAX_UPLOADED_ROWS:
        raise ValueError(f"{total:,} uploaded rows in all; the app shows at most {MAX_UPLOADED_ROWS:,} "
                         "(the command line has no such limit: python -m qb_core import-qutibench)")
    before = set(rows()["platform"].astype(str))
    uploads()[name] = result.measurements
    reports()[name] = result.problems
    st.session_state.setdefault("upload_digests", {})[name] = digest
    _refresh()
    _select_new_boards(result.measurements, before)
    return len(result.measurements), result.skipped


def add(name: str, content: bytes) -> tuple[int, int]:
    """Import ``content`` as ``name`` and keep it (:func:`read`, then :func:`commit`)."""
    return commit(name, read(name, content), content_digest(content))


def _select_new_boards(rows_added: pd.DataFrame, known: set[str]) -> None:
    """Boards an upload brings are selected in the sidebar when they arrive (every upload, not
    only the first): their family's toggle gets them added to what is already chosen."""
    new = rows_added.loc[~rows_added["platform"].astype(str).isin(known), ["platform", "family"]].astype(str)
    for family, boards in new.drop_duplicates().groupby("family")["platform"]:
        key = family_key(family)
        chosen = st.session_state.get(key)
        if chosen is not None:
            st.session_state[key] = list(dict.fromkeys([*chosen, *boards]))


def remove(name: str) -> None:
    uploads().pop(name, None)
    reports().pop(name, None)
    st.session_state.get("upload_digests", {}).pop(name, None)
    _refresh()


def filter_options(task: str) -> Mapping[str, object]:
    """Sidebar options over bundled plus uploaded rows (computed once per upload change)."""
    if not uploads():
        return cache.filter_options(task)
    options = st.session_state.setdefault("_combined_options", {})
    if task not in options:
        options[task] = core_filter_options(cache.catalog(), rows(), task)
    return options[task]


def rows() -> pd.DataFrame:
    """Bundled plus uploaded measurements (the bundled table alone when nothing was uploaded)."""
    if not uploads():
        return cache.measurements()
    if "_combined_measurements" not in st.session_state:
        _refresh()
    return st.session_state["_combined_measurements"]

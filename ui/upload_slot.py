"""One uploaded file, read the moment it arrives and added only by a button that names it.

Streamlit's uploader cannot be trusted with an "Add" button that reads its value later: when the
browser refuses a newer file (over the size limit) the server never hears of it and the value is
still the older file; while a file is still uploading the value is the older file, or none. So each
file is read in the uploader's ``on_change`` (the moment it has fully arrived) into a *pending*
record keyed by its file id; the Add button is disabled until a record exists, names the file it
will add, and adds it only if the uploader still holds that very file. A file that cannot be read
leaves its reason on the page for as long as it stays in the uploader (a later run does not erase
it), and nothing is added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from qb_core.service import content_digest
from ui import messages
from ui.safe import literal, option_label


@dataclass(frozen=True)
class Pending:
    """A file read and ready to add: the uploader's id for it, its name, a digest of its bytes and
    what the page's ``read`` returned."""

    file_id: str
    file_name: str
    digest: str
    result: object


def _upload_key(scope: str) -> str:
    return f"{scope}_upload"


def _pending_key(scope: str) -> str:
    return f"_{scope}_pending"


def _refusal_key(scope: str) -> str:
    return f"_{scope}_refusal"


def read_now(scope: str, read: Callable[[str, memoryview], object]) -> None:
    """Read the file in the uploader (``on_change``, or when a setting the reading depends on
    changes): a pending record, or the reason it was refused."""
    state = st.session_state
    state.pop(_pending_key(scope), None)
    state.pop(_refusal_key(scope), None)
    upload = state.get(_upload_key(scope))
    if upload is None:  # removed, or a newer file has started to upload
        return
    buffer = upload.getbuffer()  # the bytes the uploader holds, not a copy
    try:
        result = read(upload.name, buffer)
    except ValueError as exc:
        state[_refusal_key(scope)] = (upload.file_id, f"{literal(upload.name)} was not read: {literal(exc, 600)}. "
                                                      "Nothing was added.")
        return
    state[_pending_key(scope)] = Pending(upload.file_id, upload.name, content_digest(buffer), result)


def uploader(scope: str, label: str, types: list[str], limit_mb: int, read: Callable[[str, memoryview], object],
             help: str | None = None) -> Pending | None:
    """The uploader (files up to ``limit_mb`` MB, refused by the browser beyond) and, below it, the
    reason the current file was refused; returns the pending record of the file on screen."""
    st.file_uploader(label, type=types, key=_upload_key(scope), max_upload_size=limit_mb, on_change=read_now,
                     args=(scope, read), help=help)
    upload = st.session_state.get(_upload_key(scope))
    refusal = st.session_state.get(_refusal_key(scope))
    if refusal and upload is not None and refusal[0] == upload.file_id:
        st.error(refusal[1], icon=":material/block:")
    return pending(scope)


def pending(scope: str) -> Pending | None:
    """The record of the file the uploader holds now (None when none was read, or it changed)."""
    record = st.session_state.get(_pending_key(scope))
    upload = st.session_state.get(_upload_key(scope))
    return record if record is not None and upload is not None and upload.file_id == record.file_id else None


def _add(scope: str, add: Callable[[Pending], str], said: str) -> None:
    record = pending(scope)
    if record is None:  # the file changed between the page drawing the button and the click
        messages.flash(said, "error", "Nothing was added: the file in the uploader changed; check it and add again.")
        return
    try:
        text = add(record)
    except ValueError as exc:
        messages.flash(said, "error", f"{literal(record.file_name)} was not added: {literal(exc, 400)}. "
                                      "Nothing was changed.")
        return
    st.session_state.pop(_pending_key(scope), None)  # added once: the button waits for another file
    messages.flash(said, "success", text)


def add_button(scope: str, verb: str, add: Callable[[Pending], str], messages_scope: str | None = None) -> None:
    """``verb`` and the file's name on a button that adds the pending file through ``add`` (which
    returns the success text, or raises ValueError); disabled while no file is ready. The outcome
    is flashed to ``messages_scope`` (default: ``scope``), which the page shows."""
    record = pending(scope)
    label = f"{verb} {option_label(record.file_name)}" if record else f"{verb} (choose a file first)"
    st.button(label, on_click=_add, args=(scope, add, messages_scope or scope), disabled=record is None,
              icon=":material/upload:", key=f"{scope}_add")

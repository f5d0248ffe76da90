"""The caches are shared read-only between sessions (``ui.data.cached``): a page that changed a
cached table or spec in place would show the next session something else. Every page, opened in
a second fresh session after a first, shows exactly what the first saw and what was recorded."""

from __future__ import annotations

import json

import pytest

from devtools.apptest import new_app, open_page
from devtools.snapshot import PAGES, SNAPSHOT_FILE, page_digests

RECORDED: dict[str, list[str]] = json.loads(SNAPSHOT_FILE.read_text())


@pytest.mark.parametrize("page", PAGES)
def test_a_second_session_sees_what_the_first_saw(page):
    first = page_digests(open_page(new_app().run(), page))
    second = page_digests(open_page(new_app().run(), page))
    assert first == second == RECORDED[f"cifar10 {page}"]

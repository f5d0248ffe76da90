"""Every page, on a fixed set of links, shows what it showed when the digests were recorded: chart
specs and data, tables and text (:mod:`devtools.snapshot`). A refactoring must keep them; a change
meant to be seen records them again (``python -m devtools.snapshot record``) in its own commit.

The same walk checks what every page must do on every link: run without an exception and give
every chart data to draw. The caches are shared read-only between sessions (``ui.cache.cached``):
a page that changed a cached table or spec in place would show the next session something else,
so every page is also opened in a second fresh session, which must see the same."""

from __future__ import annotations

import json

import pytest

from devtools.apptest import charts, datasets, new_app, open_page
from devtools.snapshot import LINKS, PAGES, SNAPSHOT_FILE, page_digests, snapshots

RECORDED: dict[str, list[str]] = json.loads(SNAPSHOT_FILE.read_text())


@pytest.mark.parametrize("link", [name for name, _, _ in LINKS])
def test_every_page_of_a_link_shows_what_was_recorded(link):
    changed = []
    for name, page, at in snapshots(only=link):
        assert not at.exception, (name, page, at.exception)
        assert at.title and at.title[0].value, (name, page, "no title")
        for chart in charts(at):
            assert any(len(frame) for frame in datasets(chart).values()), (name, page, "a chart without data")
        now, before = page_digests(at), RECORDED[f"{name} {page}"]
        if now != before:
            changed.append(f"{page}: {sorted(set(before) ^ set(now))} (order or count: {len(before)} -> {len(now)})")
    assert not changed, f"{link}: " + "; ".join(changed)


def test_the_recording_covers_every_link_and_page():
    expected = {f"{name} {page}" for name, _, pages in LINKS for page in pages}
    assert set(RECORDED) == expected


@pytest.mark.parametrize("page", PAGES)
def test_a_second_session_sees_what_the_first_saw(page, shown):
    first = page_digests(shown(page))  # the session read-only tests share, opened first
    second = page_digests(open_page(new_app().run(), page))
    assert first == second == RECORDED[f"cifar10 {page}"]

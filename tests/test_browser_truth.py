"""Issue 18 in headless Chromium (Debian's package, driven by Playwright): what a reader sees.

Tables a reader needs first fit the column at 1280 px (the rest behind "More columns"), and the
rooflines of every task's networks at 1920 px label only what can be read: no two network labels
overlap. Screenshots go to test-artifacts/ (look at them).
"""

from __future__ import annotations

import pytest

from devtools.browser import ARTIFACTS, screenshot_whole, wait_for_app, wait_for_charts_drawn

#: Per table: the width of its content (every column) against the width it is shown in.
TABLE_WIDTHS = """() => Array.from(document.querySelectorAll('[data-testid="stDataFrame"]')).map(d => {
  const scroller = d.querySelector('.dvn-scroller'); const inner = scroller && scroller.firstElementChild;
  return {content: inner ? inner.scrollWidth : 0, shown: scroller ? scroller.clientWidth : 0}; })"""
#: Boxes of the text marks inside each chart's plot (network labels; axis and legend text excluded).
LABEL_BOXES = """() => Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]')).map(c =>
  Array.from(c.querySelectorAll('g.mark-text.role-mark text')).filter(t => t.textContent.trim())
    .map(t => { const r = t.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }))"""


def open_page(page, base: str, path: str, charts: int = 1) -> None:
    page.goto(f"{base}/{path}")
    wait_for_app(page, charts, timeout_ms=60_000)
    wait_for_charts_drawn(page, timeout_ms=60_000)


@pytest.mark.parametrize("path", ["rooflines", "rooflines?task=ImageNet", "efficiency", "energy", "pareto_gap"])
def test_tables_fit_the_column_at_1280(app_url, browser, path):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    try:
        open_page(page, app_url, path)
        widths = page.evaluate(TABLE_WIDTHS)
        slug = path.replace("?", "_").replace("=", "_")
        screenshot_whole(page, ARTIFACTS / f"truth_tables_1280_{slug}.png", 1280)
    finally:
        page.close()
    assert widths, path
    wide = [w for w in widths if w["content"] > w["shown"] + 1]
    assert not wide, (path, wide)


def overlapping_pairs(boxes: list[list[float]]) -> int:
    """Pairs of boxes (left, top, right, bottom) that overlap by more than a pixel each way."""
    count = 0
    for i, (left, top, right, bottom) in enumerate(boxes):
        for other_left, other_top, other_right, other_bottom in boxes[i + 1:]:
            across = min(right, other_right) - max(left, other_left)
            down = min(bottom, other_bottom) - max(top, other_top)
            count += across > 1 and down > 1
    return count


@pytest.mark.parametrize("width", [1280, 1920])
def test_all_tasks_networks_labels_do_not_overlap(app_url, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 1000})
    try:
        open_page(page, app_url, "rooflines?roof_all=true&roof_focus=U96-A53")  # 54 verticals, 11 labels
        labels = page.evaluate(LABEL_BOXES)[0]
        screenshot_whole(page, ARTIFACTS / f"truth_rooflines_all_tasks_{width}.png", width)
    finally:
        page.close()
    assert len(labels) >= 8  # every network that can be named is
    assert overlapping_pairs(labels) == 0


def test_a_link_naming_the_task_by_its_id_opens_that_task(app_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    try:
        open_page(page, app_url, "rooflines?task=imagenet")  # the command line's id, not the label
        task = page.locator(".st-key-task input").input_value()
    finally:
        page.close()
    assert "ImageNet" in task

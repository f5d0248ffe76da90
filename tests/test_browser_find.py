"""Find a deployment in headless Chromium (Debian's package, driven by Playwright), at 1280 and
1920 px: the chart is readable (plot area, width, every legend entry whole), the answer's tables
fit the column without scrolling sideways, and a shared link reopens the same answer. Screenshots go
to test-artifacts/ (look at them)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

import pytest

from devtools.apptest import charts, legend_entries, new_app, open_page
from devtools.browser import ARTIFACTS, WIDTHS, measure, screenshot_whole, wait_for_app, wait_for_charts_drawn

#: The page's own minimum plot height (ui.charts.core.MIN_PLOT).
MIN_PLOT_PX = 220
IGNORED_CONSOLE = re.compile(r"_stcore/(health|host-config)|Failed to load resource.*404")
#: name -> (page address query, the heading the answer opens with)
QUESTIONS = {
    "cnv_int2": ("find_level=accelerator&find_task=CIFAR-10&find_network=CNV&find_precision=INT2&find_min_fps=10000"
                 "&find_max_power_w=5", "Nothing meets every constraint"),
    "imagenet": ("find_question=latency-b1&find_level=accelerator&find_task=ImageNet&find_min_top1_pct=70"
                 "&find_max_latency_ms=10&find_objective=energy+per+input", "3 deployment(s) meet every constraint"),
    "tx2_predicted": ("find_task=ImageNet&find_platforms=TX2&find_min_fps=100", "deployment(s) meet every constraint"),
    "everything": ("", "deployment(s) meet every constraint"),
}
TABLE_FIT = """() => Array.from(document.querySelectorAll('[data-testid="stTable"]'))
  .map(t => { const s = t.querySelector('table').parentElement;
              return {scroll: s.scrollWidth, client: s.clientWidth, right: t.querySelector('table')
                      .getBoundingClientRect().right, column: t.getBoundingClientRect().right}; })"""


@pytest.fixture(scope="module")
def legend_entries_expected() -> dict[str, int | None]:
    """Per question, the legend entries its chart's spec holds (one per platform drawn, so each
    question its own count), read from the same address in an AppTest session."""
    expected = {}
    for name, (query, _) in QUESTIONS.items():
        at = new_app()
        at.query_params.update(dict(parse_qsl(query)))
        open_page(at.run(), "find")
        expected[name] = legend_entries(charts(at)[0])
    return expected


def chart_problems(where: str, geometry: list[dict], width: int, entries: int | None) -> list[str]:
    """What a reader could not read in the page's one chart."""
    if len(geometry) != 1:
        return [f"{where}: {len(geometry)} charts drawn, 1 expected"]
    chart, problems = geometry[0], []
    if chart["plot_h"] < MIN_PLOT_PX:
        problems.append(f"{where}: plot only {chart['plot_h']} px tall")
    if chart["plot_w"] < 0.8 * (width - 700):
        problems.append(f"{where}: plot only {chart['plot_w']} px wide")
    if chart["overflow"] > 4:
        problems.append(f"{where}: chart drawn {chart['overflow']} px past its column")
    if chart["clipped"]:
        problems.append(f"{where}: {chart['clipped']} legend label(s) clipped")
    if chart["labels"] != entries:
        problems.append(f"{where}: legend lists {chart['labels']} of {entries} entries")
    return problems


@pytest.mark.parametrize("width", WIDTHS)
def test_the_page_is_readable(app_url, browser, width, legend_entries_expected):
    problems: list[str] = []
    page = browser.new_page(viewport={"width": width, "height": 1000})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and not IGNORED_CONSOLE.search(msg.text) else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for name, (query, heading) in QUESTIONS.items():
        page.goto(f"{app_url}/find{'?' + query if query else ''}")
        wait_for_app(page, 1)
        wait_for_charts_drawn(page)
        where = f"{width}px {name}"
        if page.locator("[data-testid='stException']").count():
            problems.append(f"{where}: exception shown")
        if heading not in page.locator("h3").first.inner_text():
            problems.append(f"{where}: the answer opens with {page.locator('h3').first.inner_text()!r}")
        problems += chart_problems(where, measure(page), width, legend_entries_expected[name])
        for table in page.evaluate(TABLE_FIT):
            if table["scroll"] > table["client"] + 1 or table["right"] > table["column"] + 1:
                problems.append(f"{where}: the answer's table scrolls sideways ({table})")
        screenshot_whole(page, ARTIFACTS / f"find_{name}_{width}.png", width)
    problems += [f"{width}px console: {e[:200]}" for e in errors]
    page.close()
    assert problems == [], "\n".join(problems)


def test_the_feasible_region_is_shaded_and_the_limits_drawn(app_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{app_url}/find?{QUESTIONS['cnv_int2'][0]}")
    wait_for_app(page, 1)
    wait_for_charts_drawn(page)
    chart = page.locator("[data-testid='stVegaLiteChart'] svg")
    assert chart.locator("g.mark-rect path").count() == 1  # the feasible region
    assert chart.locator("g.mark-rule line, g.mark-rule path").count() >= 2  # the two limits
    legend = chart.locator("g.role-legend-label text").evaluate_all("texts => texts.map(t => t.textContent)")
    assert {"measured", "predicted, tested (band)", "untested model figure", "datasheet roofline",
            "the answer (best batch)", "nearest miss"} <= set(legend)


def test_setting_a_constraint_writes_it_to_the_address(app_url, browser):
    from playwright.sync_api import expect
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{app_url}/find")
    wait_for_app(page, 1)
    before = page.locator("h3").first.inner_text()
    box = page.locator(".st-key-find_max_power_w input")
    box.fill("5")
    box.press("Enter")
    page.wait_for_url(re.compile(r".*find_max_power_w=5.*"))
    expect(page.locator("h3").first).not_to_have_text(before)  # the answer has rerun with the limit
    wait_for_app(page, 1)
    heading = page.locator("h3").first.inner_text()
    other = browser.new_page(viewport={"width": 1280, "height": 1000})
    other.goto(page.url)
    wait_for_app(other, 1)
    expect(other.locator("h3").first).to_have_text(heading)
    assert other.locator(".st-key-find_max_power_w input").input_value() in ("5.00", "5")


def test_the_what_would_it_take_button_opens_that_page_on_the_miss(app_url, browser):
    """From a link whose constraints are bound to the address, the hand-off must not try to clear
    them (Streamlit refuses to clear bound parameters): the target page opens, preset."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{app_url}/find?{QUESTIONS['cnv_int2'][0]}")
    wait_for_app(page, 1)
    page.get_by_role("button", name=re.compile("^What would it take for ZCU104-FINN")).click()
    page.wait_for_url(re.compile(r".*/what_it_takes.*"))
    wait_for_app(page)
    page.get_by_text("Peak needed (TOP/s)").wait_for()
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_label("Target (inputs/s)").input_value() == "10000"
    assert "find_" not in page.url and not errors
    page.close()

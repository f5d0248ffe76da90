"""Shared fixtures: paths resolved from this file, never from the working directory; the app
and Debian's Chromium for the browser tests (a failure in CI when the browser is missing)."""

from pathlib import Path

import pytest

import devtools.apptest  # noqa: F401  (AppTest made as cheap to run as a server: see its docstring)
from devtools.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, executable, in_ci, running_app

TESTS_DIR = Path(__file__).resolve().parent
FIXTURES = TESTS_DIR / "fixtures"
SHARED_QUTIBENCH = TESTS_DIR.parent.parent / "shared" / "qutibench"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def shared_qutibench() -> Path:
    if not (SHARED_QUTIBENCH / "measurements.csv").exists():
        pytest.skip("../shared/qutibench is not beside this clone")
    return SHARED_QUTIBENCH


@pytest.fixture(scope="module")
def browser():
    path = executable()
    if path is None:
        if in_ci():
            pytest.fail(f"chromium not found at {CHROMIUM}: .ci/run must install it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def app_url(browser):
    with running_app() as url:
        yield url


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives headless Chromium (select or skip with -m)")


def pytest_collection_modifyitems(items):
    """Every test in a ``test_browser*.py`` file is a browser test: ``pytest -m "not browser"`` is the
    fast suite, ``make test`` runs everything."""
    for item in items:
        if item.path.name.startswith("test_browser"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def shown():
    """A page at its defaults (CIFAR-10, nothing changed), run once for every test that only reads
    it: ``shown("rooflines")``. A test that clicks or types opens its own session (``at``)."""
    from devtools.apptest import new_app, open_page

    opened = {}

    def page(name: str):
        if name not in opened:
            opened[name] = open_page(new_app().run(), name)
        return opened[name]

    return page

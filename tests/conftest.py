"""Shared fixtures: paths resolved from this file, never from the working directory."""

from pathlib import Path

import pytest

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

"""Fixtures of the board tests: the test municipality on a clean store, and the Temporal
fixtures of the workflow tests (the session's time-skipping server)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.board.support import load_testcity
from tests.workflows.conftest import temporal_env

__all__ = ["temporal_env"]


@pytest.fixture
def testcity_engine(clean_engine: Engine) -> Engine:
    """A clean store holding only the test municipality."""
    load_testcity(clean_engine)
    return clean_engine

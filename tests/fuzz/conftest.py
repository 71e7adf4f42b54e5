"""A real cycle on the time-skipping test server, on a loop of its own (``Rig``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.fuzz.rig import Rig, rig_for


@pytest.fixture(scope="module")
def rig(engine: Engine) -> Iterator[Rig]:
    """The test server and a worker on the session's store, for one test module."""
    with rig_for(engine) as started:
        yield started

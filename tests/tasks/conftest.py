"""Fixtures of the coordinate/act tests: the fictional Taskcity in the store, and a worker
with every real activity on the time-skipping server."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

import store
from activities.channels import Senders
from tests.workflows.conftest import FIXTURES, temporal_env
from worker.main import serving

__all__ = ["taskcity", "temporal_env", "worker_queue"]


@pytest.fixture
def taskcity(engine: Engine) -> Engine:
    """Taskcity loaded (idempotently: other tests may have emptied the store)."""
    with store.session_scope(engine) as session:
        store.load_municipality(session, store.read_municipality_file(FIXTURES / "taskcity.yaml"))
    return engine


@pytest.fixture
async def worker_queue(temporal_env: WorkflowEnvironment, taskcity: Engine) -> AsyncIterator[str]:
    """A worker with the real activities on a queue of its own; yields the queue name."""
    queue = f"tasks-{uuid.uuid4().hex[:8]}"
    async with serving(temporal_env.client, queue, taskcity, Senders(), threads=4):
        yield queue

"""Fixtures of the coordinate/act tests: the fictional Taskcity in the store, and a worker
with every real activity on the time-skipping server."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

import store
from activities.cycle_activities import CycleActivities
from activities.task_activities import TaskActivities
from tests.workflows.conftest import FIXTURES, temporal_env
from workflows.council_cycle import CouncilCycleWorkflow

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
    acts = CycleActivities(taskcity)
    with ThreadPoolExecutor(max_workers=4) as executor:
        worker = Worker(
            temporal_env.client,
            task_queue=queue,
            workflows=[CouncilCycleWorkflow],
            activities=[
                acts.load_council,
                acts.record_cycle_opened,
                acts.record_event,
                acts.notify,
                TaskActivities(taskcity).check_volunteers,
            ],
            activity_executor=executor,
        )
        async with worker:
            yield queue

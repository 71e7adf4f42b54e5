"""``WORKER_ROLE`` splits the worker over two processes: one serving only the cycle
workflow, one only its activities (store and notifications). Each half alone leaves the
cycle waiting; together on one task queue they run it as a single worker does."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlalchemy import Engine
from temporalio.api.enums.v1 import EventType, PendingActivityState
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

import store
from activities.channels import Senders
from config import WorkerRole
from contracts.cycle import CycleInput, cycle_workflow_id
from tests.workflows.driver import COUNCIL, send, to_plan, wait_open
from worker.main import serving
from workflows.council_cycle import CouncilCycleWorkflow

YEAR = 2061


async def _event_types(handle: WorkflowHandle[Any, Any]) -> list[int]:
    history = await handle.fetch_history()
    return [event.event_type for event in history.events]


async def _pending_activity_states(handle: WorkflowHandle[Any, Any]) -> list[int]:
    description = await handle.describe()
    return [a.state for a in description.raw_description.pending_activities]


async def test_workflows_and_activities_in_separate_workers_run_a_cycle(
    temporal_env: WorkflowEnvironment, engine: Engine, testcity: None
) -> None:
    client, queue = temporal_env.client, f"roles-{uuid.uuid4().hex[:8]}"
    handle = await client.start_workflow(
        CouncilCycleWorkflow.run,
        CycleInput(council_id=COUNCIL, fiscal_year=YEAR),
        id=cycle_workflow_id(COUNCIL, YEAR),
        task_queue=queue,
    )
    # Activities alone: nobody takes the workflow task, so nothing is decided.
    async with serving(client, queue, engine, Senders(), threads=2, role=WorkerRole.ACTIVITIES):
        await asyncio.sleep(0.5)
        assert EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED not in await _event_types(handle)

    async with serving(client, queue, engine, Senders(), threads=2, role=WorkerRole.WORKFLOWS):
        # Workflows alone: the cycle asks for its roster, and nobody runs that activity.
        for _ in range(100):
            if await _pending_activity_states(handle):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
        assert await _pending_activity_states(handle) == [
            PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED
        ]
        with store.session_scope(engine) as session:
            assert store.list_cycles(session, "testcity", YEAR) == []

        # Both halves: the cycle opens, advances, records and notifies.
        async with serving(client, queue, engine, Senders(), threads=2, role=WorkerRole.ACTIVITIES):
            await wait_open(handle)
            for command in to_plan(YEAR)[:3]:
                state = await send(handle, command)
            for _ in range(100):
                with store.session_scope(engine) as session:
                    votes = [
                        m
                        for m in store.inbox(session, "t-m1")
                        if m.fiscal_year == YEAR and m.template == "vote_needed"
                    ]
                if votes:
                    break
                await asyncio.sleep(0.05)
    with store.session_scope(engine) as session:
        history = store.history(session, COUNCIL, YEAR)
    assert [row.seq for row in history] == list(range(1, state.accepted_commands + 1))
    assert [row.action for row in history] == [c.kind for c in to_plan(YEAR)[:3]]
    assert len(votes) == 1
    await handle.terminate("test done")

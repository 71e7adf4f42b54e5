"""A command's event is recorded by a local activity (workflows/event_recording.py): in the
workflow task that accepted the command, with no activity task on the server; and with the
workflow and its activities in separate processes' roles, the workflows' worker records."""

from __future__ import annotations

import uuid

from sqlalchemy import Engine
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

import store
from activities.channels import Senders
from config import WorkerRole
from contracts.activities import RECORD_EVENT
from contracts.cycle import CycleInput, cycle_workflow_id
from domain.rule_changes import RULE_CHANGES
from tests.workflows.driver import COUNCIL, send, to_plan, wait_open
from worker.main import serving
from workflows.council_cycle import CouncilCycleWorkflow, CycleResult

LOCAL_ACTIVITY_MARKER = "core_local_activity"


async def _start(
    env: WorkflowEnvironment, queue: str, year: int
) -> WorkflowHandle[CouncilCycleWorkflow, CycleResult]:
    return await env.client.start_workflow(
        CouncilCycleWorkflow.run,
        CycleInput(council_id=COUNCIL, fiscal_year=year),
        id=cycle_workflow_id(COUNCIL, year),
        task_queue=queue,
    )


async def _shape(handle: WorkflowHandle[CouncilCycleWorkflow, CycleResult]) -> dict[str, int]:
    history = await handle.fetch_history()
    shape = {"record_activities": 0, "local_activities": 0, "patches": 0, "accepted": 0}
    for event in history.events:
        if event.HasField("activity_task_scheduled_event_attributes"):
            name = event.activity_task_scheduled_event_attributes.activity_type.name
            shape["record_activities"] += name == RECORD_EVENT
        if event.HasField("marker_recorded_event_attributes"):
            marker = event.marker_recorded_event_attributes
            shape["local_activities"] += marker.marker_name == LOCAL_ACTIVITY_MARKER
            # (The patch's name is in the marker's details, which are encrypted.)
            shape["patches"] += marker.marker_name == "core_patch"
        if event.HasField("workflow_execution_update_accepted_event_attributes"):
            shape["accepted"] += 1
    return shape


async def test_each_command_is_recorded_locally_and_lands_in_the_store(
    temporal_env: WorkflowEnvironment, task_queue: str, engine: Engine
) -> None:
    handle = await _start(temporal_env, task_queue, 2071)
    await wait_open(handle)
    commands = to_plan(2071)[:3]
    for command in commands:
        await send(handle, command)

    shape = await _shape(handle)
    assert shape == {
        "record_activities": 0,
        "local_activities": len(commands),
        # The rule changes' patches and this one (``RECORD_EVENTS_LOCALLY``).
        "patches": len(RULE_CHANGES) + 1,
        "accepted": len(commands),
    }
    with store.session_scope(engine) as session:
        rows = store.history(session, COUNCIL, 2071)
    assert [(r.seq, r.action) for r in rows] == [
        (n, c.kind) for n, c in enumerate(commands, start=1)
    ]


async def test_the_workflows_role_records_without_the_activities_worker(
    temporal_env: WorkflowEnvironment, engine: Engine, testcity: None
) -> None:
    client, queue = temporal_env.client, f"local-{uuid.uuid4().hex[:8]}"
    handle = await _start(temporal_env, queue, 2072)
    async with serving(client, queue, engine, Senders(), threads=2, role=WorkerRole.WORKFLOWS):
        # Opening needs the activities' worker (the roster, the opening record) ...
        async with serving(client, queue, engine, Senders(), threads=2, role=WorkerRole.ACTIVITIES):
            await wait_open(handle)
        # ... a command's record does not: the workflows' worker runs it itself.
        command = to_plan(2072)[0]
        await send(handle, command)
    with store.session_scope(engine) as session:
        rows = store.history(session, COUNCIL, 2072)
    assert [(r.seq, r.action) for r in rows] == [(1, command.kind)]

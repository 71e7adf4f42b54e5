"""Recording is idempotent by business key: an activity run twice, or a worker that dies
between the write and reporting the activity's completion, leaves exactly one row."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

from sqlalchemy import Engine, func, select
from temporalio import activity
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment
from temporalio.worker import Worker

from activities.cycle_activities import CycleActivities
from contracts.activities import RECORD_EVENT, RecordCycleOpenedInput, RecordEventInput
from contracts.cycle import CycleInput, cycle_workflow_id, notification_queue
from domain.commands import RecordMeetingInput
from store.models import AuditEvent, CycleDueDate, MeetingRow
from tests.board.support import OPENED, event_input, open_cycle
from tests.workflows.driver import send, wait_open
from workflows.council_cycle import CouncilCycleWorkflow

C2 = "testcity-c2"

MEETING = RecordMeetingInput(
    actor="t-coord",
    held_on=date(2041, 4, 20),
    attendance=("t-chair", "t-m1"),
    minutes_public="熟議した",
    vision_draft="地域と共に学ぶ子ども",
)


def _count(engine: Engine, model: Any, *where: Any) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_record_event_run_twice_through_the_activity_environment_leaves_one_row(
    testcity_engine: Engine,
) -> None:
    state = open_cycle(testcity_engine, C2, 2041, OPENED)
    data = event_input(state, MEETING, OPENED)
    acts = CycleActivities(testcity_engine)
    env = ActivityEnvironment()

    assert env.run(acts.record_event, data) is True
    assert env.run(acts.record_event, data) is False

    assert _count(testcity_engine, AuditEvent, AuditEvent.council_id == C2) == 1
    assert _count(testcity_engine, MeetingRow) == 1


def test_record_cycle_opened_run_twice_leaves_one_cycle_and_one_set_of_due_dates(
    testcity_engine: Engine,
) -> None:
    state = open_cycle(testcity_engine, C2, 2041, OPENED)
    again = RecordCycleOpenedInput(
        council_id=C2,
        fiscal_year=2041,
        opened_at=OPENED,
        workflow_id=cycle_workflow_id(C2, 2041),
        run_id="run-1",
        due_dates=state.due_dates,
    )
    acts = CycleActivities(testcity_engine)

    assert ActivityEnvironment().run(acts.record_cycle_opened, again) is False
    assert _count(testcity_engine, CycleDueDate) == len(state.due_dates) == 6


class _DiesAfterWrite:
    """``record_event`` that performs the real write, then fails as a killed worker
    would: the write is committed, the workflow never hears that it completed. It fails
    each time this worker tries the meeting's record again (a command's record is a local
    activity, retried by the same worker until that worker is gone)."""

    def __init__(self, engine: Engine) -> None:
        self._real = CycleActivities(engine)
        self._engine = engine
        self.died = threading.Event()
        self.rows_at_death = -1

    @activity.defn(name=RECORD_EVENT)
    def record_event(self, data: RecordEventInput) -> bool:
        written = self._real.record_event(data)
        if data.event.action == "record_meeting":
            if not self.died.is_set():
                self.rows_at_death = _count(self._engine, MeetingRow)
                self.died.set()
            raise RuntimeError("worker killed between the write and the completion")
        return written


class _CountsAttempts:
    """The real ``record_event``, noting each attempt number it served."""

    def __init__(self, engine: Engine) -> None:
        self._real = CycleActivities(engine)
        self.attempts: list[tuple[str, int]] = []

    @activity.defn(name=RECORD_EVENT)
    def record_event(self, data: RecordEventInput) -> bool:
        self.attempts.append((data.event.action, activity.info().attempt))
        return self._real.record_event(data)


@asynccontextmanager
async def _worker(
    env: WorkflowEnvironment, engine: Engine, queue: str, record_event: Callable[..., bool]
) -> AsyncIterator[None]:
    acts = CycleActivities(engine)
    with ThreadPoolExecutor(max_workers=4) as executor:
        async with (
            Worker(
                env.client,
                task_queue=queue,
                workflows=[CouncilCycleWorkflow],
                activities=[acts.load_council, acts.record_cycle_opened, record_event],
                activity_executor=executor,
                # No sticky cache: the test server never times out a dead worker's sticky
                # queue, so the next worker would not get the workflow's tasks.
                max_cached_workflows=0,
            ),
            Worker(
                env.client,
                task_queue=notification_queue(queue),
                activities=[acts.notify],
                activity_executor=executor,
            ),
        ):
            yield


async def test_a_worker_killed_after_the_write_leaves_one_row_once_a_new_worker_retries(
    temporal_env: WorkflowEnvironment, testcity_engine: Engine
) -> None:
    queue = f"board-{uuid.uuid4().hex[:8]}"
    dying = _DiesAfterWrite(testcity_engine)
    async with _worker(temporal_env, testcity_engine, queue, dying.record_event):
        handle = await temporal_env.client.start_workflow(
            CouncilCycleWorkflow.run,
            CycleInput(council_id=C2, fiscal_year=2041),
            id=cycle_workflow_id(C2, 2041),
            task_queue=queue,
        )
        await wait_open(handle)
        update = asyncio.create_task(send(handle, MEETING))
        for _ in range(400):
            if dying.died.is_set():
                break
            await asyncio.sleep(0.025)
        assert dying.died.is_set(), "the first attempt never ran"
    # The first worker is gone; the write it made is in the store.
    assert dying.rows_at_death == 1
    assert not update.done()

    retrying = _CountsAttempts(testcity_engine)
    async with _worker(temporal_env, testcity_engine, queue, retrying.record_event):
        state = await asyncio.wait_for(update, timeout=60)

    assert len(state.meetings) == 1
    # The new worker recorded the meeting again (the store kept the first write's row).
    assert [action for action, _ in retrying.attempts].count("record_meeting") >= 1
    audit = (AuditEvent.council_id == C2, AuditEvent.action == "record_meeting")
    assert _count(testcity_engine, AuditEvent, *audit) == 1
    assert _count(testcity_engine, MeetingRow) == 1

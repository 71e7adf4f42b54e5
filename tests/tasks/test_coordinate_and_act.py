"""Coordinate and act end to end: the cycle workflow on the time-skipping server, the real
worker and activities, the real store (SQLite, or PostgreSQL with TEST_DATABASE_URL).

The task and activity updates live in a mixin (``workflows.task_updates``); that every one
of them is served here also shows that Temporal collected the inherited handlers.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

import store
from contracts.cycle import STATE_QUERY, CycleInput, cycle_workflow_id
from domain.commands import (
    CancelActivityInput,
    CastVoteInput,
    ClaimTaskInput,
    CloseDiscussionInput,
    CloseVoteInput,
    Command,
    CompleteStepInput,
    CompleteTaskInput,
    ReassignTaskInput,
    RecordActivityInput,
    RecordMeetingInput,
    SubmitPlanInput,
    SubmitPolicyInput,
    WaiveTaskInput,
)
from domain.model import Aim, Ballot, CycleState, PlannedActivity, Step
from domain.tasks import CancelReason, TaskStatus
from store import VolunteerEntry
from tests.workflows.driver import send, wait_open
from workflows.council_cycle import CouncilCycleWorkflow

COUNCIL = "tc-east"
COORD_1, COORD_2, CHIEF = "tc-coord-1", "tc-coord-2", "tc-chief"

PLAN = (
    PlannedActivity(
        activity_id="reading",
        title="朝の読み聞かせ",
        kind="reading",
        planned_on=date(2026, 6, 10),
        aims=(Aim(aim_id="reading-1", text="本に親しむ"),),
    ),
    PlannedActivity(
        activity_id="patrol",
        title="登下校見守り",
        kind="patrol",
        planned_on=date(2026, 5, 11),
        aims=(Aim(aim_id="patrol-1", text="安全な登下校"),),
    ),
    PlannedActivity(
        activity_id="tea",
        title="茶道体験",
        kind="tea",
        planned_on=date(2026, 7, 3),
        aims=(Aim(aim_id="tea-1", text="日本の文化にふれる"),),
    ),
)


def to_plan() -> list[Command]:
    return [
        RecordMeetingInput(
            actor=COORD_1,
            held_on=date(2026, 4, 15),
            attendance=("tc-chair", "tc-m1", "tc-m2"),
            minutes_public="熟議",
            vision_draft="地域とともに学ぶ子ども",
        ),
        CloseDiscussionInput(actor="tc-chair"),
        SubmitPolicyInput(actor="tc-principal", text="基本方針"),
        *[CastVoteInput(actor=v, ballot=Ballot.APPROVE) for v in ("tc-chair", "tc-m1", "tc-m2")],
        CloseVoteInput(actor="tc-chair"),
        SubmitPlanInput(actor=COORD_1, activities=PLAN),
    ]


def register_volunteers(engine: Engine) -> None:
    with store.session_scope(engine) as session:
        for ident, registered in (("tc-v-ok", date(2025, 4, 1)), ("tc-v-old", date(2024, 4, 1))):
            store.upsert_volunteer(
                session,
                "taskcity",
                VolunteerEntry(id=ident, name=f"ボランティア {ident}", registered_on=registered),
            )


async def refusal_of(handle: WorkflowHandle[Any, Any], command: Command) -> ApplicationError:
    with pytest.raises(WorkflowUpdateFailedError) as caught:
        await send(handle, command)
    cause = caught.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == "Refusal"
    return cause


async def inbox_templates(engine: Engine, person: str, wanted: set[str]) -> set[str]:
    """The templates of the person's notices about the test's cycle, once the wanted
    ones have landed (deliveries run in the background)."""
    for _ in range(100):
        with store.session_scope(engine) as session:
            found = {m.template for m in store.inbox(session, person) if m.council_id == COUNCIL}
        if wanted <= found:
            break
        await asyncio.sleep(0.05)
    return found


async def test_tasks_close_coordinate_and_records_close_act(
    temporal_env: WorkflowEnvironment, worker_queue: str, engine: Engine
) -> None:
    register_volunteers(engine)
    handle = await temporal_env.client.start_workflow(
        CouncilCycleWorkflow.run,
        CycleInput(council_id=COUNCIL, fiscal_year=2026),
        id=cycle_workflow_id(COUNCIL, 2026),
        task_queue=worker_queue,
    )
    await wait_open(handle)
    for command in to_plan():
        state = await send(handle, command)

    # Three activities bring their kinds' checklists: 3 + 2 + 4 tasks, round robin.
    assert state.step is Step.COORDINATE
    assert len(state.tasks) == 9
    assert {t.owner for t in state.tasks} == {COORD_1, COORD_2}
    with store.session_scope(engine) as session:
        mine = store.tasks_for(session, COORD_1, 2026)
        chiefs = store.tasks_for(session, CHIEF, 2026)
        other_council = store.tasks_for(session, "tc-coord-3", 2026)
    assert {t.task_id for t in mine} == {t.task_id for t in state.tasks}
    assert {(t.council_id, t.activity_title) for t in chiefs} >= {(COUNCIL, "茶道体験")}
    assert [t for t in other_council if t.council_id == COUNCIL] == []

    # complete_step no longer closes coordinate: it closes by itself.
    refusal = await refusal_of(handle, CompleteStepInput(actor=COORD_1, step=Step.COORDINATE))
    assert refusal.details[0]["code"] == "step_closes_itself"

    owned_by_1 = [t.task_id for t in state.tasks if t.owner == COORD_1]
    await send(handle, ClaimTaskInput(actor=COORD_1, task_id=owned_by_1[0]))
    for task_id in owned_by_1[:3]:
        await send(handle, CompleteTaskInput(actor=COORD_1, task_id=task_id, outcome="手配済み"))
    # A coordinator cannot hand work around; the chief can.
    move = ReassignTaskInput(actor=COORD_1, task_id=owned_by_1[3], new_owner=COORD_2)
    assert (await refusal_of(handle, move)).details[0]["code"] == "role_required"
    await send(handle, move.model_copy(update={"actor": CHIEF}))
    waived = next(t.task_id for t in state.tasks if t.owner == COORD_2)
    await send(handle, WaiveTaskInput(actor=COORD_2, task_id=waived, reason="学校が手配済み"))

    state = await handle.query(STATE_QUERY, result_type=CycleState)
    remaining = [t for t in state.tasks if t.is_open]
    assert len(remaining) == 5 and state.step is Step.COORDINATE
    for task in remaining[:-1]:
        done = CompleteTaskInput(actor=task.owner or CHIEF, task_id=task.task_id, outcome="済")
        state = await send(handle, done)
        assert state.step is Step.COORDINATE
    last = remaining[-1]
    state = await send(
        handle, CompleteTaskInput(actor=CHIEF, task_id=last.task_id, outcome="統括が代わりに完了")
    )
    assert state.step is Step.ACT  # the last task closed coordinate by itself

    with store.session_scope(engine) as session:
        rows = {
            t.task_id: t for t in store.tasks_for(session, CHIEF, 2026) if t.council_id == COUNCIL
        }
        cycle = next(c for c in store.list_cycles(session, "taskcity") if c.council_id == COUNCIL)
    assert cycle.step is Step.ACT
    assert rows[owned_by_1[3]].owner_id == COORD_2
    assert rows[owned_by_1[3]].status is TaskStatus.COMPLETED
    assert (rows[waived].status, rows[waived].waive_reason) == (TaskStatus.WAIVED, "学校が手配済み")
    assert rows[owned_by_1[0]].claimed
    # Owners heard of their tasks (and of the reassigned one), were reminded (every task
    # here is due the day the plan came, the plan's dates having passed), and were told
    # that act opened.
    wanted = {"task_assigned", "task_reminder", "step_opened"}
    assert wanted <= await inbox_templates(engine, COORD_2, wanted)
    assert wanted <= await inbox_templates(engine, COORD_1, wanted)

    # Act: a volunteer whose registration expired is refused, and nothing changes.
    before = await handle.query(STATE_QUERY, result_type=CycleState)
    record = RecordActivityInput(
        actor=COORD_1,
        activity_id="reading",
        held_on=date(2026, 6, 10),
        children=31,
        volunteer_ids=("tc-v-ok", "tc-v-old"),
        notes="1・2年生",
    )
    refusal = await refusal_of(handle, record)
    assert refusal.message == (
        "ボランティア tc-v-old の登録は 2026-04-01 に期限切れです（活動日 2026-06-10）。"
        "登録を更新してから記録してください"
    )
    assert refusal.details[0]["code"] == "volunteer_expired"
    assert await handle.query(STATE_QUERY, result_type=CycleState) == before

    await send(handle, record.model_copy(update={"volunteer_ids": ("tc-v-ok",)}))
    await send(
        handle,
        CancelActivityInput(actor=COORD_1, activity_id="patrol", reason=CancelReason.WEATHER),
    )
    state = await send(
        handle,
        RecordActivityInput(
            actor=COORD_2, activity_id="tea", held_on=date(2026, 7, 3), children=12
        ),
    )
    assert state.step is Step.EVALUATE  # every activity recorded or cancelled

    with store.session_scope(engine) as session:
        records = store.activity_records(session, COUNCIL, 2026)
    assert [(r.activity_id, r.outcome.value) for r in records] == [
        ("reading", "held"),
        ("patrol", "cancelled"),
        ("tea", "held"),
    ]
    assert (records[0].children, records[0].volunteer_ids) == (31, ("tc-v-ok",))
    assert records[1].cancel_reason is CancelReason.WEATHER
    await handle.terminate("test done")

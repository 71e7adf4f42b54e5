"""The task and activity-record projections and who sees which tasks, on the real store.
Events are made by the domain rules from real commands, never written by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

import store
from contracts.activities import RecordCycleOpenedInput, RecordEventInput
from domain.commands import (
    CastVoteInput,
    CloseDiscussionInput,
    CloseVoteInput,
    Command,
    CompleteTaskInput,
    ReassignTaskInput,
    RecordActivityInput,
    RecordMeetingInput,
    SubmitPlanInput,
    SubmitPolicyInput,
    WaiveTaskInput,
)
from domain.events import CycleEvent
from domain.model import Aim, Ballot, CycleState, PlannedActivity
from domain.rules import execute, new_cycle
from domain.tasks import TaskStatus
from store import VolunteerEntry
from tests.workflows.conftest import FIXTURES

START = datetime(2026, 4, 6, 0, 0, tzinfo=UTC)
PLAN = (
    PlannedActivity(
        activity_id="tea",
        title="茶道体験",
        kind="tea",
        planned_on=date(2026, 4, 20),
        aims=(Aim(aim_id="tea-1", text="文化にふれる"),),
    ),
)


def _setup(engine: Engine, council: str) -> CycleState:
    with store.session_scope(engine) as session:
        store.load_municipality(session, store.read_municipality_file(FIXTURES / "taskcity.yaml"))
        setup = store.council_setup(session, council)
        store.record_cycle_opened(
            session,
            RecordCycleOpenedInput(
                council_id=council,
                fiscal_year=2026,
                opened_at=START,
                workflow_id=f"council-cycle/{council}/2026",
                run_id="run",
            ),
        )
        store.upsert_volunteer(
            session,
            "taskcity",
            VolunteerEntry(id="tc-v1", name="茶人", registered_on=date(2025, 4, 1)),
        )
    return new_cycle(council, 2026, setup.roster, START, setup.vote_rule)


def _run(
    state: CycleState, commands: list[Command], hour: int
) -> tuple[CycleState, list[CycleEvent]]:
    events = []
    for i, command in enumerate(commands):
        state, event = execute(state, command, START + timedelta(hours=hour + i))
        events.append(event)
    return state, events


def _record(engine: Engine, events: list[CycleEvent]) -> None:
    for event in events:
        with store.session_scope(engine) as session:
            store.record_event(
                session, RecordEventInput(event=event, workflow_id="w", run_id="run")
            )


def _to_coordinate(state: CycleState, voters: list[str], coordinator: str) -> list[Command]:
    return [
        RecordMeetingInput(
            actor="tc-chair",
            held_on=date(2026, 4, 6),
            attendance=("tc-chair",),
            minutes_public="熟議",
            vision_draft="子ども像",
        ),
        CloseDiscussionInput(actor="tc-chair"),
        SubmitPolicyInput(actor="tc-principal", text="方針"),
        *[CastVoteInput(actor=v, ballot=Ballot.APPROVE) for v in voters],
        CloseVoteInput(actor="tc-chair"),
        SubmitPlanInput(actor=coordinator, activities=PLAN),
    ]


def test_tasks_are_projected_and_seen_by_coordinators_chief_and_board(clean_engine: Engine) -> None:
    east = _setup(clean_engine, "tc-east")
    west = _setup(clean_engine, "tc-west")
    east, east_events = _run(
        east, _to_coordinate(east, ["tc-chair", "tc-m1", "tc-m2"], "tc-coord-1"), 0
    )
    west, west_events = _run(west, _to_coordinate(west, ["tc-chair", "tc-m1"], "tc-coord-3"), 0)
    _record(clean_engine, east_events + west_events)
    with store.session_scope(clean_engine) as session:
        seen = {
            who: {(t.council_id, t.task_id) for t in store.tasks_for(session, who)}
            for who in ("tc-coord-1", "tc-coord-3", "tc-chief", "tc-board", "tc-chair")
        }
        with pytest.raises(store.NotFound):
            store.tasks_for(session, "nobody")
    east_ids = {("tc-east", t.task_id) for t in east.tasks}
    west_ids = {("tc-west", t.task_id) for t in west.tasks}
    assert len(east_ids) == len(west_ids) == 4
    assert seen["tc-coord-1"] == east_ids
    assert seen["tc-coord-3"] == west_ids
    assert seen["tc-chief"] == seen["tc-board"] == east_ids | west_ids
    assert seen["tc-chair"] == set()  # a chair coordinates nothing


def test_later_task_changes_win_and_records_keep_their_volunteers(clean_engine: Engine) -> None:
    state = _setup(clean_engine, "tc-east")
    state, events = _run(
        state, _to_coordinate(state, ["tc-chair", "tc-m1", "tc-m2"], "tc-coord-1"), 0
    )
    first, second, third, fourth = (t.task_id for t in state.tasks)
    commands: list[Command] = [
        ReassignTaskInput(actor="tc-chief", task_id=first, new_owner="tc-coord-2"),
        CompleteTaskInput(actor="tc-coord-2", task_id=first, outcome="公民館を予約"),
        WaiveTaskInput(actor="tc-board", task_id=second, reason="不要"),
        CompleteTaskInput(actor="tc-chief", task_id=third, outcome="済"),
        CompleteTaskInput(actor="tc-chief", task_id=fourth, outcome="済"),
        RecordActivityInput(
            actor="tc-coord-1",
            activity_id="tea",
            held_on=date(2026, 4, 20),
            children=9,
            volunteer_ids=("tc-v1",),
        ),
    ]
    state, work = _run(state, commands, 24 * 30)
    # The completion is recorded before the reassignment: the older event must not win.
    _record(clean_engine, [*events, work[1], work[0], *work[2:]])
    with store.session_scope(clean_engine) as session:
        rows = {t.task_id: t for t in store.tasks_for(session, "tc-chief")}
        (record,) = store.activity_records(session, "tc-east", 2026)
    assert (rows[first].status, rows[first].owner_id) == (TaskStatus.COMPLETED, "tc-coord-2")
    assert rows[first].outcome == "公民館を予約"
    assert rows[second].status is TaskStatus.WAIVED
    assert (record.children, record.volunteer_ids, record.held_on) == (
        9,
        ("tc-v1",),
        date(2026, 4, 20),
    )

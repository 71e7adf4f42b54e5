"""The board's overview, on the store alone: steps, days in step, overdue, pauses, moved
deadlines and filters, after decisions taken by the real rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select

import store
from domain.commands import (
    CloseDiscussionInput,
    CompleteTaskInput,
    PauseCycleInput,
    RecordMeetingInput,
    ResumeCycleInput,
    SetDeadlineInput,
)
from domain.model import Step
from domain.rules import execute
from store.board import overview
from store.models import CycleDueDate
from tests.board.support import MUNICIPALITY, OPENED, apply, apply_all, event_input, open_cycle
from tests.workflows.driver import to_close, to_plan

C1, C2 = "testcity-c1", "testcity-c2"


def _discuss_done(at_day: int) -> list[RecordMeetingInput | CloseDiscussionInput]:
    return [
        RecordMeetingInput(
            actor="t-coord",
            held_on=date(2026, 4, at_day),
            attendance=("t-chair", "t-m1"),
            minutes_public="熟議した",
            vision_draft="自ら学ぶ子ども",
        ),
        CloseDiscussionInput(actor="t-chair"),
    ]


def _rows(engine: Engine, today: date, **filters: object) -> dict[str, store.board.OverviewRow]:
    with store.session_scope(engine) as session:
        rows = overview(session, MUNICIPALITY, 2026, today=today, **filters)  # type: ignore[arg-type]
    return {row.council_id: row for row in rows}


def test_every_council_is_listed_with_its_step_days_in_step_and_due_date(
    testcity_engine: Engine,
) -> None:
    state = open_cycle(testcity_engine, C1, 2026)
    apply_all(testcity_engine, state, list(_discuss_done(18)), OPENED + timedelta(days=17))

    rows = _rows(testcity_engine, today=date(2026, 5, 8))

    assert list(rows) == [C1, C2]
    c1 = rows[C1]
    assert (c1.step, c1.due_on, c1.days_overdue, c1.paused) == (
        Step.APPROVE, date(2026, 5, 31), 0, False,
    )  # fmt: skip
    assert c1.days_in_step == 20  # opened on 18 April (JST), today 8 May
    assert c1.schools == ("テスト市立第一中学校", "テスト市立第一小学校")
    assert c1.districts == ("第一中学校区",)
    assert c1.failed_notifications == 0
    # A council whose cycle has not started is listed too: the board must see it.
    assert (rows[C2].step, rows[C2].due_on, rows[C2].days_in_step) == (None, None, None)


def test_a_late_step_is_overdue_until_the_board_moves_its_deadline(
    testcity_engine: Engine,
) -> None:
    state = open_cycle(testcity_engine, C1, 2026)
    late = _rows(testcity_engine, today=date(2026, 5, 3), overdue_only=True)
    assert list(late) == [C1]
    assert (late[C1].step, late[C1].days_overdue) == (Step.DISCUSS, 3)

    apply(
        testcity_engine,
        state,
        SetDeadlineInput(actor="t-board", step=Step.DISCUSS, due=date(2026, 5, 10)),
        OPENED + timedelta(days=32),
    )
    assert _rows(testcity_engine, today=date(2026, 5, 3), overdue_only=True) == {}
    assert _rows(testcity_engine, today=date(2026, 5, 3))[C1].due_on == date(2026, 5, 10)


def test_a_paused_cycle_shows_its_reason_stops_its_clock_and_resumes_with_moved_dates(
    testcity_engine: Engine,
) -> None:
    state = open_cycle(testcity_engine, C1, 2026)
    paused_at = OPENED + timedelta(days=27)  # 28 April
    state = apply(
        testcity_engine, state, PauseCycleInput(actor="t-board", reason="台風による休校"), paused_at
    )
    row = _rows(testcity_engine, today=date(2026, 5, 20))[C1]
    assert (row.paused, row.paused_reason, row.paused_since) == (True, "台風による休校", paused_at)
    # Due 30 April, paused on 28 April: not late while the clock stands still.
    assert row.days_overdue == 0

    apply(testcity_engine, state, ResumeCycleInput(actor="t-board"), paused_at + timedelta(days=9))
    row = _rows(testcity_engine, today=date(2026, 5, 20))[C1]
    assert (row.paused, row.paused_reason, row.paused_since) == (False, None, None)
    assert row.due_on == date(2026, 5, 9)  # moved by the nine days paused
    assert row.days_overdue == 11
    with store.session_scope(testcity_engine) as session:
        history = store.history(session, C1, 2026)
    resume = history[-1]
    assert resume.action == "resume_cycle"
    assert {c.field: (c.before, c.after) for c in resume.changes}["due:evaluate"] == (
        "2027-03-31",
        "2027-04-09",
    )


def test_filters_by_step_and_by_district(testcity_engine: Engine) -> None:
    state = open_cycle(testcity_engine, C1, 2026)
    open_cycle(testcity_engine, C2, 2026)
    apply_all(testcity_engine, state, list(_discuss_done(18)), OPENED + timedelta(days=17))
    today = date(2026, 5, 8)

    assert list(_rows(testcity_engine, today, step=Step.APPROVE)) == [C1]
    assert list(_rows(testcity_engine, today, step=Step.DISCUSS)) == [C2]
    assert list(_rows(testcity_engine, today, district="testcity-d1")) == [C1, C2]
    with (
        pytest.raises(store.NotFound, match="中学校区 'nowhere'"),
        store.session_scope(testcity_engine) as session,
    ):
        overview(session, MUNICIPALITY, 2026, today=today, district="nowhere")
    with (
        pytest.raises(store.NotFound, match="自治体 'atlantis'"),
        store.session_scope(testcity_engine) as session,
    ):
        overview(session, "atlantis", 2026, today=today)


def test_an_older_deadline_change_recorded_late_does_not_replace_a_newer_one(
    testcity_engine: Engine,
) -> None:
    state = open_cycle(testcity_engine, C1, 2026)
    earlier = SetDeadlineInput(actor="t-board", step=Step.PLAN, due=date(2026, 7, 10))
    later = SetDeadlineInput(actor="t-board", step=Step.PLAN, due=date(2026, 7, 20))
    first = event_input(state, earlier, OPENED)
    second = event_input(execute(state, earlier, OPENED).state, later, OPENED)
    assert (first.event.seq, second.event.seq) == (1, 2)

    # Concurrent updates or retries may record the later event first.
    for data in (second, first):
        with store.session_scope(testcity_engine) as session:
            assert store.record_event(session, data) is True
    with store.session_scope(testcity_engine) as session:
        due = session.scalar(
            select(CycleDueDate.due_on).where(CycleDueDate.step == Step.PLAN.value)
        )
    assert due == date(2026, 7, 20)


def test_open_coordination_tasks_past_their_due_date_are_overdue_items(
    testcity_engine: Engine,
) -> None:
    state = open_cycle(testcity_engine, C1, 2026)
    for day, command in enumerate([*to_plan(), to_close()[0]], start=1):
        state = apply(testcity_engine, state, command, OPENED + timedelta(days=day))
    assert state.step is Step.COORDINATE
    # The patrol's two tasks fell due on 17 April (the patrol is on 1 May); coordinate
    # itself is due on 31 July.
    rows = _rows(testcity_engine, today=date(2026, 5, 20))
    assert (rows[C1].days_overdue, rows[C1].overdue_tasks) == (0, 2)
    assert list(_rows(testcity_engine, today=date(2026, 5, 20), overdue_only=True)) == [C1]

    apply(
        testcity_engine,
        state,
        CompleteTaskInput(actor="t-coord", task_id="patrol-t1", outcome="手配済み"),
        OPENED + timedelta(days=50),
    )
    assert _rows(testcity_engine, today=date(2026, 5, 20))[C1].overdue_tasks == 1
    # Before their due date nothing is late.
    assert _rows(testcity_engine, today=date(2026, 4, 17), overdue_only=True) == {}

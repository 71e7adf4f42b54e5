"""Deadlines, alerts, pause and resume in the pure core."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.commands import (
    CloseDiscussionInput,
    PauseCycleInput,
    RecordMeetingInput,
    ResumeCycleInput,
    SetDeadlineInput,
)
from domain.deadlines import AlertKind, DeadlineRules, MonthDay, alerts_for, next_alert
from domain.japan_time import JAPAN
from domain.model import CycleState, Step
from domain.oversight import pending_alert
from domain.refusals import Refusal
from domain.rules import execute, fire_alert, new_cycle
from tests.domain.builders import ROSTER

RULES = DeadlineRules()
OPENED = datetime(2027, 4, 1, 0, 0, tzinfo=UTC)


def test_fiscal_year_dates_cross_the_new_year() -> None:
    assert MonthDay(month=5, day=31).in_fiscal_year(2027) == date(2027, 5, 31)
    assert MonthDay(month=3, day=31).in_fiscal_year(2027) == date(2028, 3, 31)
    assert RULES.due_dates(2027)[Step.APPROVE] == date(2027, 5, 31)


def test_alerts_go_out_in_order_at_nine_in_the_morning_japan_time() -> None:
    alerts = alerts_for(Step.APPROVE, date(2027, 5, 31), RULES)
    assert [(a.kind, a.days) for a in alerts] == [
        (AlertKind.REMINDER, 7),
        (AlertKind.REMINDER, 1),
        (AlertKind.OVERDUE, 1),
        (AlertKind.ESCALATION_CHIEF, 4),
        (AlertKind.ESCALATION_BOARD, 11),
    ]
    assert alerts[0].at.astimezone(JAPAN) == datetime(2027, 5, 24, 9, 0, tzinfo=JAPAN)
    assert alerts[2].at.astimezone(JAPAN) == datetime(2027, 6, 1, 9, 0, tzinfo=JAPAN)


def test_each_alert_is_sent_once_and_then_the_next_one_is_due() -> None:
    sent: set[str] = set()
    seen = []
    while (alert := next_alert(Step.APPROVE, date(2027, 5, 31), RULES, OPENED, sent)) is not None:
        seen.append(alert.kind)
        sent.add(alert.key)
    assert seen == [
        AlertKind.REMINDER,
        AlertKind.REMINDER,
        AlertKind.OVERDUE,
        AlertKind.ESCALATION_CHIEF,
        AlertKind.ESCALATION_BOARD,
    ]


def test_a_step_that_opens_late_says_so_once_with_the_most_severe_alert() -> None:
    opened_late = datetime(2027, 6, 7, tzinfo=UTC)  # after overdue and the chief's escalation
    alert = next_alert(Step.APPROVE, date(2027, 5, 31), RULES, opened_late, set())
    assert alert is not None
    assert (alert.kind, alert.at) == (AlertKind.ESCALATION_CHIEF, opened_late)
    after = next_alert(Step.APPROVE, date(2027, 5, 31), RULES, opened_late, {alert.key})
    assert after is not None and after.kind is AlertKind.ESCALATION_BOARD


@given(st.dates(min_value=date(2027, 4, 2), max_value=date(2028, 3, 1)))
def test_moving_the_deadline_moves_every_alert_by_the_same_days(due: date) -> None:
    base = alerts_for(Step.PLAN, date(2027, 6, 30), RULES)
    moved = alerts_for(Step.PLAN, due, RULES)
    delta = due - date(2027, 6, 30)
    assert [a.at - delta for a in moved] == [a.at for a in base]
    assert {a.key for a in moved}.isdisjoint({a.key for a in base}) or delta == timedelta(0)


def _at_approve() -> CycleState:
    state = new_cycle("c", 2027, ROSTER, OPENED)
    state = execute(
        state,
        RecordMeetingInput(
            actor="chair",
            held_on=date(2027, 4, 10),
            attendance=("chair",),
            minutes_public="x",
            vision_draft="v",
        ),
        OPENED,
    ).state
    return execute(state, CloseDiscussionInput(actor="chair"), OPENED).state


def test_pause_refuses_commands_with_the_reason_and_silences_alerts() -> None:
    state = new_cycle("c", 2027, ROSTER, OPENED)
    paused = execute(state, PauseCycleInput(actor="board", reason="台風による休校"), OPENED).state
    assert pending_alert(paused) is None
    with pytest.raises(Refusal) as caught:
        execute(paused, CloseDiscussionInput(actor="chair"), OPENED)
    assert (
        caught.value.message()
        == "このサイクルは教育委員会により一時停止中です（理由: 台風による休校）"
    )
    with pytest.raises(Refusal) as twice:
        execute(paused, PauseCycleInput(actor="board", reason="again"), OPENED)
    assert twice.value.code == "paused"


def test_resume_moves_pending_deadlines_by_the_time_paused_rounded_up_to_days() -> None:
    state = new_cycle("c", 2027, ROSTER, OPENED)
    paused = execute(state, PauseCycleInput(actor="board", reason="休校"), OPENED).state
    resumed = execute(
        paused, ResumeCycleInput(actor="board"), OPENED + timedelta(days=9, hours=2)
    ).state
    assert resumed.paused is None
    for step, due in state.due_dates.items():
        assert resumed.due_dates[step] == due + timedelta(days=10)


def test_only_the_board_moves_deadlines_and_never_for_a_finished_step() -> None:
    state = new_cycle("c", 2027, ROSTER, OPENED)
    with pytest.raises(Refusal) as chair:
        execute(
            state, SetDeadlineInput(actor="chair", step=Step.APPROVE, due=date(2027, 6, 30)), OPENED
        )
    assert chair.value.code == "role_required"
    moved = execute(
        state, SetDeadlineInput(actor="board", step=Step.APPROVE, due=date(2027, 6, 30)), OPENED
    )
    assert moved.state.due_dates[Step.APPROVE] == date(2027, 6, 30)
    assert moved.event.changes[0].model_dump() == {
        "field": "due:approve",
        "before": "2027-05-31",
        "after": "2027-06-30",
    }
    later = _at_approve()
    with pytest.raises(Refusal) as past:
        execute(
            later, SetDeadlineInput(actor="board", step=Step.DISCUSS, due=date(2027, 5, 1)), OPENED
        )
    assert past.value.code == "deadline_past_step"


def test_an_alert_is_recorded_as_a_system_event_to_the_right_people() -> None:
    state = _at_approve()
    alert = pending_alert(state)
    assert alert is not None and alert.kind is AlertKind.REMINDER
    decision = fire_alert(state, alert, alert.at)
    assert decision.event.actor == "system" and decision.event.action == "alert"
    notice = decision.event.notices[0]
    assert notice.template == "reminder" and set(notice.recipients) == {"principal", "chair"}
    assert pending_alert(decision.state) != alert
    escalation = next(
        a
        for a in alerts_for(Step.APPROVE, date(2027, 5, 31), RULES)
        if a.kind is AlertKind.ESCALATION_BOARD
    )
    board_notice = fire_alert(state, escalation, escalation.at).event.notices[0]
    assert "board" in board_notice.recipients and "chief" not in board_notice.recipients


def test_nobody_can_send_an_alert_by_hand() -> None:
    from domain.commands import AlertInput

    state = new_cycle("c", 2027, ROSTER, OPENED)
    with pytest.raises(Refusal) as caught:
        execute(
            state,
            AlertInput(
                actor="board",
                alert_kind="overdue",
                step=Step.DISCUSS,
                due=date(2027, 4, 30),
                days=1,
            ),
            OPENED,
        )
    assert caught.value.code == "system_only"

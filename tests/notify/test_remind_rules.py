"""The hand-sent reminder in the pure core: board admins only, at the named step, once
per day in Japan, refused while paused; past the due date it says "overdue"."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from activities.cycle_activities import notification_key
from contracts.activities import NotifyInput
from domain.commands import PauseCycleInput, RemindInput
from domain.model import Step
from domain.refusals import Refusal
from domain.rules import execute
from tests.domain.builders import walk_to

# 2026-05-20 23:30 JST and 2026-05-21 08:59 JST are one day apart in Japan, though both
# fall on 20 May in UTC: the day that counts is Japan's.
LATE_EVENING = datetime(2026, 5, 20, 14, 30, tzinfo=UTC)
NEXT_MORNING = datetime(2026, 5, 20, 23, 59, tzinfo=UTC)


def test_a_reminder_goes_to_the_step_owners_with_the_days_left() -> None:
    state = walk_to(Step.APPROVE)
    decision = execute(state, RemindInput(actor="board", step=Step.APPROVE), LATE_EVENING)
    [notice] = decision.event.notices
    assert notice.template == "reminder"
    assert set(notice.recipients) == {"principal", "chair"}
    assert notice.params == {
        "step": "approve",
        "due": "2026-05-31",
        "days": "11",
        "reminded_on": "2026-05-20",
    }
    assert decision.event.actor == "board"


def test_once_per_day_in_japan() -> None:
    state = execute(
        walk_to(Step.APPROVE), RemindInput(actor="board", step=Step.APPROVE), LATE_EVENING
    ).state
    with pytest.raises(Refusal) as refused:
        execute(state, RemindInput(actor="board", step=Step.APPROVE), LATE_EVENING)
    assert refused.value.code == "already_reminded"
    assert refused.value.params["day"] == "2026-05-20"
    again = execute(state, RemindInput(actor="board", step=Step.APPROVE), NEXT_MORNING)
    assert again.event.notices[0].params["days"] == "10"


@pytest.mark.parametrize(
    ("actor", "step", "code"),
    [("chair", Step.APPROVE, "role_required"), ("board", Step.PLAN, "not_at_step")],
)
def test_only_a_board_admin_and_only_at_the_named_step(actor: str, step: Step, code: str) -> None:
    with pytest.raises(Refusal) as refused:
        execute(walk_to(Step.APPROVE), RemindInput(actor=actor, step=step), LATE_EVENING)
    assert refused.value.code == code


def test_a_paused_cycle_refuses_reminders_with_the_reason() -> None:
    paused = execute(
        walk_to(Step.APPROVE), PauseCycleInput(actor="board", reason="休校"), LATE_EVENING
    ).state
    with pytest.raises(Refusal) as refused:
        execute(paused, RemindInput(actor="board", step=Step.APPROVE), NEXT_MORNING)
    assert refused.value.code == "paused" and "休校" in str(refused.value)


def test_past_the_due_date_the_reminder_is_an_overdue_notice() -> None:
    late = datetime(2026, 6, 3, 1, 0, tzinfo=UTC)
    decision = execute(walk_to(Step.APPROVE), RemindInput(actor="board", step=Step.APPROVE), late)
    assert decision.event.notices[0].template == "overdue"
    assert decision.state.due_dates[Step.APPROVE] == date(2026, 5, 31)


def test_a_person_on_two_councils_is_reminded_once_a_day() -> None:
    state = walk_to(Step.APPROVE)
    [notice] = execute(
        state, RemindInput(actor="board", step=Step.APPROVE), LATE_EVENING
    ).event.notices
    first = NotifyInput(
        council_id="council-a", fiscal_year=2026, event_seq=9, step="approve", notice=notice
    )
    second = first.model_copy(update={"council_id": "council-b", "event_seq": 4})
    assert notification_key(first, "chair") == notification_key(second, "chair")
    [tomorrow] = execute(
        state, RemindInput(actor="board", step=Step.APPROVE), NEXT_MORNING
    ).event.notices
    third = first.model_copy(update={"notice": tomorrow})
    assert notification_key(third, "chair") != notification_key(first, "chair")
    automatic = first.model_copy(
        update={"notice": notice.model_copy(update={"params": {"step": "approve"}})}
    )
    assert notification_key(automatic, "chair") == "council-a/2026/9/reminder/chair"

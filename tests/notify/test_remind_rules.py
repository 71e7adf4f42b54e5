"""The hand-sent reminder in the pure core: board admins only, at the named step, once
per day in Japan, refused while paused; past the due date it says "overdue"."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

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
    assert notice.params == {"step": "approve", "due": "2026-05-31", "days": "11"}
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

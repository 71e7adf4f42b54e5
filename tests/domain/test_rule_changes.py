"""Rule changes switched on per cycle (``domain.rule_changes``): task-dues-follow-pause."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from domain.commands import CompleteTaskInput, PauseCycleInput, ResumeCycleInput
from domain.japan_time import JAPAN
from domain.model import CycleState, Step
from domain.rule_changes import RULE_CHANGES, TASK_DUES_FOLLOW_PAUSE
from domain.rules import execute
from domain.task_alerts import TaskAlertKind, pending_task_alert
from tests.domain.builders import AFTER_ACTIVITIES, walk_to
from tests.fuzz.oracle import settle

PAUSED_AT = AFTER_ACTIVITIES
# Two and a half days: moved dates are rounded up to whole days, as the steps' are.
RESUMED_AT = PAUSED_AT + timedelta(days=2, hours=12)


def _paused_and_resumed(changes: tuple[str, ...]) -> tuple[CycleState, CycleState, list[str]]:
    state = walk_to(Step.COORDINATE).model_copy(update={"rule_changes": changes})
    first = state.tasks[0]
    state = execute(
        state,
        CompleteTaskInput(actor=first.owner or "chief", task_id=first.task_id, outcome="済"),
        PAUSED_AT,
    ).state
    paused = execute(state, PauseCycleInput(actor="board", reason="台風"), PAUSED_AT).state
    decision = execute(paused, ResumeCycleInput(actor="board"), RESUMED_AT)
    return state, decision.state, [c.field for c in decision.event.changes]


def test_every_change_has_a_distinct_name() -> None:
    assert TASK_DUES_FOLLOW_PAUSE in RULE_CHANGES
    assert len(set(RULE_CHANGES)) == len(RULE_CHANGES)


def test_with_the_change_open_tasks_due_dates_follow_the_pause() -> None:
    before, after, fields = _paused_and_resumed((TASK_DUES_FOLLOW_PAUSE,))
    for old, new in zip(before.tasks, after.tasks, strict=True):
        moved = timedelta(days=3) if old.is_open else timedelta(0)
        assert new.due_on == old.due_on + moved, old.task_id
    moved_ids = [t.task_id for t in before.tasks if t.is_open]
    assert [f for f in fields if f.startswith("task_due:")] == [f"task_due:{i}" for i in moved_ids]


@pytest.mark.parametrize("changes", [(TASK_DUES_FOLLOW_PAUSE,), ()])
def test_a_pause_over_a_tasks_due_date_makes_it_overdue_only_without_the_change(
    changes: tuple[str, ...],
) -> None:
    state = walk_to(Step.COORDINATE).model_copy(update={"rule_changes": changes})
    due = min(t.due_on for t in state.tasks)
    # Paused on the morning of the due date, after the reminders went out; the overdue
    # notice would go out the next morning, in the middle of the pause.
    paused_at = datetime.combine(due, time(9), tzinfo=JAPAN)
    state = settle(state.model_copy(update={"step_opened_at": paused_at}), paused_at)
    paused = execute(state, PauseCycleInput(actor="board", reason="台風"), paused_at).state
    resumed_at = paused_at + timedelta(days=2, hours=12)
    resumed = execute(paused, ResumeCycleInput(actor="board"), resumed_at).state
    alert = pending_task_alert(resumed)
    assert alert is not None
    if changes:
        # The task is due three days later; its owner hears "due tomorrow" again.
        assert (alert.kind, alert.due) == (TaskAlertKind.REMINDER, due + timedelta(days=3))
    else:
        # Overdue at once, because the board paused the cycle.
        assert (alert.kind, alert.due) == (TaskAlertKind.OVERDUE, due)
        assert alert.at <= resumed_at


@pytest.mark.parametrize("changes", [()])
def test_without_the_change_tasks_keep_their_dates(changes: tuple[str, ...]) -> None:
    before, after, fields = _paused_and_resumed(changes)
    assert [t.due_on for t in after.tasks] == [t.due_on for t in before.tasks]
    assert not any(f.startswith("task_due:") for f in fields)


def test_the_resume_event_carries_the_moved_tasks_for_the_store() -> None:
    state = walk_to(Step.COORDINATE).model_copy(update={"rule_changes": RULE_CHANGES})
    paused = execute(state, PauseCycleInput(actor="board", reason="台風"), PAUSED_AT).state
    event = execute(paused, ResumeCycleInput(actor="board"), RESUMED_AT).event
    assert {t.task_id for t in event.tasks} == {t.task_id for t in state.tasks}
    assert all(
        t.due_on == s.due_on + timedelta(days=3)
        for t, s in zip(event.tasks, state.tasks, strict=True)
    )

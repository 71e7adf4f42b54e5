"""The board of education's hand on a running cycle: pause, resume, move a deadline; and
the alerts the cycle raises by itself when a step falls due."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from domain.base import STEP_ORDER, STEP_OWNERS, Role, Step
from domain.commands import (
    AlertInput,
    Command,
    PauseCycleInput,
    RemindInput,
    SetDeadlineInput,
)
from domain.deadlines import ALERT_AUDIENCE, Alert, AlertKind, next_alert, shift
from domain.events import Change, Notice
from domain.japan_time import JAPAN
from domain.model import CycleState, Pause
from domain.refusals import Refusal
from domain.rule_changes import TASK_DUES_FOLLOW_PAUSE

Effects = tuple[tuple[Change, ...], tuple[Notice, ...]]

OVERSIGHT_PERMISSIONS: dict[str, frozenset[Role]] = {
    "set_deadline": frozenset({Role.BOARD_ADMIN}),
    "pause_cycle": frozenset({Role.BOARD_ADMIN}),
    "resume_cycle": frozenset({Role.BOARD_ADMIN}),
    "remind": frozenset({Role.BOARD_ADMIN}),
    "alert": frozenset(),  # raised by the cycle itself, never by a person
}

#: What a board admin may still do while a cycle is paused.
UNPAUSABLE: frozenset[str] = frozenset({"resume_cycle", "set_deadline"})


def pending_alert(state: CycleState) -> Alert | None:
    """The next deadline alert the cycle should raise; none while paused."""
    if state.paused is not None:
        return None
    return next_alert(
        state.step,
        state.due_dates.get(state.step),
        state.deadline_rules,
        state.step_opened_at,
        set(state.alerts_sent),
    )


def _set_deadline(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, SetDeadlineInput)
    if cmd.step is Step.CLOSED or STEP_ORDER.index(cmd.step) < STEP_ORDER.index(state.step):
        raise Refusal("deadline_past_step", step=cmd.step)
    before = state.due_dates.get(cmd.step)
    state.due_dates[cmd.step] = cmd.due
    change = Change(
        field=f"due:{cmd.step}",
        before=None if before is None else before.isoformat(),
        after=cmd.due.isoformat(),
    )
    return (change,), ()


def _pause(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, PauseCycleInput)
    # Pausing a paused cycle never gets here: it is refused with the pause's reason.
    state.paused = Pause(since=at, reason=cmd.reason, by=cmd.actor)
    notice = Notice(
        template="paused", recipients=state.roster.everyone(), params={"reason": cmd.reason}
    )
    return (Change(field="paused", before=None, after=cmd.reason),), (notice,)


def _resume(state: CycleState, cmd: Command, at: datetime) -> Effects:
    if state.paused is None:
        raise Refusal("not_paused")
    pending = [s for s in STEP_ORDER[STEP_ORDER.index(state.step) :] if s is not Step.CLOSED]
    before_dates = state.due_dates
    state.due_dates = shift(state.due_dates, pending, at - state.paused.since)
    # Each moved date is a decision too: the audit trail shows it old → new, and the
    # board's read model takes the new dates from here.
    moved = tuple(
        Change(field=f"due:{step}", before=before_dates[step].isoformat(), after=due.isoformat())
        for step, due in state.due_dates.items()
        if before_dates.get(step) != due
    )
    if TASK_DUES_FOLLOW_PAUSE in state.rule_changes:
        moved += _move_open_tasks(state, at - state.paused.since)
    reason = state.paused.reason
    state.paused = None
    due = state.due_dates.get(state.step)
    notice = Notice(
        template="resumed",
        recipients=state.roster.everyone(),
        params={"step": state.step.value, "due": "" if due is None else due.isoformat()},
    )
    return (Change(field="paused", before=reason, after=None), *moved), (notice,)


def _move_open_tasks(state: CycleState, paused: timedelta) -> tuple[Change, ...]:
    """Move every open task's due date by ``paused`` in whole days, rounded up (as
    ``shift`` moves the steps'); the tasks' reminders follow their new dates."""
    days = timedelta(days=-(-paused // timedelta(days=1)))
    changes = []
    for task in state.tasks:
        if task.is_open and days:
            before, task.due_on = task.due_on, task.due_on + days
            changes.append(
                Change(
                    field=f"task_due:{task.task_id}",
                    before=before.isoformat(),
                    after=task.due_on.isoformat(),
                )
            )
    return tuple(changes)


def _alert(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, AlertInput)
    kind = AlertKind(cmd.alert_kind)
    key = Alert(step=cmd.step, kind=kind, due=cmd.due, days=cmd.days, at=at).key
    state.alerts_sent.append(key)
    notice = Notice(
        template=kind.value,
        recipients=alert_recipients(state, cmd.step, kind),
        params={"step": cmd.step.value, "due": cmd.due.isoformat(), "days": str(cmd.days)},
    )
    return (Change(field="alert", before=None, after=key),), (notice,)


#: Who hears of an escalation: those who can do something about a late step, never the
#: members and volunteers (an escalation says "we are telling the board").
ESCALATION_AUDIENCE: dict[AlertKind, tuple[Role, ...]] = {
    AlertKind.ESCALATION_CHIEF: (Role.CHAIR, Role.CHIEF_COORDINATOR),
    AlertKind.ESCALATION_BOARD: (Role.CHAIR, Role.BOARD_ADMIN),
}


def alert_recipients(state: CycleState, step: Step, kind: AlertKind) -> tuple[str, ...]:
    """Who hears of a deadline alert: a reminder or an overdue notice goes to the step's
    owners (and the chair when overdue); an escalation only to the chair and the one it
    escalates to: the chief coordinator, then the board of education.

    A roster without any of those keeps the owners as before: whether a notice has
    recipients decides whether the cycle schedules its activity, and a history recorded
    earlier must replay the same (an empty list never becomes a full one, nor back)."""
    before = state.roster.holders_of(*STEP_OWNERS[step], *ALERT_AUDIENCE[kind])
    audience = ESCALATION_AUDIENCE.get(kind)
    if audience is None:
        return before
    overseers = state.roster.holders_of(*audience)
    return overseers if overseers and before else before


def manual_reminder_key(step: Step, at: datetime) -> str:
    """Identity of a hand-sent reminder: one per step and day in Japan."""
    return f"manual:{step}:{at.astimezone(JAPAN).date().isoformat()}"


def _remind(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, RemindInput)
    if state.step is not cmd.step:
        raise Refusal("not_at_step", step=cmd.step, current=state.step)
    key = manual_reminder_key(cmd.step, at)
    if key in state.alerts_sent:
        raise Refusal("already_reminded", step=cmd.step, day=key.rsplit(":", 1)[1])
    state.alerts_sent.append(key)
    due = state.due_dates.get(cmd.step)
    today = at.astimezone(JAPAN).date()
    late = due is not None and due < today
    notice = Notice(
        # Past the due date a reminder says "overdue"; before it, how many days are left.
        template="overdue" if late else "reminder",
        recipients=state.roster.holders_of(*STEP_OWNERS[cmd.step]),
        params={
            "step": cmd.step.value,
            "due": "" if due is None else due.isoformat(),
            "days": "" if due is None else str((due - today).days),
            # A person on several councils hears a hand-sent reminder once a day at most.
            "reminded_on": today.isoformat(),
        },
    )
    return (Change(field="alert", before=None, after=key),), (notice,)


OVERSIGHT_HANDLERS: dict[str, Callable[[CycleState, Command, datetime], Effects]] = {
    "set_deadline": _set_deadline,
    "pause_cycle": _pause,
    "resume_cycle": _resume,
    "remind": _remind,
    "alert": _alert,
}

"""Reminders of coordination tasks: the day before a task is due its owner is reminded;
the morning after, if it is still open, the owner and the chief coordinator are told it
is overdue. Alerts go out at the deadline rules' ``alert_hour`` (JST), like the steps'.

Pure: the workflow asks ``pending_task_alert`` what to wait for and sleeps until then.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from domain.base import Frozen, Role, Step
from domain.command_table import CommandRule, Effects
from domain.commands import Command, TaskAlertInput
from domain.events import Change, Notice
from domain.japan_time import morning_of
from domain.model import CycleState


class TaskAlertKind(StrEnum):
    """What a task alert says; also the name of its notification template."""

    REMINDER = "task_reminder"  # the day before the due date
    OVERDUE = "task_overdue"  # the morning after the due date


#: Days from the due date to each alert, and who hears of it beyond the owner.
_OFFSETS: dict[TaskAlertKind, int] = {TaskAlertKind.REMINDER: -1, TaskAlertKind.OVERDUE: 1}
_AUDIENCE: dict[TaskAlertKind, tuple[Role, ...]] = {
    TaskAlertKind.REMINDER: (),
    TaskAlertKind.OVERDUE: (Role.CHIEF_COORDINATOR,),
}


class TaskAlert(Frozen):
    """One alert of one task for one due date."""

    task_id: str
    kind: TaskAlertKind
    due: date
    at: datetime

    @property
    def key(self) -> str:
        """Identity of the alert: sent once, whatever happens."""
        return f"task:{self.task_id}:{self.kind}:{self.due.isoformat()}"


def pending_task_alert(state: CycleState) -> TaskAlert | None:
    """The earliest task alert not yet sent; none while paused or outside coordinate.
    A reminder whose overdue notice is already due is moot: only the overdue goes."""
    if state.paused is not None or state.step is not Step.COORDINATE:
        return None
    sent = set(state.alerts_sent)
    hour = state.deadline_rules.alert_hour
    pending: list[TaskAlert] = []
    for task in state.tasks:
        if not task.is_open:
            continue
        alerts = [
            TaskAlert(
                task_id=task.task_id,
                kind=kind,
                due=task.due_on,
                at=morning_of(task.due_on + timedelta(days=offset), hour),
            )
            for kind, offset in _OFFSETS.items()
        ]
        reminder, overdue = alerts
        if overdue.key in sent:
            continue
        if reminder.key in sent or overdue.at <= state.step_opened_at:
            pending.append(overdue)
        else:
            pending.append(reminder)
    return min(pending, key=lambda a: (a.at, a.task_id), default=None)


def task_alert_command(alert: TaskAlert, actor: str) -> TaskAlertInput:
    """The system command that records ``alert``."""
    return TaskAlertInput(actor=actor, task_id=alert.task_id, alert_kind=alert.kind, due=alert.due)


def _task_alert(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, TaskAlertInput)
    kind = TaskAlertKind(cmd.alert_kind)
    key = TaskAlert(task_id=cmd.task_id, kind=kind, due=cmd.due, at=at).key
    state.alerts_sent.append(key)
    task = state.task(cmd.task_id)
    assert task is not None, "the cycle raises alerts of its own tasks only"
    owners = (task.owner,) if task.owner else state.roster.holders_of(Role.CHIEF_COORDINATOR)
    recipients = tuple(dict.fromkeys((*owners, *state.roster.holders_of(*_AUDIENCE[kind]))))
    notice = Notice(
        template=kind.value,
        recipients=recipients,
        params={
            "task_id": task.task_id,
            "title": task.title,
            "due": cmd.due.isoformat(),
            "step": Step.COORDINATE.value,
        },
    )
    return (Change(field="alert", before=None, after=key),), (notice,)


#: Raised by the cycle itself in coordinate, never by a person.
TASK_ALERT_RULES: dict[str, CommandRule] = {
    "task_alert": CommandRule(frozenset(), Step.COORDINATE, _task_alert),
}

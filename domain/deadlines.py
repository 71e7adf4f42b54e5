"""Deadlines of the steps and the alerts they raise: reminders, overdue, escalation.

Pure: the workflow asks ``next_alert`` what to wait for and sleeps until then; nothing
here reads a clock. Deadlines are dates in Japan (JST has no daylight saving, so a fixed
offset is exact); alerts go out at ``alert_hour`` JST so nobody is paged at midnight.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import Field

from domain.base import Frozen, Role, Step
from domain.japan_time import calendar_year, morning_of


class MonthDay(Frozen):
    """A day of the fiscal year: April to December fall in the year itself, January to
    March in the next calendar year."""

    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)

    def in_fiscal_year(self, fiscal_year: int) -> date:
        """The calendar date of this day in ``fiscal_year`` (April to March)."""
        return date(calendar_year(fiscal_year, self.month), self.month, self.day)


#: Defaults in the spirit of the seeds: approval by 31 May, the yearly report by 31 March.
DEFAULT_DUE: dict[Step, MonthDay] = {
    Step.DISCUSS: MonthDay(month=4, day=30),
    Step.APPROVE: MonthDay(month=5, day=31),
    Step.PLAN: MonthDay(month=6, day=30),
    Step.COORDINATE: MonthDay(month=7, day=31),
    Step.ACT: MonthDay(month=2, day=28),
    Step.EVALUATE: MonthDay(month=3, day=31),
}


class DeadlineRules(Frozen):
    """When each step is due and how the engine chases it; per municipality, and
    overridable per council."""

    due: dict[Step, MonthDay] = Field(default_factory=lambda: dict(DEFAULT_DUE))
    remind_days_before: tuple[int, ...] = (7, 1)
    escalate_to_chief_after_days: int = Field(default=3, ge=0)
    escalate_to_board_after_days: int = Field(default=10, ge=0)
    alert_hour: int = Field(default=9, ge=0, le=23)

    def due_dates(self, fiscal_year: int) -> dict[Step, date]:
        """Every step's due date in ``fiscal_year``."""
        return {step: md.in_fiscal_year(fiscal_year) for step, md in self.due.items()}


class AlertKind(StrEnum):
    """What an alert says."""

    REMINDER = "reminder"  # N days before the due date
    OVERDUE = "overdue"  # the morning after the due date
    ESCALATION_CHIEF = "escalation_chief"  # M days late: the chief coordinator is told
    ESCALATION_BOARD = "escalation_board"  # later still: the board of education is told


class Alert(Frozen):
    """One alert of one step for one due date. Moving the due date makes new alerts."""

    step: Step
    kind: AlertKind
    due: date
    days: int
    at: datetime

    @property
    def key(self) -> str:
        """Identity of the alert: sent once, whatever happens."""
        return f"{self.step}:{self.kind}:{self.due.isoformat()}:{self.days}"


#: Who hears of each kind of alert, beyond the owners of the step.
ALERT_AUDIENCE: dict[AlertKind, tuple[Role, ...]] = {
    AlertKind.REMINDER: (),
    AlertKind.OVERDUE: (Role.CHAIR,),
    AlertKind.ESCALATION_CHIEF: (Role.CHIEF_COORDINATOR,),
    AlertKind.ESCALATION_BOARD: (Role.BOARD_ADMIN,),
}


def alerts_for(step: Step, due: date, rules: DeadlineRules) -> list[Alert]:
    """Every alert of ``step`` due on ``due``, in the order they go out."""
    alerts = [
        Alert(
            step=step,
            kind=AlertKind.REMINDER,
            due=due,
            days=n,
            at=morning_of(due - timedelta(days=n), rules.alert_hour),
        )
        for n in sorted(set(rules.remind_days_before), reverse=True)
        if n > 0
    ]
    late = [
        (AlertKind.OVERDUE, 1),
        (AlertKind.ESCALATION_CHIEF, 1 + rules.escalate_to_chief_after_days),
        (AlertKind.ESCALATION_BOARD, 1 + rules.escalate_to_board_after_days),
    ]
    alerts += [
        Alert(
            step=step,
            kind=kind,
            due=due,
            days=days,
            at=morning_of(due + timedelta(days=days), rules.alert_hour),
        )
        for kind, days in late
    ]
    return sorted(alerts, key=lambda a: (a.at, list(AlertKind).index(a.kind)))


def next_alert(
    step: Step,
    due: date | None,
    rules: DeadlineRules,
    step_opened_at: datetime,
    sent: set[str],
) -> Alert | None:
    """The next alert to send for the open step, or ``None`` when there is none.

    Alerts meant for before the step opened are moot, except the most severe late one
    (overdue or escalation), which goes at the moment the step opened: a step that opens
    already late must say so, once.
    """
    if due is None or step is Step.CLOSED:
        return None
    alerts = alerts_for(step, due, rules)
    # Of the late alerts that fell before the step opened, only the most severe still
    # matters: a step that opens three weeks late gets one notice, not three.
    late_before_open = [
        a for a in alerts if a.at < step_opened_at and a.kind is not AlertKind.REMINDER
    ]
    moot = {a.key for a in alerts if a.at < step_opened_at} - {a.key for a in late_before_open[-1:]}
    for alert in alerts:
        if alert.key in sent or alert.key in moot:
            continue
        if alert.at < step_opened_at:
            return alert.model_copy(update={"at": step_opened_at})
        return alert
    return None


def shift(
    due_dates: dict[Step, date], steps: Sequence[Step], paused: timedelta
) -> dict[Step, date]:
    """Move the due dates of ``steps`` by the time paused, rounded up to whole days."""
    days = -(-paused // timedelta(days=1))
    moved = dict(due_dates)
    for step in steps:
        if step in moved:
            moved[step] = moved[step] + timedelta(days=days)
    return moved

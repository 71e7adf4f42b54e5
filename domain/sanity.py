"""Dates that make sense for the fiscal year a command belongs to.

A meeting, a planned activity, a task's due date, an activity's date held or a step's due
date lies in its fiscal year (1 April to 31 March), give or take a month: a meeting in
March prepares the year, an activity in April closes the last one. A date further away is
a typing mistake (1900 for 2026), and it would throw the deadline alerts and the board's
reports off for the whole year, so it is refused.

Pure: the rules call ``check_dates`` on every command (the workflow's validator), and the
application layer calls it before sending, so a bad date never reaches Temporal.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from domain.commands import (
    Command,
    RecordActivityInput,
    RecordMeetingInput,
    SetDeadlineInput,
    SubmitPlanInput,
)
from domain.refusals import Refusal

#: How far before the fiscal year's first day (1 April) a date may lie, in months.
MONTHS_BEFORE = 1
#: How far after its last day (31 March) a date may lie, in months.
MONTHS_AFTER = 1


def year_window(fiscal_year: int) -> tuple[date, date]:
    """The first and last day a date of ``fiscal_year`` may fall on: 1 March of the year
    to 30 April of the next (with one month either side)."""
    assert MONTHS_BEFORE == 1 and MONTHS_AFTER == 1, "the window below is written for 1/1"
    return date(fiscal_year, 3, 1), date(fiscal_year + 1, 4, 30)


def _dates(command: Command) -> Iterator[tuple[str, date]]:
    """Every date ``command`` carries, with the field it came from."""
    if isinstance(command, RecordMeetingInput | RecordActivityInput):
        yield "held_on", command.held_on
    elif isinstance(command, SetDeadlineInput):
        yield "due", command.due
    elif isinstance(command, SubmitPlanInput):
        for i, activity in enumerate(command.activities):
            yield f"activities.{i}.planned_on", activity.planned_on
            for j, task in enumerate(activity.tasks or ()):
                if task.due_on is not None:
                    yield f"activities.{i}.tasks.{j}.due_on", task.due_on


def check_dates(fiscal_year: int, command: Command) -> None:
    """Raise ``Refusal`` (``date_outside_year``) for the first date of ``command`` that
    lies outside ``fiscal_year``'s window."""
    earliest, latest = year_window(fiscal_year)
    for field, day in _dates(command):
        if not earliest <= day <= latest:
            raise Refusal(
                "date_outside_year",
                field=field,
                day=day.isoformat(),
                year=str(fiscal_year),
                earliest=earliest.isoformat(),
                latest=latest.isoformat(),
            )

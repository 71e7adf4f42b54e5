"""Due dates and pause state of the cycles: what the board's overview needs to say which
councils are late without asking Temporal.

The workflow decides every date (``domain.deadlines``, ``domain.oversight``); these
functions only copy its decisions: the dates the cycle opened with, then each
``due:<step>`` change of a set_deadline or resume_cycle event, and the pause itself.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.events import CycleEvent
from domain.model import Step
from store.models import Cycle, CycleDueDate

_DUE_PREFIX = "due:"


def record_opening_due_dates(session: Session, cycle: Cycle, due_dates: dict[Step, date]) -> None:
    """Store the due dates a cycle opened with (sequence 0: any later change wins)."""
    for step, due in due_dates.items():
        session.add(CycleDueDate(cycle_id=cycle.id, step=step.value, due_on=due, event_seq=0))


def project_oversight(session: Session, cycle: Cycle, event: CycleEvent, is_latest: bool) -> None:
    """Apply the due-date changes and the pause or resume that ``event`` carries, and
    keep the cycle's copy of its current step's due date up to date. Runs after
    ``projections.project`` has moved the step."""
    dates_changed = False
    for change in event.changes:
        if change.field.startswith(_DUE_PREFIX) and change.after is not None:
            step = Step(change.field.removeprefix(_DUE_PREFIX))
            _set_due(session, cycle, step, date.fromisoformat(change.after), event.seq)
            dates_changed = True
    # Whatever moved (the step, or a date), the copy on the cycle is read again from the
    # dates as they now stand; most events move neither, and skip the two statements.
    if dates_changed or event.step_after is not event.step_before:
        session.flush()
        current = session.get(CycleDueDate, (cycle.id, cycle.step))
        cycle.due_on = None if current is None else current.due_on
    # A pause recorded after its resume (out of order) must not pause the cycle again.
    if not is_latest:
        return
    if event.action == "pause_cycle":
        cycle.paused_since = event.at
        cycle.paused_reason = next(
            (c.after for c in event.changes if c.field == "paused" and c.after is not None), ""
        )
    elif event.action == "resume_cycle":
        cycle.paused_since = None
        cycle.paused_reason = None


def _set_due(session: Session, cycle: Cycle, step: Step, due: date, seq: int) -> None:
    row = session.scalar(
        select(CycleDueDate).where(
            CycleDueDate.cycle_id == cycle.id, CycleDueDate.step == step.value
        )
    )
    if row is None:
        session.add(CycleDueDate(cycle_id=cycle.id, step=step.value, due_on=due, event_seq=seq))
    elif row.event_seq < seq:
        row.due_on = due
        row.event_seq = seq

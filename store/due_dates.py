"""Due dates and pause state of the cycles: what the board's overview needs to say which
councils are late without asking Temporal.

The workflow decides every date (``domain.deadlines``, ``domain.oversight``); these
functions only copy its decisions: the dates the cycle opened with, then each
``due:<step>`` change of a set_deadline or resume_cycle event, and the pause itself.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.orm import Session

from domain.events import CycleEvent
from domain.model import Step
from store._rows import table
from store.models import Cycle, CycleDueDate
from store.projections import RecordedCycle

_DUE_PREFIX = "due:"


def record_opening_due_dates(session: Session, cycle: Cycle, due_dates: dict[Step, date]) -> None:
    """Store the due dates a cycle opened with (sequence 0: any later change wins)."""
    for step, due in due_dates.items():
        session.add(CycleDueDate(cycle_id=cycle.id, step=step.value, due_on=due, event_seq=0))


_DUE_DATES = table(CycleDueDate)
_FIND_DUE = select(_DUE_DATES.c.due_on, _DUE_DATES.c.event_seq).where(
    _DUE_DATES.c.cycle_id == bindparam("cycle_id"), _DUE_DATES.c.step == bindparam("step")
)


def project_oversight(connection: Connection, cycle: RecordedCycle, event: CycleEvent) -> None:
    """Apply the due-date changes and the pause or resume that ``event`` carries, and
    keep the cycle's copy of its current step's due date up to date. Runs after
    ``projections.project`` has moved the step."""
    dates_changed = False
    for change in event.changes:
        if change.field.startswith(_DUE_PREFIX) and change.after is not None:
            step = Step(change.field.removeprefix(_DUE_PREFIX))
            _set_due(connection, cycle.id, step, date.fromisoformat(change.after), event.seq)
            dates_changed = True
    # The copy on the cycle is derived, not sequenced: it is read again from the step and
    # the dates as they now stand (each of them already order-independent), whichever
    # event moved one of them; most events move neither, and skip the statement.
    if dates_changed or event.step_after is not event.step_before:
        current = connection.execute(_FIND_DUE, {"cycle_id": cycle.id, "step": cycle.step}).first()
        cycle.change(due_on=None if current is None else current.due_on)
    # A pause recorded after its (newer) resume must not pause the cycle again, and a
    # resume recorded late must not undo a newer pause.
    if event.action == "pause_cycle":
        reason = next(
            (c.after for c in event.changes if c.field == "paused" and c.after is not None), ""
        )
        cycle.change_if_newer("pause", event.seq, paused_since=event.at, paused_reason=reason)
    elif event.action == "resume_cycle":
        cycle.change_if_newer("pause", event.seq, paused_since=None, paused_reason=None)


def _set_due(connection: Connection, cycle_id: int, step: Step, due: date, seq: int) -> None:
    found = connection.execute(_FIND_DUE, {"cycle_id": cycle_id, "step": step.value}).first()
    if found is None:
        connection.execute(
            insert(_DUE_DATES),
            {"cycle_id": cycle_id, "step": step.value, "due_on": due, "event_seq": seq},
        )
    elif found.event_seq < seq:
        connection.execute(
            update(_DUE_DATES)
            .where(_DUE_DATES.c.cycle_id == cycle_id, _DUE_DATES.c.step == step.value)
            .values(due_on=due, event_seq=seq)
        )

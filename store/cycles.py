"""The read model of the cycles: one row per council and year, the audit trail of every
accepted command, and the domain tables projected from it.

The workflow is the source of truth; these functions only record what it decided, each
idempotent by its business key so that retried activities never duplicate a row.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from contracts.activities import RecordCycleOpenedInput, RecordEventInput
from domain.events import Change
from domain.model import Step
from store._rows import insert_new, insert_once, table
from store.cycle_setups import record_setup
from store.due_dates import project_oversight, record_opening_due_dates
from store.errors import NotFound
from store.models import AuditEvent, Council, Cycle
from store.projections import SEQUENCED_GROUPS, RecordedCycle, project


class HistoryRow(BaseModel):
    """One accepted command of a council's history, as the audit trail recorded it."""

    model_config = ConfigDict(frozen=True)

    fiscal_year: int
    seq: int
    at: datetime
    step_before: Step
    step_after: Step
    action: str
    actor: str
    changes: tuple[Change, ...]


class CycleRow(BaseModel):
    """Where one council's cycle stands, for status boards and listings."""

    model_config = ConfigDict(frozen=True)

    council_id: str
    council_name: str
    fiscal_year: int
    step: Step
    started_at: datetime
    step_opened_at: datetime
    closed_at: datetime | None
    workflow_id: str


def record_cycle_opened(session: Session, data: RecordCycleOpenedInput) -> bool:
    """Create the cycle's row; return False when it already exists (idempotent by
    council and fiscal year). ``NotFound`` if the council is unknown."""
    if session.get(Council, data.council_id) is None:
        raise NotFound(f"協議会 '{data.council_id}' は登録されていません")
    existing = _find_cycle(session, data.council_id, data.fiscal_year)
    if existing is not None:
        if data.restored:
            # The restored run carries on the same records; the row names the live run.
            existing.run_id = data.run_id
            session.flush()
        return False
    row = Cycle(
        council_id=data.council_id,
        fiscal_year=data.fiscal_year,
        step=Step.DISCUSS.value,
        step_opened_at=data.opened_at,
        started_at=data.opened_at,
        closed_at=None,
        workflow_id=data.workflow_id,
        run_id=data.run_id,
        carried_over=[f.model_dump(mode="json") for f in data.carried_over],
        vision=None,
        approved_on=None,
        due_on=data.due_dates.get(Step.DISCUSS),
    )
    inserted = insert_once(
        session,
        row,
        lambda: _find_cycle(session, data.council_id, data.fiscal_year) is not None,
    )
    if inserted:
        record_opening_due_dates(session, row, data.due_dates)
        if data.setup is not None:
            record_setup(session, row.id, data.setup)
        session.flush()
    return inserted


_CYCLES = table(Cycle)
# Locking the cycle row (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers)
# orders concurrent events of one cycle, so two transactions never compare against the
# same field sequences at once. The sequences come with the row, in the same round trip.
# Built once: recording runs once per accepted command.
_LOCK_CYCLE = (
    select(
        _CYCLES.c.id,
        _CYCLES.c.step,
        *(_CYCLES.c[f"{group}_seq"] for group in SEQUENCED_GROUPS),
    )
    .where(
        _CYCLES.c.council_id == bindparam("council_id"),
        _CYCLES.c.fiscal_year == bindparam("fiscal_year"),
    )
    .with_for_update(of=_CYCLES)
)
_AUDIT_KEY = (AuditEvent.council_id, AuditEvent.fiscal_year, AuditEvent.seq)


def record_event(session: Session, data: RecordEventInput) -> bool:
    """Record an accepted command in the audit trail and project it into the cycle's
    tables. Return False, changing nothing, when its key was already recorded (also when
    a concurrent call recorded it first). ``NotFound`` if the cycle was never opened."""
    event = data.event
    connection = session.connection()
    found = connection.execute(
        _LOCK_CYCLE, {"council_id": event.council_id, "fiscal_year": event.fiscal_year}
    ).first()
    if found is None:
        raise NotFound(
            f"協議会 '{event.council_id}' の{event.fiscal_year}年度のサイクルは記録されていません"
        )
    cycle_id, step, *seqs = found
    audit = {
        "council_id": event.council_id,
        "fiscal_year": event.fiscal_year,
        "seq": event.seq,
        "cycle_id": cycle_id,
        "action": event.action,
        "actor": event.actor,
        "at": event.at,
        "step_before": event.step_before.value,
        "step_after": event.step_after.value,
        "changes": [c.model_dump(mode="json") for c in event.changes],
        "command": event.command.model_dump(mode="json"),
        "workflow_id": data.workflow_id,
        "run_id": data.run_id,
    }
    # The audit row goes first: its unique key is what makes the whole call idempotent.
    if not insert_new(session, AuditEvent, [audit], key=_AUDIT_KEY, returning=AuditEvent.id):
        return False
    cycle = RecordedCycle(
        id=cycle_id, step=step, seqs=dict(zip(SEQUENCED_GROUPS, seqs, strict=True))
    )
    project(connection, cycle, event)
    project_oversight(connection, cycle, event)
    cycle.save(connection)
    return True


def _find_cycle(session: Session, council_id: str, fiscal_year: int) -> Cycle | None:
    return session.scalar(
        select(Cycle).where(Cycle.council_id == council_id, Cycle.fiscal_year == fiscal_year)
    )


# --- readers -------------------------------------------------------------------------


def history(session: Session, council_id: str, fiscal_year: int | None = None) -> list[HistoryRow]:
    """Every accepted command of the council (of one year if given), in order of year
    and sequence. ``NotFound`` if the council is unknown."""
    if session.get(Council, council_id) is None:
        raise NotFound(f"協議会 '{council_id}' は登録されていません")
    query = select(AuditEvent).where(AuditEvent.council_id == council_id)
    if fiscal_year is not None:
        query = query.where(AuditEvent.fiscal_year == fiscal_year)
    rows = session.scalars(query.order_by(AuditEvent.fiscal_year, AuditEvent.seq))
    return [
        HistoryRow(
            fiscal_year=row.fiscal_year,
            seq=row.seq,
            at=row.at,
            step_before=Step(row.step_before),
            step_after=Step(row.step_after),
            action=row.action,
            actor=row.actor,
            changes=tuple(Change.model_validate(c) for c in row.changes),
        )
        for row in rows
    ]


def list_cycles(
    session: Session, municipality_id: str, fiscal_year: int | None = None
) -> list[CycleRow]:
    """Every recorded cycle of the municipality's councils, by council then year.
    (The Temporal test server cannot list workflows; listings come from here.)"""
    query = (
        select(Cycle, Council.name)
        .join(Council, Council.id == Cycle.council_id)
        .where(Council.municipality_id == municipality_id)
    )
    if fiscal_year is not None:
        query = query.where(Cycle.fiscal_year == fiscal_year)
    rows = session.execute(query.order_by(Cycle.council_id, Cycle.fiscal_year))
    return [
        CycleRow(
            council_id=cycle.council_id,
            council_name=name,
            fiscal_year=cycle.fiscal_year,
            step=Step(cycle.step),
            started_at=cycle.started_at,
            step_opened_at=cycle.step_opened_at,
            closed_at=cycle.closed_at,
            workflow_id=cycle.workflow_id,
        )
        for cycle, name in rows
    ]

"""A cycle's year as the store recorded it: what ``cycle restore`` rebuilds the workflow's
state from (its opening and every accepted command, in order).

The audit trail keeps each accepted command whole (the command, its time, and what it
changed), so the state is rebuilt by applying them again through the rules, not by
reading it back out of the projections.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from contracts.activities import CouncilSetup
from domain.model import CarriedFinding, Step
from store.cycle_setups import opening_setup
from store.directory import council_setup
from store.errors import NotFound
from store.models import AuditEvent, Council, Cycle


class RecordedEvent(BaseModel):
    """One audit row: the command as accepted, and what the rules said it changed."""

    model_config = ConfigDict(frozen=True)

    seq: int
    action: str
    at: datetime
    step_after: Step
    changes: list[dict[str, Any]]
    command: dict[str, Any]


class RecordedYear(BaseModel):
    """Everything the store holds of one council's cycle for one year."""

    model_config = ConfigDict(frozen=True)

    council_id: str
    fiscal_year: int
    step: Step
    started_at: datetime
    carried_over: tuple[CarriedFinding, ...]
    # The set-up it opened with; for a cycle recorded before that was kept, the council's
    # set-up as it is now (``setup_kept`` says which).
    setup: CouncilSetup
    setup_kept: bool
    events: tuple[RecordedEvent, ...]
    # Whether the store holds the council's cycle of the following year (closing a year
    # opens the next one: a closed year without it lost its next year with the engine).
    next_year_recorded: bool


def recorded_year(session: Session, council_id: str, fiscal_year: int) -> RecordedYear:
    """The recorded year of the council's cycle. ``NotFound`` if it was never opened."""
    cycle = session.scalar(
        select(Cycle).where(Cycle.council_id == council_id, Cycle.fiscal_year == fiscal_year)
    )
    if cycle is None:
        raise NotFound(f"協議会 '{council_id}' の{fiscal_year}年度のサイクルは記録されていません")
    kept = opening_setup(session, cycle.id)
    rows = session.scalars(
        select(AuditEvent).where(AuditEvent.cycle_id == cycle.id).order_by(AuditEvent.seq)
    )
    return RecordedYear(
        council_id=council_id,
        fiscal_year=fiscal_year,
        step=Step(cycle.step),
        started_at=cycle.started_at,
        carried_over=tuple(CarriedFinding.model_validate(f) for f in cycle.carried_over),
        setup=kept if kept is not None else council_setup(session, council_id),
        setup_kept=kept is not None,
        events=tuple(
            RecordedEvent(
                seq=row.seq,
                action=row.action,
                at=row.at,
                step_after=Step(row.step_after),
                changes=list(row.changes),
                command=dict(row.command),
            )
            for row in rows
        ),
        next_year_recorded=session.scalar(
            select(Cycle.id).where(
                Cycle.council_id == council_id, Cycle.fiscal_year == fiscal_year + 1
            )
        )
        is not None,
    )


def open_cycles_of(session: Session, municipality_id: str) -> list[tuple[str, int]]:
    """(council, year) of every cycle of the municipality's councils that the store holds
    as not closed, or as closed without the next year's cycle that closing it opens, by
    council then year."""
    following = aliased(Cycle)
    next_year_missing = ~(
        select(following.id)
        .where(
            following.council_id == Cycle.council_id,
            following.fiscal_year == Cycle.fiscal_year + 1,
        )
        .exists()
    )
    rows = session.execute(
        select(Cycle.council_id, Cycle.fiscal_year)
        .join(Council, Council.id == Cycle.council_id)
        .where(
            Council.municipality_id == municipality_id,
            or_(Cycle.closed_at.is_(None), next_year_missing),
        )
        .order_by(Cycle.council_id, Cycle.fiscal_year)
    )
    return [(council, year) for council, year in rows]


def held_years(session: Session, council_ids: list[str], fiscal_year: int) -> set[str]:
    """Which of ``council_ids`` have a cycle of ``fiscal_year`` in the store."""
    held: set[str] = set()
    # In chunks: a municipality may have thousands of councils, more than one statement
    # may bind on some databases.
    for start in range(0, len(council_ids), 500):
        chunk = council_ids[start : start + 500]
        held.update(
            session.scalars(
                select(Cycle.council_id).where(
                    Cycle.council_id.in_(chunk), Cycle.fiscal_year == fiscal_year
                )
            )
        )
    return held

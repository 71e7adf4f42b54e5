"""A cycle's state as the store last rebuilt it from its recorded events: what the
console's pages read instead of asking the workflow (``docs/store-truth.md``).

The snapshot is derived, never a source: it holds the state after event ``seq`` as the
rules rebuild it from the audit trail (``audit_events``), so deleting it loses nothing
(the next read rebuilds it). It carries what the audit trail already carries (the
commands, with their texts) and no names: people are ids, as in the state itself.

A read takes the snapshot and the events recorded after it, and the rebuilt state is
kept again when it moved on (only over an older one: two readers can never put an older
state back). A closed year's snapshot is its final state: its pages read one row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, Text, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from contracts.activities import CouncilSetup
from domain.model import CarriedFinding
from store.cycle_setups import opening_setup
from store.directory import council_setup
from store.models import TZ_DATETIME, AuditEvent, Base, Cycle
from store.recorded_years import RecordedEvent


class CycleSnapshot(Base):
    """The state of one cycle after its event ``seq`` (``CycleState`` as JSON)."""

    __tablename__ = "cycle_snapshots"

    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("cycles.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(Text)
    kept_at: Mapped[datetime] = mapped_column(TZ_DATETIME)


@dataclass(frozen=True)
class Opening:
    """What a cycle opened with, to rebuild it when no snapshot is kept yet."""

    started_at: datetime
    carried_over: tuple[CarriedFinding, ...]
    setup: CouncilSetup


@dataclass(frozen=True)
class StoredCycle:
    """One cycle as the store holds it for a read: the kept snapshot (or what it opened
    with), the events recorded after the snapshot, in order, and the newest event's
    number (past a gap in ``events`` when some are still being recorded)."""

    cycle_id: int
    closed: bool
    snapshot: str | None
    snapshot_seq: int
    opening: Opening | None
    events: tuple[RecordedEvent, ...]
    newest_seq: int


def stored_cycle(session: Session, council_id: str, fiscal_year: int) -> StoredCycle | None:
    """The council's cycle of ``fiscal_year`` as the store holds it; ``None`` when the
    store has not recorded its opening (yet)."""
    cycle = session.execute(
        select(Cycle.id, Cycle.closed_at, Cycle.started_at, Cycle.carried_over).where(
            Cycle.council_id == council_id, Cycle.fiscal_year == fiscal_year
        )
    ).first()
    if cycle is None:
        return None
    kept = session.execute(
        select(CycleSnapshot.seq, CycleSnapshot.state).where(CycleSnapshot.cycle_id == cycle.id)
    ).first()
    seq = 0 if kept is None else kept.seq
    opening = None
    if kept is None:
        setup = opening_setup(session, cycle.id)
        opening = Opening(
            started_at=cycle.started_at,
            carried_over=tuple(CarriedFinding.model_validate(f) for f in cycle.carried_over),
            setup=setup if setup is not None else council_setup(session, council_id),
        )
    rows = session.execute(
        select(
            AuditEvent.seq,
            AuditEvent.action,
            AuditEvent.at,
            AuditEvent.step_after,
            AuditEvent.changes,
            AuditEvent.command,
        )
        .where(AuditEvent.cycle_id == cycle.id, AuditEvent.seq > seq)
        .order_by(AuditEvent.seq)
    ).all()
    events = tuple(_event(row._mapping) for row in rows)
    return StoredCycle(
        cycle_id=cycle.id,
        closed=cycle.closed_at is not None,
        snapshot=None if kept is None else kept.state,
        snapshot_seq=seq,
        opening=opening,
        events=events,
        newest_seq=events[-1].seq if events else seq,
    )


def stored_cycle_id(session: Session, council_id: str, fiscal_year: int) -> int | None:
    """The row id of the council's cycle of ``fiscal_year``; ``None`` when not recorded."""
    return session.scalar(
        select(Cycle.id).where(Cycle.council_id == council_id, Cycle.fiscal_year == fiscal_year)
    )


def _event(row: Any) -> RecordedEvent:
    return RecordedEvent(
        seq=row["seq"],
        action=row["action"],
        at=row["at"],
        step_after=row["step_after"],
        changes=list(row["changes"]),
        command=dict(row["command"]),
    )


def keep_snapshot(session: Session, cycle_id: int, seq: int, state: str, at: datetime) -> None:
    """Keep ``state`` (the cycle's state after event ``seq``) unless a snapshot of that
    event or a later one is kept already."""
    values = {"cycle_id": cycle_id, "seq": seq, "state": state, "kept_at": at}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        pg = pg_insert(CycleSnapshot).values(values)
        session.execute(
            pg.on_conflict_do_update(
                index_elements=[CycleSnapshot.cycle_id],
                set_={"seq": pg.excluded.seq, "state": pg.excluded.state, "kept_at": at},
                where=CycleSnapshot.seq < pg.excluded.seq,
            )
        )
        return
    if dialect == "sqlite":
        lite = sqlite_insert(CycleSnapshot).values(values)
        session.execute(
            lite.on_conflict_do_update(
                index_elements=[CycleSnapshot.cycle_id],
                set_={"seq": lite.excluded.seq, "state": lite.excluded.state, "kept_at": at},
                where=CycleSnapshot.seq < lite.excluded.seq,
            )
        )
        return
    found = session.scalar(
        select(func.count()).select_from(CycleSnapshot).where(CycleSnapshot.cycle_id == cycle_id)
    )
    if found:
        session.execute(
            update(CycleSnapshot)
            .where(CycleSnapshot.cycle_id == cycle_id, CycleSnapshot.seq < seq)
            .values(seq=seq, state=state, kept_at=at)
        )
    else:
        session.add(CycleSnapshot(**values))

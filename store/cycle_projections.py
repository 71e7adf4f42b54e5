"""The cycle row's projections as a set of named values, to compare with the workflow's
state (``doctor``) and to rewrite from it (``doctor --repair``).

Values are plain strings (ISO dates and times, step names) or ``None``, so that the store's
and the workflow's sides compare the same way on every database.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from store.errors import NotFound
from store.models import Council, Cycle, CycleDueDate
from store.projections import SEQUENCED_GROUPS

#: The projected columns of the cycle row that the workflow's state also holds.
CYCLE_FIELDS = (
    "step",
    "step_opened_at",
    "closed_at",
    "vision",
    "approved_on",
    "due_on",
    "paused_since",
    "paused_reason",
)
DUE_PREFIX = "due:"


class StoredProjection(BaseModel):
    """One cycle's projected values as the store holds them (``due:<step>`` for dates)."""

    model_config = ConfigDict(frozen=True)

    council_id: str
    fiscal_year: int
    values: dict[str, str | None]


def as_text(value: date | datetime | str | None) -> str | None:
    """The comparable text of a projected value (times in UTC, ISO format)."""
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


def stored_projections(
    session: Session, municipality_id: str | None = None, include_closed: bool = False
) -> list[StoredProjection]:
    """The projections of every cycle the store holds as open (or every cycle), of one
    municipality or of all, by council then year."""
    query = select(Cycle)
    if municipality_id is not None:
        query = query.join(Council, Council.id == Cycle.council_id).where(
            Council.municipality_id == municipality_id
        )
    if not include_closed:
        query = query.where(Cycle.closed_at.is_(None))
    cycles = list(session.scalars(query.order_by(Cycle.council_id, Cycle.fiscal_year)))
    dates: dict[int, dict[str, str | None]] = {}
    for start in range(0, len(cycles), 500):
        ids = [c.id for c in cycles[start : start + 500]]
        for row in session.execute(
            select(CycleDueDate.cycle_id, CycleDueDate.step, CycleDueDate.due_on).where(
                CycleDueDate.cycle_id.in_(ids)
            )
        ):
            dates.setdefault(row.cycle_id, {})[DUE_PREFIX + row.step] = as_text(row.due_on)
    return [
        StoredProjection(
            council_id=c.council_id,
            fiscal_year=c.fiscal_year,
            values={
                **{name: as_text(getattr(c, name)) for name in CYCLE_FIELDS},
                **dates.get(c.id, {}),
            },
        )
        for c in cycles
    ]


def rewrite_projections(
    session: Session,
    council_id: str,
    fiscal_year: int,
    values: dict[str, date | datetime | str | None],
    due_dates: dict[str, date],
    seq: int,
) -> bool:
    """Rewrite the cycle row's projected columns and its due dates with ``values`` as of
    event ``seq`` (the workflow's count of accepted commands): every field sequence is set
    to it, so an event recorded later that is older changes nothing and a newer one wins.

    Returns False, changing nothing, when the store has meanwhile recorded an event newer
    than ``seq`` (the cycle moved on while it was being compared: compare again)."""
    found = session.execute(
        select(Cycle.id, *(getattr(Cycle, f"{group}_seq") for group in SEQUENCED_GROUPS))
        .where(Cycle.council_id == council_id, Cycle.fiscal_year == fiscal_year)
        .with_for_update()
    ).first()
    if found is None:
        raise NotFound(f"協議会 '{council_id}' の{fiscal_year}年度のサイクルは記録されていません")
    cycle_id, *seqs = found
    newest_date = session.scalar(
        select(func.max(CycleDueDate.event_seq)).where(CycleDueDate.cycle_id == cycle_id)
    )
    if max([*seqs, newest_date or 0]) > seq:
        return False
    sequences = {f"{group}_seq": seq for group in SEQUENCED_GROUPS}
    session.execute(update(Cycle).where(Cycle.id == cycle_id).values(**values, **sequences))
    session.execute(delete(CycleDueDate).where(CycleDueDate.cycle_id == cycle_id))
    if due_dates:
        session.execute(
            insert(CycleDueDate),
            [
                {"cycle_id": cycle_id, "step": step, "due_on": due, "event_seq": seq}
                for step, due in due_dates.items()
            ],
        )
    return True

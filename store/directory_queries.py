"""Small readers for governed directory changes: which cycles are still open, and
whether a person is a board admin of a municipality."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.model import Role
from store.models import Cycle, MunicipalityStaff


def open_cycles(session: Session, council_ids: list[str]) -> list[tuple[str, int]]:
    """(council, fiscal year) of every cycle of ``council_ids`` not closed yet."""
    if not council_ids:
        return []
    rows = session.execute(
        select(Cycle.council_id, Cycle.fiscal_year)
        .where(Cycle.council_id.in_(council_ids), Cycle.closed_at.is_(None))
        .order_by(Cycle.council_id, Cycle.fiscal_year)
    )
    return [(council, year) for council, year in rows]


def is_board_admin(session: Session, municipality_id: str, person_id: str) -> bool:
    """Whether ``person_id`` is on ``municipality_id``'s staff as a board admin."""
    found = session.scalar(
        select(MunicipalityStaff.id).where(
            MunicipalityStaff.municipality_id == municipality_id,
            MunicipalityStaff.person_id == person_id,
            MunicipalityStaff.role == Role.BOARD_ADMIN.value,
        )
    )
    return found is not None

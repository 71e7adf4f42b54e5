"""What a cycle opened with, kept so that the cycle can be rebuilt from the store.

The roster (opaque ids and roles), the vote rule and the deadline rules are read from the
council when its cycle opens and then stay fixed for the year inside the workflow. Later
edits of the municipality file must not change a restored year, so the store keeps the
set-up as the cycle opened with it. No personal data: ids and roles only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from contracts.activities import CouncilSetup
from store.models import Base


class CycleSetup(Base):
    """The council set-up one cycle opened with (``CouncilSetup`` as JSON)."""

    __tablename__ = "cycle_setups"

    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), primary_key=True)
    setup: Mapped[dict[str, Any]] = mapped_column(JSON)


def record_setup(session: Session, cycle_id: int, setup: CouncilSetup) -> None:
    """Keep ``setup`` for the cycle (called once, when its row is created)."""
    session.add(CycleSetup(cycle_id=cycle_id, setup=setup.model_dump(mode="json")))


def opening_setup(session: Session, cycle_id: int) -> CouncilSetup | None:
    """The set-up the cycle opened with; ``None`` for a cycle recorded before it was kept."""
    found = session.scalar(select(CycleSetup.setup).where(CycleSetup.cycle_id == cycle_id))
    return None if found is None else CouncilSetup.model_validate(found)

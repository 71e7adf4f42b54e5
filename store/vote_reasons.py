"""The reasons members gave with their ballots, as the projection kept them (one current
ballot per member and policy version)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Cycle, VoteRow


@dataclass(frozen=True)
class BallotReason:
    """One member's current ballot on a version, with what they wrote."""

    version: int
    member_id: str
    ballot: str
    comment: str


def ballot_reasons(session: Session, council_id: str, fiscal_year: int) -> list[BallotReason]:
    """Every ballot of the council's year that came with a comment, by version and in the
    order cast."""
    cycle = (
        select(Cycle.id)
        .where(Cycle.council_id == council_id, Cycle.fiscal_year == fiscal_year)
        .scalar_subquery()
    )
    rows = session.scalars(
        select(VoteRow)
        .where(VoteRow.cycle_id == cycle, VoteRow.comment != "")
        .order_by(VoteRow.version, VoteRow.event_seq)
    )
    return [
        BallotReason(version=r.version, member_id=r.member_id, ballot=r.ballot, comment=r.comment)
        for r in rows
    ]

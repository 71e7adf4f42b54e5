"""What the public pages read: a council's approved policy and the municipality's index.

Only what a council makes public: the approved basic policy, the published minutes
(``store.meeting_calls``) and the figures of the yearly report. Never the closed part of a
meeting, never a person's name or id.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.errors import NotFound
from store.meeting_calls import PublicMinutesRow
from store.models import Council, CouncilSchool, Cycle, Municipality, PolicyVersionRow, School


class CouncilHeading(NamedTuple):
    """The council a public page is about."""

    council_id: str
    council_name: str
    municipality_id: str
    municipality_name: str


class ApprovedPolicy(NamedTuple):
    """The basic school-management policy the council approved."""

    version: int
    text: str
    approved_on: date | None


class IndexRow(NamedTuple):
    """One council on the municipality's public index."""

    council_id: str
    council_name: str
    schools: tuple[str, ...]
    published_meetings: int
    policy_approved_on: date | None


def council_heading(session: Session, council_id: str) -> CouncilHeading:
    """The council and its municipality; ``NotFound`` for an unknown council."""
    row = session.execute(
        select(Council.id, Council.name, Municipality.id, Municipality.name)
        .join(Municipality, Municipality.id == Council.municipality_id)
        .where(Council.id == council_id)
    ).first()
    if row is None:
        raise NotFound(f"協議会 '{council_id}' は登録されていません")
    return CouncilHeading(*row)


def approved_policy(session: Session, council_id: str, fiscal_year: int) -> ApprovedPolicy | None:
    """The approved policy of the council's cycle of ``fiscal_year``, if any."""
    row = session.execute(
        select(PolicyVersionRow.version, PolicyVersionRow.text, Cycle.approved_on)
        .join(Cycle, Cycle.id == PolicyVersionRow.cycle_id)
        .where(
            Cycle.council_id == council_id,
            Cycle.fiscal_year == fiscal_year,
            PolicyVersionRow.status == "approved",
        )
        .order_by(PolicyVersionRow.version.desc())
        .limit(1)
    ).first()
    return None if row is None else ApprovedPolicy(*row)


def public_index(session: Session, municipality_id: str, fiscal_year: int) -> list[IndexRow]:
    """Every council of the municipality, by id, with what it has published for the year.
    ``NotFound`` for an unknown municipality."""
    if session.get(Municipality, municipality_id) is None:
        raise NotFound(f"自治体 '{municipality_id}' は登録されていません")
    published = (
        select(
            Cycle.council_id,
            func.count(func.distinct(PublicMinutesRow.meeting_number)).label("n"),
        )
        .join(Cycle, Cycle.id == PublicMinutesRow.cycle_id)
        .where(Cycle.fiscal_year == fiscal_year)
        .group_by(Cycle.council_id)
        .subquery()
    )
    councils = session.execute(
        select(Council.id, Council.name, published.c.n, Cycle.approved_on)
        .outerjoin(published, published.c.council_id == Council.id)
        .outerjoin(Cycle, (Cycle.council_id == Council.id) & (Cycle.fiscal_year == fiscal_year))
        .where(Council.municipality_id == municipality_id)
        .order_by(Council.id)
    ).all()
    schools: dict[str, list[str]] = {}
    for council_id, name in session.execute(
        select(CouncilSchool.council_id, School.name)
        .join(School, School.id == CouncilSchool.school_id)
        .where(School.municipality_id == municipality_id)
        .order_by(School.id)
    ):
        schools.setdefault(council_id, []).append(name)
    return [
        IndexRow(
            council_id=council_id,
            council_name=name,
            schools=tuple(schools.get(council_id, ())),
            published_meetings=n or 0,
            policy_approved_on=approved_on,
        )
        for council_id, name, n, approved_on in councils
    ]

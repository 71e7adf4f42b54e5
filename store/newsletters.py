"""The coordinator's newsletter in the store: the year's held activities it is built
from, and the published page (exactly what the coordinator previewed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.newsletter import HeldActivity, Newsletter, NextRequest, renamed
from domain.tasks import ActivityOutcome
from domain.volunteer_requests import Place, Status
from store.models import Cycle, PlanActivityRow
from store.task_models import ActivityRecordRow, ActivityRecordVolunteer
from store.volunteer_applications import named_volunteers
from store.volunteer_request_models import (
    NewsletterRow,
    RequestAnswerRow,
    VolunteerRequestRow,
)


def held_activities(session: Session, council_id: str, fiscal_year: int) -> list[HeldActivity]:
    """The council's activities held in ``fiscal_year``, with their titles and counts."""
    rows = session.execute(
        select(ActivityRecordRow, PlanActivityRow.title)
        .join(Cycle, Cycle.id == ActivityRecordRow.cycle_id)
        .join(
            PlanActivityRow,
            (PlanActivityRow.cycle_id == ActivityRecordRow.cycle_id)
            & (PlanActivityRow.activity_id == ActivityRecordRow.activity_id),
        )
        .where(
            Cycle.council_id == council_id,
            Cycle.fiscal_year == fiscal_year,
            ActivityRecordRow.outcome == ActivityOutcome.HELD.value,
        )
    ).all()
    held = []
    for record, title in rows:
        volunteers = session.scalars(
            select(ActivityRecordVolunteer.volunteer_id).where(
                ActivityRecordVolunteer.record_id == record.id
            )
        )
        if record.held_on is None:
            continue
        held.append(
            HeldActivity(title=title, held_on=record.held_on, children=record.children or 0,
                         volunteer_ids=tuple(volunteers))
        )  # fmt: skip
    return held


def next_open_request(session: Session, council_id: str) -> NextRequest | None:
    """The council's published request still open whose activity comes first."""
    row = session.scalars(
        select(VolunteerRequestRow)
        .where(
            VolunteerRequestRow.council_id == council_id,
            VolunteerRequestRow.public.is_(True),
            VolunteerRequestRow.status == Status.OPEN.value,
        )
        .order_by(VolunteerRequestRow.held_on, VolunteerRequestRow.id)
    ).first()
    if row is None:
        return None
    confirmed = len(
        session.scalars(
            select(RequestAnswerRow.volunteer_id).where(
                RequestAnswerRow.request_id == row.id,
                RequestAnswerRow.place == Place.CONFIRMED.value,
            )
        ).all()
    )
    return NextRequest(request_id=row.id, title=row.title, held_on=row.held_on,
                       reply_by=row.reply_by, needed=row.needed, confirmed=confirmed)  # fmt: skip


def publish(
    session: Session, council_id: str, fiscal_year: int, page: Newsletter, by: str, at: datetime
) -> None:
    """Publish ``page`` as the council's newsletter for the year (replacing an older one)."""
    row = session.scalar(
        select(NewsletterRow).where(
            NewsletterRow.council_id == council_id, NewsletterRow.fiscal_year == fiscal_year
        )
    )
    content = page.model_dump(mode="json")
    if row is None:
        session.add(NewsletterRow(council_id=council_id, fiscal_year=fiscal_year,
                                  content=content, published_by=by, published_at=at))  # fmt: skip
    else:
        row.content, row.published_by, row.published_at = content, by, at


def published(session: Session, council_id: str, fiscal_year: int) -> Newsletter | None:
    """The published newsletter, if any."""
    row = session.scalar(
        select(NewsletterRow).where(
            NewsletterRow.council_id == council_id, NewsletterRow.fiscal_year == fiscal_year
        )
    )
    if row is None:
        return None
    page = Newsletter.model_validate(row.content)
    return renamed(page, named_volunteers(session, list(page.thanked_ids)))

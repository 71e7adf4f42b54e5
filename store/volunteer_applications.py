"""Applications from the public page and consents to be named, in the store.

An application holds the applicant's name and contact only until the coordinator decides:
accepted, they are copied to the volunteer registry (``volunteers``) and blanked here;
declined, they are blanked. A consent to be named in the newsletter is kept per volunteer.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.erasure import ERASED_NAME
from store.errors import NotFound
from store.task_models import Volunteer
from store.volunteer_request_models import NameConsentRow, VolunteerApplicationRow
from store.volunteer_requests import municipality_of_council, request_row
from store.volunteers import VolunteerEntry, upsert_volunteer


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class ApplicationLine(_Model):
    """A public application waiting for the coordinator."""

    application_id: int
    name: str
    contact: str
    message: str
    name_public: bool
    applied_at: datetime


def add_application(
    session: Session, request_id: int, name: str, contact: str, message: str,
    name_public: bool, at: datetime,
) -> int:  # fmt: skip
    """File an application from the public page; its id."""
    row = VolunteerApplicationRow(
        request_id=request_id, name=name, contact=contact, message=message,
        name_public=name_public, status="pending", applied_at=at, decided_at=None,
        volunteer_id=None,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row.id


def pending_applications(session: Session, key: str) -> list[ApplicationLine]:
    """The request's applications waiting for the coordinator."""
    row = request_row(session, key)
    found = session.scalars(
        select(VolunteerApplicationRow)
        .where(
            VolunteerApplicationRow.request_id == row.id,
            VolunteerApplicationRow.status == "pending",
        )
        .order_by(VolunteerApplicationRow.id)
    )
    return [
        ApplicationLine(
            application_id=a.id, name=a.name or "", contact=a.contact or "", message=a.message,
            name_public=a.name_public, applied_at=a.applied_at,
        )
        for a in found
    ]  # fmt: skip


def decide_application(
    session: Session, key: str, application_id: int, accept: bool, today: date, at: datetime
) -> str | None:
    """Accept (register the applicant as a volunteer; their new id) or decline (their
    name and contact are blanked) a pending application."""
    row = request_row(session, key)
    app = session.get(VolunteerApplicationRow, application_id)
    if app is None or app.request_id != row.id or app.status != "pending":
        raise NotFound("その応募はありません")
    app.decided_at = at
    if not accept:
        app.status, app.name, app.contact = "declined", None, None
        return None
    municipality = municipality_of_council(session, row.council_id)
    volunteer_id = f"app-{row.id}-{app.id}"
    upsert_volunteer(
        session, municipality,
        VolunteerEntry(id=volunteer_id, name=app.name or "", contact=app.contact or None,
                       registered_on=today, consent_to_contact=True),
        today=today,
    )  # fmt: skip
    if app.name_public:
        give_name_consent(session, volunteer_id, at)
    app.status, app.volunteer_id, app.name, app.contact = "accepted", volunteer_id, None, None
    return volunteer_id


def give_name_consent(session: Session, volunteer_id: str, at: datetime) -> None:
    """The volunteer agrees to be named in the newsletter (kept once)."""
    if session.get(NameConsentRow, volunteer_id) is None:
        session.add(NameConsentRow(volunteer_id=volunteer_id, given_at=at))


def named_volunteers(session: Session, volunteer_ids: list[str]) -> dict[str, str]:
    """The names of those of ``volunteer_ids`` who agreed to be named (an erased
    volunteer is never named again)."""
    found = session.execute(
        select(Volunteer.id, Volunteer.name)
        .join(NameConsentRow, NameConsentRow.volunteer_id == Volunteer.id)
        .where(Volunteer.id.in_(volunteer_ids), Volunteer.name != ERASED_NAME)
    )
    return {volunteer_id: name for volunteer_id, name in found}

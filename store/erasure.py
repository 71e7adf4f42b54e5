"""Erasing a person who has left (個人情報保護法): their name and contacts go, their id
stays, so records (history, votes, tasks, activity records) keep pointing at someone and
show 「削除済みの利用者」 wherever a name is shown.

The ``people`` (or ``volunteers``) row is kept with its name replaced and its contacts
cleared, rather than deleted, because every record refers to it by id. Their roles on
councils and staff go too (they have left), their notifications' texts are cleared and
their outside-channel deliveries stopped. ``erased_people`` remembers the erasure, so a
municipality file that still lists them is refused instead of bringing them back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from pydantic import BaseModel, ConfigDict
from sqlalchemy import CursorResult, Delete, ForeignKey, String, Update, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.errors import NotFound
from store.models import (
    ID,
    TZ_DATETIME,
    Base,
    CouncilMember,
    Delivery,
    MunicipalityStaff,
    Notification,
    Person,
)
from store.task_models import Volunteer

#: What is shown in place of an erased person's name.
ERASED_NAME = "削除済みの利用者"


class ErasedPerson(Base):
    """A person or volunteer whose personal data was erased, when and by whom."""

    __tablename__ = "erased_people"

    person_id: Mapped[str] = mapped_column(ID, primary_key=True)
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipalities.id"))
    erased_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    erased_by: Mapped[str] = mapped_column(String(100))


class Erasure(BaseModel):
    """What an erasure removed: which records, and the councils whose roster changed."""

    model_config = ConfigDict(frozen=True)

    person_id: str
    municipality_id: str
    person: bool
    volunteer: bool
    roles_removed: int
    notifications_cleared: int
    deliveries_stopped: int
    councils: tuple[str, ...]
    staff_removed: bool


def erase_person(
    session: Session, municipality_id: str, person_id: str, at: datetime, by: str
) -> Erasure:
    """Erase ``person_id`` (a person of the directory, a volunteer of the registry, or
    both) of ``municipality_id``. ``NotFound`` when neither is there; erasing again
    changes nothing more."""
    person = session.get(Person, person_id)
    if person is not None and person.municipality_id != municipality_id:
        person = None
    volunteer = session.get(Volunteer, person_id)
    if volunteer is not None and volunteer.municipality_id != municipality_id:
        volunteer = None
    if person is None and volunteer is None:
        raise NotFound(f"自治体 '{municipality_id}' に利用者 '{person_id}' はいません")
    councils: list[str] = []
    staff_removed = False
    roles = notifications = deliveries = 0
    if person is not None:
        person.name, person.kana, person.email, person.webhook_url = ERASED_NAME, None, None, None
        person.email_key = None
        person.notify_email = person.notify_webhook = False
        councils = sorted(
            set(
                session.scalars(
                    select(CouncilMember.council_id).where(CouncilMember.person_id == person_id)
                )
            )
        )
        staff_removed = (
            session.scalar(
                select(MunicipalityStaff.id).where(MunicipalityStaff.person_id == person_id)
            )
            is not None
        )
        roles = _affected(
            session, delete(CouncilMember).where(CouncilMember.person_id == person_id)
        )
        roles += _affected(
            session, delete(MunicipalityStaff).where(MunicipalityStaff.person_id == person_id)
        )
        notifications = _affected(
            session,
            update(Notification)
            .where(Notification.recipient_id == person_id)
            .values(subject="", body=""),
        )
        # A failure text may hold the old address; a delivery not yet made never will be.
        session.execute(
            update(Delivery).where(Delivery.recipient_id == person_id).values(last_error=None)
        )
        deliveries = _affected(
            session,
            update(Delivery)
            .where(Delivery.recipient_id == person_id, Delivery.status.in_(("pending", "sending")))
            .values(
                status="failed", last_error="recipient erased", failure_reason="address_removed"
            ),
        )
    if volunteer is not None:
        volunteer.name, volunteer.contact, volunteer.availability = ERASED_NAME, None, ""
        volunteer.consent_to_contact = False
        if volunteer.withdrawn_on is None:
            volunteer.withdrawn_on = at.date()
    if session.get(ErasedPerson, person_id) is None:
        session.add(
            ErasedPerson(
                person_id=person_id, municipality_id=municipality_id, erased_at=at, erased_by=by
            )
        )
    session.flush()
    return Erasure(
        person_id=person_id,
        municipality_id=municipality_id,
        person=person is not None,
        volunteer=volunteer is not None,
        roles_removed=roles,
        notifications_cleared=notifications,
        deliveries_stopped=deliveries,
        councils=tuple(councils),
        staff_removed=staff_removed,
    )


def _affected(session: Session, statement: Delete | Update) -> int:
    result = cast(CursorResult[Any], session.execute(statement))
    return result.rowcount


def erased_among(session: Session, ids: list[str]) -> list[str]:
    """Which of ``ids`` were erased, sorted."""
    if not ids:
        return []
    return sorted(
        session.scalars(select(ErasedPerson.person_id).where(ErasedPerson.person_id.in_(ids)))
    )

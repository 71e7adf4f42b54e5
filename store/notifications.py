"""The inbox: notices delivered to people, idempotent by the notice's business key."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from activities.inputs import NotifyInput
from store._rows import insert_once
from store.errors import NotFound
from store.models import Council, Notification, Person


class InboxRow(BaseModel):
    """One notice in a person's inbox."""

    model_config = ConfigDict(frozen=True)

    id: int
    council_id: str
    fiscal_year: int
    step: str
    event_seq: int
    template: str
    subject: str
    body: str
    created_at: datetime
    read_at: datetime | None


def deliver_inbox(
    session: Session,
    key: str,
    data: NotifyInput,
    recipient_id: str,
    subject: str,
    body: str,
) -> bool:
    """Put a rendered notice in ``recipient_id``'s inbox; return False when ``key`` was
    already delivered (also when a concurrent call delivered it first)."""
    if session.get(Person, recipient_id) is None:
        raise NotFound(f"宛先 '{recipient_id}' は登録されていません")
    if session.get(Council, data.council_id) is None:
        raise NotFound(f"協議会 '{data.council_id}' は登録されていません")
    if _delivered(session, key):
        return False
    row = Notification(
        business_key=key,
        council_id=data.council_id,
        fiscal_year=data.fiscal_year,
        step=data.step,
        event_seq=data.event_seq,
        template=data.notice.template,
        recipient_id=recipient_id,
        channel="inbox",
        subject=subject,
        body=body,
        created_at=datetime.now(UTC),
        read_at=None,
    )
    return insert_once(session, row, lambda: _delivered(session, key))


def _delivered(session: Session, key: str) -> bool:
    return (
        session.scalar(select(Notification.id).where(Notification.business_key == key)) is not None
    )


def inbox(session: Session, person_id: str, unread_only: bool = False) -> list[InboxRow]:
    """``person_id``'s notices, newest first. ``NotFound`` if the person is unknown."""
    if session.get(Person, person_id) is None:
        raise NotFound(f"'{person_id}' は登録されていません")
    query = select(Notification).where(Notification.recipient_id == person_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    rows = session.scalars(query.order_by(Notification.created_at.desc(), Notification.id.desc()))
    return [
        InboxRow(
            id=row.id,
            council_id=row.council_id,
            fiscal_year=row.fiscal_year,
            step=row.step,
            event_seq=row.event_seq,
            template=row.template,
            subject=row.subject,
            body=row.body,
            created_at=row.created_at,
            read_at=row.read_at,
        )
        for row in rows
    ]


def mark_read(session: Session, person_id: str, notification_id: int) -> None:
    """Mark one of ``person_id``'s notices as read (a second call keeps the first time).
    ``NotFound`` when the notice does not exist or is addressed to someone else."""
    row = session.get(Notification, notification_id)
    if row is None or row.recipient_id != person_id:
        raise NotFound(f"お知らせ {notification_id} は '{person_id}' 宛てにはありません")
    if row.read_at is None:
        row.read_at = datetime.now(UTC)
        session.flush()

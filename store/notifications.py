"""The inbox: notices delivered to people, idempotent by the notice's business key."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from contracts.activities import NotifyInput
from store._rows import insert_new, table
from store.directory import COUNCIL_NAME
from store.errors import NotFound
from store.models import AuditEvent, Council, Notification, Person


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


# Built once: ``notify`` runs it for every notice (store/projections.py says why).
_KNOWN_PEOPLE = select(table(Person).c.id).where(
    table(Person).c.id.in_(bindparam("ids", expanding=True))
)


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
    return key in deliver_to_inboxes(session, data, {recipient_id: key}, subject, body)


def deliver_to_inboxes(
    session: Session,
    data: NotifyInput,
    keys: Mapping[str, str],
    subject: str,
    body: str,
) -> set[str]:
    """Put one rendered notice in the inbox of every recipient in ``keys`` (recipient id →
    the notification's business key), in one insert; return the keys that were new. A key
    delivered before (by a retry, or by a concurrent call) is left as it is.
    ``NotFound``, changing nothing, when the council or a recipient is unknown."""
    connection = session.connection()
    if connection.scalar(COUNCIL_NAME, {"council_id": data.council_id}) is None:
        raise NotFound(f"協議会 '{data.council_id}' は登録されていません")
    known = set(connection.scalars(_KNOWN_PEOPLE, {"ids": list(set(keys))}))
    missing = [r for r in keys if r not in known]
    if missing:
        raise NotFound(f"宛先 '{missing[0]}' は登録されていません")
    now = datetime.now(UTC)
    rows = [
        {
            "business_key": key,
            "council_id": data.council_id,
            "fiscal_year": data.fiscal_year,
            "step": data.step,
            "event_seq": data.event_seq,
            "template": data.notice.template,
            "recipient_id": recipient_id,
            "channel": "inbox",
            "subject": subject,
            "body": body,
            "created_at": now,
            "read_at": None,
        }
        for recipient_id, key in keys.items()
    ]
    key_column = Notification.business_key
    return set(insert_new(session, Notification, rows, key=[key_column], returning=key_column))


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


def read_receipts(
    session: Session, council_id: str, fiscal_year: int, templates: tuple[str, ...], marker: str
) -> dict[str, datetime | None]:
    """Who was sent a notice of ``templates`` in the council's year whose text holds
    ``marker`` (a call's page, say), and when each first read one (``None``: unread)."""
    rows = session.execute(
        select(Notification.recipient_id, Notification.read_at).where(
            Notification.council_id == council_id,
            Notification.fiscal_year == fiscal_year,
            Notification.template.in_(templates),
            Notification.body.contains(marker, autoescape=True),
        )
    )
    seen: dict[str, datetime | None] = {}
    for recipient, read_at in rows:
        earlier = seen.get(recipient)
        if recipient not in seen or (
            read_at is not None and (earlier is None or read_at < earlier)
        ):
            seen[recipient] = read_at
    return seen


def hand_sent_reminder_receipts(
    session: Session, municipality_id: str, fiscal_year: int, step: str
) -> dict[str, datetime | None]:
    """Who the board's hand-sent reminders at ``step`` (the ``remind`` command) reached in
    the municipality's councils in ``fiscal_year``, and when each first read one
    (``None``: unread), counted as ``read_receipts`` counts a call's."""
    rows = session.execute(
        select(Notification.recipient_id, Notification.read_at)
        .join(Council, Council.id == Notification.council_id)
        .join(
            AuditEvent,
            (AuditEvent.council_id == Notification.council_id)
            & (AuditEvent.fiscal_year == Notification.fiscal_year)
            & (AuditEvent.seq == Notification.event_seq),
        )
        .where(
            Council.municipality_id == municipality_id,
            Notification.fiscal_year == fiscal_year,
            AuditEvent.action == "remind",
            AuditEvent.step_before == step,
        )
    )
    seen: dict[str, datetime | None] = {}
    for recipient, read_at in rows:
        earlier = seen.get(recipient)
        if recipient not in seen or (
            read_at is not None and (earlier is None or read_at < earlier)
        ):
            seen[recipient] = read_at
    return seen

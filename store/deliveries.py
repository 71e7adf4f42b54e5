"""The outbox: each notification on each outside channel (e-mail, webhook) is one row.

A row is written in the same transaction as the inbox message it belongs to, so a
notification is either wholly queued or not at all. Sending happens elsewhere (the
``deliver`` activity); these functions only move a row through its states::

    pending ──claim──▶ sending ──▶ sent
       ▲                  │   └──▶ failed   (permanent, or every retry spent)
       └── error (retry) ─┘

``sending`` that is claimed again means the previous attempt died between claiming and
recording its outcome: the message may or may not have reached the receiver. The receiver
de-duplicates on the stable delivery id (``delivery_id``) in that one case.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from config.redaction import redact
from contracts.activities import Channel
from store._rows import insert_new, table
from store.errors import NotFound
from store.models import AuditEvent, Council, Delivery, Notification, Person

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"


class FailureReason(StrEnum):
    """Why a delivery failed for good: the board's page says it in words."""

    #: The address cannot be sent to (a line break or control character, not an address).
    BAD_ADDRESS = "bad_address"
    #: The message cannot be built (a header that would not be one line, ...).
    BAD_MESSAGE = "bad_message"
    #: The receiver refused it for good (an SMTP 5xx, an HTTP 4xx, a refused target).
    REFUSED = "refused"
    #: Three days of retries were spent.
    GAVE_UP = "gave_up"
    #: The person's address was removed, or the person erased, before it was sent.
    ADDRESS_REMOVED = "address_removed"
    #: The channel is not configured on the worker.
    CHANNEL_OFF = "channel_off"


# Fixed forever: receivers de-duplicate on ids derived from it.
_DELIVERY_NAMESPACE = uuid.UUID("6f1d3c2a-8a55-4c3e-9a1e-3c0b5d9e7a41")


def delivery_id(delivery_key: str) -> str:
    """The id a receiver sees for a delivery: the same for every attempt, never reused."""
    return str(uuid.uuid5(_DELIVERY_NAMESPACE, delivery_key))


class DeliveryJob(BaseModel):
    """Everything one attempt needs to send one delivery."""

    model_config = ConfigDict(frozen=True)

    delivery_key: str
    delivery_id: str
    channel: Channel
    council_id: str
    council_name: str
    fiscal_year: int
    step: str
    template: str
    recipient_id: str
    address: str
    subject: str
    body: str
    attempt: int
    #: The previous attempt claimed the row and never recorded an outcome.
    after_unfinished_attempt: bool
    #: The meeting call a call (or its reminder) is about: its e-mail carries the ``.ics``.
    meeting_call_id: str | None = None
    #: The call's ``.ics`` (``activities.ics``), attached to the e-mail when given.
    calendar: bytes | None = None


class DeliveryRow(BaseModel):
    """One outbox row, for overviews and tests."""

    model_config = ConfigDict(frozen=True)

    delivery_key: str
    delivery_id: str
    channel: Channel
    council_id: str
    fiscal_year: int
    recipient_id: str
    template: str
    status: str
    attempts: int
    last_error: str | None
    failure_reason: FailureReason | None = None
    created_at: datetime
    sent_at: datetime | None


def enqueue_deliveries(
    session: Session, notification_key: str, channels: Collection[Channel], now: datetime
) -> list[str]:
    """Queue the notification ``notification_key`` on each of ``channels`` the recipient
    wants and has an address for; return the keys of all its outbox rows (old and new).
    Idempotent: a row that exists is left as it is."""
    return enqueue_all_deliveries(session, [notification_key], channels, now)


_NOTES, _PEOPLE, _DELIVERIES = table(Notification), table(Person), table(Delivery)
# Built once: ``notify`` runs them for every notice (store/projections.py says why).
_NOTES_AND_CONTACTS = (
    select(
        _NOTES.c.business_key,
        _NOTES.c.id,
        _NOTES.c.council_id,
        _NOTES.c.fiscal_year,
        _NOTES.c.recipient_id,
        _PEOPLE.c.email,
        _PEOPLE.c.notify_email,
        _PEOPLE.c.webhook_url,
        _PEOPLE.c.notify_webhook,
    )
    .join(_PEOPLE, _PEOPLE.c.id == _NOTES.c.recipient_id)
    .where(_NOTES.c.business_key.in_(bindparam("keys", expanding=True)))
)
_QUEUED = select(
    _DELIVERIES.c.delivery_key, _DELIVERIES.c.notification_id, _DELIVERIES.c.channel
).where(_DELIVERIES.c.notification_id.in_(bindparam("ids", expanding=True)))


def enqueue_all_deliveries(
    session: Session,
    notification_keys: Sequence[str],
    channels: Collection[Channel],
    now: datetime,
) -> list[str]:
    """``enqueue_deliveries`` for several notifications at once, in one insert: the keys
    of all their outbox rows (old and new), in the order of ``notification_keys`` and then
    of channel. ``NotFound`` when a notification does not exist."""
    connection = session.connection()
    notes = {
        note.business_key: note
        for note in connection.execute(_NOTES_AND_CONTACTS, {"keys": list(notification_keys)})
    }
    missing = [k for k in notification_keys if k not in notes]
    if missing:
        raise NotFound(f"通知 '{missing[0]}' はありません")
    rows = [
        {
            "delivery_key": f"{key}/{channel.value}",
            "notification_id": note.id,
            "channel": channel.value,
            "council_id": note.council_id,
            "fiscal_year": note.fiscal_year,
            "recipient_id": note.recipient_id,
            "status": PENDING,
            "attempts": 0,
            "last_error": None,
            "created_at": now,
            "attempted_at": None,
            "sent_at": None,
        }
        for key, note in notes.items()
        for channel in _wanted(note, channels)
    ]
    key_column = Delivery.delivery_key
    insert_new(session, Delivery, rows, key=[key_column], returning=key_column)
    order = {key: position for position, key in enumerate(notification_keys)}
    queued = connection.execute(_QUEUED, {"ids": [note.id for note in notes.values()]})
    position = {note.id: order[key] for key, note in notes.items()}
    return [
        delivery_key for delivery_key, _, _ in sorted(queued, key=lambda q: (position[q[1]], q[2]))
    ]


class _Contact(Protocol):
    """Who may be reached on which channel: a ``Person``, or a row with its columns."""

    @property
    def email(self) -> str | None: ...
    @property
    def notify_email(self) -> bool: ...
    @property
    def webhook_url(self) -> str | None: ...
    @property
    def notify_webhook(self) -> bool: ...


def _wanted(person: _Contact, channels: Collection[Channel]) -> list[Channel]:
    wanted = []
    if Channel.EMAIL in channels and person.notify_email and person.email:
        wanted.append(Channel.EMAIL)
    if Channel.WEBHOOK in channels and person.notify_webhook and person.webhook_url:
        wanted.append(Channel.WEBHOOK)
    return wanted


def _get(session: Session, key: str, lock: bool = False) -> Delivery:
    query = select(Delivery).where(Delivery.delivery_key == key)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound(f"配信 '{key}' はありません")
    return row


def claim_delivery(session: Session, key: str, now: datetime) -> DeliveryJob | None:
    """Start an attempt: the job, with the row marked ``sending`` and its attempt counted;
    ``None`` when there is nothing to send: the row is sent or failed already, or the
    person's address was removed since (then the row is marked failed, saying so)."""
    row = _get(session, key, lock=True)
    if row.status in (SENT, FAILED):
        return None
    person = session.get_one(Person, row.recipient_id)
    address = person.email if row.channel == Channel.EMAIL else person.webhook_url
    if address is None:
        row.status = FAILED
        row.last_error = f"宛先が削除されました (the {row.channel} address was removed)"
        row.failure_reason = FailureReason.ADDRESS_REMOVED
        session.flush()
        return None
    unfinished = row.status == SENDING
    row.status = SENDING
    row.attempts += 1
    row.attempted_at = now
    note = session.get_one(Notification, row.notification_id)
    session.flush()
    return DeliveryJob(
        delivery_key=key,
        delivery_id=delivery_id(key),
        channel=Channel(row.channel),
        council_id=row.council_id,
        council_name=session.get_one(Council, row.council_id).name,
        fiscal_year=row.fiscal_year,
        step=note.step,
        template=note.template,
        recipient_id=row.recipient_id,
        address=address,
        subject=note.subject,
        body=note.body,
        attempt=row.attempts,
        after_unfinished_attempt=unfinished,
        meeting_call_id=_call_of(session, note),
    )


#: The notices about one meeting call (``domain.meeting_call_rules``).
_CALL_TEMPLATES = frozenset({"meeting_call", "meeting_call_reminder", "meeting_call_postponed"})


def _call_of(session: Session, note: Notification) -> str | None:
    """The call a meeting-call notice is about: named by the command that sent it."""
    if note.template not in _CALL_TEMPLATES:
        return None
    command = session.scalar(
        select(AuditEvent.command).where(
            AuditEvent.council_id == note.council_id,
            AuditEvent.fiscal_year == note.fiscal_year,
            AuditEvent.seq == note.event_seq,
        )
    )
    found = command.get("call_id") if isinstance(command, dict) else None
    return found if isinstance(found, str) else None


def mark_delivery_sent(session: Session, key: str, now: datetime) -> None:
    """The receiver accepted the message."""
    row = _get(session, key, lock=True)
    row.status = SENT
    row.sent_at = now
    row.last_error = None
    session.flush()


def record_delivery_error(session: Session, key: str, error: str) -> None:
    """An attempt failed in a way a later attempt may not: back to ``pending``."""
    row = _get(session, key, lock=True)
    if row.status == SENDING:
        row.status = PENDING
    row.last_error = redact(error)[:2000]
    session.flush()


def mark_delivery_failed(
    session: Session, key: str, error: str, reason: FailureReason = FailureReason.GAVE_UP
) -> bool:
    """Give up on a delivery for good; ``False`` (and nothing changes) when it was sent.

    A row that failed already keeps its first reason: the workflow records "gave up"
    after an attempt that failed for good had recorded why."""
    row = _get(session, key, lock=True)
    if row.status == SENT:
        return False
    if row.status == FAILED and row.failure_reason is not None:
        return True
    row.status = FAILED
    row.last_error = redact(error)[:2000]
    row.failure_reason = reason
    session.flush()
    return True


def failure_reasons(session: Session, municipality_id: str, fiscal_year: int) -> dict[str, int]:
    """How many of the municipality's deliveries of the year failed for good, by reason
    (``FailureReason`` values; rows failed before reasons were kept count as ``gave_up``)."""
    query = (
        select(Delivery.failure_reason, func.count(Delivery.id))
        .join(Council, Council.id == Delivery.council_id)
        .where(
            Council.municipality_id == municipality_id,
            Delivery.fiscal_year == fiscal_year,
            Delivery.status == FAILED,
        )
        .group_by(Delivery.failure_reason)
    )
    counts: dict[str, int] = {}
    for reason, count in session.execute(query):
        key = reason or FailureReason.GAVE_UP.value
        counts[key] = counts.get(key, 0) + count
    return counts


def failed_deliveries_count(session: Session, council_id: str, fiscal_year: int) -> int:
    """How many of the cycle's deliveries failed for good (for ``overview``)."""
    return (
        session.scalar(
            select(func.count(Delivery.id)).where(
                Delivery.council_id == council_id,
                Delivery.fiscal_year == fiscal_year,
                Delivery.status == FAILED,
            )
        )
        or 0
    )


def deliveries(
    session: Session, council_id: str, fiscal_year: int, status: str | None = None
) -> list[DeliveryRow]:
    """The cycle's outbox rows in the order they were queued, optionally of one status."""
    query = (
        select(Delivery, Notification.template)
        .join(Notification, Notification.id == Delivery.notification_id)
        .where(Delivery.council_id == council_id, Delivery.fiscal_year == fiscal_year)
    )
    if status is not None:
        query = query.where(Delivery.status == status)
    return [
        DeliveryRow(
            delivery_key=row.delivery_key,
            delivery_id=delivery_id(row.delivery_key),
            channel=Channel(row.channel),
            council_id=row.council_id,
            fiscal_year=row.fiscal_year,
            recipient_id=row.recipient_id,
            template=template,
            status=row.status,
            attempts=row.attempts,
            last_error=row.last_error,
            failure_reason=row.failure_reason,
            created_at=row.created_at,
            sent_at=row.sent_at,
        )
        for row, template in session.execute(query.order_by(Delivery.id))
    ]

"""The board's view of its municipality's passkeys, and the reset that removes a
person's passkeys (and ends their sessions) so they can enrol again from a mail link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from store.console_auth import ConsoleSession, Passkey
from store.models import Person


@dataclass(frozen=True)
class PasskeyHolder:
    """A person of the municipality with passkeys: how many, and the newest one's date."""

    person_id: str
    name: str
    count: int
    newest: datetime


def passkey_holders(session: Session, municipality_id: str) -> list[PasskeyHolder]:
    """The people of ``municipality_id`` who have registered passkeys, by name."""
    rows = session.execute(
        select(Person.id, Person.name, func.count(), func.max(Passkey.created_at))
        .join(Passkey, Passkey.person_id == Person.id)
        .where(Person.municipality_id == municipality_id)
        .group_by(Person.id, Person.name)
        .order_by(Person.name, Person.id)
    ).all()
    return [PasskeyHolder(person_id=r[0], name=r[1], count=r[2], newest=r[3]) for r in rows]


def person_municipality(session: Session, person_id: str) -> str | None:
    """The municipality ``person_id`` belongs to; ``None`` for an unknown person."""
    return session.scalar(select(Person.municipality_id).where(Person.id == person_id))


def lock_person(session: Session, person_id: str) -> None:
    """Hold ``person_id``'s row until the transaction ends (PostgreSQL: ``FOR UPDATE``), so
    two registrations at once cannot both count "no passkey yet"; SQLite has one writer."""
    session.execute(select(Person.id).where(Person.id == person_id).with_for_update())


def remove_passkeys(session: Session, person_id: str) -> int:
    """Remove every passkey of ``person_id``; how many there were."""
    removed = session.execute(
        delete(Passkey).where(Passkey.person_id == person_id).returning(Passkey.credential_id)
    ).all()
    return len(removed)


def end_sessions_of(session: Session, person_id: str, now: datetime) -> None:
    """End every live session of ``person_id`` on the server."""
    session.execute(
        update(ConsoleSession)
        .where(ConsoleSession.person_id == person_id, ConsoleSession.ended_at.is_(None))
        .values(ended_at=now)
    )

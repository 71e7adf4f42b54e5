"""The console's sign-in state: e-mail link tokens, sessions, rate-limit counts, passkeys
and WebAuthn challenges. All of it lives in the store (not in one process's memory) so
that several console processes can serve the same people side by side.

Only hashes of tokens and session ids are stored: a copy of the database does not let
anyone sign in. Times are passed in by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, delete, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from domain.email_keys import email_key
from store.models import (
    ID,
    SHORT,
    TZ_DATETIME,
    Base,
    Council,
    CouncilMember,
    Cycle,
    MunicipalityStaff,
    Person,
)

HASH = String(64)


class SignInToken(Base):
    """A single-use e-mail sign-in link, by the SHA-256 of its token."""

    __tablename__ = "console_sign_in_tokens"

    token_hash: Mapped[str] = mapped_column(HASH, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    expires_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    used_at: Mapped[datetime | None] = mapped_column(TZ_DATETIME)


class ConsoleSession(Base):
    """A signed-in browser, by the SHA-256 of its cookie value."""

    __tablename__ = "console_sessions"

    id_hash: Mapped[str] = mapped_column(HASH, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(HASH)
    created_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    expires_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    ended_at: Mapped[datetime | None] = mapped_column(TZ_DATETIME)
    # When a passkey confirmed this session (the second factor), if it has.
    passkey_at: Mapped[datetime | None] = mapped_column(TZ_DATETIME)
    # A few words naming the browser it signed in from ("Android / Chrome"), if known.
    device: Mapped[str | None] = mapped_column(String(60))


class RateEvent(Base):
    """One sign-in link request, counted against a bucket (an address or a client)."""

    __tablename__ = "console_rate_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(128), index=True)
    at: Mapped[datetime] = mapped_column(TZ_DATETIME)


class Passkey(Base):
    """A WebAuthn credential registered by a person."""

    __tablename__ = "console_passkeys"

    credential_id: Mapped[str] = mapped_column(String(512), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(TZ_DATETIME)


class WebAuthnChallenge(Base):
    """A challenge handed to a browser for one registration or sign-in ceremony."""

    __tablename__ = "console_webauthn_challenges"

    id_hash: Mapped[str] = mapped_column(HASH, primary_key=True)
    purpose: Mapped[str] = mapped_column(SHORT)
    person_id: Mapped[str | None] = mapped_column(ID)
    challenge: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(TZ_DATETIME)


@dataclass(frozen=True)
class SessionRecord:
    """A live console session."""

    person_id: str
    csrf_token: str
    expires_at: datetime
    passkey_confirmed: bool


@dataclass(frozen=True)
class PersonRoles:
    """Where a person sits: (council id, role) pairs and (municipality id, role) pairs."""

    person_id: str
    municipality_id: str
    council_roles: tuple[tuple[str, str], ...]
    staff_roles: tuple[tuple[str, str], ...]


def person_by_email(session: Session, email: str) -> tuple[str, str] | None:
    """The person whose address is ``email`` (compared by ``email_key``: ignoring case and
    look-alike characters; unique across the store) and the address as stored, if any."""
    found = session.execute(
        select(Person.id, Person.email).where(Person.email_key == email_key(email))
    ).first()
    if found is None or found.email is None:
        return None
    return found.id, found.email


def person_email(session: Session, person_id: str) -> str | None:
    """The person's e-mail address, if any."""
    return session.scalar(select(Person.email).where(Person.id == person_id))


def person_roles(session: Session, person_id: str) -> PersonRoles | None:
    """Every council and municipality role of ``person_id``; ``None`` if unknown."""
    # Columns, not the ORM entity: every signed-in request asks this.
    person = session.execute(select(Person.municipality_id).where(Person.id == person_id)).first()
    if person is None:
        return None
    councils = session.execute(
        select(CouncilMember.council_id, CouncilMember.role)
        .where(CouncilMember.person_id == person_id)
        .order_by(CouncilMember.council_id, CouncilMember.position)
    ).all()
    staff = session.execute(
        select(MunicipalityStaff.municipality_id, MunicipalityStaff.role).where(
            MunicipalityStaff.person_id == person_id
        )
    ).all()
    return PersonRoles(
        person_id=person_id,
        municipality_id=person.municipality_id,
        council_roles=tuple((c, r) for c, r in councils),
        staff_roles=tuple((m, r) for m, r in staff),
    )


# --- sign-in tokens --------------------------------------------------------------------


def add_sign_in_token(
    session: Session, token_hash: str, person_id: str, now: datetime, expires_at: datetime
) -> None:
    """Store a new sign-in link token (by hash)."""
    session.add(
        SignInToken(
            token_hash=token_hash, person_id=person_id, created_at=now, expires_at=expires_at
        )
    )


def use_sign_in_token(session: Session, token_hash: str, now: datetime) -> str | None:
    """Spend a token: the person it signs in, or ``None`` when it is unknown, expired or
    already used. One conditional UPDATE, so two processes cannot both spend it."""
    spent = session.execute(
        update(SignInToken)
        .where(
            SignInToken.token_hash == token_hash,
            SignInToken.used_at.is_(None),
            SignInToken.expires_at > now,
        )
        .values(used_at=now)
        .returning(SignInToken.person_id)
    ).scalar_one_or_none()
    return spent


# --- rate limits ------------------------------------------------------------------------


def count_and_record(session: Session, bucket: str, now: datetime, since: datetime) -> int:
    """Record one request in ``bucket``; return how many it holds since ``since``,
    this one included. Older events of the bucket are dropped on the way."""
    session.execute(delete(RateEvent).where(RateEvent.bucket == bucket, RateEvent.at <= since))
    session.add(RateEvent(bucket=bucket, at=now))
    session.flush()
    count = session.scalar(
        select(func.count()).select_from(RateEvent).where(RateEvent.bucket == bucket)
    )
    return int(count or 0)


# --- sessions -------------------------------------------------------------------------


def create_session(
    session: Session,
    id_hash: str,
    person_id: str,
    csrf_token: str,
    now: datetime,
    expires_at: datetime,
    passkey_confirmed: bool,
    device: str | None = None,
) -> None:
    """Store a new console session (by hash of its id)."""
    session.add(
        ConsoleSession(
            id_hash=id_hash,
            person_id=person_id,
            csrf_token=csrf_token,
            created_at=now,
            expires_at=expires_at,
            passkey_at=now if passkey_confirmed else None,
            device=device[:60] if device else None,
        )
    )


@dataclass(frozen=True)
class DeviceSession:
    """One of a person's live sessions, as their settings page lists it."""

    id_hash: str
    created_at: datetime
    expires_at: datetime
    device: str | None
    passkey_confirmed: bool


def live_sessions_of(session: Session, person_id: str, now: datetime) -> list[DeviceSession]:
    """Every live session of ``person_id``, newest first."""
    rows = session.scalars(
        select(ConsoleSession)
        .where(
            ConsoleSession.person_id == person_id,
            ConsoleSession.ended_at.is_(None),
            ConsoleSession.expires_at > now,
        )
        .order_by(ConsoleSession.created_at.desc())
    )
    return [
        DeviceSession(
            id_hash=row.id_hash,
            created_at=row.created_at,
            expires_at=row.expires_at,
            device=row.device,
            passkey_confirmed=row.passkey_at is not None,
        )
        for row in rows
    ]


def end_session_of(session: Session, person_id: str, id_hash: str, now: datetime) -> bool:
    """End one of ``person_id``'s sessions; ``False`` when it is not theirs or not live."""
    ended = session.execute(
        update(ConsoleSession)
        .where(
            ConsoleSession.id_hash == id_hash,
            ConsoleSession.person_id == person_id,
            ConsoleSession.ended_at.is_(None),
        )
        .values(ended_at=now)
    )
    return bool(getattr(ended, "rowcount", 0))


def live_session(
    session: Session, id_hash: str, now: datetime, confirmation_lifetime: timedelta
) -> SessionRecord | None:
    """The session with ``id_hash`` unless it ended or expired; a passkey's confirmation
    of it counts for ``confirmation_lifetime`` after it was given, however long the
    session itself lasts (a session kept 90 days is confirmed again after that)."""
    # Columns, not the ORM entity: every signed-in request asks this.
    row = session.execute(
        select(
            ConsoleSession.person_id,
            ConsoleSession.csrf_token,
            ConsoleSession.expires_at,
            ConsoleSession.ended_at,
            ConsoleSession.passkey_at,
        ).where(ConsoleSession.id_hash == id_hash)
    ).first()
    if row is None or row.ended_at is not None or row.expires_at <= now:
        return None
    return SessionRecord(
        person_id=row.person_id,
        csrf_token=row.csrf_token,
        expires_at=row.expires_at,
        passkey_confirmed=row.passkey_at is not None
        and now - row.passkey_at < confirmation_lifetime,
    )


def end_session(session: Session, id_hash: str, now: datetime) -> None:
    """End the session on the server: its cookie no longer signs anyone in."""
    session.execute(
        update(ConsoleSession)
        .where(ConsoleSession.id_hash == id_hash, ConsoleSession.ended_at.is_(None))
        .values(ended_at=now)
    )


def confirm_passkey(session: Session, id_hash: str, now: datetime) -> None:
    """Record that a passkey confirmed the session (its second factor)."""
    session.execute(
        update(ConsoleSession).where(ConsoleSession.id_hash == id_hash).values(passkey_at=now)
    )


# --- passkeys and challenges ------------------------------------------------------------


def add_passkey(
    session: Session,
    credential_id: str,
    person_id: str,
    public_key: bytes,
    sign_count: int,
    now: datetime,
) -> None:
    """Register a WebAuthn credential for ``person_id``."""
    session.add(
        Passkey(
            credential_id=credential_id,
            person_id=person_id,
            public_key=public_key,
            sign_count=sign_count,
            created_at=now,
        )
    )


def passkey_ids(session: Session, person_id: str) -> list[str]:
    """The credential ids ``person_id`` has registered."""
    return list(
        session.scalars(
            select(Passkey.credential_id)
            .where(Passkey.person_id == person_id)
            .order_by(Passkey.created_at)
        )
    )


def passkey(session: Session, credential_id: str) -> tuple[str, bytes, int] | None:
    """(person id, public key, sign count) of a credential, if registered."""
    row = session.get(Passkey, credential_id)
    return None if row is None else (row.person_id, row.public_key, row.sign_count)


def set_sign_count(session: Session, credential_id: str, sign_count: int) -> None:
    """Remember the authenticator's latest signature counter."""
    session.execute(
        update(Passkey).where(Passkey.credential_id == credential_id).values(sign_count=sign_count)
    )


def add_challenge(
    session: Session,
    id_hash: str,
    purpose: str,
    person_id: str | None,
    challenge: bytes,
    expires_at: datetime,
) -> None:
    """Store a WebAuthn challenge until it is answered or expires."""
    session.add(
        WebAuthnChallenge(
            id_hash=id_hash,
            purpose=purpose,
            person_id=person_id,
            challenge=challenge,
            expires_at=expires_at,
        )
    )


def take_challenge(
    session: Session, id_hash: str, purpose: str, now: datetime
) -> tuple[str | None, bytes] | None:
    """Spend a challenge: (person id, challenge) when it is live and for ``purpose``."""
    row = session.get(WebAuthnChallenge, id_hash)
    if row is None:
        return None
    session.delete(row)
    if row.purpose != purpose or row.expires_at <= now:
        return None
    return row.person_id, row.challenge


def purge_expired(session: Session, now: datetime) -> None:
    """Drop links, sessions and challenges that can no longer be used."""
    session.execute(delete(SignInToken).where(SignInToken.expires_at <= now))
    session.execute(delete(ConsoleSession).where(ConsoleSession.expires_at <= now))
    session.execute(delete(WebAuthnChallenge).where(WebAuthnChallenge.expires_at <= now))


# --- what the console lists -------------------------------------------------------------


def councils_of_municipalities(session: Session, municipality_ids: list[str]) -> list[str]:
    """Ids of every council of the given municipalities."""
    if not municipality_ids:
        return []
    return list(
        session.scalars(select(Council.id).where(Council.municipality_id.in_(municipality_ids)))
    )


def council_municipality(session: Session, council_id: str) -> str | None:
    """The municipality of a council; ``None`` when the council is unknown."""
    return session.scalar(select(Council.municipality_id).where(Council.id == council_id))


def council_names(session: Session, council_ids: list[str]) -> dict[str, str]:
    """Names of the given councils by id."""
    if not council_ids:
        return {}
    return dict(
        session.execute(select(Council.id, Council.name).where(Council.id.in_(council_ids))).all()
    )


def cycle_years(session: Session, council_ids: list[str]) -> dict[str, list[int]]:
    """The fiscal years each council has a recorded cycle for, newest first."""
    years: dict[str, list[int]] = {c: [] for c in council_ids}
    if not council_ids:
        return years
    rows = session.execute(
        select(Cycle.council_id, Cycle.fiscal_year)
        .where(Cycle.council_id.in_(council_ids))
        .order_by(Cycle.council_id, Cycle.fiscal_year.desc())
    )
    for council_id, year in rows:
        years[council_id].append(year)
    return years

"""Personal access tokens: how the CLI signs in. Only the SHA-256 of a token is stored,
so a copy of the database lets nobody act. A token belongs to a person, or (the embedded
launcher's local token) to nobody: then it is the local operator's, see
``application.access_tokens``. Times are passed in by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.models import TZ_DATETIME, Base

HASH = String(64)
#: A token's name, as its owner wrote it (which machine, which script).
MAX_TOKEN_NAME = 60


class AccessToken(Base):
    """One personal access token, by the SHA-256 of its secret."""

    __tablename__ = "access_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(HASH, unique=True)
    # None for the local operator's token (the embedded launcher's).
    person_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), index=True)
    name: Mapped[str] = mapped_column(String(MAX_TOKEN_NAME))
    may_act_on_behalf: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    expires_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    last_used_at: Mapped[datetime | None] = mapped_column(TZ_DATETIME)
    revoked_at: Mapped[datetime | None] = mapped_column(TZ_DATETIME)


@dataclass(frozen=True)
class TokenRecord:
    """A token as its owner sees it in the list (never its secret)."""

    id: int
    person_id: str | None
    name: str
    may_act_on_behalf: bool
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _record(row: AccessToken) -> TokenRecord:
    return TokenRecord(
        id=row.id,
        person_id=row.person_id,
        name=row.name,
        may_act_on_behalf=row.may_act_on_behalf,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


def add_token(
    session: Session,
    token_hash: str,
    person_id: str | None,
    name: str,
    may_act_on_behalf: bool,
    now: datetime,
    expires_at: datetime,
) -> TokenRecord:
    """Store a new token's hash; the token's record."""
    row = AccessToken(
        token_hash=token_hash,
        person_id=person_id,
        name=name[:MAX_TOKEN_NAME],
        may_act_on_behalf=may_act_on_behalf,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return _record(row)


def tokens_of(session: Session, person_id: str) -> list[TokenRecord]:
    """``person_id``'s tokens, newest first, revoked and expired ones included."""
    rows = session.scalars(
        select(AccessToken)
        .where(AccessToken.person_id == person_id)
        .order_by(AccessToken.id.desc())
    )
    return [_record(row) for row in rows]


def token_by_hash(session: Session, token_hash: str) -> TokenRecord | None:
    """The token with this hash, whatever its state."""
    row = session.scalar(select(AccessToken).where(AccessToken.token_hash == token_hash))
    return None if row is None else _record(row)


def mark_used(session: Session, token_id: int, now: datetime) -> None:
    """Remember when the token was last used."""
    session.execute(update(AccessToken).where(AccessToken.id == token_id).values(last_used_at=now))


def revoke(session: Session, token_id: int, person_id: str, now: datetime) -> bool:
    """Revoke ``person_id``'s token ``token_id``; whether there was such a live token."""
    result = session.execute(
        update(AccessToken)
        .where(
            AccessToken.id == token_id,
            AccessToken.person_id == person_id,
            AccessToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


def revoke_local(session: Session, now: datetime) -> None:
    """Revoke every live local-operator token (the launcher makes a new one at start)."""
    session.execute(
        update(AccessToken)
        .where(AccessToken.person_id.is_(None), AccessToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )

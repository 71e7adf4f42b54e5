"""The board's passkey reset: a board admin removes the passkeys of a person of their
municipality (a lost or replaced device), so that person enrols a first passkey again
from an e-mail link. The reset ends the person's sessions; the caller writes the audit
row in the same transaction and tells the person by e-mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from store import console_auth, passkey_admin


class ResetNotAllowed(Exception):
    """Not a person whose passkeys this board admin may reset (or an unknown one)."""


@dataclass(frozen=True)
class PasskeyReset:
    """A reset done: whose passkeys, how many were removed, the address to tell."""

    person_id: str
    removed: int
    address: str | None


def check_target(session: Session, municipality_id: str, admin_id: str, person_id: str) -> str:
    """The name of ``person_id`` when a board admin of ``municipality_id`` may reset their
    passkeys: a person of that municipality with at least one, not the admin themself.
    ``ResetNotAllowed`` otherwise (the same for an unknown person)."""
    holders = {h.person_id: h for h in passkey_admin.passkey_holders(session, municipality_id)}
    if person_id == admin_id or person_id not in holders:
        raise ResetNotAllowed()
    return holders[person_id].name


def reset_passkeys(
    session: Session, municipality_id: str, admin_id: str, person_id: str, now: datetime
) -> PasskeyReset:
    """Remove ``person_id``'s passkeys and end their sessions (``check_target`` first)."""
    passkey_admin.lock_person(session, person_id)
    check_target(session, municipality_id, admin_id, person_id)
    removed = passkey_admin.remove_passkeys(session, person_id)
    passkey_admin.end_sessions_of(session, person_id, now)
    return PasskeyReset(
        person_id=person_id, removed=removed, address=console_auth.person_email(session, person_id)
    )

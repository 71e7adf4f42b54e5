"""The board's passkey reset: a board admin removes the passkeys of a person of their
municipality (a lost or replaced device), so that person enrols a first passkey again
from an e-mail link. The reset ends the person's sessions and writes its audit row in
the same transaction (``reset``); the face tells the person by e-mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from application import audit
from application.context import Context
from application.permissions import require_board
from store import console_auth, passkey_admin
from store.passkey_admin import PasskeyHolder


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


def passkey_holders(ctx: Context, municipality_id: str) -> list[PasskeyHolder]:
    """Who in the municipality has passkeys, for its board admin."""

    def read(session: Session) -> list[PasskeyHolder]:
        require_board(session, ctx.principal, municipality_id)
        return passkey_admin.passkey_holders(session, municipality_id)

    return ctx.unit_of_work(read)


def reset_target(ctx: Context, municipality_id: str, person_id: str) -> str:
    """The name of the person whose passkeys the board admin who asks may reset;
    ``ResetNotAllowed`` otherwise."""

    def read(session: Session) -> str:
        require_board(session, ctx.principal, municipality_id)
        return check_target(session, municipality_id, _admin(ctx), person_id)

    return ctx.unit_of_work(read)


def reset(ctx: Context, municipality_id: str, person_id: str) -> PasskeyReset:
    """Remove the person's passkeys and end their sessions, as the board admin who asks;
    the reset is an audit row in the same transaction (``ResetNotAllowed`` otherwise)."""
    at = ctx.now()

    def do(session: Session) -> PasskeyReset:
        require_board(session, ctx.principal, municipality_id)
        done = reset_passkeys(session, municipality_id, _admin(ctx), person_id, at)
        detail = {"removed": str(done.removed), "notice": "mail" if done.address else "no_address"}
        audit.record_in(session, ctx.principal.actor, audit.AuditAction.PASSKEY_RESET,
                        f"people/{person_id}", detail, at=at)  # fmt: skip
        return done

    return ctx.unit_of_work(do)


def _admin(ctx: Context) -> str:
    admin = ctx.principal.person_id
    if admin is None:
        # A reset is a person's act (the local operator resets nobody's passkeys).
        raise ResetNotAllowed()
    return admin

"""Personal access tokens: the CLI's sign-in.

A person makes a token on the console's access token page; it is shown once and stored
only as its SHA-256 digest, with an expiry (at most 90 days), a last-use time, and a
revocation. The CLI sends it (``CS_TOKEN`` or a token file) and the actor of every
command is the token's owner. A board admin may flag a token "may act on behalf", which
alone allows ``--as``; each such command is an audit row (actor = the admin,
``on_behalf_of`` = the person).

The embedded launcher makes a *local operator* token (no person) for whoever runs
``make run`` on their own machine: it acts as the board of every municipality and may
act on behalf, so ``load`` works on an empty directory and the walkthrough works from a
fresh clone. It is revoked and replaced at each start.
"""

from __future__ import annotations

import getpass
import hashlib
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from application import audit
from application.actors import local_operator_actor, person_actor
from application.context import Context
from application.errors import AppError
from application.permissions import load_viewer
from application.principal import Principal, Proof
from application.viewer import Viewer
from domain.base import Role
from domain.text_rules import code_point, forbidden_character
from store import access_tokens as tokens
from store.access_tokens import MAX_TOKEN_NAME, TokenRecord

#: A personal token lives at most this long.
MAX_LIFETIME = timedelta(days=90)
#: The local operator's token lives as long as a long-running ``make run`` might.
LOCAL_LIFETIME = timedelta(days=90)
TOKEN_PREFIX = "cst_"
MAX_TOKEN_LENGTH = 200


def digest(secret: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    """A token just made: its secret (shown once, never again) and its record."""

    secret: str
    record: TokenRecord


def _new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def create(
    session: Session,
    viewer: Viewer,
    name: str,
    days: int,
    may_act_on_behalf: bool,
    now: datetime,
) -> NewToken:
    """Make a token for ``viewer``. ``AppError`` for a bad name or expiry, or for the
    "act on behalf" flag asked by someone who is not a board admin."""
    clean = name.strip()
    if not clean or len(clean) > MAX_TOKEN_NAME:
        raise AppError("token_name_bad")
    char = forbidden_character(clean, multiline=False)
    if char is not None:
        # The name is shown in lists and the audit: a control character would rewrite them.
        raise AppError("token_name_control", char=code_point(char))
    if not 1 <= days <= MAX_LIFETIME.days:
        raise AppError("token_days_bad")
    if may_act_on_behalf and not _is_board_admin(viewer):
        raise AppError("on_behalf_refused")
    secret = _new_secret()
    record = tokens.add_token(
        session,
        digest(secret),
        viewer.person_id,
        clean,
        may_act_on_behalf,
        now,
        now + timedelta(days=days),
    )
    return NewToken(secret=secret, record=record)


def create_local(session: Session, now: datetime) -> str:
    """Revoke the local operator's old tokens and make a new one; its secret."""
    tokens.revoke_local(session, now)
    secret = _new_secret()
    tokens.add_token(session, digest(secret), None, "local", True, now, now + LOCAL_LIFETIME)
    return secret


def list_for(session: Session, person_id: str) -> list[TokenRecord]:
    """``person_id``'s tokens, newest first."""
    return tokens.tokens_of(session, person_id)


def revoke(session: Session, person_id: str, token_id: int, now: datetime) -> bool:
    """Revoke one of ``person_id``'s own tokens; whether it was live."""
    return tokens.revoke(session, token_id, person_id, now)


def authenticate(session: Session, secret: str, now: datetime) -> Principal:
    """The principal of a live token, marking it used; ``AppError("token_invalid")``
    for an unknown, expired or revoked token (one answer for all three)."""
    found = tokens.token_by_hash(session, digest(secret[:MAX_TOKEN_LENGTH]))
    if found is None or found.revoked_at is not None or _as_utc(found.expires_at) <= now:
        raise AppError("token_invalid")
    host = socket.gethostname()
    tokens.mark_used(session, found.id, now)
    if found.person_id is None:
        actor = local_operator_actor(getpass.getuser(), host)
        return Principal(
            actor=actor, viewer=None, may_act_on_behalf=True, proof=Proof.LOCAL_OPERATOR
        )
    viewer = load_viewer(session, found.person_id)
    if viewer is None:
        raise AppError("token_invalid")
    actor = person_actor(found.person_id, "cli", host)
    return Principal(
        actor=actor,
        viewer=viewer,
        may_act_on_behalf=found.may_act_on_behalf,
        proof=Proof.TOKEN,
    )


def _is_board_admin(viewer: Viewer) -> bool:
    return any(Role.BOARD_ADMIN in roles for roles in viewer.staff_roles.values())


def _as_utc(value: datetime) -> datetime:
    # SQLite gives naive datetimes back; they were stored as UTC.
    from datetime import UTC

    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _own_viewer(ctx: Context) -> Viewer:
    viewer = ctx.principal.viewer
    if viewer is None:
        raise AppError("actor_needed")  # tokens are a person's (not the local operator's)
    return viewer


def my_tokens(ctx: Context) -> list[TokenRecord]:
    """The tokens of the person who asks, newest first."""
    viewer = _own_viewer(ctx)
    return ctx.unit_of_work(lambda session: list_for(session, viewer.person_id))


def create_own(ctx: Context, name: str, days: int, may_act_on_behalf: bool) -> NewToken:
    """Make a token for the person who asks (``create``'s checks); an audit row in the
    same transaction. The secret is in the answer only, this once."""
    viewer = _own_viewer(ctx)

    def create_and_record(session: Session) -> NewToken:
        made = create(session, viewer, name, days, may_act_on_behalf, ctx.now())
        detail = {"token_id": str(made.record.id), "days": str(days)}
        if may_act_on_behalf:
            detail["may_act_on_behalf"] = "yes"
        target = f"people/{viewer.person_id}"
        audit.record_in(session, ctx.principal.actor, audit.AuditAction.TOKEN_CREATED, target,
                        detail)  # fmt: skip
        return made

    return ctx.unit_of_work(create_and_record)


def revoke_own(ctx: Context, token_id: int) -> bool:
    """Revoke one of the asker's own tokens (an audit row when it was live); whether it was."""
    viewer = _own_viewer(ctx)

    def revoke_and_record(session: Session) -> bool:
        if not revoke(session, viewer.person_id, token_id, ctx.now()):
            return False
        audit.record_in(session, ctx.principal.actor, audit.AuditAction.TOKEN_REVOKED,
                        f"people/{viewer.person_id}", {"token_id": str(token_id)})  # fmt: skip
        return True

    return ctx.unit_of_work(revoke_and_record)

"""The access audit, for every part of the application: who did what, to which data,
when, and from which client.

``record`` is what others call: the CLI for exports, reads of personal data and
directory changes; the console for sign-ins, failed sign-ins and codec decodes. The actor
is an ``Actor`` the caller was given by whoever decided who is acting (the owner of the
CLI's token, the signed-in person of a console session), built by ``application.actors``
in one format for every door, never a field a client fills in. ``verify`` walks both audit
chains; ``anchors`` writes their heads down and ``verify_anchors`` checks a kept copy
(``store.audit_anchor``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from application.records import with_session
from config import Settings
from store.audit_anchor import Anchor, check_anchor, take_anchors
from store.audit_log import CHAINED_TABLES, AccessAuditRow, BrokenLink, append
from store.audit_log import verify as verify_chain


class AuditAction(StrEnum):
    """What the access audit records."""

    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    READ_PERSONAL_DATA = "read_personal_data"
    EXPORT = "export"
    DIRECTORY_CHANGE = "directory_change"
    CODEC_DECODE = "codec_decode"
    ERASURE = "erasure"
    ACT_ON_BEHALF = "act_on_behalf"
    TOKEN_CREATED = "token_created"
    TOKEN_REVOKED = "token_revoked"
    PASSKEY_REGISTERED = "passkey_registered"
    PASSKEY_RESET = "passkey_reset"
    SESSION_ENDED = "session_ended"


class Actor(BaseModel):
    """Who is acting and through which client. ``id`` goes in the audit (``local:<user>``
    for the CLI's local operator, ``person:<id>`` for a signed-in person);
    ``person_id`` is the directory person when there is one, for permission checks."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Annotated[str, Field(min_length=1, max_length=100)]
    client: Annotated[str, Field(min_length=1, max_length=100)]
    person_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None


Detail = dict[str, str]


def record_in(
    session: Session,
    actor: Actor,
    action: AuditAction,
    target: str,
    detail: Detail | None = None,
    at: datetime | None = None,
) -> None:
    """Append one access-audit row in the caller's transaction (so the row exists exactly
    when what it records happened). ``target`` names the data by ids, never by names."""
    append(
        session,
        AccessAuditRow,
        at=at or datetime.now(UTC),
        actor=actor.id,
        client=actor.client,
        action=action.value,
        target=target[:200],
        detail={k: v[:500] for k, v in (detail or {}).items()},
    )


def record(
    config: Settings,
    actor: Actor,
    action: AuditAction,
    target: str,
    detail: Detail | None = None,
) -> None:
    """Append one access-audit row in a transaction of its own."""
    with_session(config, lambda session: record_in(session, actor, action, target, detail))


class ChainReport(BaseModel):
    """What ``verify`` found in one audit table."""

    table: str
    rows: int
    broken: str | None = None


def verify(config: Settings) -> list[ChainReport]:
    """Check every audit chain; one report per table, with the first broken row if any."""

    def check(session: Session) -> list[ChainReport]:
        reports = []
        for model in CHAINED_TABLES:
            rows, broken = verify_chain(session, model)
            reports.append(ChainReport(table=model.__tablename__, rows=rows, broken=_line(broken)))
        return reports

    return with_session(config, check)


def _line(broken: BrokenLink | None) -> str | None:
    return None if broken is None else broken.line()


def anchors(config: Settings) -> list[Anchor]:
    """The head of every audit chain now, to keep where a writer of the database cannot
    reach it (``store.audit_anchor``)."""
    return with_session(config, lambda session: take_anchors(session, datetime.now(UTC)))


def verify_anchors(config: Settings, kept: list[Anchor]) -> str | None:
    """The first way the chains depart from the ``kept`` anchors (one line), or ``None``
    when every anchored head is still there with its hash."""

    def check(session: Session) -> str | None:
        for anchor in kept:
            problem = check_anchor(session, anchor)
            if problem is not None:
                return problem
        return None

    return with_session(config, check)

"""Erasing a person who has left (個人情報保護法), for the CLI and the console.

Only a board admin of the municipality may erase; the CLI's local operator (someone at
the server with the database in hand) may too, until the CLI signs in. The erasure, the
access-audit row and the directory-audit rows of the roles removed commit together; then
the running cycles of the councils the person sat on take the roster without them.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

import store
from application.audit import Actor, AuditAction, record_in
from application.directory import RosterSent, RosterTarget, running_roster_targets, send_rosters
from application.errors import AppError
from application.records import with_session
from config import Settings
from store.audit_log import DirectoryAuditRow, append
from store.directory_queries import is_board_admin

if TYPE_CHECKING:
    from application.context import Context


class ErasureDone(BaseModel):
    """What an erasure removed, and which running cycles took the new roster."""

    model_config = ConfigDict(frozen=True)

    erasure: store.Erasure
    change_id: str
    rosters: tuple[RosterTarget, ...] = ()
    sent: tuple[RosterSent, ...] = ()


def erase(config: Settings, actor: Actor, municipality_id: str, person_id: str) -> ErasureDone:
    """Erase ``person_id``'s name and contacts from the store (directory, volunteer
    registry, inbox and outside channels), keep the id, audit it. Rosters are sent by
    ``erase_and_update_cycles``."""
    change_id = str(uuid.uuid4())

    def work(session: Session) -> ErasureDone:
        _require_board_admin(session, actor, municipality_id)
        at = datetime.now(UTC)
        erasure = store.erase_person(session, municipality_id, person_id, at, actor.id)
        detail = {"change_id": change_id, "roles_removed": str(erasure.roles_removed)}
        record_in(session, actor, AuditAction.ERASURE, f"people/{person_id}", detail, at)
        append(
            session,
            DirectoryAuditRow,
            at=at,
            actor=actor.id,
            change_id=change_id,
            municipality_id=municipality_id,
            op="-",
            target=f"people/{person_id}",
            field="personal_data",
            before="…",
            after=None,
        )
        councils = list(erasure.councils)
        if erasure.staff_removed:
            councils = store.council_ids(session, municipality_id)
        session.flush()
        return ErasureDone(
            erasure=erasure,
            change_id=change_id,
            rosters=running_roster_targets(session, councils),
        )

    return with_session(config, work)


async def erase_and_update_cycles(
    ctx: Context, municipality_id: str, person_id: str
) -> ErasureDone:
    """``erase`` as the principal, then send the new rosters to the running cycles
    concerned."""
    actor = ctx.principal.actor
    done = erase(ctx.config, actor, municipality_id, person_id)
    sent = await send_rosters(ctx.config, done.rosters, done.change_id, actor)
    return done.model_copy(update={"sent": tuple(sent)})


def _require_board_admin(session: Session, actor: Actor, municipality_id: str) -> None:
    if actor.person_id is None:
        return  # the local operator: see the module's docstring
    if not is_board_admin(session, municipality_id, actor.person_id):
        raise AppError("not_board_admin", actor=actor.id, municipality=municipality_id)

"""How the CLI signs in: a personal access token (``CS_TOKEN``, else the file named by
``CS_TOKEN_FILE``, else ``DATA_DIR/cli-token`` that the embedded launcher writes). The
actor of every command is the token's owner; ``--as`` is open only to a token flagged
"may act on behalf", and each use is an audit row. Role checks use the application
layer's permissions, the same as the console's."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from application import access_tokens
from application.access_tokens import Principal
from application.audit import Actor, AuditAction, record, record_in
from application.errors import AppError
from application.permissions import load_viewer, may_read_closed_minutes, roles_on
from application.records import with_session
from domain.base import Role
from domain.model import CycleState
from starter.cli_common import settings
from store.console_auth import council_municipality

#: The file the embedded launcher writes the local operator's token to.
TOKEN_FILE_NAME = "cli-token"
BOARD = frozenset({Role.BOARD_ADMIN})
#: Who reads or edits volunteers: the board, and the coordinators who work with them.
VOLUNTEER_STAFF = frozenset({Role.BOARD_ADMIN, Role.CHIEF_COORDINATOR, Role.COORDINATOR})


def token_path() -> Path:
    """Where the CLI looks for a token file when ``CS_TOKEN`` is not set."""
    named = os.environ.get("CS_TOKEN_FILE")
    return Path(named) if named else settings().data_dir / TOKEN_FILE_NAME


def _secret() -> str:
    given = os.environ.get("CS_TOKEN", "").strip()
    if given:
        return given
    path = token_path()
    try:
        mode = path.stat().st_mode
    except FileNotFoundError as exc:
        raise AppError("token_missing", path=path) from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise AppError("token_file_unsafe", path=path)
    return path.read_text(encoding="utf-8").strip()


@cache
def principal() -> Principal:
    """Who the token proves (checked once per run, and marked used)."""
    secret = _secret()
    return with_session(
        settings(), lambda s: access_tokens.authenticate(s, secret, datetime.now(UTC))
    )


def cli_actor() -> Actor:
    """The audit actor of this run: the token's owner (or the local operator)."""
    return principal().actor


def acting(on_behalf: str | None) -> str:
    """The person a cycle command is sent as: the token's owner, or with ``--as`` the
    person named, for a token that may act on behalf (recorded in the audit)."""
    who = principal()
    if on_behalf is None:
        if who.person_id is None:
            raise AppError("actor_needed")
        return who.person_id
    if not who.may_act_on_behalf:
        raise AppError("on_behalf_refused")
    context = click.get_current_context(silent=True)
    command = context.command_path if context is not None else "starter"

    def check_and_record(session: Session) -> None:
        person = load_viewer(session, on_behalf)
        if person is None or not who.holds(session, person.municipality_id, BOARD):
            raise AppError("on_behalf_outside", person=on_behalf)
        record_in(
            session,
            who.actor,
            AuditAction.ACT_ON_BEHALF,
            f"people/{on_behalf}",
            {"on_behalf_of": on_behalf, "command": command},
        )

    with_session(settings(), check_and_record)
    return on_behalf


def require_staff(session: Session, municipality_id: str, roles: frozenset[Role]) -> None:
    """Refuse in one line unless the token's owner holds one of ``roles`` on the
    municipality's staff."""
    if not principal().holds(session, municipality_id, roles):
        raise AppError("role_needed", roles=_names(roles), target=municipality_id)


def require_board(municipality_id: str) -> None:
    """``require_staff`` for the board, in a session of its own."""
    principal()  # signed in first: it writes the last use, in a session of its own
    with_session(settings(), lambda s: require_staff(s, municipality_id, BOARD))


def council_reader(council_id: str) -> bool:
    """Refuse in one line unless the council is the token owner's to see (a member,
    or the board or chief coordinator over it); whether they may also read its closed
    minutes (members and the board)."""

    def check(session: Session) -> bool:
        who = principal()
        if who.viewer is None:
            return True
        roles = roles_on(session, who.viewer, council_id)
        if not roles:
            raise AppError("role_needed", roles="member/board_admin", target=council_id)
        return may_read_closed_minutes(roles)

    principal()
    return with_session(settings(), check)


def _names(roles: frozenset[Role]) -> str:
    return "/".join(sorted(role.value for role in roles))


def require_volunteer_staff(municipality_id: str) -> None:
    """Volunteers' names and contacts: the board and the coordinators only."""
    principal()
    with_session(settings(), lambda s: require_staff(s, municipality_id, VOLUNTEER_STAFF))


def require_volunteer_staff_of(volunteer_id: str) -> None:
    """``require_volunteer_staff`` for the volunteer's municipality (an unknown
    volunteer is left to the command, which names it in its own error)."""

    def check(session: Session) -> None:
        from store.task_models import Volunteer

        municipality = session.scalar(
            select(Volunteer.municipality_id).where(Volunteer.id == volunteer_id)
        )
        if municipality is not None:
            require_staff(session, municipality, VOLUNTEER_STAFF)

    principal()
    with_session(settings(), check)


def require_board_of_council(council_id: str) -> None:
    """The board of the council's municipality (an unknown council is left to the
    command)."""

    def check(session: Session) -> None:
        municipality = council_municipality(session, council_id)
        if municipality is not None:
            require_staff(session, municipality, BOARD)
        elif principal().viewer is not None:
            raise AppError("role_needed", roles=_names(BOARD), target=council_id)

    principal()
    with_session(settings(), check)


def without_closed_minutes(
    state: CycleState, council_id: str, fiscal_year: int, allowed: bool
) -> CycleState:
    """The state as the token's owner may see it: closed minutes blanked for those who
    may not read them; when they are shown, the read is an audit row."""
    if not any(meeting.minutes_closed for meeting in state.meetings):
        return state
    if allowed:
        record(
            settings(),
            cli_actor(),
            AuditAction.READ_PERSONAL_DATA,
            f"councils/{council_id}/cycles/{fiscal_year}/closed-minutes",
            {"command": "cycle status"},
        )
        return state
    meetings = [meeting.model_copy(update={"minutes_closed": ""}) for meeting in state.meetings]
    return state.model_copy(update={"meetings": meetings})

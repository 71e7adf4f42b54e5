"""How the CLI signs in: a personal access token (``CS_TOKEN``, else the file named by
``CS_TOKEN_FILE``, else ``DATA_DIR/cli-token`` that the embedded launcher writes). The
actor of every command is the token's owner; ``--as`` is open only to a token flagged
"may act on behalf", and each use is an audit row.

Every command signs in through ``principal()`` before anything else, and hands the
principal to the application function it calls: the permission checks are the
application's (``application.permissions``, ``application.operations``,
``application.board_reads``), the same for the CLI and the console. A test runs every
command without a valid token to hold that (tests/cli/test_every_command_signs_in.py)."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import click

from application import access_tokens, permissions
from application.audit import Actor
from application.context import Context
from application.errors import AppError
from application.on_behalf import act_on_behalf
from application.principal import Principal
from application.records import with_session
from starter.cli_common import settings

#: The file the embedded launcher writes the local operator's token to.
TOKEN_FILE_NAME = "cli-token"


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


@cache
def context() -> Context:
    """The ``Context`` every command hands to its use case: the token's principal (its
    proof ``TOKEN``, or ``LOCAL_OPERATOR`` for the launcher's token) and the settings.
    Each ``await ctx.temporal()`` connects: a run makes one or two such calls."""
    return Context(principal=principal(), config=settings())


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
    context_of_click = click.get_current_context(silent=True)
    command = context_of_click.command_path if context_of_click is not None else "starter"
    return act_on_behalf(context(), on_behalf, command)


def require_board(municipality_id: str) -> None:
    """The board admin of the municipality (``permissions.require_board``)."""
    who = principal()  # signed in first: it writes the last use, in a session of its own
    with_session(settings(), lambda s: permissions.require_board(s, who, municipality_id))

"""The CLI signs in with a personal access token: the actor is the token's owner; a
missing, unsafe, revoked or expired token is refused in one line; ``--as`` needs a board
admin's token flagged "may act on behalf" and is audited as such; commands that read
personal data or change the directory need the right role."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

import store
from application.access_tokens import digest
from store.access_tokens import AccessToken, add_token, revoke
from store.audit_log import AccessAuditRow
from tests.cli.conftest import Cli, CliResult, cli_environment, make_token

COUNCIL = "kushiro-kushiro"
YEAR = "2026"
WHERE = ("--council", COUNCIL, "--year", YEAR)
CHAIR = "kushiro-kushiro-chair"
MEMBER = "kushiro-kushiro-member-1"
COORDINATOR = "kushiro-kushiro-coord-2"
BOARD = "kushiro-board"


@pytest.fixture(scope="module")
async def cli(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cli]:
    async with cli_environment(tmp_path_factory.mktemp("tokens"), "tokens") as cli:
        yield cli


def signed_in_as(cli: Cli, token: str) -> dict[str, str]:
    return {**cli.env, "CS_TOKEN": token}


def one_line(result: CliResult, code: int, part: str) -> None:
    assert result.code == code, result
    assert result.stdout == ""
    [line] = result.error_lines()
    assert part in line, line


async def test_without_a_token_the_cli_refuses_in_one_line(cli: Cli, tmp_path: Path) -> None:
    env = {k: v for k, v in cli.env.items() if k != "CS_TOKEN"}
    env["DATA_DIR"] = str(tmp_path)
    one_line(await cli.run(env, "inbox"), 1, "CS_TOKEN")


async def test_a_token_file_others_can_read_is_refused(cli: Cli, tmp_path: Path) -> None:
    env = {k: v for k, v in cli.env.items() if k != "CS_TOKEN"}
    env["DATA_DIR"] = str(tmp_path)
    path = tmp_path / "cli-token"
    path.write_text(make_token(cli.env["DATABASE_URL"], MEMBER) + "\n")
    path.chmod(0o644)
    one_line(await cli.run(env, "inbox"), 1, "chmod 600")
    path.chmod(0o600)
    found = await cli.run(env, "inbox")
    assert found.code == 0, found.stderr


async def test_revoked_and_expired_tokens_are_refused_and_only_hashes_are_stored(
    cli: Cli,
) -> None:
    token = make_token(cli.env["DATABASE_URL"], MEMBER)
    assert (await cli.run(signed_in_as(cli, token), "inbox")).code == 0
    engine = store.make_engine(cli.env["DATABASE_URL"])
    try:
        with store.session_scope(engine) as session:
            row = session.scalars(
                select(AccessToken).where(AccessToken.token_hash == digest(token))
            ).one()
            assert row.last_used_at is not None
            # Nothing in the table holds the secret itself.
            stored = [(r.token_hash, r.name) for r in session.scalars(select(AccessToken))]
            assert all(token not in value for pair in stored for value in pair)
            assert revoke(session, row.id, MEMBER, datetime.now(UTC))
            now = datetime.now(UTC)
            expired = "cst_expired_" + os.urandom(8).hex()
            add_token(session, digest(expired), MEMBER, "old", False, now - timedelta(days=2),
                      now - timedelta(seconds=1))  # fmt: skip
    finally:
        engine.dispose()
    one_line(await cli.run(signed_in_as(cli, token), "inbox"), 1, "アクセストークンが無効です")
    one_line(await cli.run(signed_in_as(cli, expired), "inbox"), 1, "アクセストークンが無効です")


async def test_the_actor_is_the_token_owner(cli: Cli) -> None:
    await cli.ok("cycle", "start", *WHERE)
    meeting = ("meeting", *WHERE, "--date", "2026-04-20", "--attendance", CHAIR,
               "--minutes", "m")  # fmt: skip
    # A member's token records nothing as the chair: the rules see the member.
    member = await cli.run(signed_in_as(cli, cli.token(MEMBER)), *meeting)
    assert member.code == 3, member
    # Nor may the member name the chair.
    named = await cli.run(signed_in_as(cli, cli.token(MEMBER)), *meeting, "--as", CHAIR)
    one_line(named, 1, "--as")
    chair = await cli.run(signed_in_as(cli, cli.token(CHAIR)), *meeting)
    assert chair.code == 0, chair.stderr


async def test_acting_on_behalf_needs_the_flag_and_is_audited(cli: Cli) -> None:
    plain = make_token(cli.env["DATABASE_URL"], BOARD)
    one_line(await cli.run(signed_in_as(cli, plain), "inbox", "--as", CHAIR), 1, "--as")
    flagged = make_token(cli.env["DATABASE_URL"], BOARD, on_behalf=True)
    done = await cli.run(signed_in_as(cli, flagged), "inbox", "--as", CHAIR)
    assert done.code == 0, done.stderr
    engine = store.make_engine(cli.env["DATABASE_URL"])
    try:
        with store.session_scope(engine) as session:
            rows = session.scalars(
                select(AccessAuditRow).where(AccessAuditRow.action == "act_on_behalf")
            ).all()
    finally:
        engine.dispose()
    assert [(r.actor, r.detail["on_behalf_of"]) for r in rows] == [(f"person:{BOARD}", CHAIR)]


@pytest.mark.parametrize(
    "args",
    [
        ("volunteer", "list", "--municipality", "kushiro"),
        ("report", "--municipality", "kushiro"),
        ("history", "--council", COUNCIL, "--csv"),
        ("load", "examples/kushiro.yaml", "--yes"),
        ("person", "erase", "--person", MEMBER, "--municipality", "kushiro", "--yes"),
    ],
)
async def test_personal_data_and_directory_commands_need_the_role(
    cli: Cli, args: tuple[str, ...]
) -> None:
    one_line(await cli.run(signed_in_as(cli, cli.token(MEMBER)), *args), 1, "役割が必要")


async def test_the_right_roles_pass(cli: Cli) -> None:
    coordinator = await cli.run(
        signed_in_as(cli, cli.token(COORDINATOR)), "volunteer", "list", "--municipality", "kushiro"
    )
    assert coordinator.code == 0, coordinator.stderr
    board = await cli.run(
        signed_in_as(cli, cli.token(BOARD)), "report", "--municipality", "kushiro"
    )
    assert board.code == 0, board.stderr

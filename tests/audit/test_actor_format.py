"""The same act done from the CLI and from the console is audited with the same actor
format (issue 20): the board admin exports a council's history as CSV once with their
access token (``history --csv``) and once from the console's dashboard (the real route,
with a real session cookie), and both rows read ``person:<id>`` from ``<door>@<where>``."""

from __future__ import annotations

import re
import secrets
import socket
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, select
from starlette.types import ASGIApp, Message

import store
from application.identity import digest
from console.app import create_app
from console.web import SESSION_COOKIE, ConsoleSettings
from starter.cli import run
from store.audit_log import AccessAuditRow
from store.console_auth import create_session
from tests.board.support import load_testcity, open_cycle
from tests.cli.conftest import make_token

BOARD = "t-board"
COUNCIL = "testcity-c1"
TARGET = f"councils/{COUNCIL}/history/2026"
CONSOLE_CLIENT = ("127.0.0.1", 40123)


async def get(app: ASGIApp, path: str, cookie: str) -> tuple[int, bytes]:
    """One GET through the app's ASGI interface, from ``CONSOLE_CLIENT``."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"cookie", f"{SESSION_COOKIE}={cookie}".encode()),
        ],
        "client": CONSOLE_CLIENT,
        "server": ("127.0.0.1", 80),
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body


def exports(engine: Engine) -> list[AccessAuditRow]:
    with store.session_scope(engine) as session:
        rows = session.scalars(
            select(AccessAuditRow)
            .where(AccessAuditRow.action == "export", AccessAuditRow.target == TARGET)
            .order_by(AccessAuditRow.id)
        ).all()
        session.expunge_all()
        return list(rows)


async def test_cli_and_console_audit_the_same_export_with_one_actor_format(
    clean_engine: Engine,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    load_testcity(clean_engine)
    open_cycle(clean_engine, COUNCIL, 2026)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("CS_TOKEN", make_token(database_url, BOARD))
    assert run(["history", "--council", COUNCIL, "--year", "2026", "--csv"]) == 0
    assert capsys.readouterr().err == ""

    cookie = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with store.session_scope(clean_engine) as session:
        create_session(session, digest(cookie), BOARD, "csrf", now, now + timedelta(hours=1), True)
    app = create_app(ConsoleSettings(database_url=SecretStr(database_url)))
    # No lifespan: the route reads the store only, and Temporal is not needed.
    path = f"/board/testcity/2026/councils/{COUNCIL}/history.csv"
    status, body = await get(app, path, cookie)
    assert status == 200, body[:200]

    cli_row, console_row = exports(clean_engine)
    assert cli_row.actor == console_row.actor == f"person:{BOARD}"
    assert cli_row.client == f"cli@{socket.gethostname()}"[:100]
    assert console_row.client == f"console@{CONSOLE_CLIENT[0]}"
    door = re.compile(r"^(cli|console)@\S+$")
    assert door.match(cli_row.client) and door.match(console_row.client)
    assert cli_row.detail == console_row.detail == {"format": "csv"}

"""The audit holds: a hash chain over every row, append-only on PostgreSQL, and
``audit verify`` naming the first broken row in one line (exit 1)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from application.audit import Actor, AuditAction, record_in
from starter.cli import run
from store import session_scope
from store.audit_log import AccessAuditRow, DirectoryAuditRow, append, verify
from tests.cli_token import sign_in_locally

OPERATOR = Actor(id="cli:tester", client="cli@test")


@pytest.fixture
def clean_engine(clean_engine: Engine) -> Iterator[Engine]:
    """The emptied store; afterwards the audit tables are emptied again, so that the
    chains these tests break do not stay broken for the tests that follow."""
    yield clean_engine
    with clean_engine.begin() as connection:
        for table in ("access_audit", "directory_audit"):
            if clean_engine.dialect.name == "postgresql":
                connection.execute(text(f"TRUNCATE {table}"))
            else:
                connection.execute(text(f"DELETE FROM {table}"))


def _record(engine: Engine, count: int) -> None:
    with session_scope(engine) as session:
        for i in range(count):
            record_in(
                session, OPERATOR, AuditAction.EXPORT, f"councils/c{i}/history", {"i": str(i)}
            )


def _check(engine: Engine) -> tuple[int, str | None]:
    with session_scope(engine) as session:
        rows, broken = verify(session, AccessAuditRow)
    return rows, None if broken is None else broken.line()


def _tamper(engine: Engine, statement: str) -> None:
    """Run ``statement`` on the audit table the way an attacker with the database would:
    on PostgreSQL the append-only trigger is disabled around it (superuser)."""
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        if postgres:
            connection.execute(
                text("ALTER TABLE access_audit DISABLE TRIGGER access_audit_append_only")
            )
        connection.execute(text(statement))
        if postgres:
            connection.execute(
                text("ALTER TABLE access_audit ENABLE TRIGGER access_audit_append_only")
            )


def test_an_untouched_chain_verifies(clean_engine: Engine) -> None:
    _record(clean_engine, 3)
    _record(clean_engine, 2)
    assert _check(clean_engine) == (5, None)


def test_an_edited_row_is_caught(clean_engine: Engine) -> None:
    _record(clean_engine, 4)
    _tamper(clean_engine, "UPDATE access_audit SET actor = 'cli:someone-else' WHERE seq = 2")
    _, broken = _check(clean_engine)
    assert broken is not None
    assert broken.startswith("access_audit: row seq 2 ")
    assert broken.endswith("content does not match its hash")


def test_a_removed_row_is_caught(clean_engine: Engine) -> None:
    _record(clean_engine, 4)
    _tamper(clean_engine, "DELETE FROM access_audit WHERE seq = 3")
    _, broken = _check(clean_engine)
    assert broken is not None and "row seq 3 is missing" in broken


def test_postgres_refuses_update_and_delete(clean_engine: Engine) -> None:
    if clean_engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    _record(clean_engine, 2)
    with session_scope(clean_engine) as session:
        append(
            session, DirectoryAuditRow, at=datetime.now(UTC), actor="cli:tester", change_id="c1",
            municipality_id="m", op="~", target="people/p1", field="email", before="a***@x.jp",
            after="b***@y.jp",
        )  # fmt: skip
    for statement in (
        "UPDATE access_audit SET actor = 'x' WHERE seq = 1",
        "DELETE FROM access_audit WHERE seq = 2",
        "UPDATE directory_audit SET actor = 'x'",
    ):
        with pytest.raises(DBAPIError, match="append-only"), clean_engine.begin() as connection:
            connection.execute(text(statement))
    assert _check(clean_engine) == (2, None)


def test_audit_verify_prints_the_first_broken_row_and_exits_1(
    clean_engine: Engine,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    sign_in_locally(monkeypatch, database_url)
    _record(clean_engine, 3)
    assert run(["--lang", "en", "audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "access_audit: 3 rows, chain intact" in out
    _tamper(clean_engine, "UPDATE access_audit SET target = 'councils/other' WHERE seq = 3")
    assert run(["--lang", "en", "audit", "verify"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "audit chain broken: access_audit: row seq 3 (id 3): content does not match its hash"
    ]

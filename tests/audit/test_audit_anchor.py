"""The anchored audit chain: someone with write access rewrites a middle row and
recomputes every later hash (plain ``audit verify`` cannot tell), or cuts off the newest
rows; ``audit verify --anchor`` with an anchor kept from before finds both in one line
(exit 1), and passes on the untouched chain (SQLite, or PostgreSQL with
``TEST_DATABASE_URL``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from application.audit import Actor, AuditAction, record_in
from application.dashboard import yearly_report_page
from starter.cli import run
from store import session_scope
from store.audit_anchor import parse_anchors
from store.audit_log import AccessAuditRow, row_hash
from tests.cli_token import sign_in_locally
from tests.store.support import load_example

OPERATOR = Actor(id="cli:tester", client="cli@test")


@pytest.fixture
def chain(
    clean_engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Engine]:
    """Five access-audit rows; the CLI signed in. The audit tables are emptied again
    afterwards so that the chain broken here does not stay broken for later tests."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    sign_in_locally(monkeypatch, database_url)
    with session_scope(clean_engine) as session:
        for i in range(5):
            record_in(session, OPERATOR, AuditAction.EXPORT, f"councils/c{i}/history")
    yield clean_engine
    with clean_engine.begin() as connection:
        for table in ("access_audit", "directory_audit"):
            verb = "TRUNCATE" if clean_engine.dialect.name == "postgresql" else "DELETE FROM"
            connection.execute(text(f"{verb} {table}"))


def _as_writer(engine: Engine, statements: list[tuple[str, dict[str, object]]]) -> None:
    """Run ``statements`` as an attacker with the database would: on PostgreSQL the
    append-only trigger is disabled around them (a superuser)."""
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        if postgres:
            connection.execute(
                text("ALTER TABLE access_audit DISABLE TRIGGER access_audit_append_only")
            )
        for statement, params in statements:
            connection.execute(text(statement), params)
        if postgres:
            connection.execute(
                text("ALTER TABLE access_audit ENABLE TRIGGER access_audit_append_only")
            )


def _rewrite_from(engine: Engine, seq: int) -> None:
    """Change the target of row ``seq`` and recompute its hash and every later one."""
    with session_scope(engine) as session:
        rows = session.scalars(select(AccessAuditRow).order_by(AccessAuditRow.seq)).all()
        fields = ("seq", "at", "actor", "client", "action", "target", "detail")
        values = [{name: getattr(row, name) for name in fields} for row in rows]
        hashes = [(row.prev_hash, row.row_hash) for row in rows]
    statements: list[tuple[str, dict[str, object]]] = []
    prev = hashes[seq - 2][1]
    for row in values[seq - 1 :]:
        if row["seq"] == seq:
            row["target"] = "councils/nothing-to-see"
        new = row_hash("access_audit", row, prev)
        statements.append(
            (
                "UPDATE access_audit SET target = :target, prev_hash = :prev, row_hash = :new "
                "WHERE seq = :seq",
                {"target": row["target"], "prev": prev, "new": new, "seq": row["seq"]},
            )
        )
        prev = new
    _as_writer(engine, statements)


def _anchor(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    assert run(["--lang", "en", "audit", "anchor"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert [line.split()[1] for line in lines] == ["access_audit", "directory_audit"]
    assert lines[0].startswith("audit-anchor access_audit seq=5 sha256=")
    assert lines[0].endswith("+09:00") and "directory_audit seq=0 sha256=" + "0" * 64 in lines[1]
    kept = tmp_path / "anchor.txt"
    kept.write_text(out, encoding="utf-8")
    return kept


def _verify(capsys: pytest.CaptureFixture[str], *anchor: str) -> tuple[int, str, str]:
    code = run(["--lang", "en", "audit", "verify", *anchor])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_an_untouched_chain_matches_its_anchor(
    chain: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    kept = _anchor(capsys, tmp_path)
    with session_scope(chain) as session:  # the chain grows: the old anchor still holds
        record_in(session, OPERATOR, AuditAction.EXPORT, "councils/c9/history")
    code, out, err = _verify(capsys, "--anchor", str(kept))
    assert (code, err) == (0, "")
    assert "access_audit: 6 rows, chain intact" in out
    assert "access_audit: matches the anchor of" in out and "(seq 5)" in out
    # The line itself, as pasted from the report or the mail, works as well.
    line = kept.read_text(encoding="utf-8").splitlines()[0]
    assert _verify(capsys, "--anchor", line)[0] == 0


def test_a_rewritten_chain_passes_plain_verify_but_not_the_anchor(
    chain: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    kept = _anchor(capsys, tmp_path)
    _rewrite_from(chain, 3)
    assert _verify(capsys)[:2] == (
        0,
        "access_audit: 5 rows, chain intact\ndirectory_audit: 0 rows, chain intact\n",
    )
    code, out, err = _verify(capsys, "--anchor", str(kept))
    assert (code, out) == (1, "")
    [line] = err.splitlines()
    assert line.startswith(
        "audit chain broken: access_audit: row seq 5: hash differs from the anchor of"
    )
    assert line.endswith("the chain was rewritten")


def test_cut_off_newest_rows_fail_the_anchor(
    chain: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    kept = _anchor(capsys, tmp_path)
    _as_writer(chain, [("DELETE FROM access_audit WHERE seq >= 4", {})])
    assert _verify(capsys)[0] == 0  # the shorter chain still verifies on its own
    code, out, err = _verify(capsys, "--anchor", str(kept))
    assert (code, out) == (1, "")
    [line] = err.splitlines()
    assert line.startswith("audit chain broken: access_audit: head seq 3 < anchored seq 5")
    assert line.endswith("the newest rows are missing")


def test_a_malformed_anchor_is_refused_in_one_line(
    chain: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = _verify(capsys, "--anchor", "audit-anchor access_audit seq=x")
    assert (code, out) == (1, "")
    assert err.startswith("cannot read the audit anchor: line 1: not an audit anchor")
    empty = tmp_path / "empty.txt"
    empty.write_text("nothing here\n", encoding="utf-8")
    assert _verify(capsys, "--anchor", str(empty))[2] == (
        "cannot read the audit anchor: no audit-anchor line found\n"
    )
    assert parse_anchors(f"- `{_line()}`")[0].seq == 7  # inside a report's Markdown


def _line() -> str:
    return f"audit-anchor access_audit seq=7 sha256={'a' * 64} at=2026-12-07T07:00:00+09:00"


def test_the_yearly_report_prints_the_anchor_it_can_be_checked_against(
    chain: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    load_example(chain, "kushiro")
    assert run(["report", "--municipality", "kushiro", "--year", "2026"]) == 0
    report = tmp_path / "report.md"
    report.write_text(capsys.readouterr().out, encoding="utf-8")
    printed = report.read_text(encoding="utf-8")
    assert "## 監査記録の照合値（アンカー）" in printed
    # The report's own export row (seq 6) is under the anchor it prints.
    assert "- `audit-anchor access_audit seq=6 sha256=" in printed
    assert _verify(capsys, "--anchor", str(report))[0] == 0
    # The board's printable page carries the same kind of line.
    with session_scope(chain) as session:
        page = yearly_report_page(session, "kushiro", 2026)
    assert page.anchors[0].startswith("audit-anchor access_audit seq=6 sha256=")
    _rewrite_from(chain, 2)
    code, out, err = _verify(capsys, "--anchor", str(report))
    assert (code, out) == (1, "") and "row seq 6: hash differs from the anchor" in err

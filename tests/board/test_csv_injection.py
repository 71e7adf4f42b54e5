"""A name that a spreadsheet would run as a formula is exported as text, in every CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import Engine, update

from starter.cli import run
from store.models import Person, School
from tests.board.support import OPENED, apply, open_cycle
from tests.cli_token import sign_in_locally
from tests.workflows.driver import to_plan

C1 = "testcity-c1"
FORMULA_NAME = '=HYPERLINK("http://x")'


@pytest.fixture
def hostile_store(
    testcity_engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Engine:
    """The chair named like a formula, a school named like another; C1 through approve."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    sign_in_locally(monkeypatch, database_url)
    with testcity_engine.begin() as connection:
        connection.execute(update(Person).where(Person.id == "t-chair").values(name=FORMULA_NAME))
        connection.execute(
            update(School).where(School.id == "testcity-e1").values(name="@SUM(1+1)")
        )
    state = open_cycle(testcity_engine, C1, 2026)
    for day, command in enumerate(to_plan(), start=1):
        state = apply(testcity_engine, state, command, OPENED + timedelta(days=day))
    return testcity_engine


def _cells(out: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(out.decode("utf-8-sig"), newline="")))


def test_history_csv_exports_a_formula_name_as_text(
    hostile_store: Engine, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert run(["history", "--council", C1, "--csv"]) == 0
    rows = _cells(capsysbinary.readouterr().out)
    actor = rows[0].index("実行者")
    chair_rows = [row for row in rows[1:] if row[actor - 1] == "t-chair"]
    assert chair_rows and {row[actor] for row in chair_rows} == {"'" + FORMULA_NAME}
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r)


def test_report_csv_exports_a_formula_school_name_as_text(
    hostile_store: Engine, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code = run(["report", "--municipality", "testcity", "--year", "2026", "--format", "csv"])
    assert code == 0
    rows = _cells(capsysbinary.readouterr().out)
    assert "'@SUM(1+1)" in [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r)

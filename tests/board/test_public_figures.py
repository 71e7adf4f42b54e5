"""The public page of a joint council (合同: one council for an elementary and a
junior-high school) shows the council's figures once, never once per school, and every
date on it is the Japanese date, even for what happened before 09:00 in Japan (still the
day before in UTC)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import Engine

import store
from application.public_pages import public_page
from application.wording import day
from console.app import create_app
from console.web import ConsoleSettings
from domain.meeting_calls import PublishMinutesInput
from domain.model import Step
from store.yearly_report import yearly_report
from tests.board.support import MUNICIPALITY, apply, apply_all, open_cycle
from tests.console_hardening.asgi import call
from tests.workflows.driver import COUNCIL, to_close, to_plan

YEAR = 2026
#: 2026-05-20 08:30 in Japan: still 19 May in UTC.
EARLY_MORNING = datetime(2026, 5, 19, 23, 30, tzinfo=UTC)


def _closed_year(engine: Engine) -> None:
    state = open_cycle(engine, COUNCIL, YEAR)
    state = apply_all(engine, state, to_plan(YEAR), EARLY_MORNING)
    state = apply(
        engine, state, PublishMinutesInput(actor="t-chair", meeting_number=1), EARLY_MORNING
    )
    state = apply_all(engine, state, to_close(YEAR), datetime(2026, 12, 1, 3, 0, tzinfo=UTC))
    assert state.step is Step.CLOSED


def test_a_joint_councils_figures_are_shown_once_for_the_council(testcity_engine: Engine) -> None:
    _closed_year(testcity_engine)
    with store.session_scope(testcity_engine) as session:
        page = public_page(session, COUNCIL, YEAR)
        per_school = [
            r for r in yearly_report(session, MUNICIPALITY, YEAR) if r.council_id == COUNCIL
        ]
    # The board's per-school report carries the council's figures on each school's line…
    assert len(per_school) == 2 and all(r.children == 24 for r in per_school)
    # …the public page shows them once, naming both schools.
    [figures] = page.report
    assert figures.schools == ("テスト市立第一小学校", "テスト市立第一中学校")
    assert (figures.activities_held, figures.children, figures.meetings_held) == (1, 24, 1)
    assert sum(r.children or 0 for r in page.report) == 24


def test_every_date_on_the_public_page_is_the_japanese_date(testcity_engine: Engine) -> None:
    _closed_year(testcity_engine)
    with store.session_scope(testcity_engine) as session:
        page = public_page(session, COUNCIL, YEAR)
    [meeting] = page.meetings
    assert meeting.current.published_at.astimezone(UTC).date() == date(2026, 5, 19)
    assert meeting.current.published_on == date(2026, 5, 20)
    assert page.policy is not None and page.policy.approved_on == date(2026, 5, 20)
    assert [r.approved_on for r in page.report] == [date(2026, 5, 20)]


async def test_the_public_page_shows_the_joint_figures_in_one_row(
    testcity_engine: Engine, database_url: str, tmp_path: Path
) -> None:
    _closed_year(testcity_engine)
    settings = ConsoleSettings(database_url=SecretStr(database_url), data_dir=tmp_path)
    answer = await call(create_app(settings), "GET", f"/public/councils/{COUNCIL}/{YEAR}")
    assert answer.status == 200, answer.raised
    html = answer.body.decode()
    report = html[html.index('id="report"') :]
    assert report.count("<tr>") == 2  # the heading and the council's one row
    assert "テスト市立第一小学校、テスト市立第一中学校" in report
    assert "合同の協議会です" in report
    # The Japanese day of publication, in words (the UTC day would be the 19th).
    assert f"第1版（{day(date(2026, 5, 20), with_year=True)} 公開）" in html

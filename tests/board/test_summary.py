"""The summary over municipalities counts exactly what the per-municipality overview
lists: the same councils, steps, lateness (a pause stops the clock), overdue tasks and
failed notifications, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

import store
from bench import population
from bench.cycle_plan import cycle_commands
from contracts.activities import Channel, NotifyInput
from domain.commands import PauseCycleInput
from domain.events import Notice
from domain.model import Step
from starter.cli import run
from store.board_summary import STEPS, MunicipalitySummary
from store.models import Person
from tests.board.support import MUNICIPALITY, OPENED, apply, apply_all, open_cycle
from tests.cli_token import sign_in_locally
from tests.workflows.driver import to_plan

C1, C2 = "testcity-c1", "testcity-c2"
BENCH_MUNICIPALITY = population.municipality_id(0)


@pytest.fixture
def two_municipalities(testcity_engine: Engine) -> Engine:
    """テスト市 (テスト県): C1 in plan, C2 paused in discuss. ベンチ市0 (ベンチ県): one
    council in approve, one in coordinate with open tasks, one not started. One e-mail
    to C1's chair failed for good."""
    engine = testcity_engine
    population.load(engine, 3)
    c1 = open_cycle(engine, C1, 2026)
    apply_all(engine, c1, list(to_plan()), OPENED + timedelta(days=3))
    c2 = open_cycle(engine, C2, 2026)
    apply(engine, c2, PauseCycleInput(actor="t-board", reason="台風"), OPENED + timedelta(days=27))
    for index, commands in ((0, 2), (1, 9)):
        state = open_cycle(engine, population.council_id(index), 2026)
        plan = cycle_commands(index, 2026, today=date(2026, 4, 10))[:commands]
        state = apply_all(engine, state, plan, OPENED + timedelta(days=5))
    assert state.step is Step.COORDINATE
    _fail_one_email(engine, C1, "t-chair")
    return engine


def _fail_one_email(engine: Engine, council: str, person: str) -> None:
    notice = Notice(template="paused", recipients=(person,), params={"reason": "台風"})
    data = NotifyInput(council_id=council, fiscal_year=2026, event_seq=1, step="discuss",
                       notice=notice)  # fmt: skip
    now = datetime(2026, 4, 28, tzinfo=UTC)
    with store.session_scope(engine) as session:
        chair = session.get_one(Person, person)
        chair.email, chair.notify_email = "chair@example.jp", True
        keys = {person: f"{council}/2026/1/paused/{person}"}
        store.deliver_to_inboxes(session, data, keys, "件名", "本文")
        [delivery] = store.enqueue_all_deliveries(
            session, list(keys.values()), {Channel.EMAIL}, now
        )
        assert store.mark_delivery_failed(session, delivery, "宛先不明")


def _from_overview(engine: Engine, municipality: str, today: date) -> dict[str, object]:
    with store.session_scope(engine) as session:
        rows = store.overview(session, municipality, 2026, today=today)
    return {
        "councils": len(rows),
        "not_started": sum(r.step is None for r in rows),
        "by_step": tuple(sum(r.step is s for r in rows) for s in STEPS),
        "overdue": sum(r.days_overdue > 0 for r in rows),
        "paused": sum(r.paused for r in rows),
        "overdue_tasks": sum(r.overdue_tasks > 0 for r in rows),
        "failed_notifications": sum(r.failed_notifications for r in rows),
    }


def _counts(row: MunicipalitySummary) -> dict[str, object]:
    return {k: v for k, v in row._asdict().items() if k in _COUNTED}


_COUNTED = ("councils", "not_started", "by_step", "overdue", "paused", "overdue_tasks",
            "failed_notifications")  # fmt: skip


@pytest.mark.parametrize(
    "today",
    [date(2026, 4, 2), date(2026, 4, 20), date(2026, 5, 3), date(2026, 7, 15), date(2027, 3, 1)],
)
def test_the_summary_counts_what_the_overview_lists(
    two_municipalities: Engine, today: date
) -> None:
    with store.session_scope(two_municipalities) as session:
        rows = store.summary(session, 2026, today=today)
    assert [(r.prefecture, r.municipality_id) for r in rows] == [
        ("テスト県", MUNICIPALITY),
        ("ベンチ県", BENCH_MUNICIPALITY),
    ]
    for row in rows:
        assert _counts(row) == _from_overview(two_municipalities, row.municipality_id, today)


def test_the_counts_say_what_happened(two_municipalities: Engine) -> None:
    with store.session_scope(two_municipalities) as session:
        test_city, bench_city = store.summary(session, 2026, today=date(2026, 5, 20))
    # C2 was paused two days before discuss fell due: its clock stopped, it is not late.
    assert (test_city.councils, test_city.paused, test_city.overdue) == (2, 1, 0)
    assert test_city.as_json()["by_step"] == {
        "discuss": 1, "approve": 0, "plan": 1, "coordinate": 0, "act": 0, "evaluate": 0,
        "closed": 0,
    }  # fmt: skip
    assert test_city.failed_notifications == 1
    # ベンチ市0: approve is due on 31 May, the patrol's tasks fell due before 1 May.
    assert (bench_city.councils, bench_city.not_started, bench_city.overdue) == (3, 1, 0)
    assert bench_city.overdue_tasks == 1


def test_a_prefecture_is_counted_alone_and_an_unknown_one_is_named(
    two_municipalities: Engine,
) -> None:
    with store.session_scope(two_municipalities) as session:
        rows = store.summary(session, 2026, today=date(2026, 5, 20), prefecture="ベンチ県")
        assert [r.municipality_id for r in rows] == [BENCH_MUNICIPALITY]
        with pytest.raises(store.NotFound, match="都道府県 'アトランティス県'"):
            store.summary(session, 2026, today=date(2026, 5, 20), prefecture="アトランティス県")
        # A year nobody started yet: every council is listed as not started.
        [empty] = store.summary(session, 2030, today=date(2030, 5, 1), prefecture="テスト県")
        assert (empty.councils, empty.not_started, sum(empty.by_step)) == (2, 2, 0)


def test_cli_summary_prints_a_table_with_totals_and_json(
    two_municipalities: Engine,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    sign_in_locally(monkeypatch, database_url)
    assert run(["summary", "--year", "2026"]) == 0
    table = capsys.readouterr().out
    assert "協議会数" in table and "合計" in table and "ベンチ市0" in table
    assert run(["summary", "--year", "2026", "--prefecture", "テスト県", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["municipality_id"], row["councils"], row["paused"]) == (MUNICIPALITY, 2, 1)
    assert run(["summary", "--year", "2026", "--prefecture", "なし県"]) == 1
    assert "都道府県 'なし県'" in capsys.readouterr().err

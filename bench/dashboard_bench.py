"""How fast the board dashboard answers with 35,000 councils in the store:
``python -m bench.dashboard_bench``.

Loads the benchmark's population (``bench.population``: municipalities of 500 councils,
each with its members; bulk-inserted) into a SQLite file and a PostgreSQL database, then adds
what the dashboard reads, in bulk: a 中学校区 per ten councils, municipalities spread over seven
prefectures, a cycle of the year per council at some step (approved policies, pauses,
late steps) with its due dates, and some open tasks past their due date. Then times each
dashboard query on one municipality (500 councils) and the prefecture view, and prints
p50/p95 of ``--runs`` runs per query (after one warm-up run). ``--reuse`` queries the data
an earlier run loaded. The schema comes from the migrations, as in production.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

from application.board_acts import remind_preview
from application.charts import bar_chart_svg, columns_with_line_svg
from application.dashboard import (
    DashboardQuery,
    SortKey,
    approvals_chart,
    council_rows,
    dashboard_page,
    late_by_district_chart,
    prefecture_view,
    steps_chart,
)
from application.public_pages import public_index_page
from bench import population
from domain.deadlines import DEFAULT_DUE
from domain.model import STEP_ORDER, Step
from store.dashboard import approval_points
from store.db import make_engine, migrate, session_scope
from store.models import Base

YEAR = 2026
TODAY = date(2026, 7, 15)
NOW = datetime(2026, 7, 15, 3, 0, tzinfo=UTC)
PREFECTURES = 7
BATCH = 5_000
#: The municipality timed: the eleventh generated one (500 councils).
MUNICIPALITY_INDEX = 10


def _fresh_postgres(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}"'))
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        admin.dispose()


def _cycle(index: int, rng: random.Random) -> dict[str, Any]:
    """A cycle of the year for the ``index``-th council, at a random step."""
    council = population.council_id(index)
    opened = datetime(YEAR, 4, 1, tzinfo=UTC)
    step = rng.choice(STEP_ORDER)
    step_opened = opened + timedelta(days=rng.randrange(0, 100))
    approved = None
    if STEP_ORDER.index(step) > STEP_ORDER.index(Step.APPROVE):
        approved = date(YEAR, 4, 20) + timedelta(days=rng.randrange(0, 80))
    paused = rng.random() < 0.02
    return {
        "council_id": council, "fiscal_year": YEAR, "step": step.value,
        "step_opened_at": step_opened, "started_at": opened, "closed_at": None,
        "workflow_id": f"council-cycle/{council}/{YEAR}", "run_id": "r",
        "carried_over": [], "vision": None, "approved_on": approved,
        "paused_since": step_opened if paused else None,
        "paused_reason": "臨時休校" if paused else None,
    }  # fmt: skip


def _population(connection: Connection, councils: int) -> None:
    """The benchmark population (``bench.population``: the same files, ids and rosters),
    written with plain bulk inserts: the directory's loader (``population.load``) checks
    and syncs every row and takes tens of minutes for 35,000 councils on PostgreSQL."""
    tables = Base.metadata.tables
    rows: dict[str, list[dict[str, Any]]] = {
        "municipalities": [], "schools": [], "people": [], "municipality_staff": [],
        "councils": [], "council_schools": [], "council_members": [],
    }  # fmt: skip
    for data in population.municipality_files(councils):
        place = data.municipality.id
        rows["municipalities"].append(
            {"id": place, "name": data.municipality.name,
             "prefecture": data.municipality.prefecture, "vote_rule": {}}
        )  # fmt: skip
        rows["schools"] += [
            {"id": s.id, "name": s.name, "municipality_id": place} for s in data.schools
        ]
        rows["people"] += [
            {"id": p.id, "name": p.name, "municipality_id": place} for p in data.people
        ]
        rows["municipality_staff"] += [
            {"municipality_id": place, "person_id": s.person, "role": s.role, "position": n}
            for n, s in enumerate(data.staff)
        ]
        for council in data.councils:
            rows["councils"].append({"id": council.id, "name": council.name,
                                     "municipality_id": place})  # fmt: skip
            rows["council_schools"] += [
                {"council_id": council.id, "school_id": school} for school in council.schools
            ]
            rows["council_members"] += [
                {"council_id": council.id, "person_id": m.person, "role": role, "position": n}
                for n, m in enumerate(council.members)
                for role in m.roles
            ]
    for name, values in rows.items():
        for start in range(0, len(values), BATCH):
            connection.execute(tables[name].insert(), values[start : start + BATCH])


def load(engine: Engine, councils: int, rng: random.Random) -> None:
    """The population, then districts, prefectures, cycles, due dates and late tasks."""
    tables = Base.metadata.tables
    with engine.begin() as connection:
        _population(connection, councils)
        districts = [
            {"id": f"{population.council_id(i)}-d", "name": f"第{i // 10}中学校区",
             "municipality_id": population.municipality_id(i)}
            for i in range(0, councils, 10)
        ]  # fmt: skip
        for start in range(0, len(districts), BATCH):
            connection.execute(tables["districts"].insert(), districts[start : start + BATCH])
        # The schools of councils 10k … 10k+9 lie in the district named after council 10k
        # (ids sort in council order: bench-00010-s, bench-00011-s …).
        connection.execute(
            text("UPDATE schools SET district_id = :d WHERE id >= :first AND id <= :last"),
            [
                {
                    "d": f"{population.council_id(i)}-d",
                    "first": f"{population.council_id(i)}-s",
                    "last": f"{population.council_id(min(i + 9, councils - 1))}-s",
                }
                for i in range(0, councils, 10)
            ],
        )
        # Municipality bench-mNNN lies in prefecture ベンチ県(NNN mod 7).
        connection.execute(
            text("UPDATE municipalities SET prefecture = 'ベンチ県' || "
                 "CAST(CAST(SUBSTR(id, 8, 3) AS INTEGER) % 7 AS VARCHAR(8))")
        )  # fmt: skip
        cycles = [_cycle(i, rng) for i in range(councils)]
        for start in range(0, len(cycles), BATCH):
            connection.execute(tables["cycles"].insert(), cycles[start : start + BATCH])
        for step, md in DEFAULT_DUE.items():
            connection.execute(
                text("INSERT INTO cycle_due_dates (cycle_id, step, due_on, event_seq) "
                     "SELECT id, :step, :due, 0 FROM cycles"),
                {"step": step.value, "due": md.in_fiscal_year(YEAR)},
            )  # fmt: skip
        connection.execute(
            text("UPDATE cycles SET due_on = (SELECT d.due_on FROM cycle_due_dates d "
                 "WHERE d.cycle_id = cycles.id AND d.step = cycles.step)")
        )  # fmt: skip
        # One open task past its due date for every twentieth cycle at coordinate.
        connection.execute(
            text("INSERT INTO tasks (cycle_id, task_id, activity_id, title, owner_id, due_on, "
                 "status, claimed, outcome, waive_reason, closed_by, closed_at, event_seq) "
                 "SELECT id, 't1', 'a1', '会場の予約', NULL, :due, 'open', :no, NULL, NULL, "
                 "NULL, NULL, 1 FROM cycles WHERE step = 'coordinate' AND id % 20 = 0"),
            {"due": date(YEAR, 7, 1), "no": False},
        )  # fmt: skip


def _time(runs: int, work: Callable[[], object]) -> tuple[float, float]:
    work()  # warm the caches, as a board's second look would be
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return statistics.median(timings), p95


def _queries(session: Any, index: int) -> dict[str, Callable[[], object]]:
    """Each dashboard query on the ``index``-th municipality, as the page asks for it."""
    first = index * population.COUNCILS_PER_MUNICIPALITY
    municipality = population.municipality_id(first)
    district = f"{population.council_id(first + 70)}-d"
    prefecture = f"ベンチ県{index % PREFECTURES}"

    def _query(**changes: Any) -> DashboardQuery:
        return DashboardQuery.model_validate(
            {"municipality_id": municipality, "fiscal_year": YEAR, **changes}
        )

    def page(**changes: Any) -> Callable[[], object]:
        return lambda: dashboard_page(session, _query(**changes), TODAY)

    def steps() -> str:
        return bar_chart_svg(steps_chart(council_rows(session, _query(), TODAY)))

    def late() -> str:
        return bar_chart_svg(late_by_district_chart(council_rows(session, _query(), TODAY)))

    def approvals() -> str:
        chart, marker, label = approvals_chart(approval_points(session, municipality, YEAR))
        return columns_with_line_svg(chart, marker, label)

    return {
        "first page (50 of 500)": page(),
        "sorted by days late": page(sort=SortKey.DAYS_LATE, descending=True),
        "filter: step approve": page(step=Step.APPROVE),
        "filter: district": page(district=district),
        "filter: late only": page(late_only=True),
        "chart: councils per step": steps,
        "chart: late per district": late,
        "chart: approvals vs due": approvals,
        "remind count (approve)": lambda: remind_preview(
            session, municipality, YEAR, Step.APPROVE, NOW
        ),
        "public index (500)": lambda: public_index_page(session, municipality, YEAR),
        "prefecture view (10 of 70)": lambda: prefecture_view(session, prefecture, YEAR, TODAY),
    }


def measure(
    name: str, url: str, councils: int, runs: int, reuse: bool, index: int = MUNICIPALITY_INDEX
) -> list[str]:
    """Load the data into ``url`` (unless ``reuse``) and time each query; return the
    table's lines."""
    migrate(url)
    engine = make_engine(url)
    try:
        if not reuse:
            started = time.perf_counter()
            load(engine, councils, random.Random(15))
            print(f"[{name}] loaded {councils} councils in {time.perf_counter() - started:.0f} s")
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        lines = []
        with session_scope(engine) as session:
            for label, work in _queries(session, index).items():
                p50, p95 = _time(runs, work)
                line = f"| {name} | {label} | {p50:.1f} | {p95:.1f} |"
                print(line, flush=True)
                lines.append(line)
        return lines
    finally:
        engine.dispose()


def main() -> None:
    """Parse the arguments and benchmark each database asked for."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--councils", type=int, default=35_000)
    parser.add_argument("--sqlite", default="/tmp/cs_dashboard_bench.db", help="'' to skip")
    parser.add_argument(
        "--postgres",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/cs_bench_dashboard",
        help="PostgreSQL URL (dropped and re-created unless --reuse); '' to skip",
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="query data loaded earlier")
    parser.add_argument("--municipality", type=int, default=MUNICIPALITY_INDEX,
                        help="which generated municipality to time (0: the first)")  # fmt: skip
    args = parser.parse_args()
    if args.councils <= args.municipality * population.COUNCILS_PER_MUNICIPALITY:
        parser.error(f"--councils {args.councils} holds no municipality {args.municipality}")
    lines = ["| database | query | p50 ms | p95 ms |", "|---|---|---|---|"]
    print("\n".join(lines))
    if args.sqlite:
        path = Path(args.sqlite)
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        measure(
            "SQLite", f"sqlite:///{path}", args.councils, args.runs, args.reuse, args.municipality
        )
    if args.postgres:
        if not args.reuse:
            _fresh_postgres(args.postgres)
        measure(
            "PostgreSQL", args.postgres, args.councils, args.runs, args.reuse, args.municipality
        )


if __name__ == "__main__":
    main()

"""How fast the board's overview answers at national scale: ``python -m bench.overview_bench``.

Loads 35,000 councils spread over 175 municipalities of 200 (municipality-sized queries)
plus one "national" municipality holding another 35,000 (the worst case: a query over
every council in the country), each with one or two schools, a district, a cycle of the
year at some step, its six due dates and some pauses. Then times ``overview`` on SQLite
(a file) and PostgreSQL (database ``cs_bench``, dropped and re-created) and prints
p50/p95 of several runs per query. The schema comes from the migrations, as in production.
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

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from domain.deadlines import DEFAULT_DUE
from domain.model import STEP_ORDER, Step
from store.board import overview
from store.board_summary import summary
from store.db import make_engine, migrate, session_scope
from store.models import Base

YEAR = 2026
TODAY = date(2026, 7, 15)
MUNICIPALITIES = 175
PER_MUNICIPALITY = 200
NATIONAL = "national"
BATCH = 5_000


def _fresh_postgres(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}"'))
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        admin.dispose()


def _councils(municipality: str, count: int, rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    """Rows for one municipality with ``count`` councils (every tenth one joint)."""
    rows: dict[str, list[dict[str, Any]]] = {
        "districts": [], "schools": [], "councils": [], "council_schools": [],
        "cycles": [], "cycle_due_dates": [],
    }  # fmt: skip
    opened = datetime(YEAR, 4, 1, tzinfo=UTC)
    for n in range(count):
        council = f"{municipality}-c{n:05d}"
        district = f"{municipality}-d{n // 10:04d}"
        if n % 10 == 0:
            rows["districts"].append(
                {"id": district, "municipality_id": municipality, "name": f"第{n // 10}中学校区"}
            )
        schools = [f"{council}-s1"] + ([f"{council}-s2"] if n % 10 == 9 else [])
        for school in schools:
            rows["schools"].append(
                {"id": school, "municipality_id": municipality, "district_id": district,
                 "name": f"{school}小学校"}
            )  # fmt: skip
            rows["council_schools"].append({"council_id": council, "school_id": school})
        rows["councils"].append(
            {"id": council, "municipality_id": municipality, "name": f"{council}協議会",
             "designated_on": None}
        )  # fmt: skip
        step = rng.choice(STEP_ORDER)
        step_opened = opened + timedelta(days=rng.randrange(0, 100))
        paused = rng.random() < 0.02
        rows["cycles"].append(
            {"council_id": council, "fiscal_year": YEAR, "step": step.value,
             "step_opened_at": step_opened, "started_at": opened, "closed_at": None,
             "workflow_id": f"council-cycle/{council}/{YEAR}", "run_id": "r",
             "carried_over": [], "vision": None, "approved_on": None,
             "paused_since": step_opened if paused else None,
             "paused_reason": "臨時休校" if paused else None}
        )  # fmt: skip
    return rows


def load(engine: Engine, rng: random.Random) -> int:
    """Bulk-insert the data set; return how many councils it holds."""
    plan = [(f"m{m:03d}", PER_MUNICIPALITY) for m in range(MUNICIPALITIES)]
    plan.append((NATIONAL, MUNICIPALITIES * PER_MUNICIPALITY))
    tables = Base.metadata.tables
    total = 0
    with engine.begin() as connection:
        connection.execute(
            tables["municipalities"].insert(),
            [{"id": m, "name": f"{m}市", "prefecture": "県", "vote_rule": {}} for m, _ in plan],
        )
        for municipality, count in plan:
            rows = _councils(municipality, count, rng)
            for name in ("districts", "schools", "councils", "council_schools", "cycles"):
                for start in range(0, len(rows[name]), BATCH):
                    connection.execute(tables[name].insert(), rows[name][start : start + BATCH])
            total += count
        # Due dates for every cycle in one statement per step: fast on both databases.
        for step, md in DEFAULT_DUE.items():
            connection.execute(
                text(
                    "INSERT INTO cycle_due_dates (cycle_id, step, due_on, event_seq) "
                    "SELECT id, :step, :due, 0 FROM cycles"
                ),
                {"step": step.value, "due": md.in_fiscal_year(YEAR)},
            )
        # The cycle's copy of its current step's due date, as record_event keeps it.
        connection.execute(
            text(
                "UPDATE cycles SET due_on = (SELECT d.due_on FROM cycle_due_dates d "
                "WHERE d.cycle_id = cycles.id AND d.step = cycles.step)"
            )
        )
    return total


def _time(runs: int, work: Callable[[], int]) -> tuple[float, float, int]:
    work()  # warm the caches, as a board's second look would be
    timings = []
    size = 0
    for _ in range(runs):
        started = time.perf_counter()
        size = work()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return statistics.median(timings), p95, size


def measure(name: str, url: str, runs: int, reuse: bool) -> None:
    """Load the data set into ``url`` (unless ``reuse``) and print the timings of each
    query."""
    migrate(url)
    engine = make_engine(url)
    if not reuse:
        started = time.perf_counter()
        total = load(engine, random.Random(7))
        print(f"[{name}] loaded {total} councils in {time.perf_counter() - started:.1f} s")
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    queries: dict[str, dict[str, Any]] = {
        "municipality (200 councils)": {"municipality_id": "m042"},
        "municipality, --overdue": {"municipality_id": "m042", "overdue_only": True},
        "municipality, --district": {"municipality_id": "m042", "district": "m042-d0007"},
        "national (35,000 councils)": {"municipality_id": NATIONAL},
        "national, --step approve": {"municipality_id": NATIONAL, "step": Step.APPROVE},
        "national, --overdue": {"municipality_id": NATIONAL, "overdue_only": True},
    }
    with session_scope(engine) as session:
        for label, args in queries.items():

            def query(args: dict[str, Any] = args) -> int:
                return len(overview(session, year=YEAR, today=TODAY, **args))

            p50, p95, size = _time(runs, query)
            print(f"[{name}] {label:<30} rows={size:>6}  p50={p50:7.1f} ms  p95={p95:7.1f} ms")
        # Every municipality counted, one row each: the prefectural and national view.
        p50, p95, size = _time(runs, lambda: len(summary(session, YEAR, today=TODAY)))
        label = "summary (70,000 councils)"
        print(f"[{name}] {label:<30} rows={size:>6}  p50={p50:7.1f} ms  p95={p95:7.1f} ms")
    engine.dispose()


def main() -> None:
    """Parse the arguments and benchmark each database asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--sqlite", default="/tmp/cs_bench.db", help="SQLite file (replaced)")
    parser.add_argument(
        "--postgres",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/cs_bench",
        help="PostgreSQL URL (the database is dropped and re-created); '' to skip",
    )
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--reuse", action="store_true", help="query the data loaded by an earlier run"
    )
    args = parser.parse_args()
    if args.sqlite:
        path = Path(args.sqlite)
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        measure("sqlite", f"sqlite:///{path}", args.runs, args.reuse)
    if args.postgres:
        if not args.reuse:
            _fresh_postgres(args.postgres)
        measure("postgresql", args.postgres, args.runs, args.reuse)


if __name__ == "__main__":
    main()

"""``store.board.overview`` latency at N councils on SQLite and PostgreSQL.

The PostgreSQL copy is made from the SQLite store the engine run wrote, table by table,
so both databases hold the same rows.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date

from sqlalchemy import Engine, Integer, Table, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import store
from bench.population import municipality_id
from store.board import overview
from store.board_summary import summary
from store.models import Base, Municipality

#: Rows per INSERT batch when copying to PostgreSQL.
_COPY_BATCH = 5000


def one_municipality(session: Session, fiscal_year: int, today: date) -> int:
    """The board's overview of the first generated municipality (up to 500 councils)."""
    return len(overview(session, municipality_id(0), fiscal_year, today=today))


def every_municipality(session: Session, fiscal_year: int, today: date) -> int:
    """The board's overview of every generated municipality in turn: all N councils."""
    ids = session.scalars(select(Municipality.id).order_by(Municipality.id)).all()
    return sum(len(overview(session, m, fiscal_year, today=today)) for m in ids)


def summary_of_all(session: Session, fiscal_year: int, today: date) -> int:
    """The summary counted by municipality over every council (``store.summary``)."""
    return len(summary(session, fiscal_year, today=today))


def time_query(
    engine: Engine, query: Callable[[Session], object], repeats: int = 20
) -> dict[str, float]:
    """Median and worst of ``repeats`` timed calls (ms), after one warm-up call."""
    samples: list[float] = []
    for attempt in range(repeats + 1):
        with store.session_scope(engine) as session:
            started = time.perf_counter()
            query(session)
            elapsed = time.perf_counter() - started
        if attempt:
            samples.append(elapsed * 1000)
    return {"median_ms": statistics.median(samples), "max_ms": max(samples)}


def recreate_postgres(url: str) -> None:
    """Drop and create the database named in ``url`` (connecting to ``postgres``)."""
    parsed = make_url(url)
    admin = store.make_engine(parsed.set(database="postgres").render_as_string(False))
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        admin.dispose()


def copy_store(source: Engine, target: Engine) -> int:
    """Copy every table of the schema from ``source`` to ``target`` (migrated, empty);
    reset PostgreSQL's id sequences afterwards. Returns the rows copied."""
    copied = 0
    with source.connect() as reading, target.begin() as writing:
        for table in Base.metadata.sorted_tables:
            result = reading.execute(select(table))
            while batch := result.fetchmany(_COPY_BATCH):
                writing.execute(table.insert(), [row._asdict() for row in batch])
                copied += len(batch)
            if target.dialect.name == "postgresql" and _has_serial_id(table):
                writing.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table.name}), 1))"
                    )
                )
    if target.dialect.name == "postgresql":
        # Fresh statistics, as autovacuum would have them on a live database: without them
        # the planner chose plans 40× slower for one municipality's overview.
        with target.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    return copied


def _has_serial_id(table: Table) -> bool:
    return "id" in table.c and isinstance(table.c.id.type, Integer)

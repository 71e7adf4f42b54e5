"""The migrations create exactly the ORM's schema, and migrating again is harmless."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import StatementError

from store.db import alembic_config, make_engine, migrate, session_factory, session_scope
from store.models import Base, Council, Cycle, Municipality


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_database_is_at_head_and_migrate_again_changes_nothing(
    database_url: str, engine: Engine
) -> None:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    tables_before = set(inspect(engine).get_table_names())
    migrate(database_url)
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head
    assert set(inspect(engine).get_table_names()) == tables_before
    assert {t.name for t in Base.metadata.sorted_tables} <= tables_before


def test_migrate_creates_a_fresh_sqlite_file_and_its_directory(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "data" / "cycle.db"
    url = f"sqlite:///{path}"
    migrate(url)
    migrate(url)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()
    assert path.is_file()


def test_naive_times_are_refused(clean_engine: Engine) -> None:
    with (
        pytest.raises(StatementError, match="naive datetime"),
        session_scope(clean_engine) as session,
    ):
        session.add(Municipality(id="m", name="町", prefecture="県", vote_rule={}))
        session.flush()
        session.add(Council(id="c", municipality_id="m", name="協議会", designated_on=None))
        session.flush()
        session.add(
            Cycle(
                council_id="c",
                fiscal_year=2026,
                step="discuss",
                step_opened_at=datetime(2026, 4, 1),
                started_at=datetime(2026, 4, 1),
                workflow_id="w",
                run_id="r",
                carried_over=[],
            )
        )
        session.flush()


def test_each_engine_keeps_one_session_factory(database_url: str, engine: Engine) -> None:
    # A factory per transaction re-did SQLAlchemy's per-class event set-up every time.
    assert session_factory(engine) is session_factory(engine)
    other = make_engine(database_url)
    try:
        assert session_factory(other) is not session_factory(engine)
        assert session_factory(other).kw["bind"] is other
    finally:
        other.dispose()

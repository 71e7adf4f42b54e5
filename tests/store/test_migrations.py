"""The migrations create exactly the ORM's schema, and migrating again is harmless."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from store.db import alembic_config, migrate
from store.models import Base


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

"""The SQLite store is its owner's only: directory 0700, database and its WAL files 0600."""

from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy import text

from store.db import make_engine, migrate


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_store_is_created_private(tmp_path: Path) -> None:
    database = tmp_path / "data" / "cycle.db"
    url = f"sqlite:///{database}"
    migrate(url)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("SELECT count(*) FROM people"))
        files = sorted(p.name for p in database.parent.iterdir())
        assert files == ["cycle.db", "cycle.db-shm", "cycle.db-wal"]
        assert _mode(database.parent) == 0o700
        assert {_mode(database.parent / name) for name in files} == {0o600}
    finally:
        engine.dispose()

"""Engines, sessions and schema migrations.

SQLite (the default, a file in the data directory) and PostgreSQL are both supported. The
schema is always created by the Alembic migrations shipped inside this package, never by
``create_all``, so that every database has exactly the migrated schema.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from config import DEFAULT_ACTIVITY_THREADS, DEFAULT_NOTIFY_THREADS

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Any constant works; it only has to be the same in every process that migrates.
_MIGRATION_LOCK_KEY = 7_310_442_915


#: Connections a PostgreSQL engine may open by default: one per thread of a worker with
#: the default settings (the cycle's records + the notifications, ``config``).
DEFAULT_CONNECTIONS = DEFAULT_ACTIVITY_THREADS + DEFAULT_NOTIFY_THREADS


def make_engine(url: str, connections: int = DEFAULT_CONNECTIONS) -> Engine:
    """An engine for ``url``, tuned for the database behind it.

    SQLite: creates the parent directory (0700) and the file (0600), turns on foreign keys,
    WAL and a 30 s busy timeout, and starts every transaction with ``BEGIN IMMEDIATE``.
    PostgreSQL: a pool of up to ``connections`` connections (one per thread that uses it),
    10 of them kept open.
    """
    if connections < 1:
        raise ValueError(f"connections must be at least 1, not {connections}")
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # No ping before each use (it was one more round trip in every transaction): a
        # connection PostgreSQL dropped fails its statement, SQLAlchemy then discards the
        # pool, and the activity's retry runs on a fresh connection.
        kept = min(10, connections)
        return create_engine(url, pool_size=kept, max_overflow=connections - kept)
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        create_private_file(Path(database).expanduser())
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_immediate)
    return engine


def create_private_file(path: Path) -> None:
    """Create ``path``'s directory (0700) and the empty file (0600) unless they exist.

    The store holds names, contacts and minutes: only its owner may read it. SQLite gives
    its ``-wal`` and ``-shm`` files the database file's mode."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # Hand transaction control to SQLAlchemy (see ``_begin_immediate``): pysqlite's own
    # implicit BEGIN breaks SAVEPOINTs, which idempotent inserts rely on.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # WAL's recommended setting: no fsync per commit, only at checkpoints. A crash of
        # the process loses nothing; a power cut may lose the last commits (never corrupts).
        # Commits were 2/3 of every store activity's time (bench/README.md).
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
    finally:
        cursor.close()


def _begin_immediate(connection: Any) -> None:
    # A deferred transaction that reads and then writes fails at once (SQLITE_BUSY, no
    # waiting) when another writer committed in between; taking the write lock up front
    # makes concurrent writers queue on the busy timeout instead. A read-only session
    # (``read_scope``) begins deferred: under WAL it neither takes nor waits for the lock.
    read_only = connection.get_execution_options().get(_READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


# One lock per SQLite engine: its transactions queue here instead of in SQLite's busy
# handler, which polls with sleeps of up to 100 ms. With a dozen activity threads writing at
# once that polling left the database idle most of the time (7 events/s instead of hundreds;
# see bench/README.md). Other processes still wait on the busy timeout as before.
_SQLITE_WRITE_LOCKS: weakref.WeakKeyDictionary[Engine, threading.RLock] = (
    weakref.WeakKeyDictionary()
)
_LOCKS_GUARD = threading.Lock()


def _write_lock(engine: Engine) -> threading.RLock | nullcontext[None]:
    if engine.dialect.name != "sqlite":
        return nullcontext()
    with _LOCKS_GUARD:
        lock = _SQLITE_WRITE_LOCKS.get(engine)
        if lock is None:
            lock = _SQLITE_WRITE_LOCKS[engine] = threading.RLock()
        return lock


# One session factory per engine. A new ``sessionmaker`` is a new Session subclass, and
# SQLAlchemy sets up event dispatch for each class on its first statement: building one
# per transaction cost about 0.3 ms of CPU in every activity (bench/README.md).
_FACTORIES: weakref.WeakKeyDictionary[Engine, sessionmaker[Session]] = weakref.WeakKeyDictionary()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """The session factory bound to ``engine``; objects stay readable after commit."""
    with _LOCKS_GUARD:
        factory = _FACTORIES.get(engine)
        if factory is None:
            factory = _FACTORIES[engine] = sessionmaker(bind=engine, expire_on_commit=False)
        return factory


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits when the block ends normally and rolls back otherwise.

    On SQLite the whole block holds the engine's write lock: every transaction there is a
    write transaction (``BEGIN IMMEDIATE``), so they run one at a time anyway."""
    with _write_lock(engine), session_factory(engine)() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


_READ_ONLY = "cs_read_only"


@contextmanager
def read_scope(engine: Engine) -> Iterator[Session]:
    """A session that only reads, rolled back when the block ends.

    On SQLite it begins a deferred transaction and skips the engine's write lock: under
    WAL a reader sees the last commit and neither waits for a writer nor holds one up
    (a page read no longer queues behind the worker's recording, nor the other way
    round). Writing in it is a bug: use ``session_scope``."""
    bind = engine.execution_options(**{_READ_ONLY: True})
    with session_factory(engine)(bind=bind) as session:
        try:
            yield session
        finally:
            session.rollback()


def alembic_config() -> Config:
    """The Alembic configuration of the packaged migrations, independent of the cwd."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def migrate(url: str) -> None:
    """Bring the database at ``url`` to the latest schema (``alembic upgrade head``).

    Safe on every process start: an up-to-date database is left as it is, and on
    PostgreSQL an advisory lock keeps processes starting together from racing.
    """
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY}
                )
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()

"""The store as a long-running face holds it: one engine for the process (a pool shared
by every request), migrated at start, each unit of work one committed session. The CLI
opens a store per command instead (``application.records.with_session``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

import store

T = TypeVar("T")


def open_engine(database_url: str) -> Engine:
    """The engine (and its connection pool) of ``database_url``; nothing connects yet."""
    return store.make_engine(database_url)


def migrate(database_url: str) -> None:
    """Bring the store at ``database_url`` to the newest schema (Alembic)."""
    store.migrate(database_url)


def in_session(engine: Engine, work: Callable[[Session], T]) -> T:
    """Run ``work`` in one committed session on ``engine`` (rolled back if it raises)."""
    with store.session_scope(engine) as session:
        return work(session)


def in_read_session(engine: Engine, work: Callable[[Session], T]) -> T:
    """Run ``work`` in a session on ``engine`` that only reads (``store.read_scope``)."""
    with store.read_scope(engine) as session:
        return work(session)

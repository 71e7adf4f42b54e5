"""The CLI's way into the store: migrate, open a session, turn store errors into one line.

Names of people are read here for tables only; JSON output carries opaque ids.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

import store
from application.errors import AppError as CliError
from application.errors import one_line
from config import Settings
from store.recorded_years import held_years

T = TypeVar("T")


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


#: The stores this process has already brought to the latest schema: a CLI run opens
#: several sessions, and running the migrations again for each one is wasted work.
_migrated: set[str] = set()
_migrating = threading.Lock()


def _migrate_once(url: str) -> None:
    with _migrating:
        if url not in _migrated:
            store.migrate(url)
            _migrated.add(url)


def with_session(config: Settings, work: Callable[[Session], T]) -> T:
    """Run ``work`` in one committed session on a migrated store (migrated once per
    process).

    Store errors (each one line already) and database failures become ``CliError``.
    """
    url = config.resolved_database_url()
    engine: Engine | None = None
    try:
        _migrate_once(url)
        engine = store.make_engine(url)
        with store.session_scope(engine) as session:
            return work(session)
    except store.StoreError as exc:
        raise CliError("store_error", detail=one_line(str(exc))) from exc
    except SQLAlchemyError as exc:
        raise CliError("store_failed", url=_safe_url(url), detail=one_line(str(exc))) from exc
    finally:
        if engine is not None:
            engine.dispose()


def read_municipality(path: Path) -> store.MunicipalityFile:
    """Read and check a municipality file; its problem in one line otherwise."""
    try:
        return store.read_municipality_file(path)
    except store.StoreError as exc:
        raise CliError("store_error", detail=one_line(str(exc))) from exc


def councils_of(config: Settings, municipality_id: str) -> list[str]:
    """Ids of the municipality's councils, sorted."""
    return with_session(config, lambda session: store.council_ids(session, municipality_id))


def council_known(config: Settings, council_id: str) -> bool:
    """Whether the store knows the council."""

    def check(session: Session) -> bool:
        try:
            store.council_setup(session, council_id)
        except store.NotFound:
            return False
        return True

    return with_session(config, check)


def years_in_store(settings: Settings, council_ids: list[str], fiscal_year: int) -> set[str]:
    """Which of ``council_ids`` the store holds a cycle of ``fiscal_year`` for (one read,
    so that starting a municipality's councils does not open the store per council)."""
    return with_session(settings, lambda session: held_years(session, council_ids, fiscal_year))

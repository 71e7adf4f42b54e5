"""The tasks CLI's way into the store: tasks, the volunteer registry, the resource list.

Imported only by the commands that use it, so that commands talking to Temporal alone
start without loading SQLAlchemy. Store errors become one-line ``CliError``s (through
``starter.records.with_session``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

import store
from application.errors import AppError as CliError
from application.records import with_session
from config import Settings


def tasks_for(
    config: Settings, person_id: str, fiscal_year: int | None, open_only: bool
) -> tuple[list[store.TaskView], dict[str, str]]:
    """The tasks ``person_id`` may see, and the owners' names (for tables only)."""

    def read(session: Session) -> tuple[list[store.TaskView], dict[str, str]]:
        rows = store.tasks_for(session, person_id, fiscal_year, open_only)
        owners = sorted({r.owner_id for r in rows if r.owner_id is not None})
        return rows, store.person_names(session, owners)

    return with_session(config, read)


def add_volunteer(
    config: Settings, municipality_id: str, entry: store.VolunteerEntry
) -> tuple[str, store.VolunteerRow]:
    """Register (or update) a volunteer; returns what happened and the row."""

    def write(session: Session) -> tuple[str, store.VolunteerRow]:
        done = store.upsert_volunteer(session, municipality_id, entry)
        row = next(v for v in store.volunteers(session, municipality_id) if v.id == entry.id)
        return done, row

    return with_session(config, write)


def volunteers(
    config: Settings, municipality_id: str, active_on: date | None, field: str | None
) -> list[store.VolunteerRow]:
    """The municipality's volunteers (registered on ``active_on``, helping with ``field``)."""
    return with_session(
        config, lambda session: store.volunteers(session, municipality_id, active_on, field)
    )


def renew(config: Settings, volunteer_id: str, on: date) -> store.VolunteerRow:
    """Renew a registration from ``on`` for two years."""
    return with_session(config, lambda session: store.renew_volunteer(session, volunteer_id, on))


def withdraw(config: Settings, volunteer_id: str, on: date) -> store.VolunteerRow:
    """Withdraw a registration from ``on``."""
    return with_session(config, lambda session: store.withdraw_volunteer(session, volunteer_id, on))


def import_csv(config: Settings, municipality_id: str, path: Path) -> store.ImportReport:
    """Import the volunteer CSV at ``path``; a file unreadable as a whole is an error."""
    if not path.is_file():
        raise CliError("file_missing", path=path)
    # A file that cannot be read at all is a StoreError: one line, from with_session.
    return with_session(
        config, lambda session: store.import_volunteers(session, municipality_id, path)
    )


def resources(config: Settings, municipality_id: str, kind: str | None) -> list[store.ResourceRow]:
    """The municipality's community resource list."""
    return with_session(config, lambda session: store.resources(session, municipality_id, kind))

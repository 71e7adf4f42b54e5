"""The tasks CLI's way into the store: tasks, the volunteer registry, the resource list.

The registry and the resource list hold residents' names and contacts: each function
takes the principal and checks, in its own transaction, that they are of the
municipality's board or coordinators (``permissions.VOLUNTEER_STAFF``); a list read is
an audit row.

Imported only by the commands that use it, so that commands talking to Temporal alone
start without loading SQLAlchemy. Each takes the ``Context`` first; store errors become
one-line ``AppError``s (through ``ctx.unit_of_work``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

import store
from application import audit
from application.context import Context
from application.errors import AppError as CliError
from application.permissions import VOLUNTEER_STAFF, require_staff
from application.principal import Principal


def tasks_for(
    ctx: Context, person_id: str, fiscal_year: int | None, open_only: bool
) -> tuple[list[store.TaskView], dict[str, str]]:
    """The tasks ``person_id`` may see, and the owners' names (for tables only)."""

    def read(session: Session) -> tuple[list[store.TaskView], dict[str, str]]:
        rows = store.tasks_for(session, person_id, fiscal_year, open_only)
        owners = sorted({r.owner_id for r in rows if r.owner_id is not None})
        return rows, store.person_names(session, owners)

    return ctx.unit_of_work(read)


def add_volunteer(
    ctx: Context, municipality_id: str, entry: store.VolunteerEntry
) -> tuple[str, store.VolunteerRow]:
    """Register (or update) a volunteer; returns what happened and the row."""
    who = ctx.principal

    def write(session: Session) -> tuple[str, store.VolunteerRow]:
        require_staff(session, who, municipality_id, VOLUNTEER_STAFF)
        done = store.upsert_volunteer(session, municipality_id, entry)
        row = next(v for v in store.volunteers(session, municipality_id) if v.id == entry.id)
        return done, row

    return ctx.unit_of_work(write)


def _read_audited(session: Session, who: Principal, target: str, shown_as: str) -> None:
    audit.record_in(
        session, who.actor, audit.AuditAction.READ_PERSONAL_DATA, target, {"format": shown_as}
    )


def volunteers(
    ctx: Context,
    municipality_id: str,
    active_on: date | None,
    field: str | None,
    shown_as: str,
) -> list[store.VolunteerRow]:
    """The municipality's volunteers (registered on ``active_on``, helping with ``field``);
    the read is an audit row."""
    who = ctx.principal

    def read(session: Session) -> list[store.VolunteerRow]:
        require_staff(session, who, municipality_id, VOLUNTEER_STAFF)
        _read_audited(session, who, f"municipalities/{municipality_id}/volunteers", shown_as)
        return store.volunteers(session, municipality_id, active_on, field)

    return ctx.unit_of_work(read)


def _require_staff_of_volunteer(session: Session, who: Principal, volunteer_id: str) -> None:
    """The staff of the volunteer's municipality (an unknown volunteer is left to the
    store, which names it in its own error)."""
    from store.task_models import Volunteer

    municipality = session.scalar(
        select(Volunteer.municipality_id).where(Volunteer.id == volunteer_id)
    )
    if municipality is not None:
        require_staff(session, who, municipality, VOLUNTEER_STAFF)


def renew(ctx: Context, volunteer_id: str, on: date) -> store.VolunteerRow:
    """Renew a registration from ``on`` for two years."""
    who = ctx.principal

    def write(session: Session) -> store.VolunteerRow:
        _require_staff_of_volunteer(session, who, volunteer_id)
        return store.renew_volunteer(session, volunteer_id, on)

    return ctx.unit_of_work(write)


def withdraw(ctx: Context, volunteer_id: str, on: date) -> store.VolunteerRow:
    """Withdraw a registration from ``on``."""
    who = ctx.principal

    def write(session: Session) -> store.VolunteerRow:
        _require_staff_of_volunteer(session, who, volunteer_id)
        return store.withdraw_volunteer(session, volunteer_id, on)

    return ctx.unit_of_work(write)


def import_csv(ctx: Context, municipality_id: str, path: Path) -> store.ImportReport:
    """Import the volunteer CSV at ``path``; a file unreadable as a whole is an error."""
    who = ctx.principal
    ctx.unit_of_work(lambda session: require_staff(session, who, municipality_id, VOLUNTEER_STAFF))
    if not path.is_file():
        raise CliError("file_missing", path=path)
    # A file that cannot be read at all is a StoreError: one line, from with_session.
    return ctx.unit_of_work(lambda session: store.import_volunteers(session, municipality_id, path))


def resources(
    ctx: Context, municipality_id: str, kind: str | None, shown_as: str
) -> list[store.ResourceRow]:
    """The municipality's community resources, with their contacts: its staff only (the
    board and the coordinators, who find helpers there); the read is an audit row."""
    who = ctx.principal

    def read(session: Session) -> list[store.ResourceRow]:
        require_staff(session, who, municipality_id, VOLUNTEER_STAFF)
        _read_audited(session, who, f"municipalities/{municipality_id}/resources", shown_as)
        return store.resources(session, municipality_id, kind)

    return ctx.unit_of_work(read)

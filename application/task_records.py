"""The tasks CLI's way into the store: tasks, the volunteer list and import, the resource
list (registering, renewing and withdrawing a volunteer: ``application.volunteer_registry``,
which the console's page calls too).

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

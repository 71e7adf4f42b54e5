"""What the console's pages read from the store, scoped to the person reading: the
council's name and the reader's roles, names for the ids in a cycle, the volunteer
registry, my councils and their years, my notices. Each takes a store session."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

import store
from application.permissions import roles_on, visible_councils
from application.viewer import Viewer
from domain.base import Role
from domain.model import CycleState
from store import console_auth
from store.notifications import InboxRow
from store.volunteers import VolunteerRow


def person_name(session: Session, person_id: str) -> str:
    """The person's name ("" when the directory has none)."""
    return store.person_names(session, [person_id]).get(person_id, "")


@dataclass(frozen=True)
class CouncilScope:
    """The reader's roles on a council (empty: not theirs, or unknown) and its name."""

    roles: frozenset[Role]
    council_name: str


def council_scope(session: Session, viewer: Viewer, council_id: str) -> CouncilScope:
    """The reader's roles on ``council_id`` and its name (empty when not theirs: the
    same answer as for an unknown council, so a page can say 404 for both)."""
    roles = roles_on(session, viewer, council_id)
    if not roles:
        return CouncilScope(roles=roles, council_name="")
    name = console_auth.council_names(session, [council_id]).get(council_id, "")
    return CouncilScope(roles=roles, council_name=name)


def cycle_people(session: Session, state: CycleState) -> tuple[dict[str, str], list[VolunteerRow]]:
    """Names for every person and volunteer the cycle names, and the registry of the
    council's municipality (for the picker). Contacts are in the rows; the page shows
    them only to who may read them (``permissions.may_read_contacts``)."""
    ids = set(state.roster.everyone())
    for record in state.activity_records.values():
        ids.update(record.volunteer_ids)
    names = store.person_names(session, sorted(ids))
    municipality = console_auth.council_municipality(session, state.council_id) or ""
    registry = store.volunteers(session, municipality)
    names.update({v.id: v.name for v in registry})
    return names, registry


@dataclass(frozen=True)
class MyCouncils:
    """My councils by id with their names, the years each has a cycle for (newest
    first), and my unread notices."""

    names: dict[str, str]
    years: dict[str, list[int]]
    unread: list[InboxRow]


def my_councils(session: Session, viewer: Viewer) -> MyCouncils:
    """What my page lists, for ``viewer``."""
    councils = visible_councils(session, viewer)
    return MyCouncils(
        names=console_auth.council_names(session, councils),
        years=console_auth.cycle_years(session, councils),
        unread=store.inbox(session, viewer.person_id, unread_only=True),
    )


def read_notice(session: Session, person_id: str, notice_id: int) -> InboxRow | None:
    """One of ``person_id``'s notices, marked read on the way; ``None`` if not theirs."""
    mine = [n for n in store.inbox(session, person_id) if n.id == notice_id]
    if not mine:
        return None
    if mine[0].read_at is None:
        store.mark_read(session, person_id, notice_id)
    return mine[0]

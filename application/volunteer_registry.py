"""The volunteer registry as use cases: list, register, renew and withdraw (retire).

The CLI's ``volunteer add|list|renew|withdraw`` (through ``application.task_records``)
and the console's 「ボランティア」 page call these. Each takes the ``Context`` first,
checks in its own transaction that the principal keeps the municipality's registry
(``domain.volunteers.REGISTRY_KEEPERS``: the board and the coordinators), does the work
and writes an access-audit row naming the volunteer by id, never by name. Contacts are
given only to those who may read them (``domain.volunteers.CONTACT_READERS``).
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

import store
from application import audit
from application.context import Context
from application.errors import AppError, one_line
from application.permissions import require_staff
from application.principal import Principal
from domain.base import Role
from domain.volunteers import (
    CONTACT_READERS,
    REGISTRY_KEEPERS,
    RegistrationState,
    registration_state,
)
from store.volunteers import require_municipality


class RegistryLine(BaseModel):
    """One volunteer on the registry page: the row, its state today, and its contact
    only for a contact reader."""

    model_config = ConfigDict(frozen=True)

    volunteer: store.VolunteerRow
    state: RegistrationState
    contact: str | None


class RegistryPage(BaseModel):
    """The municipality's registry as a keeper sees it."""

    model_config = ConfigDict(frozen=True)

    municipality_id: str
    municipality_name: str
    today: date
    lines: tuple[RegistryLine, ...]
    shows_contacts: bool

    @property
    def expired(self) -> int:
        """How many registrations have run out (renew or withdraw them)."""
        return sum(1 for line in self.lines if line.state is RegistrationState.EXPIRED)


def _target(municipality_id: str, volunteer_id: str | None = None) -> str:
    base = f"municipalities/{municipality_id}/volunteers"
    return base if volunteer_id is None else f"{base}/{volunteer_id}"


def _roles_in(who: Principal, municipality_id: str) -> frozenset[Role]:
    """The roles ``who`` holds in the municipality (its staff, or its councils')."""
    if who.viewer is None:
        return frozenset(Role) if who.is_local_operator else frozenset()
    roles = set(who.viewer.staff_roles.get(municipality_id, frozenset()))
    if who.viewer.municipality_id == municipality_id:
        for held in who.viewer.council_roles.values():
            roles |= held
    return frozenset(roles)


def may_keep(who: Principal, municipality_id: str) -> bool:
    """Whether ``who`` keeps the municipality's registry (for links to the page)."""
    return bool(_roles_in(who, municipality_id) & REGISTRY_KEEPERS)


def registries_of(who: Principal) -> list[str]:
    """The municipalities whose registry ``who`` keeps (for links on my page)."""
    if who.viewer is None:
        return []
    candidates = {who.viewer.municipality_id, *who.viewer.staff_roles}
    return sorted(m for m in candidates if m and may_keep(who, m))


def _change(session: Session, who: Principal, municipality_id: str, volunteer_id: str,
            change: str) -> None:  # fmt: skip
    audit.record_in(
        session,
        who.actor,
        audit.AuditAction.DIRECTORY_CHANGE,
        _target(municipality_id, volunteer_id),
        {"change": f"volunteer_{change}"},
    )


def registry(ctx: Context, municipality_id: str, shown_as: str = "page") -> RegistryPage:
    """The municipality's volunteers with their state today; the read is an audit row."""
    who = ctx.principal
    today = ctx.today()

    def read(session: Session) -> RegistryPage:
        require_staff(session, who, municipality_id, REGISTRY_KEEPERS)
        municipality = require_municipality(session, municipality_id)
        shows = bool(_roles_in(who, municipality_id) & CONTACT_READERS)
        audit.record_in(
            session,
            who.actor,
            audit.AuditAction.READ_PERSONAL_DATA,
            _target(municipality_id),
            {"format": shown_as},
        )
        rows = store.volunteers(session, municipality_id)
        lines = tuple(
            RegistryLine(
                volunteer=row,
                state=registration_state(
                    today, row.registered_on, row.expires_on, row.withdrawn_on
                ),
                contact=row.contact if shows else None,
            )
            for row in rows
        )
        return RegistryPage(
            municipality_id=municipality_id,
            municipality_name=municipality.name,
            today=today,
            lines=lines,
            shows_contacts=shows,
        )

    return ctx.unit_of_work(read)


def _refused(exc: store.StoreError) -> AppError:
    """A store's refusal (a registration dated in the future, an unknown volunteer for
    the CLI) as the one-line error both faces show."""
    return AppError("store_error", detail=one_line(str(exc)))


def register(
    ctx: Context, municipality_id: str, entry: store.VolunteerEntry
) -> tuple[str, store.VolunteerRow]:
    """Register a volunteer (or bring the same id's entry up to date: a form sent twice
    registers once); returns ``inserted``/``updated``/``unchanged`` and the row."""
    who = ctx.principal
    today = ctx.today()

    def write(session: Session) -> tuple[str, store.VolunteerRow]:
        require_staff(session, who, municipality_id, REGISTRY_KEEPERS)
        try:
            done = store.upsert_volunteer(session, municipality_id, entry, today)
        except (store.InvalidVolunteer, store.ConflictingId) as exc:
            raise _refused(exc) from exc
        if done != "unchanged":
            _change(session, who, municipality_id, entry.id, "register")
        row = next(v for v in store.volunteers(session, municipality_id) if v.id == entry.id)
        return done, row

    return ctx.unit_of_work(write)


def _municipality_of(
    session: Session, who: Principal, volunteer_id: str, municipality_id: str | None
) -> str | None:
    """The volunteer's municipality, after checking ``who`` keeps its registry (an
    unknown volunteer is left to the store, which names it in its own error). With
    ``municipality_id`` (the console's page), a volunteer of another one is unknown."""
    from store.task_models import Volunteer

    found = session.scalar(select(Volunteer.municipality_id).where(Volunteer.id == volunteer_id))
    if municipality_id is not None and found != municipality_id:
        raise AppError("volunteer_not_here")
    if found is not None:
        require_staff(session, who, found, REGISTRY_KEEPERS)
    return found


def renew(
    ctx: Context, volunteer_id: str, on: date, municipality_id: str | None = None
) -> store.VolunteerRow:
    """Renew a registration from ``on`` for two more years (also after a withdrawal):
    the person agreed again to be registered and contacted."""
    who = ctx.principal
    today = ctx.today()

    def write(session: Session) -> store.VolunteerRow:
        found = _municipality_of(session, who, volunteer_id, municipality_id)
        try:
            row = store.renew_volunteer(session, volunteer_id, on, today)
        except store.StoreError as exc:
            raise _refused(exc) from exc
        _change(session, who, found or row.municipality_id, volunteer_id, "renew")
        return row

    return ctx.unit_of_work(write)


def withdraw(
    ctx: Context, volunteer_id: str, on: date, municipality_id: str | None = None
) -> store.VolunteerRow:
    """Withdraw (retire) a registration from ``on``; withdrawing again keeps the first
    date and writes no second audit row."""
    who = ctx.principal

    def write(session: Session) -> store.VolunteerRow:
        found = _municipality_of(session, who, volunteer_id, municipality_id)
        before = next(
            (v for v in store.volunteers(session, found) if v.id == volunteer_id), None
        ) if found is not None else None  # fmt: skip
        try:
            row = store.withdraw_volunteer(session, volunteer_id, on)
        except store.StoreError as exc:
            raise _refused(exc) from exc
        if before is None or before.withdrawn_on != row.withdrawn_on:
            _change(session, who, row.municipality_id, volunteer_id, "withdraw")
        return row

    return ctx.unit_of_work(write)

"""The volunteer registry and the community resource list (地域人材・資源リスト).

Names and contacts of volunteers stay here; the cycle refers to volunteers by id only and
asks ``check_volunteers`` (through an activity) whether they may be recorded at an
activity.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.japan_time import JAPAN
from domain.limits import NOTES_MAX
from domain.refusals import Refusal
from domain.text_rules import MultiLineStr, OneLineStr
from domain.volunteers import (
    VolunteerKind,
    expires_on,
    registration_date_problem,
    registration_problem,
)
from store.errors import ConflictingId, InvalidVolunteer, NotFound
from store.models import Council, Municipality
from store.task_models import CommunityResource, Volunteer

Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
Upserted = Literal["inserted", "updated", "unchanged"]


class VolunteerEntry(BaseModel):
    """A volunteer as registered: who, what they help with, when they can, and whether
    they agreed to be contacted."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Identifier
    name: OneLineStr = Field(min_length=1, max_length=200)
    kind: VolunteerKind = VolunteerKind.PERSON
    fields_of_help: tuple[Annotated[OneLineStr, Field(min_length=1, max_length=100)], ...] = ()
    availability: MultiLineStr = Field(default="", max_length=500)
    contact: OneLineStr | None = Field(default=None, max_length=320)
    registered_on: date
    consent_to_contact: bool = False


class VolunteerRow(BaseModel):
    """A volunteer of the registry, with the dates of their registration."""

    model_config = ConfigDict(frozen=True)

    id: str
    municipality_id: str
    name: str
    kind: VolunteerKind
    fields_of_help: tuple[str, ...]
    availability: str
    contact: str | None
    registered_on: date
    expires_on: date
    consent_to_contact: bool
    withdrawn_on: date | None

    def active_on(self, day: date) -> bool:
        """Whether the registration holds on ``day``."""
        return (
            registration_problem(
                self.id, day, self.registered_on, self.expires_on, self.withdrawn_on
            )
            is None
        )


class ResourceEntry(BaseModel):
    """An entry of the community resource list."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Identifier
    name: OneLineStr = Field(min_length=1, max_length=200)
    kind: OneLineStr = Field(min_length=1, max_length=64)
    contact: OneLineStr | None = Field(default=None, max_length=320)
    notes: MultiLineStr = Field(default="", max_length=NOTES_MAX)


class ResourceRow(ResourceEntry):
    """A resource of the list, with its municipality."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    municipality_id: str


def require_municipality(session: Session, municipality_id: str) -> Municipality:
    """The municipality; ``NotFound`` if it is unknown."""
    found = session.get(Municipality, municipality_id)
    if found is None:
        raise NotFound(f"自治体 '{municipality_id}' は登録されていません")
    return found


def _row(v: Volunteer) -> VolunteerRow:
    return VolunteerRow(
        id=v.id,
        municipality_id=v.municipality_id,
        name=v.name,
        kind=VolunteerKind(v.kind),
        fields_of_help=tuple(v.fields_of_help),
        availability=v.availability,
        contact=v.contact,
        registered_on=v.registered_on,
        expires_on=v.expires_on,
        consent_to_contact=v.consent_to_contact,
        withdrawn_on=v.withdrawn_on,
    )


def upsert_volunteer(
    session: Session, municipality_id: str, entry: VolunteerEntry, today: date | None = None
) -> Upserted:
    """Register ``entry`` or bring its row up to date (idempotent by id). The expiry is
    two years from the registration date. ``ConflictingId`` if the id belongs to another
    municipality's volunteer; ``InvalidVolunteer`` if it is registered after ``today``
    (by default today in Japan)."""
    _check_registration_date(entry.registered_on, today)
    require_municipality(session, municipality_id)
    values = {
        "name": entry.name,
        "kind": entry.kind.value,
        "fields_of_help": list(entry.fields_of_help),
        "availability": entry.availability,
        "contact": entry.contact,
        "registered_on": entry.registered_on,
        "expires_on": expires_on(entry.registered_on),
        "consent_to_contact": entry.consent_to_contact,
    }
    row = session.get(Volunteer, entry.id)
    if row is None:
        session.add(
            Volunteer(id=entry.id, municipality_id=municipality_id, withdrawn_on=None, **values)
        )
        session.flush()
        return "inserted"
    if row.municipality_id != municipality_id:
        raise ConflictingId(
            f"ボランティアID '{entry.id}' は自治体 '{row.municipality_id}' で使われています"
        )
    differing = {k: v for k, v in values.items() if getattr(row, k) != v}
    for name, value in differing.items():
        setattr(row, name, value)
    return "updated" if differing else "unchanged"


def _check_registration_date(registered_on: date, today: date | None) -> None:
    problem = registration_date_problem(
        registered_on, today if today is not None else datetime.now(JAPAN).date()
    )
    if problem is not None:
        raise InvalidVolunteer(problem.message("ja"))


def _volunteer(session: Session, volunteer_id: str) -> Volunteer:
    row = session.get(Volunteer, volunteer_id)
    if row is None:
        raise NotFound(f"ボランティア '{volunteer_id}' は登録されていません")
    return row


def renew_volunteer(
    session: Session, volunteer_id: str, on: date, today: date | None = None
) -> VolunteerRow:
    """Renew a registration from ``on`` for two more years (also after a withdrawal).
    ``InvalidVolunteer`` if ``on`` is after ``today`` (by default today in Japan)."""
    _check_registration_date(on, today)
    row = _volunteer(session, volunteer_id)
    row.registered_on = on
    row.expires_on = expires_on(on)
    row.withdrawn_on = None
    return _row(row)


def withdraw_volunteer(session: Session, volunteer_id: str, on: date) -> VolunteerRow:
    """Withdraw a registration from ``on``; withdrawing again keeps the first date."""
    row = _volunteer(session, volunteer_id)
    if row.withdrawn_on is None:
        row.withdrawn_on = on
    return _row(row)


def volunteers(
    session: Session,
    municipality_id: str,
    active_on: date | None = None,
    field: str | None = None,
) -> list[VolunteerRow]:
    """The municipality's volunteers by id; only those registered on ``active_on`` and
    helping with ``field`` when given. ``NotFound`` if the municipality is unknown."""
    if session.scalar(select(Municipality.id).where(Municipality.id == municipality_id)) is None:
        require_municipality(session, municipality_id)  # raises NotFound
    rows = [
        _row(v)
        for v in session.scalars(
            select(Volunteer)
            .where(Volunteer.municipality_id == municipality_id)
            .order_by(Volunteer.id)
        )
    ]
    if active_on is not None:
        rows = [r for r in rows if r.active_on(active_on)]
    if field is not None:
        rows = [r for r in rows if field in r.fields_of_help]
    return rows


def check_volunteers(
    session: Session, council_id: str, volunteer_ids: list[str], on: date
) -> Refusal | None:
    """Why the volunteers may not be recorded at the council's activity held ``on``: the
    first one unknown to the council's municipality, withdrawn or expired that day; or
    ``None`` when all may. ``NotFound`` if the council is unknown."""
    council = session.get(Council, council_id)
    if council is None:
        raise NotFound(f"協議会 '{council_id}' は登録されていません")
    found = {
        v.id: v
        for v in session.scalars(
            select(Volunteer).where(
                Volunteer.id.in_(set(volunteer_ids)),
                Volunteer.municipality_id == council.municipality_id,
            )
        )
    }
    for volunteer_id in volunteer_ids:
        row = found.get(volunteer_id)
        if row is None:
            return Refusal("volunteer_unknown", volunteer_id=volunteer_id)
        problem = registration_problem(
            volunteer_id, on, row.registered_on, row.expires_on, row.withdrawn_on
        )
        if problem is not None:
            return problem
    return None


def upsert_resource(session: Session, municipality_id: str, entry: ResourceEntry) -> Upserted:
    """Add or update an entry of the community resource list (idempotent by id)."""
    require_municipality(session, municipality_id)
    values = entry.model_dump(exclude={"id"})
    row = session.get(CommunityResource, entry.id)
    if row is None:
        session.add(CommunityResource(id=entry.id, municipality_id=municipality_id, **values))
        session.flush()
        return "inserted"
    if row.municipality_id != municipality_id:
        raise ConflictingId(
            f"資源ID '{entry.id}' は自治体 '{row.municipality_id}' で使われています"
        )
    differing = {k: v for k, v in values.items() if getattr(row, k) != v}
    for name, value in differing.items():
        setattr(row, name, value)
    return "updated" if differing else "unchanged"


def resources(session: Session, municipality_id: str, kind: str | None = None) -> list[ResourceRow]:
    """The municipality's community resource list by id (of one kind when given)."""
    require_municipality(session, municipality_id)
    query = select(CommunityResource).where(CommunityResource.municipality_id == municipality_id)
    if kind is not None:
        query = query.where(CommunityResource.kind == kind)
    return [
        ResourceRow(
            id=r.id,
            municipality_id=r.municipality_id,
            name=r.name,
            kind=r.kind,
            contact=r.contact,
            notes=r.notes,
        )
        for r in session.scalars(query.order_by(CommunityResource.id))
    ]

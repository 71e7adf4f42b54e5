"""The system of record: municipalities, their places, people, staff and councils.

``load_municipality`` upserts a municipality file; the readers give the workflow what it
needs (ids and roles, never names) and give rendering the names it needs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from contracts.activities import CouncilSetup
from domain.deadlines import DeadlineRules
from domain.model import Role, Roster, RosterEntry, VoteRule
from store._rows import table
from store.directory_changes import DirectoryChange, LoadCounter
from store.erasure import erased_among
from store.errors import ConflictingId, NotFound
from store.models import (
    Base,
    Council,
    CouncilMember,
    CouncilSchool,
    District,
    Municipality,
    MunicipalityStaff,
    Person,
    School,
)
from store.municipality_file import MunicipalityFile, apply_deadlines
from store.person_emails import refuse_addresses_of_others, release_changing_email_keys
from store.volunteers import upsert_resource


class LoadSummary(BaseModel):
    """What loading a municipality file did: rows inserted, updated and deleted, and how
    many of each kind of thing the file describes."""

    model_config = ConfigDict(frozen=True)

    municipality_id: str
    inserted: int
    updated: int
    deleted: int
    districts: int
    schools: int
    people: int
    councils: int
    staff: int
    # Field by field, personal values masked: the diff ``load`` shows and the audit keeps.
    changes: tuple[DirectoryChange, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the load changed anything at all."""
        return self.inserted + self.updated + self.deleted > 0


class PersonContact(BaseModel):
    """How to reach a person: for delivering notices only."""

    model_config = ConfigDict(frozen=True)

    person_id: str
    name: str
    email: str | None
    webhook_url: str | None
    notify_email: bool = True
    notify_webhook: bool = True


_Owned = TypeVar("_Owned", District, School, Person, Council)


def load_municipality(session: Session, data: MunicipalityFile) -> LoadSummary:
    """Upsert everything in ``data``. Loading the same file twice changes nothing; a
    member, staff role or council school left out of the file is removed. Districts,
    schools, people and councils left out are kept: cycles and records refer to them."""
    counter = LoadCounter()
    muni_id = data.municipality.id
    erased = erased_among(session, [p.id for p in data.people])
    if erased:
        raise ConflictingId(
            f"people: '{erased[0]}' was erased and cannot be loaded again; "
            "remove them from the file (or give the person a new id)"
        )
    refuse_addresses_of_others(session, data)
    _set(
        session,
        Municipality,
        muni_id,
        {
            "name": data.municipality.name,
            "prefecture": data.municipality.prefecture,
            "vote_rule": data.vote_rule.model_dump(mode="json"),
            "deadline_rules": data.deadlines.overrides() if data.deadlines else None,
            "opinion_rules": data.opinions.model_dump(mode="json") if data.opinions else None,
        },
        counter,
    )
    session.flush()
    for district in data.districts:
        term = district.model_district
        _set_owned(
            session,
            District,
            district.id,
            muni_id,
            counter,
            {
                "name": district.name,
                "model_from_year": term.from_year if term else None,
                "model_to_year": term.to_year if term else None,
                "model_budget_yen": term.budget_yen if term else None,
            },
        )
    session.flush()
    for school in data.schools:
        _set_owned(
            session,
            School,
            school.id,
            muni_id,
            counter,
            {"name": school.name, "district_id": school.district},
        )
    keys = release_changing_email_keys(session, data)
    for person in data.people:
        _set_owned(
            session,
            Person,
            person.id,
            muni_id,
            counter,
            {
                "name": person.name,
                "kana": person.kana,
                "email": person.email,
                "webhook_url": person.webhook_url,
                "notify_email": person.notify_email,
                "notify_webhook": person.notify_webhook,
            },
        )
    session.flush()
    # Not among the values above: the diff and the directory audit must never show the
    # key (it is the address, unmasked).
    for person in data.people:
        session.get_one(Person, person.id).email_key = keys[person.id]
    for council in data.councils:
        _set_owned(
            session,
            Council,
            council.id,
            muni_id,
            counter,
            {
                "name": council.name,
                "designated_on": council.designated_on,
                "deadline_overrides": council.deadlines.overrides() if council.deadlines else None,
            },
        )
    session.flush()
    for council in data.councils:
        _sync_council_schools(session, council.id, council.schools, counter)
        wanted = _positions([(m.person, m.roles) for m in council.members])
        existing = session.scalars(
            select(CouncilMember).where(CouncilMember.council_id == council.id)
        ).all()
        _sync_roles(
            session,
            existing,
            wanted,
            counter,
            partial(_new_member, council.id),
            f"councils/{council.id}/members",
        )
    staff = _positions([(s.person, (s.role,)) for s in data.staff])
    existing_staff = session.scalars(
        select(MunicipalityStaff).where(MunicipalityStaff.municipality_id == muni_id)
    ).all()
    _sync_roles(
        session,
        existing_staff,
        staff,
        counter,
        partial(_new_staff, muni_id),
        f"municipalities/{muni_id}/staff",
    )
    for resource in data.resources:
        done = upsert_resource(session, muni_id, resource)
        counter.inserted += done == "inserted"
        counter.updated += done == "updated"
        if done != "unchanged":
            # The resource list is not personal data of members; one line says it moved.
            counter.note(
                "+" if done == "inserted" else "~",
                f"resources/{resource.id}",
                "entry",
                None if done == "inserted" else "…",
                done,
            )
    session.flush()
    return LoadSummary(
        municipality_id=muni_id,
        inserted=counter.inserted,
        updated=counter.updated,
        deleted=counter.deleted,
        districts=len(data.districts),
        schools=len(data.schools),
        people=len(data.people),
        councils=len(data.councils),
        staff=len(data.staff),
        changes=tuple(counter.changes),
    )


def _set(
    session: Session, model: type[Base], key: str, values: dict[str, Any], counter: LoadCounter
) -> None:
    row = session.get(model, key)
    target = f"{model.__tablename__}/{key}"
    if row is None:
        session.add(model(id=key, **values))
        counter.inserted += 1
        for name, value in values.items():
            if value is not None and name != "municipality_id":
                counter.note("+", target, name, None, value)
        return
    differing = {k: v for k, v in values.items() if getattr(row, k) != v}
    for name, value in differing.items():
        counter.note("~", target, name, getattr(row, name), value)
        setattr(row, name, value)
    if differing:
        counter.updated += 1


def _set_owned(
    session: Session,
    model: type[_Owned],
    key: str,
    municipality_id: str,
    counter: LoadCounter,
    values: dict[str, Any],
) -> None:
    existing = session.get(model, key)
    if existing is not None and existing.municipality_id != municipality_id:
        raise ConflictingId(
            f"{model.__tablename__} id '{key}' already belongs to municipality "
            f"'{existing.municipality_id}'"
        )
    _set(session, model, key, {"municipality_id": municipality_id, **values}, counter)


def _positions(entries: list[tuple[str, tuple[str, ...]]]) -> dict[tuple[str, str], int]:
    """(person, role) → position of the person's first entry, so that roles listed twice
    for one person merge and keep the file's order of people."""
    order: dict[str, int] = {}
    wanted: dict[tuple[str, str], int] = {}
    for person, roles in entries:
        position = order.setdefault(person, len(order))
        for role in roles:
            wanted.setdefault((person, role), position)
    return wanted


def _sync_roles(
    session: Session,
    existing: Sequence[CouncilMember] | Sequence[MunicipalityStaff],
    wanted: dict[tuple[str, str], int],
    counter: LoadCounter,
    make: Callable[[str, str, int], CouncilMember | MunicipalityStaff],
    where: str,
) -> None:
    kept: set[tuple[str, str]] = set()
    for row in existing:
        key = (row.person_id, row.role)
        if key not in wanted:
            session.delete(row)
            counter.deleted += 1
            counter.note("-", f"{where}/{row.person_id}", "role", row.role, None)
            continue
        kept.add(key)
        if row.position != wanted[key]:
            counter.note("~", f"{where}/{row.person_id}", "position", row.position, wanted[key])
            row.position = wanted[key]
            counter.updated += 1
    for (person, role), position in wanted.items():
        if (person, role) not in kept:
            session.add(make(person, role, position))
            counter.inserted += 1
            counter.note("+", f"{where}/{person}", "role", None, role)


def _new_member(council_id: str, person_id: str, role: str, position: int) -> CouncilMember:
    return CouncilMember(council_id=council_id, person_id=person_id, role=role, position=position)


def _new_staff(municipality_id: str, person_id: str, role: str, position: int) -> MunicipalityStaff:
    return MunicipalityStaff(
        municipality_id=municipality_id, person_id=person_id, role=role, position=position
    )


def _sync_council_schools(
    session: Session, council_id: str, school_ids: tuple[str, ...], counter: LoadCounter
) -> None:
    existing = session.scalars(
        select(CouncilSchool).where(CouncilSchool.council_id == council_id)
    ).all()
    wanted = set(school_ids)
    for link in existing:
        if link.school_id not in wanted:
            session.delete(link)
            counter.deleted += 1
            counter.note("-", f"councils/{council_id}/schools", "school", link.school_id, None)
    for school_id in sorted(wanted - {link.school_id for link in existing}):
        session.add(CouncilSchool(council_id=council_id, school_id=school_id))
        counter.inserted += 1
        counter.note("+", f"councils/{council_id}/schools", "school", None, school_id)


def council_setup(session: Session, council_id: str) -> CouncilSetup:
    """The roster (council members in file order, roles merged per person, then the
    municipality's staff) and the municipality's vote rule. ``NotFound`` if unknown."""
    council = session.get(Council, council_id)
    if council is None:
        raise NotFound(f"協議会 '{council_id}' は登録されていません")
    municipality = session.get_one(Municipality, council.municipality_id)
    roster = _roster(session, council_id, council.municipality_id)
    return CouncilSetup(
        council_id=council_id,
        municipality_id=council.municipality_id,
        roster=roster,
        vote_rule=VoteRule.model_validate(municipality.vote_rule),
        deadline_rules=council_deadline_rules(municipality, council),
    )


def council_roster(session: Session, council_id: str) -> Roster | None:
    """The council's roster as ``council_setup`` gives it (members, then the
    municipality's staff), read with columns only; ``None`` if the council is unknown."""
    found = select(Council.municipality_id).where(Council.id == council_id)
    municipality_id = session.scalar(found)
    return None if municipality_id is None else _roster(session, council_id, municipality_id)


def _roster(session: Session, council_id: str, municipality_id: str) -> Roster:
    roles: dict[str, list[Role]] = {}
    members = session.execute(
        select(CouncilMember.person_id, CouncilMember.role)
        .where(CouncilMember.council_id == council_id)
        .order_by(CouncilMember.position, CouncilMember.id)
    ).all()
    staff = session.execute(
        select(MunicipalityStaff.person_id, MunicipalityStaff.role)
        .where(MunicipalityStaff.municipality_id == municipality_id)
        .order_by(MunicipalityStaff.position, MunicipalityStaff.id)
    ).all()
    for person_id, role in [*members, *staff]:
        held = roles.setdefault(person_id, [])
        if Role(role) not in held:
            held.append(Role(role))
    return Roster(
        entries=tuple(
            RosterEntry(member_id=person, roles=tuple(held)) for person, held in roles.items()
        )
    )


def council_deadline_rules(municipality: Municipality, council: Council) -> DeadlineRules:
    """The engine's defaults, then the municipality's settings, then the council's."""
    rules = apply_deadlines(DeadlineRules(), municipality.deadline_rules)
    return apply_deadlines(rules, council.deadline_overrides)


def council_ids(session: Session, municipality_id: str) -> list[str]:
    """Ids of every council of the municipality, sorted. ``NotFound`` if unknown."""
    if session.get(Municipality, municipality_id) is None:
        raise NotFound(f"自治体 '{municipality_id}' は登録されていません")
    return list(
        session.scalars(
            select(Council.id)
            .where(Council.municipality_id == municipality_id)
            .order_by(Council.id)
        )
    )


#: The council's name by id (``None`` when unknown), built once: ``notify`` asks for
#: every notice.
COUNCIL_NAME = select(table(Council).c.name).where(table(Council).c.id == bindparam("council_id"))


def council_name(session: Session, council_id: str) -> str:
    """The council's name, for messages. ``NotFound`` if unknown."""
    name: str | None = session.connection().scalar(COUNCIL_NAME, {"council_id": council_id})
    if name is None:
        raise NotFound(f"協議会 '{council_id}' は登録されていません")
    return name


def person_names(session: Session, ids: list[str]) -> dict[str, str]:
    """Names of the given people by id; unknown ids are left out."""
    if not ids:
        return {}
    rows = session.execute(select(Person.id, Person.name).where(Person.id.in_(set(ids))))
    return {person_id: name for person_id, name in rows}


def person_contacts(session: Session, ids: list[str]) -> dict[str, PersonContact]:
    """Names and contacts of the given people by id; unknown ids are left out."""
    if not ids:
        return {}
    people = session.scalars(select(Person).where(Person.id.in_(set(ids))))
    return {
        p.id: PersonContact(
            person_id=p.id,
            name=p.name,
            email=p.email,
            webhook_url=p.webhook_url,
            notify_email=p.notify_email,
            notify_webhook=p.notify_webhook,
        )
        for p in people
    }

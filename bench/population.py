"""Generated councils for the benchmark, loaded into the store in municipality-sized batches.

Every council has the same shape as a small real one: a chair, three members, the
principal and a coordinator, plus the municipality's chief coordinator and board admin.
Ids are opaque and names fictional.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Engine

import store
from domain.model import Role, Roster, RosterEntry
from store.municipality_file import (
    CouncilEntry,
    MemberEntry,
    MunicipalityEntry,
    MunicipalityFile,
    PersonEntry,
    SchoolEntry,
    StaffEntry,
)

#: Councils per generated municipality (a large city has a few hundred schools).
COUNCILS_PER_MUNICIPALITY = 500

MEMBERS: tuple[tuple[str, Role], ...] = (
    ("chair", Role.CHAIR),
    ("m1", Role.MEMBER),
    ("m2", Role.MEMBER),
    ("m3", Role.MEMBER),
    ("principal", Role.PRINCIPAL),
    ("coord", Role.COORDINATOR),
)
STAFF: tuple[tuple[str, Role], ...] = (
    ("chief", Role.CHIEF_COORDINATOR),
    ("board", Role.BOARD_ADMIN),
)


def council_id(index: int) -> str:
    """The id of the ``index``-th generated council."""
    return f"bench-{index:05d}"


def municipality_id(index: int) -> str:
    """The id of the municipality holding the ``index``-th council."""
    return f"bench-m{index // COUNCILS_PER_MUNICIPALITY:03d}"


def member_id(index: int, seat: str) -> str:
    """The person sitting in ``seat`` (``chair``, ``m1`` …) of the ``index``-th council."""
    return f"{council_id(index)}-{seat}"


def staff_id(index: int, seat: str) -> str:
    """The municipality-wide staff person in ``seat`` for the ``index``-th council."""
    return f"{municipality_id(index)}-{seat}"


def roster(index: int) -> Roster:
    """The roster ``load_council`` reads for the ``index``-th council: members in file
    order, then the municipality's staff."""
    seats = [(member_id(index, s), r) for s, r in MEMBERS]
    seats += [(staff_id(index, s), r) for s, r in STAFF]
    return Roster(entries=tuple(RosterEntry(member_id=who, roles=(r,)) for who, r in seats))


def municipality_files(councils: int) -> Iterator[MunicipalityFile]:
    """Municipality files holding councils ``0 .. councils-1``."""
    for start in range(0, councils, COUNCILS_PER_MUNICIPALITY):
        indexes = range(start, min(start + COUNCILS_PER_MUNICIPALITY, councils))
        people = [PersonEntry(id=staff_id(start, s), name=f"ベンチ {s}") for s, _ in STAFF] + [
            PersonEntry(id=member_id(i, s), name=f"ベンチ {i} {s}")
            for i in indexes
            for s, _ in MEMBERS
        ]
        yield MunicipalityFile(
            municipality=MunicipalityEntry(
                id=municipality_id(start),
                name=f"ベンチ市{start // COUNCILS_PER_MUNICIPALITY}",
                prefecture="ベンチ県",
            ),
            schools=tuple(
                SchoolEntry(id=f"{council_id(i)}-s", name=f"ベンチ第{i}小学校") for i in indexes
            ),
            people=tuple(people),
            staff=tuple(StaffEntry(person=staff_id(start, s), role=r.value) for s, r in STAFF),
            councils=tuple(
                CouncilEntry(
                    id=council_id(i),
                    name=f"ベンチ第{i}小学校学校運営協議会",
                    schools=(f"{council_id(i)}-s",),
                    members=tuple(
                        MemberEntry(person=member_id(i, s), roles=(r.value,)) for s, r in MEMBERS
                    ),
                )
                for i in indexes
            ),
        )


def load(engine: Engine, councils: int) -> None:
    """Load ``councils`` generated councils, one transaction per municipality."""
    for data in municipality_files(councils):
        with store.session_scope(engine) as session:
            store.load_municipality(session, data)

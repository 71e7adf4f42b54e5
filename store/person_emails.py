"""One e-mail address, one person, across every municipality: the checks ``load`` makes
before it writes people, and the ``email_key`` it keeps (``domain.email_keys``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.email_keys import email_key
from store.errors import ConflictingId
from store.models import Person
from store.municipality_file import MunicipalityFile


def refuse_addresses_of_others(session: Session, data: MunicipalityFile) -> None:
    """``ConflictingId`` when a person of the file would get an address another stored
    person holds (in any municipality, compared by ``email_key``). The message names the
    file's entry only: neither the address nor who else holds it."""
    wanted = {email_key(p.email): i for i, p in enumerate(data.people) if p.email is not None}
    if not wanted:
        return
    in_file = {p.id for p in data.people}
    holders = session.execute(
        select(Person.id, Person.email_key).where(Person.email_key.in_(list(wanted)))
    ).all()
    # Addresses the 0010 migration found shared keep no key; they are compared here too.
    legacy = session.execute(
        select(Person.id, Person.email).where(Person.email_key.is_(None), Person.email.is_not(None))
    ).all()
    taken = [(pid, key) for pid, key in holders] + [
        (pid, email_key(e)) for pid, e in legacy if e is not None
    ]
    clashes = sorted(wanted[key] for pid, key in taken if key in wanted and pid not in in_file)
    if clashes:
        raise ConflictingId(
            f"people[{clashes[0]}].email: the address already belongs to another person "
            "(one address signs in one person only); nothing was loaded"
        )


def release_changing_email_keys(session: Session, data: MunicipalityFile) -> dict[str, str | None]:
    """The file's people's new ``email_key`` by id; the stored keys that change are cleared
    first (and flushed), so that two people of the file may swap addresses under the
    unique index."""
    keys = {p.id: None if p.email is None else email_key(p.email) for p in data.people}
    changing = session.scalars(
        select(Person).where(
            Person.id.in_(list(keys)), Person.municipality_id == data.municipality.id
        )
    ).all()
    released = False
    for row in changing:
        if row.email_key is not None and row.email_key != keys[row.id]:
            row.email_key = None
            released = True
    if released:
        session.flush()
    return keys

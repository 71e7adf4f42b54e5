"""Helpers shared by the repository modules."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Insert, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from store.models import Base


def table(model: type[Base]) -> Table:
    """The table of a mapped class, for plain (Core) statements."""
    return cast(Table, model.__table__)


def insert_once(session: Session, row: Base, already_there: Callable[[], bool]) -> bool:
    """Insert ``row`` unless its business key is taken; return whether it was inserted.

    A concurrent writer may insert the same key between our check and our insert; the
    unique constraint then rejects ours. Only that attempt is rolled back (a SAVEPOINT),
    and it counts as "already recorded" once ``already_there`` confirms the other row is
    visible; any other integrity error is a real error and propagates.
    """
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        if already_there():
            return False
        raise
    return True


def insert_new(
    session: Session,
    model: type[Base],
    rows: Sequence[Mapping[str, Any]],
    key: Sequence[InstrumentedAttribute[Any]],
    returning: InstrumentedAttribute[Any],
) -> list[Any]:
    """Insert every row of ``rows`` whose business ``key`` (a unique constraint) is not
    taken yet, in one statement; return ``returning`` of the rows inserted.

    ``INSERT … ON CONFLICT (key) DO NOTHING`` on both SQLite and PostgreSQL: a row that a
    retry or a concurrent writer inserted first is skipped without an error, while any
    other constraint (a foreign key, another unique key) still fails the statement. One
    statement instead of a check, a SAVEPOINT and an insert per row: the store activities
    were mostly this round trip (bench/README.md)."""
    if not rows:
        return []
    statement = _dialect_insert(session, model)
    statement = statement.on_conflict_do_nothing(index_elements=[c.key for c in key])
    # The rows as parameters, not as ``.values(rows)``: the statement then compiles once
    # and is cached, and SQLAlchemy still sends one INSERT for all of them
    # ("insertmanyvalues"). With the rows in the statement every call compiled it anew,
    # a third of the store's CPU in the benchmark's profile.
    return list(session.scalars(statement.returning(returning), list(rows)))


def _dialect_insert(session: Session, model: type[Base]) -> Any:
    # The table, not the mapped class: a plain Core insert skips the ORM's bulk machinery.
    dialect = session.get_bind().dialect.name
    insert: Callable[[Any], Insert]
    if dialect == "sqlite":
        insert = sqlite.insert
    elif dialect == "postgresql":
        insert = postgresql.insert
    else:  # pragma: no cover - make_engine accepts only these two
        raise ValueError(f"unsupported database dialect '{dialect}'")
    return insert(table(model))

"""Helpers shared by the repository modules."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.models import Base


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

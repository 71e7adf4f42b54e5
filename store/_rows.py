"""Helpers shared by the repository modules: idempotent inserts and time zones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

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


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC. SQLite hands back naive values, which the store wrote as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def maybe_utc(moment: datetime | None) -> datetime | None:
    """``as_utc`` for optional values."""
    return None if moment is None else as_utc(moment)

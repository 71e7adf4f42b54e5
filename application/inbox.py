"""The inbox of the person who asks: their notifications, and marking one read."""

from __future__ import annotations

from sqlalchemy.orm import Session

import store
from application.context import Context
from application.views import InboxEntry


def inbox(ctx: Context, person_id: str, unread_only: bool) -> list[InboxEntry]:
    """``person_id``'s notifications, newest first."""

    def read(session: Session) -> list[InboxEntry]:
        return [
            InboxEntry.model_validate(row.model_dump())
            for row in store.inbox(session, person_id, unread_only)
        ]

    return ctx.unit_of_work(read)


def mark_read(ctx: Context, person_id: str, notification_id: int) -> None:
    """Mark one of ``person_id``'s notifications as read."""
    ctx.unit_of_work(lambda session: store.mark_read(session, person_id, notification_id))

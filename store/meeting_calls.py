"""Meeting calls, their replies and the published public minutes: tables, projection, reads.

Projected from the cycle's accepted commands like the other read tables (plain statements
on the recording transaction's connection). Replies may be recorded out of order: the
reply of the later event wins. Published minutes are never updated except to mark a
version corrected; the closed part of a meeting never reaches ``public_minutes`` (it is
copied from the meeting's public minutes, or given by the correction).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import (
    JSON,
    Connection,
    Date,
    ForeignKey,
    Integer,
    Text,
    Time,
    UniqueConstraint,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from domain.events import CycleEvent
from domain.meeting_calls import (
    CallMeetingInput,
    CallReminderInput,
    CorrectMinutesInput,
    PostponeMeetingInput,
    PublishMinutesInput,
    ReplyToCallInput,
    reminder_time,
)
from store._rows import table
from store.models import ID, SHORT, TZ_DATETIME, Base, Cycle, MeetingRow


class MeetingCallRow(Base):
    """A called meeting (招集)."""

    __tablename__ = "meeting_calls"
    __table_args__ = (UniqueConstraint("cycle_id", "call_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))
    call_id: Mapped[str] = mapped_column(ID)
    called_by: Mapped[str] = mapped_column(ID)
    called_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    held_on: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[time] = mapped_column(Time)
    place: Mapped[str] = mapped_column(Text)
    agenda: Mapped[str] = mapped_column(Text)
    closed_part: Mapped[str] = mapped_column(Text)
    invitees: Mapped[list[Any]] = mapped_column(JSON)
    reminded_at: Mapped[datetime | None] = mapped_column(TZ_DATETIME)
    # How many times it was postponed (its calendar file's SEQUENCE) and when last.
    postponements: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    postponed_at: Mapped[datetime | None] = mapped_column(TZ_DATETIME)


class CallReplyRow(Base):
    """An invitee's latest reply to a call (出席 / 欠席 / 未定)."""

    __tablename__ = "meeting_call_replies"
    __table_args__ = (UniqueConstraint("cycle_id", "call_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))
    call_id: Mapped[str] = mapped_column(ID)
    member_id: Mapped[str] = mapped_column(ID)
    answer: Mapped[str] = mapped_column(SHORT)
    comment: Mapped[str] = mapped_column(Text)
    replied_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    event_seq: Mapped[int] = mapped_column(Integer)


class PublicMinutesRow(Base):
    """One published version of a meeting's public minutes; ``corrected_at`` is set when
    a later version corrects it (the page keeps showing it, marked 訂正)."""

    __tablename__ = "public_minutes"
    __table_args__ = (UniqueConstraint("cycle_id", "meeting_number", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))
    meeting_number: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    held_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    published_by: Mapped[str] = mapped_column(ID)
    published_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    reason: Mapped[str] = mapped_column(Text)
    corrected_at: Mapped[datetime | None] = mapped_column(TZ_DATETIME)
    corrected_by_version: Mapped[int | None] = mapped_column(Integer)


_CALLS, _REPLIES, _MINUTES = table(MeetingCallRow), table(CallReplyRow), table(PublicMinutesRow)
_MEETINGS = table(MeetingRow)

_FIND_REPLY = select(_REPLIES.c.id, _REPLIES.c.event_seq).where(
    _REPLIES.c.cycle_id == bindparam("cycle_id"),
    _REPLIES.c.call_id == bindparam("call_id"),
    _REPLIES.c.member_id == bindparam("member_id"),
)
_MEETING = select(_MEETINGS.c.held_on, _MEETINGS.c.minutes_public).where(
    _MEETINGS.c.cycle_id == bindparam("cycle_id"), _MEETINGS.c.number == bindparam("number")
)


def project_calls(connection: Connection, cycle_id: int, event: CycleEvent) -> None:
    """Write what a call, reply, reminder or publication ``event`` did."""
    command = event.command
    if isinstance(command, CallMeetingInput):
        invitees = next(n.recipients for n in event.notices if n.template == "meeting_call")
        connection.execute(
            insert(_CALLS),
            {
                "cycle_id": cycle_id,
                "call_id": command.call_id,
                "called_by": command.actor,
                "called_at": event.at,
                "held_on": command.held_on,
                "starts_at": command.starts_at,
                "place": command.place,
                "agenda": command.agenda,
                "closed_part": command.closed_part,
                "invitees": list(invitees),
                "reminded_at": None,
                "postponements": 0,
                "postponed_at": None,
            },
        )
    elif isinstance(command, ReplyToCallInput):
        _project_reply(connection, cycle_id, event, command)
    elif isinstance(command, CallReminderInput):
        connection.execute(
            update(_CALLS)
            .where(_CALLS.c.cycle_id == cycle_id, _CALLS.c.call_id == command.call_id)
            .values(reminded_at=event.at)
        )
    elif isinstance(command, PostponeMeetingInput):
        # As the rules moved it: replies kept, the reminder again before the new date.
        reminded = None if event.at < reminder_time(command.held_on) else event.at
        connection.execute(
            update(_CALLS)
            .where(_CALLS.c.cycle_id == cycle_id, _CALLS.c.call_id == command.call_id)
            .values(
                held_on=command.held_on,
                starts_at=command.starts_at,
                place=command.place,
                reminded_at=reminded,
                postponements=_CALLS.c.postponements + 1,
                postponed_at=event.at,
            )
        )
    elif isinstance(command, PublishMinutesInput):
        meeting = connection.execute(
            _MEETING, {"cycle_id": cycle_id, "number": command.meeting_number}
        ).one()
        _insert_version(connection, cycle_id, event, command.meeting_number, 1, meeting)
    elif isinstance(command, CorrectMinutesInput):
        _project_correction(connection, cycle_id, event, command)


def _project_reply(
    connection: Connection, cycle_id: int, event: CycleEvent, command: ReplyToCallInput
) -> None:
    key = {"cycle_id": cycle_id, "call_id": command.call_id, "member_id": command.actor}
    values = {
        "answer": command.answer.value,
        "comment": command.comment,
        "replied_at": event.at,
        "event_seq": event.seq,
    }
    found = connection.execute(_FIND_REPLY, key).first()
    if found is None:
        connection.execute(insert(_REPLIES), {**key, **values})
    elif found.event_seq < event.seq:
        connection.execute(update(_REPLIES).where(_REPLIES.c.id == found.id).values(values))


def _insert_version(
    connection: Connection,
    cycle_id: int,
    event: CycleEvent,
    number: int,
    version: int,
    meeting: Any,
    text: str | None = None,
    reason: str = "",
) -> None:
    connection.execute(
        insert(_MINUTES),
        {
            "cycle_id": cycle_id,
            "meeting_number": number,
            "version": version,
            "held_on": meeting.held_on,
            "text": meeting.minutes_public if text is None else text,
            "published_by": event.actor,
            "published_at": event.at,
            "reason": reason,
            "corrected_at": None,
            "corrected_by_version": None,
        },
    )


def _project_correction(
    connection: Connection, cycle_id: int, event: CycleEvent, command: CorrectMinutesInput
) -> None:
    # The rules describe a correction as "v<old>" → "v<new>".
    change = next(c for c in event.changes if c.field == f"minutes:{command.meeting_number}")
    old, new = int((change.before or "v0")[1:]), int((change.after or "v0")[1:])
    meeting = connection.execute(
        _MEETING, {"cycle_id": cycle_id, "number": command.meeting_number}
    ).one()
    connection.execute(
        update(_MINUTES)
        .where(
            _MINUTES.c.cycle_id == cycle_id,
            _MINUTES.c.meeting_number == command.meeting_number,
            _MINUTES.c.version == old,
        )
        .values(corrected_at=event.at, corrected_by_version=new)
    )
    _insert_version(
        connection,
        cycle_id,
        event,
        command.meeting_number,
        new,
        meeting,
        text=command.text,
        reason=command.reason,
    )


# --- reads --------------------------------------------------------------------------


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True)


class ReplyView(_Row):
    """One reply as the call's page shows it (member ids; the page adds names)."""

    member_id: str
    answer: str
    comment: str
    replied_at: datetime


class CallView(_Row):
    """A call with its replies, as recorded."""

    call_id: str
    called_by: str
    called_at: datetime
    held_on: date
    starts_at: time
    place: str
    agenda: str
    closed_part: str
    invitees: tuple[str, ...]
    reminded_at: datetime | None
    replies: tuple[ReplyView, ...]
    #: How many times the meeting was postponed, and when last (``None`` if never).
    postponements: int = 0
    postponed_at: datetime | None = None


class PublishedMinutes(_Row):
    """One published version of public minutes."""

    meeting_number: int
    version: int
    held_on: date
    text: str
    published_at: datetime
    reason: str
    corrected_at: datetime | None
    corrected_by_version: int | None


def _cycle_id(council_id: str, fiscal_year: int) -> Any:
    return (
        select(Cycle.id)
        .where(Cycle.council_id == council_id, Cycle.fiscal_year == fiscal_year)
        .scalar_subquery()
    )


def calls(session: Session, council_id: str, fiscal_year: int) -> list[CallView]:
    """Every call of the council's cycle of ``fiscal_year``, by meeting date, with replies."""
    cycle = _cycle_id(council_id, fiscal_year)
    rows = session.execute(
        select(MeetingCallRow)
        .where(MeetingCallRow.cycle_id == cycle)
        .order_by(MeetingCallRow.held_on, MeetingCallRow.call_id)
    ).scalars()
    replies: dict[str, list[ReplyView]] = {}
    for reply in session.execute(
        select(CallReplyRow).where(CallReplyRow.cycle_id == cycle).order_by(CallReplyRow.id)
    ).scalars():
        replies.setdefault(reply.call_id, []).append(
            ReplyView(
                member_id=reply.member_id,
                answer=reply.answer,
                comment=reply.comment,
                replied_at=reply.replied_at,
            )
        )
    return [
        CallView(
            call_id=r.call_id,
            called_by=r.called_by,
            called_at=r.called_at,
            held_on=r.held_on,
            starts_at=r.starts_at,
            place=r.place,
            agenda=r.agenda,
            closed_part=r.closed_part,
            invitees=tuple(r.invitees),
            reminded_at=r.reminded_at,
            replies=tuple(replies.get(r.call_id, ())),
            postponements=r.postponements,
            postponed_at=r.postponed_at,
        )
        for r in rows
    ]


def published_minutes(
    session: Session, council_id: str, fiscal_year: int
) -> list[PublishedMinutes]:
    """Every published version of the cycle's public minutes, by meeting then version."""
    rows = session.execute(
        select(PublicMinutesRow)
        .where(PublicMinutesRow.cycle_id == _cycle_id(council_id, fiscal_year))
        .order_by(PublicMinutesRow.meeting_number, PublicMinutesRow.version)
    ).scalars()
    return [
        PublishedMinutes(
            meeting_number=r.meeting_number,
            version=r.version,
            held_on=r.held_on,
            text=r.text,
            published_at=r.published_at,
            reason=r.reason,
            corrected_at=r.corrected_at,
            corrected_by_version=r.corrected_by_version,
        )
        for r in rows
    ]

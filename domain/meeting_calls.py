"""Meeting calls with replies (招集と出欠) and the minutes the public reads: the words.

Pure data and pure functions, importing nothing of the cycle's state (``domain.model``
imports this module for the state's fields; the rules live in
``domain.meeting_call_rules``). The chair, or the coordinator on the chair's behalf,
calls a meeting; every invitee replies 出席 / 欠席 / 未定 with a comment and may change the
reply until the meeting; two days before, the invitees who have not replied are reminded
once. After the meeting is recorded, its public minutes stay a draft until the chair
publishes them; a published version is never edited, only corrected by a new version that
keeps the old one visible as corrected (訂正).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from domain.base import CommandInput, Frozen, Role
from domain.japan_time import JAPAN
from domain.text_rules import MultiLineStr, OneLineStr
from i18n.catalogue import Texts

#: Days before the meeting that invitees without a reply are reminded (once).
REMIND_DAYS_BEFORE = 2
#: The hour (JST) reminders go out, as the deadline alerts do.
REMIND_HOUR = 9

#: Who is called: the council's members (chair included) and the principal. A
#: coordinator who sits on the council also holds the member role.
INVITED_ROLES: tuple[Role, ...] = (Role.CHAIR, Role.MEMBER, Role.PRINCIPAL)
#: Who may call a meeting: the chair, or the coordinator on the chair's behalf.
CALLER_ROLES: frozenset[Role] = frozenset({Role.CHAIR, Role.COORDINATOR})

# Bounds of every free-text field.
PLACE_MAX = 200
AGENDA_MAX = 4000
CLOSED_PART_MAX = 1000
COMMENT_MAX = 500
MINUTES_MAX = 20_000
REASON_MAX = 1000

ActorId = Annotated[str, Field(min_length=1, max_length=64)]
CallId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class Answer(StrEnum):
    """A reply to a meeting call."""

    ATTEND = "attend"  # 出席
    ABSENT = "absent"  # 欠席
    UNDECIDED = "undecided"  # 未定


#: The answers' names people read ("出席" ...): the catalogue's ``"answer"`` context.
ANSWER_NAMES = Texts("answer")


class CallReply(Frozen):
    """One invitee's latest reply."""

    member_id: str
    answer: Answer
    comment: str = ""
    at: datetime


class MeetingCall(Frozen):
    """A called meeting and the replies so far. Replaced, never edited, on each change."""

    call_id: str
    called_by: str
    called_at: datetime
    held_on: date
    starts_at: time
    place: str
    agenda: str
    # Which part of the meeting is held closed (非公開): never shown to the public.
    closed_part: str = ""
    invitees: tuple[str, ...]
    replies: tuple[CallReply, ...] = ()
    reminded_at: datetime | None = None

    def reply_of(self, member_id: str) -> CallReply | None:
        """``member_id``'s reply, if any."""
        return next((r for r in self.replies if r.member_id == member_id), None)

    def not_replied(self) -> tuple[str, ...]:
        """Invitees without a reply, in invitation order."""
        replied = {r.member_id for r in self.replies}
        return tuple(m for m in self.invitees if m not in replied)

    def attending(self) -> tuple[str, ...]:
        """Invitees who replied 出席, in invitation order."""
        yes = {r.member_id for r in self.replies if r.answer is Answer.ATTEND}
        return tuple(m for m in self.invitees if m in yes)

    def starts(self) -> datetime:
        """When the meeting starts, as an aware UTC time (the call's time is JST)."""
        return datetime.combine(self.held_on, self.starts_at, tzinfo=JAPAN).astimezone(UTC)

    def reminder_at(self) -> datetime:
        """When the invitees without a reply are reminded: two days before, 09:00 JST."""
        return reminder_time(self.held_on)


def reminder_time(held_on: date) -> datetime:
    """When the invitees of a meeting on ``held_on`` who have not replied are reminded:
    two days before, 09:00 JST."""
    day = held_on - timedelta(days=REMIND_DAYS_BEFORE)
    return datetime.combine(day, time(hour=REMIND_HOUR), tzinfo=JAPAN).astimezone(UTC)


class CallReminder(Frozen):
    """The reminder the cycle should send next: which call, and when."""

    call_id: str
    at: datetime


def pending_call_reminder(calls: list[MeetingCall]) -> CallReminder | None:
    """The earliest reminder not yet sent; none for a call made after its reminder time
    (everyone has just been called). A reminder the cycle only gets to after the meeting
    began (it was paused, say) is still recorded, and tells nobody."""
    due = [
        CallReminder(call_id=c.call_id, at=c.reminder_at())
        for c in calls
        if c.reminded_at is None and c.called_at < c.reminder_at()
    ]
    return min(due, key=lambda r: (r.at, r.call_id), default=None)


class QuorumForecast(Frozen):
    """What the replies say about the quorum: voting members who will attend, against
    how many vote; ``met`` applies the council's quorum rule to those attending."""

    eligible: int
    attending: int
    absent: int
    undecided: int
    not_replied: int
    met: bool


class MeetingRecordDraft(Frozen):
    """What recording a called meeting starts from: the call's date and the invitees who
    replied 出席 (possibly none: the form then asks for attendance)."""

    call_id: str
    held_on: date
    attendance: tuple[str, ...]


def reply_path(council_id: str, fiscal_year: int, call_id: str) -> str:
    """The console page (below ``CONSOLE_BASE_URL``) where an invitee replies."""
    return f"/councils/{council_id}/{fiscal_year}/calls/{call_id}"


class MinutesVersion(Frozen):
    """One published version of a meeting's public minutes (never the closed part).
    ``corrected_at`` is set when a later version corrects it; it stays visible."""

    meeting_number: int
    version: int
    text: str
    published_by: str
    published_at: datetime
    reason: str = ""  # why this version corrects the one before ("" for the first)
    corrected_at: datetime | None = None


# --- commands ---------------------------------------------------------------------


class CallMeetingInput(Frozen):
    """The chair (or the coordinator on the chair's behalf) calls a meeting."""

    kind: Literal["call_meeting"] = "call_meeting"
    actor: ActorId
    call_id: CallId
    held_on: date
    starts_at: time
    place: OneLineStr = Field(min_length=1, max_length=PLACE_MAX)
    agenda: MultiLineStr = Field(min_length=1, max_length=AGENDA_MAX)
    closed_part: MultiLineStr = Field(default="", max_length=CLOSED_PART_MAX)


class ReplyToCallInput(Frozen):
    """An invitee replies 出席 / 欠席 / 未定, with a comment; changeable until the meeting."""

    kind: Literal["reply_to_call"] = "reply_to_call"
    actor: ActorId
    call_id: CallId
    answer: Answer
    comment: MultiLineStr = Field(default="", max_length=COMMENT_MAX)


class CallReminderInput(Frozen):
    """Not sent by people: the record of the reminder the cycle sent for a call."""

    kind: Literal["call_reminder"] = "call_reminder"
    actor: ActorId
    call_id: CallId


class PublishMinutesInput(Frozen):
    """The chair publishes a recorded meeting's public minutes (the draft until now)."""

    kind: Literal["publish_minutes"] = "publish_minutes"
    actor: ActorId
    meeting_number: int = Field(ge=1)


class CorrectMinutesInput(Frozen):
    """The chair corrects published minutes: a new version; the old stays, as corrected."""

    kind: Literal["correct_minutes"] = "correct_minutes"
    actor: ActorId
    meeting_number: int = Field(ge=1)
    text: MultiLineStr = Field(min_length=1, max_length=MINUTES_MAX)
    reason: MultiLineStr = Field(min_length=1, max_length=REASON_MAX)


class PostponeMeetingInput(CommandInput):
    """The chair (or the coordinator on the chair's behalf) postpones (延期) a called
    meeting that has not begun to a later date and time, and perhaps another place, with
    a reason. Every invitee is told; replies are kept (each may change theirs until the
    new start), and the reminder is sent again two days before the new date."""

    kind: Literal["postpone_meeting"] = "postpone_meeting"
    call_id: CallId
    held_on: date
    starts_at: time
    place: OneLineStr = Field(min_length=1, max_length=PLACE_MAX)
    reason: MultiLineStr = Field(min_length=1, max_length=REASON_MAX)

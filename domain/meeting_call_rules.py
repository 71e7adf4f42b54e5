"""The rules of meeting calls and public minutes: one handler per command, plus the reads
the pages need (the expected quorum, the meeting record pre-filled from the replies).

Handlers mutate the draft state they are given and return (changes, notices), like
``domain.cycle_handlers``; ``domain.rules`` checks the actor's role and the step first.
Changes name no person's words: comments and minutes stay in the command (the store's
audit keeps it), the change says only what kind of thing moved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from domain.base import Role, Step
from domain.commands import Command
from domain.events import Change, Notice
from domain.meeting_calls import (
    CALLER_ROLES,
    INVITED_ROLES,
    Answer,
    CallMeetingInput,
    CallReminder,
    CallReminderInput,
    CallReply,
    CorrectMinutesInput,
    MeetingCall,
    MeetingRecordDraft,
    MinutesVersion,
    PublishMinutesInput,
    QuorumForecast,
    ReplyToCallInput,
    reply_path,
)
from domain.model import CycleState, Meeting, Roster, VoteRule
from domain.refusals import Refusal

Effects = tuple[tuple[Change, ...], tuple[Notice, ...]]

CALL_PERMISSIONS: dict[str, frozenset[Role]] = {
    "call_meeting": CALLER_ROLES,
    "reply_to_call": frozenset(INVITED_ROLES),
    "call_reminder": frozenset(),  # sent by the cycle itself
    "publish_minutes": frozenset({Role.CHAIR}),
    "correct_minutes": frozenset({Role.CHAIR}),
}
#: Every one of them at any open step.
CALL_STEPS: dict[str, Step | None] = dict.fromkeys(CALL_PERMISSIONS)


def find_call(state: CycleState, call_id: str) -> MeetingCall:
    """The call ``call_id``; ``Refusal`` when there is none."""
    for call in state.calls:
        if call.call_id == call_id:
            return call
    raise Refusal("unknown_call", call_id=call_id)


def _replace_call(state: CycleState, call: MeetingCall) -> None:
    state.calls = [call if c.call_id == call.call_id else c for c in state.calls]


def _call_params(state: CycleState, call: MeetingCall) -> dict[str, str]:
    return {
        "call_id": call.call_id,
        "held_on": call.held_on.isoformat(),
        "starts_at": call.starts_at.strftime("%H:%M"),
        "reply_path": reply_path(state.council_id, state.fiscal_year, call.call_id),
    }


def _call_meeting(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, CallMeetingInput)
    if any(c.call_id == cmd.call_id for c in state.calls):
        raise Refusal("call_exists", call_id=cmd.call_id)
    call = MeetingCall(
        call_id=cmd.call_id,
        called_by=cmd.actor,
        called_at=at,
        held_on=cmd.held_on,
        starts_at=cmd.starts_at,
        place=cmd.place,
        agenda=cmd.agenda,
        closed_part=cmd.closed_part,
        invitees=state.roster.holders_of(*INVITED_ROLES),
    )
    if call.starts() <= at:
        raise Refusal("call_in_past", starts=f"{cmd.held_on} {call.starts_at:%H:%M}")
    state.calls.append(call)
    notice = Notice(
        template="meeting_call", recipients=call.invitees, params=_call_params(state, call)
    )
    return (Change(field=f"call:{call.call_id}", before=None, after="called"),), (notice,)


def _reply_to_call(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, ReplyToCallInput)
    call = find_call(state, cmd.call_id)
    if cmd.actor not in call.invitees:
        raise Refusal("not_invited", actor=cmd.actor)
    if at >= call.starts():
        raise Refusal("call_started", starts=f"{call.held_on} {call.starts_at:%H:%M}")
    before = call.reply_of(cmd.actor)
    reply = CallReply(member_id=cmd.actor, answer=cmd.answer, comment=cmd.comment, at=at)
    others = tuple(r for r in call.replies if r.member_id != cmd.actor)
    _replace_call(state, call.model_copy(update={"replies": (*others, reply)}))
    change = Change(
        field=f"reply:{call.call_id}:{cmd.actor}",
        before=None if before is None else before.answer.value,
        after=cmd.answer.value,
    )
    return (change,), ()


def _call_reminder(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, CallReminderInput)
    call = find_call(state, cmd.call_id)
    _replace_call(state, call.model_copy(update={"reminded_at": at}))
    # A reminder the cycle woke up for only after the meeting began tells nobody.
    missing = call.not_replied() if at < call.starts() else ()
    change = Change(field=f"call:{call.call_id}", before="called", after="reminded")
    if not missing:
        return (change,), ()
    notice = Notice(
        template="meeting_call_reminder", recipients=missing, params=_call_params(state, call)
    )
    return (change,), (notice,)


def call_reminder_command(reminder: CallReminder, actor: str) -> CallReminderInput:
    """The record of the reminder ``reminder`` as the cycle's own command."""
    return CallReminderInput(actor=actor, call_id=reminder.call_id)


def _minutes_of(state: CycleState, number: int) -> list[MinutesVersion]:
    return [v for v in state.public_minutes if v.meeting_number == number]


def first_version(
    meetings: Sequence[Meeting],
    published: Sequence[MinutesVersion],
    cmd: PublishMinutesInput,
    at: datetime,
) -> MinutesVersion:
    """The first published version of a meeting's public minutes: the meeting must be
    recorded, with public minutes, and not yet published (``Refusal`` otherwise)."""
    number = cmd.meeting_number
    meeting = next((m for m in meetings if m.number == number), None)
    if meeting is None:
        raise Refusal("unknown_meeting", number=str(number))
    if any(v.meeting_number == number for v in published):
        raise Refusal("minutes_published", number=str(number))
    if not meeting.minutes_public.strip():
        raise Refusal("no_public_minutes", number=str(number))
    # Only the public part: the closed minutes never leave the meeting record.
    return MinutesVersion(
        meeting_number=number,
        version=1,
        text=meeting.minutes_public,
        published_by=cmd.actor,
        published_at=at,
    )


def next_version(
    published: Sequence[MinutesVersion], cmd: CorrectMinutesInput, at: datetime
) -> tuple[MinutesVersion, MinutesVersion]:
    """A correction of published minutes: the new version, and the latest one marked
    corrected (``Refusal`` when the meeting's minutes were never published)."""
    versions = [v for v in published if v.meeting_number == cmd.meeting_number]
    if not versions:
        raise Refusal("minutes_not_published", number=str(cmd.meeting_number))
    latest = versions[-1]
    new = MinutesVersion(
        meeting_number=cmd.meeting_number,
        version=latest.version + 1,
        text=cmd.text,
        published_by=cmd.actor,
        published_at=at,
        reason=cmd.reason,
    )
    return new, latest.model_copy(update={"corrected_at": at})


#: Who publishes and corrects minutes, in the year and after it.
MINUTES_ROLES = frozenset({Role.CHAIR})


def minutes_after_close(
    step: Step,
    roles: frozenset[Role],
    meetings: Sequence[Meeting],
    published: Sequence[MinutesVersion],
    cmd: PublishMinutesInput | CorrectMinutesInput,
    at: datetime,
) -> tuple[MinutesVersion, MinutesVersion | None]:
    """Publishing or correcting minutes once the year is closed (a legal duty that often
    falls after the year): the same rules as in the cycle — the council's chair
    (``roles``: the actor's roles on the council now), a recorded meeting, not yet
    published (or, to correct, published). Returns the new version and the version it
    corrects. Only for a closed year: an open year's cycle decides itself."""
    if step is not Step.CLOSED:
        raise Refusal("wrong_step", current=step.value, action=cmd.kind, expected="closed")
    if not roles & MINUTES_ROLES:
        raise Refusal("role_required", actor=cmd.actor, action=cmd.kind, roles="chair")
    if isinstance(cmd, PublishMinutesInput):
        return first_version(meetings, published, cmd, at), None
    return next_version(published, cmd, at)


def _publish_minutes(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, PublishMinutesInput)
    version = first_version(state.meetings, state.public_minutes, cmd, at)
    state.public_minutes.append(version)
    return (Change(field=f"minutes:{cmd.meeting_number}", before="draft", after="v1"),), ()


def _correct_minutes(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, CorrectMinutesInput)
    number = cmd.meeting_number
    new, corrected = next_version(state.public_minutes, cmd, at)
    latest = _minutes_of(state, number)[-1]
    state.public_minutes = [corrected if v is latest else v for v in state.public_minutes]
    state.public_minutes.append(new)
    change = Change(field=f"minutes:{number}", before=f"v{latest.version}", after=f"v{new.version}")
    return (change,), ()


CALL_HANDLERS: dict[str, Callable[[CycleState, Command, datetime], Effects]] = {
    "call_meeting": _call_meeting,
    "reply_to_call": _reply_to_call,
    "call_reminder": _call_reminder,
    "publish_minutes": _publish_minutes,
    "correct_minutes": _correct_minutes,
}


# --- reads for the pages ------------------------------------------------------------


def quorum_forecast(call: MeetingCall, roster: Roster, rule: VoteRule) -> QuorumForecast:
    """The expected quorum: the council's voting members who replied 出席, against the
    quorum rule of its votes (the same rule a vote is counted by)."""
    voters = set(roster.voters())
    answers = {r.member_id: r.answer for r in call.replies if r.member_id in voters}
    attending = sum(1 for a in answers.values() if a is Answer.ATTEND)
    return QuorumForecast(
        eligible=len(voters),
        attending=attending,
        absent=sum(1 for a in answers.values() if a is Answer.ABSENT),
        undecided=sum(1 for a in answers.values() if a is Answer.UNDECIDED),
        not_replied=len(voters) - len(answers),
        met=rule.quorum.met(attending, len(voters)),
    )


def meeting_record_draft(call: MeetingCall) -> MeetingRecordDraft:
    """The meeting record a call starts: its date, and attendance pre-filled with those
    who replied 出席 (the person recording corrects it to who really came)."""
    return MeetingRecordDraft(
        call_id=call.call_id, held_on=call.held_on, attendance=call.attending()
    )

"""What a meeting call's page shows, read from the store: the call, every invitee with
their reply (or none yet), the expected quorum, and the meeting record it starts.

The rules that decide these numbers are the domain's (``domain.meeting_call_rules``), fed
with the call as the store recorded it, so the page and the cycle cannot disagree. The
console's reply form sends ``ReplyToCallInput`` through ``application.cycles.send``; the
actor is who signed in.
"""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

import store
from application.context import Context
from application.permissions import require_council_reader
from domain.meeting_call_rules import meeting_record_draft, quorum_forecast
from domain.meeting_calls import (
    ANSWER_NAMES,
    Answer,
    CallReply,
    MeetingCall,
    MeetingRecordDraft,
    QuorumForecast,
    reply_path,
)
from store.errors import NotFound
from store.meeting_calls import CallView, calls


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class InviteeLine(_Model):
    """One invitee on the call's page."""

    member_id: str
    name: str
    answer: Answer | None
    answer_ja: str
    comment: str
    replied_at: datetime | None


class CallPage(_Model):
    """The call's page: details, replies, expected quorum, and the record it starts."""

    council_id: str
    fiscal_year: int
    call_id: str
    held_on: date
    starts_at: time
    place: str
    agenda: str
    #: Shown to the council only; the public pages never carry it.
    closed_part: str
    invitees: tuple[InviteeLine, ...]
    not_replied: int
    reminded_at: datetime | None
    quorum: QuorumForecast
    record_draft: MeetingRecordDraft
    path: str


def as_meeting_call(view: CallView) -> MeetingCall:
    """The domain's call, rebuilt from the store's record of it."""
    return MeetingCall(
        call_id=view.call_id,
        called_by=view.called_by,
        called_at=view.called_at,
        held_on=view.held_on,
        starts_at=view.starts_at,
        place=view.place,
        agenda=view.agenda,
        closed_part=view.closed_part,
        invitees=view.invitees,
        replies=tuple(
            CallReply(
                member_id=r.member_id, answer=Answer(r.answer), comment=r.comment, at=r.replied_at
            )
            for r in view.replies
        ),
        reminded_at=view.reminded_at,
    )


def call_page(session: Session, council_id: str, fiscal_year: int, call_id: str) -> CallPage:
    """The page of call ``call_id``; ``NotFound`` when the cycle has no such call."""
    view = next((c for c in calls(session, council_id, fiscal_year) if c.call_id == call_id), None)
    if view is None:
        raise NotFound(f"招集 '{call_id}' はありません")
    call = as_meeting_call(view)
    setup = store.council_setup(session, council_id)
    names = store.person_names(session, list(call.invitees))
    lines = []
    for member in call.invitees:
        reply = call.reply_of(member)
        lines.append(
            InviteeLine(
                member_id=member,
                name=names.get(member, member),
                answer=None if reply is None else reply.answer,
                answer_ja=ANSWER_NAMES.text("unanswered" if reply is None else reply.answer, "ja"),
                comment="" if reply is None else reply.comment,
                replied_at=None if reply is None else reply.at,
            )
        )
    return CallPage(
        council_id=council_id,
        fiscal_year=fiscal_year,
        call_id=call_id,
        held_on=call.held_on,
        starts_at=call.starts_at,
        place=call.place,
        agenda=call.agenda,
        closed_part=call.closed_part,
        invitees=tuple(lines),
        not_replied=len(call.not_replied()),
        reminded_at=call.reminded_at,
        quorum=quorum_forecast(call, setup.roster, setup.vote_rule),
        record_draft=meeting_record_draft(call),
        path=reply_path(council_id, fiscal_year, call_id),
    )


def call_calendar(ctx: Context, council_id: str, fiscal_year: int, call_id: str) -> bytes:
    """The call's ``.ics`` (``activities.ics``) for whoever may read the council's cycle;
    ``NotFound`` when the cycle has no such call."""
    from activities.ics import call_ics

    def read(session: Session) -> bytes:
        require_council_reader(session, ctx.principal, council_id)
        found = call_ics(session, council_id, fiscal_year, call_id, ctx.config.console_base_url)
        if found is None:
            raise NotFound(f"招集 '{call_id}' はありません")
        return found

    return ctx.unit_of_work(read)

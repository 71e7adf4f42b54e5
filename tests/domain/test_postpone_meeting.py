"""Postponing a called meeting (延期), decided by the rules: the call moves to a later
start, every invitee is told, replies stay, the reminder is planned for the new date;
an earlier start, a begun meeting or an unknown call is refused and nothing moves."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from domain.japan_time import JAPAN
from domain.meeting_calls import (
    Answer,
    CallMeetingInput,
    PostponeMeetingInput,
    ReplyToCallInput,
    pending_call_reminder,
    reminder_time,
)
from domain.model import CycleState
from domain.refusals import Refusal
from domain.rules import execute
from tests.domain.builders import at, fresh

HELD_ON = date(2026, 4, 20)
LATER = date(2026, 4, 27)


def _called() -> CycleState:
    call = CallMeetingInput(
        actor="chair", call_id="k1", held_on=HELD_ON, starts_at=time(18, 30),
        place="会議室", agenda="目指す子ども像",
    )  # fmt: skip
    state = execute(fresh(), call, at(1)).state
    reply = ReplyToCallInput(actor="m1", call_id="k1", answer=Answer.ABSENT)
    return execute(state, reply, at(2)).state


def _postpone(day: date, call_id: str = "k1", actor: str = "chair") -> PostponeMeetingInput:
    return PostponeMeetingInput(
        actor=actor, call_id=call_id, held_on=day, starts_at=time(18, 30), place="体育館",
        reason="台風の接近",
    )  # fmt: skip


def test_a_postponed_call_moves_tells_everyone_and_keeps_replies() -> None:
    state = _called()
    decision = execute(state, _postpone(LATER, actor="coord"), at(3))
    [call] = decision.state.calls
    assert (call.held_on, call.place, call.reminded_at) == (LATER, "体育館", None)
    assert [(r.member_id, r.answer) for r in call.replies] == [("m1", Answer.ABSENT)]
    [notice] = decision.event.notices
    assert notice.template == "meeting_call_postponed" and notice.recipients == call.invitees
    assert (notice.params["held_on"], notice.params["was_held_on"]) == ("2026-04-27", "2026-04-20")
    assert notice.params["reason"] == "台風の接近"
    reminder = pending_call_reminder(decision.state.calls)
    assert reminder is not None and reminder.at == reminder_time(LATER)


def test_a_postponement_after_the_new_reminder_time_sends_no_reminder_later() -> None:
    state = _called()
    # The day before the meeting, moved by a day: the new reminder time (two days before
    # the new date, 09:00) has passed; the notice itself tells everyone.
    now = datetime(2026, 4, 19, 12, 0, tzinfo=JAPAN)
    decision = execute(state, _postpone(HELD_ON + timedelta(days=1)), now)
    assert decision.state.calls[0].reminded_at == now
    assert pending_call_reminder(decision.state.calls) is None


@pytest.mark.parametrize(
    ("command", "minutes", "code"),
    [
        (_postpone(HELD_ON), 3, "postpone_not_later"),
        (_postpone(HELD_ON - timedelta(days=1)), 3, "postpone_not_later"),
        (_postpone(LATER, call_id="k9"), 3, "unknown_call"),
        (_postpone(LATER, actor="m1"), 3, "role_required"),
        (_postpone(LATER), 60 * 24 * 30, "call_started"),
    ],
)
def test_what_cannot_be_postponed(command: PostponeMeetingInput, minutes: int, code: str) -> None:
    state = _called()
    with pytest.raises(Refusal) as refused:
        execute(state, command, at(minutes))
    assert refused.value.code == code

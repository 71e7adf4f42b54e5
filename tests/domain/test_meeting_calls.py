"""Meeting calls, replies, the reminder plan and public minutes, decided by the rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from pydantic import ValidationError

from domain.commands import PauseCycleInput, RecordMeetingInput
from domain.meeting_call_rules import meeting_record_draft, quorum_forecast
from domain.meeting_calls import (
    COMMENT_MAX,
    Answer,
    CallMeetingInput,
    CorrectMinutesInput,
    PublishMinutesInput,
    ReplyToCallInput,
    pending_call_reminder,
)
from domain.model import CycleState
from domain.refusals import Refusal
from domain.rules import execute, fire_call_reminder
from tests.domain.builders import at, fresh

HELD_ON = date(2026, 4, 20)


def _call(state: CycleState, actor: str = "chair", call_id: str = "k1") -> CycleState:
    command = CallMeetingInput(
        actor=actor,
        call_id=call_id,
        held_on=HELD_ON,
        starts_at=time(18, 30),
        place="会議室",
        agenda="目指す子ども像",
        closed_part="個別の児童の支援",
    )
    return execute(state, command, at(1)).state


def _reply(state: CycleState, who: str, answer: Answer, minutes: int = 2) -> CycleState:
    command = ReplyToCallInput(actor=who, call_id="k1", answer=answer, comment="よろしく")
    return execute(state, command, at(minutes)).state


def test_a_call_invites_members_and_principal_with_the_reply_link() -> None:
    decision = execute(
        fresh(),
        CallMeetingInput(
            actor="coord",
            call_id="k1",
            held_on=HELD_ON,
            starts_at=time(18, 30),
            place="会議室",
            agenda="議題",
        ),
        at(1),
    )
    [call] = decision.state.calls
    assert call.invitees == ("chair", "m1", "m2", "m3", "m4", "principal", "coord-member")
    [notice] = decision.event.notices
    assert notice.template == "meeting_call" and notice.recipients == call.invitees
    assert notice.params["reply_path"] == "/councils/council-a/2026/calls/k1"


def test_who_may_call_and_reply() -> None:
    with pytest.raises(Refusal) as refused:
        _call(fresh(), actor="m1")
    assert refused.value.code == "role_required"
    state = _call(fresh())
    with pytest.raises(Refusal) as refused:
        _call(state)
    assert refused.value.code == "call_exists"
    with pytest.raises(Refusal) as refused:
        _reply(state, "chief", Answer.ATTEND)
    assert refused.value.code in ("role_required", "not_invited")


def test_a_reply_changes_until_the_meeting_and_not_after() -> None:
    state = _reply(_call(fresh()), "m1", Answer.UNDECIDED)
    state = _reply(state, "m1", Answer.ATTEND, minutes=3)
    [call] = state.calls
    assert [(r.member_id, r.answer) for r in call.replies] == [("m1", Answer.ATTEND)]
    after = call.starts() + timedelta(minutes=1)
    with pytest.raises(Refusal) as refused:
        execute(state, ReplyToCallInput(actor="m2", call_id="k1", answer=Answer.ABSENT), after)
    assert refused.value.code == "call_started"
    with pytest.raises(ValidationError):
        ReplyToCallInput(
            actor="m2", call_id="k1", answer=Answer.ABSENT, comment="x" * (COMMENT_MAX + 1)
        )


def test_a_call_in_the_past_is_refused() -> None:
    command = CallMeetingInput(
        actor="chair", call_id="k1", held_on=date(2026, 3, 1), starts_at=time(10),
        place="会議室", agenda="議題",
    )  # fmt: skip
    with pytest.raises(Refusal) as refused:
        execute(fresh(), command, at(1))
    assert refused.value.code == "call_in_past"


def test_the_reminder_goes_two_days_before_to_those_without_a_reply_once() -> None:
    state = _call(fresh())
    for who in ("chair", "m1", "m2", "m3", "m4", "coord-member"):
        state = _reply(state, who, Answer.ATTEND)
    reminder = pending_call_reminder(state.calls)
    assert reminder is not None
    # 2026-04-18 09:00 JST.
    assert reminder.at == datetime(2026, 4, 18, 0, 0, tzinfo=UTC)
    decision = fire_call_reminder(state, reminder, reminder.at)
    [notice] = decision.event.notices
    assert notice.template == "meeting_call_reminder" and notice.recipients == ("principal",)
    assert pending_call_reminder(decision.state.calls) is None


def test_no_reminder_for_a_call_made_within_two_days_and_none_after_the_start() -> None:
    late = CallMeetingInput(
        actor="chair", call_id="k1", held_on=HELD_ON, starts_at=time(18, 30),
        place="会議室", agenda="議題",
    )  # fmt: skip
    called = execute(fresh(), late, datetime(2026, 4, 19, tzinfo=UTC)).state
    assert pending_call_reminder(called.calls) is None
    state = _call(fresh())
    reminder = pending_call_reminder(state.calls)
    assert reminder is not None
    woke_late = fire_call_reminder(state, reminder, state.calls[0].starts() + timedelta(hours=1))
    assert woke_late.event.notices == ()


def test_the_expected_quorum_and_the_record_pre_filled_from_the_replies() -> None:
    state = _call(fresh())
    for who, answer in (("chair", Answer.ATTEND), ("m1", Answer.ATTEND), ("m2", Answer.ABSENT),
                        ("m3", Answer.ATTEND), ("principal", Answer.ATTEND)):  # fmt: skip
        state = _reply(state, who, answer)
    [call] = state.calls
    forecast = quorum_forecast(call, state.roster, state.vote_rule)
    assert (forecast.eligible, forecast.attending, forecast.absent) == (6, 3, 1)
    assert forecast.not_replied == 2 and not forecast.met  # 3 of 6 is not more than half
    state = _reply(state, "m4", Answer.ATTEND)
    assert quorum_forecast(state.calls[0], state.roster, state.vote_rule).met
    draft = meeting_record_draft(state.calls[0])
    assert draft.held_on == HELD_ON
    assert draft.attendance == ("chair", "m1", "m3", "m4", "principal")


def _recorded(state: CycleState) -> CycleState:
    command = RecordMeetingInput(
        actor="chair", held_on=HELD_ON, attendance=("chair", "m1"),
        minutes_public="公開する議事", minutes_closed="非公開の議事",
    )  # fmt: skip
    return execute(state, command, at(5)).state


def test_minutes_are_published_from_the_public_part_and_corrected_by_a_new_version() -> None:
    state = _recorded(fresh())
    with pytest.raises(Refusal) as refused:
        execute(state, PublishMinutesInput(actor="coord", meeting_number=1), at(6))
    assert refused.value.code == "role_required"
    with pytest.raises(Refusal) as refused:
        execute(state, CorrectMinutesInput(actor="chair", meeting_number=1, text="t", reason="r"),
                at(6))  # fmt: skip
    assert refused.value.code == "minutes_not_published"
    state = execute(state, PublishMinutesInput(actor="chair", meeting_number=1), at(6)).state
    assert [(v.version, v.text) for v in state.public_minutes] == [(1, "公開する議事")]
    assert all("非公開" not in v.text for v in state.public_minutes)
    with pytest.raises(Refusal) as refused:
        execute(state, PublishMinutesInput(actor="chair", meeting_number=1), at(7))
    assert refused.value.code == "minutes_published"
    fix = CorrectMinutesInput(actor="chair", meeting_number=1, text="訂正後の議事", reason="誤字")
    state = execute(state, fix, at(8)).state
    first, second = state.public_minutes
    assert first.corrected_at == at(8) and first.text == "公開する議事"
    assert (second.version, second.text, second.reason, second.corrected_at) == (
        2, "訂正後の議事", "誤字", None,
    )  # fmt: skip
    with pytest.raises(Refusal) as refused:
        execute(state, PublishMinutesInput(actor="chair", meeting_number=2), at(9))
    assert refused.value.code == "unknown_meeting"


def test_a_paused_cycle_refuses_calls_and_replies() -> None:
    state = _call(fresh())
    state = execute(state, PauseCycleInput(actor="board", reason="臨時休校"), at(2)).state
    with pytest.raises(Refusal) as refused:
        _reply(state, "m1", Answer.ATTEND, minutes=3)
    assert refused.value.code == "paused"

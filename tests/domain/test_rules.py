"""The cycle's rules, example by example."""

from __future__ import annotations

from datetime import date

import pytest

from domain.commands import (
    CastVoteInput,
    CloseCycleInput,
    CloseDiscussionInput,
    CloseVoteInput,
    CompleteStepInput,
    EvaluateAimInput,
    RecordMeetingInput,
    SubmitPolicyInput,
)
from domain.model import AimRating, Ballot, PolicyStatus, Step, Threshold, VoteRule
from domain.refusals import Refusal
from domain.rules import execute, findings_for_next_year
from tests.domain.builders import VOTERS, at, fresh, walk_to


def refused(state, command) -> Refusal:  # type: ignore[no-untyped-def]
    with pytest.raises(Refusal) as caught:
        execute(state, command, at(99))
    return caught.value


def test_discussion_needs_a_meeting_and_a_vision() -> None:
    state = fresh()
    assert refused(state, CloseDiscussionInput(actor="chair")).code == "no_meeting"
    state = execute(
        state,
        RecordMeetingInput(
            actor="coord", held_on=date(2026, 4, 9), attendance=("chair",), minutes_public="x"
        ),
        at(1),
    ).state
    assert refused(state, CloseDiscussionInput(actor="chair")).code == "no_vision"


def test_a_coordinator_cannot_vote_and_nothing_changes() -> None:
    state = execute(
        walk_to(Step.APPROVE), SubmitPolicyInput(actor="principal", text="p"), at(1)
    ).state
    before = state.model_dump()
    refusal = refused(state, CastVoteInput(actor="coord", ballot=Ballot.APPROVE))
    assert refusal.code == "role_required"
    assert refusal.message("ja") == "coord には「投票」の権限がありません（必要な役割: 会長・委員）"
    assert refusal.message("en") == "coord may not cast_vote (needs role: chair,member)"
    assert state.model_dump() == before


def test_a_coordinator_who_sits_as_member_may_vote() -> None:
    state = execute(
        walk_to(Step.APPROVE), SubmitPolicyInput(actor="principal", text="p"), at(1)
    ).state
    after = execute(state, CastVoteInput(actor="coord-member", ballot=Ballot.REJECT), at(2)).state
    assert after.policies[-1].ballots == {"coord-member": Ballot.REJECT}


def test_rejected_policy_goes_back_is_revised_and_passes() -> None:
    state = execute(
        walk_to(Step.APPROVE), SubmitPolicyInput(actor="principal", text="v1"), at(1)
    ).state
    for voter in VOTERS[:4]:
        state = execute(state, CastVoteInput(actor=voter, ballot=Ballot.REJECT), at(2)).state
    decision = execute(state, CloseVoteInput(actor="chair"), at(3))
    state = decision.state
    assert state.step is Step.APPROVE
    assert state.policies[-1].status is PolicyStatus.REJECTED
    assert decision.event.notices[0].template == "vote_result"
    state = execute(state, SubmitPolicyInput(actor="principal", text="v2"), at(4)).state
    assert state.policies[-1].version == 2 and state.policies[-1].ballots == {}
    for voter in VOTERS[:4]:
        state = execute(state, CastVoteInput(actor=voter, ballot=Ballot.APPROVE), at(5)).state
    state = execute(state, CloseVoteInput(actor="chair"), at(6)).state
    assert state.step is Step.PLAN
    assert [p.status for p in state.policies] == [PolicyStatus.REJECTED, PolicyStatus.APPROVED]


def test_vote_needs_quorum_of_more_than_half() -> None:
    state = execute(
        walk_to(Step.APPROVE), SubmitPolicyInput(actor="principal", text="p"), at(1)
    ).state
    for voter in VOTERS[:3]:  # 3 of 6: exactly half is not more than half
        state = execute(state, CastVoteInput(actor=voter, ballot=Ballot.APPROVE), at(2)).state
    refusal = refused(state, CloseVoteInput(actor="chair"))
    assert refusal.code == "no_quorum" and refusal.params == {"cast": "3", "eligible": "6"}


def test_a_tie_does_not_pass_but_a_municipal_rule_can_say_otherwise() -> None:
    state = execute(
        walk_to(Step.APPROVE), SubmitPolicyInput(actor="principal", text="p"), at(1)
    ).state
    for voter, ballot in zip(VOTERS[:4], "AARR", strict=True):
        vote = Ballot.APPROVE if ballot == "A" else Ballot.REJECT
        state = execute(state, CastVoteInput(actor=voter, ballot=vote), at(2)).state
    assert execute(state, CloseVoteInput(actor="chair"), at(3)).state.step is Step.APPROVE
    lenient = state.model_copy(
        update={
            "vote_rule": VoteRule(majority=Threshold(numerator=1, denominator=2, inclusive=True))
        }
    )
    assert execute(lenient, CloseVoteInput(actor="chair"), at(3)).state.step is Step.PLAN


def test_a_changed_vote_counts_once() -> None:
    state = execute(
        walk_to(Step.APPROVE), SubmitPolicyInput(actor="principal", text="p"), at(1)
    ).state
    state = execute(state, CastVoteInput(actor="m1", ballot=Ballot.REJECT), at(2)).state
    decision = execute(state, CastVoteInput(actor="m1", ballot=Ballot.APPROVE), at(3))
    assert decision.state.policies[-1].ballots == {"m1": Ballot.APPROVE}
    assert decision.event.changes[0].before == "reject"


def test_resubmitting_while_the_vote_is_open_is_refused() -> None:
    state = execute(
        walk_to(Step.APPROVE), SubmitPolicyInput(actor="principal", text="p"), at(1)
    ).state
    assert (
        refused(state, SubmitPolicyInput(actor="principal", text="p2")).code == "vote_in_progress"
    )


def test_coordinate_and_act_close_by_themselves_so_complete_step_is_refused() -> None:
    for step in (Step.COORDINATE, Step.ACT):
        state = walk_to(step)
        refusal = refused(state, CompleteStepInput(actor="coord", step=step))
        assert refusal.code == "step_closes_itself"
        assert "自動で完了します" in refusal.message("ja")
    state = walk_to(Step.COORDINATE)
    assert (
        refused(state, CompleteStepInput(actor="coord", step=Step.PLAN)).code == "step_not_manual"
    )


def test_evaluation_covers_every_aim_and_feeds_next_year() -> None:
    state = walk_to(Step.EVALUATE)
    assert refused(state, CloseCycleInput(actor="chair")).code == "aims_not_evaluated"
    assert (
        refused(state, EvaluateAimInput(actor="chair", aim_id="nope", rating=AimRating.MET)).code
        == "unknown_aim"
    )
    ratings = {"read-1": AimRating.MET, "read-2": AimRating.NOT_MET, "watch-1": AimRating.PARTLY}
    for aim_id, rating in ratings.items():
        state = execute(
            state,
            EvaluateAimInput(actor="chair", aim_id=aim_id, rating=rating, comment=aim_id),
            at(1),
        ).state
    decision = execute(state, CloseCycleInput(actor="chair"), at(2))
    assert decision.state.step is Step.CLOSED and decision.state.closed_at == at(2)
    assert decision.event.notices[-1].template == "cycle_closed"
    findings = findings_for_next_year(decision.state)
    assert [f.aim_id for f in findings] == ["read-2", "watch-1", "read-1"]
    assert findings[0].activity_title == "読み聞かせ" and findings[0].from_year == 2026
    assert (
        refused(
            decision.state,
            RecordMeetingInput(
                actor="chair", held_on=date(2027, 3, 1), attendance=("chair",), minutes_public="x"
            ),
        ).code
        == "cycle_closed"
    )


def test_strangers_and_unknown_attendees_are_refused() -> None:
    state = fresh()
    assert refused(state, CloseDiscussionInput(actor="nobody")).code == "not_on_roster"
    meeting = RecordMeetingInput(
        actor="chair", held_on=date(2026, 4, 9), attendance=("chair", "ghost"), minutes_public="x"
    )
    refusal = refused(state, meeting)
    assert refusal.code == "unknown_attendee" and "ghost" in refusal.message("ja")


def test_step_change_is_audited_and_announced_to_the_step_owners() -> None:
    state = execute(
        fresh(),
        RecordMeetingInput(
            actor="chair",
            held_on=date(2026, 4, 9),
            attendance=("chair",),
            minutes_public="x",
            vision_draft="v",
        ),
        at(1),
    ).state
    event = execute(state, CloseDiscussionInput(actor="chair"), at(2)).event
    assert (event.step_before, event.step_after, event.seq) == (Step.DISCUSS, Step.APPROVE, 2)
    assert event.changes[0].model_dump() == {
        "field": "step",
        "before": "discuss",
        "after": "approve",
    }
    opened = event.notices[-1]
    assert opened.template == "step_opened" and set(opened.recipients) == {"principal", "chair"}

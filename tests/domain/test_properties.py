"""Property tests: no sequence of commands skips a step, lets the wrong role act, or lets
one member vote twice; a command, refused or accepted, never changes the state it was
decided on."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.commands import (
    CastVoteInput,
    CloseCycleInput,
    CloseDiscussionInput,
    CloseVoteInput,
    Command,
    CompleteStepInput,
    EvaluateAimInput,
    RecordMeetingInput,
    SubmitPlanInput,
    SubmitPolicyInput,
)
from domain.model import STEP_ORDER, AimRating, Ballot, Step
from domain.refusals import Refusal
from domain.rules import PERMISSIONS, execute, tally
from tests.domain.builders import PLAN, ROSTER, at, fresh

ACTORS = (*ROSTER.everyone(), "stranger")
actors = st.sampled_from(ACTORS)


def commands() -> st.SearchStrategy[Command]:
    meeting = st.builds(
        RecordMeetingInput,
        actor=actors,
        held_on=st.just(date(2026, 5, 1)),
        attendance=st.lists(actors, min_size=1, max_size=3).map(tuple),
        minutes_public=st.just("議事"),
        vision_draft=st.one_of(st.none(), st.just("目指す子ども像")),
    )
    return st.one_of(
        meeting,
        st.builds(CloseDiscussionInput, actor=actors),
        st.builds(SubmitPolicyInput, actor=actors, text=st.just("方針")),
        st.builds(CastVoteInput, actor=actors, ballot=st.sampled_from(Ballot)),
        st.builds(CloseVoteInput, actor=actors),
        st.builds(SubmitPlanInput, actor=actors, activities=st.just(PLAN)),
        st.builds(CompleteStepInput, actor=actors, step=st.sampled_from(Step)),
        st.builds(
            EvaluateAimInput,
            actor=actors,
            aim_id=st.sampled_from(["read-1", "read-2", "watch-1", "other"]),
            rating=st.sampled_from(AimRating),
        ),
        st.builds(CloseCycleInput, actor=actors),
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(commands(), max_size=80))
def test_no_sequence_breaks_the_rules(script: list[Command]) -> None:
    state = fresh()
    for minute, command in enumerate(script):
        before = state.model_dump()
        try:
            decision = execute(state, command, at(minute))
        except Refusal:
            assert state.model_dump() == before, "a refused command changed the state"
            continue
        # The rules decided on a copy: the state the workflow holds is as it was.
        assert state.model_dump() == before, "an accepted command changed its input"
        after = decision.state
        # The actor held a role allowed to do this.
        assert ROSTER.roles_of(command.actor) & PERMISSIONS[command.kind]
        # Steps move forward one at a time, never back, never skipping.
        moved = STEP_ORDER.index(after.step) - STEP_ORDER.index(state.step)
        assert moved in (0, 1)
        assert decision.event.step_before == state.step
        assert decision.event.step_after == after.step
        assert decision.event.seq == after.accepted_commands == state.accepted_commands + 1
        # One ballot per voting member per policy version, whatever was sent.
        for policy in after.policies:
            assert set(policy.ballots) <= set(ROSTER.voters())
            if policy.tally is not None:
                assert policy.tally.cast <= policy.tally.eligible
        state = after


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(actors, st.sampled_from(Ballot)), max_size=40))
def test_each_member_counts_once_in_the_tally(votes: list[tuple[str, Ballot]]) -> None:
    from tests.domain.builders import walk_to

    state = execute(
        walk_to(Step.APPROVE), SubmitPolicyInput(actor="principal", text="p"), at(0)
    ).state
    last: dict[str, Ballot] = {}
    for minute, (actor, ballot) in enumerate(votes):
        try:
            state = execute(state, CastVoteInput(actor=actor, ballot=ballot), at(minute)).state
        except Refusal:
            continue
        last[actor] = ballot
    result = tally(state.policies[-1], ROSTER, state.vote_rule)
    assert result.cast == len(last)
    assert result.approve == sum(1 for b in last.values() if b is Ballot.APPROVE)

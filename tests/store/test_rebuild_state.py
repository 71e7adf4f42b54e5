"""``rebuild_state`` (pure): the recorded commands applied again through the rules give
the state the workflow held; a missing event or a record the rules no longer agree with
is refused, naming the event, instead of restoring a different cycle."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.restore import RestoreFailed, rebuild_state
from contracts.activities import CouncilSetup
from domain.commands import (
    CastVoteInput,
    CloseDiscussionInput,
    CloseVoteInput,
    Command,
    PauseCycleInput,
    RecordMeetingInput,
    ResumeCycleInput,
    SubmitPlanInput,
    SubmitPolicyInput,
)
from domain.events import CycleEvent
from domain.model import AimRating, Ballot, CarriedFinding, CycleState, Step, VoteRule
from domain.oversight import pending_alert
from domain.rules import execute, fire_alert, new_cycle
from store.recorded_years import RecordedEvent, RecordedYear
from tests.domain.builders import PLAN, ROSTER, T0, VOTERS, finish_coordinate

SETUP = CouncilSetup(
    council_id="council-a", municipality_id="city", roster=ROSTER, vote_rule=VoteRule()
)
CARRIED = (
    CarriedFinding(
        from_year=2025,
        activity_title="読み聞かせ",
        aim_id="r-1",
        aim_text="本に親しむ",
        rating=AimRating.PARTLY,
        comment="低学年のみ",
    ),
)


def _year() -> tuple[RecordedYear, CycleState]:
    state = new_cycle("council-a", 2026, ROSTER, T0, carried_over=list(CARRIED))
    events: list[CycleEvent] = []
    alert = pending_alert(state)
    assert alert is not None
    decision = fire_alert(state, alert, alert.at)
    state, later = decision.state, alert.at
    events.append(decision.event)
    script: list[Command] = [
        RecordMeetingInput(
            actor="chair",
            held_on=T0.date() + timedelta(days=5),
            attendance=("chair", "m1"),
            minutes_public="熟議",
            vision_draft="ふるさとを誇れる子ども",
        ),
        CloseDiscussionInput(actor="chair"),
        PauseCycleInput(actor="board", reason="休校"),
        ResumeCycleInput(actor="board"),
        SubmitPolicyInput(actor="principal", text="基本方針"),
        *[CastVoteInput(actor=v, ballot=Ballot.APPROVE) for v in VOTERS],
        CloseVoteInput(actor="chair"),
        SubmitPlanInput(actor="coord", activities=PLAN),
    ]
    for minute, command in enumerate(script, start=1):
        decision = execute(state, command, later + timedelta(minutes=minute))
        state = decision.state
        events.append(decision.event)
    for command in finish_coordinate(state)[:1]:
        decision = execute(state, command, later + timedelta(hours=1))
        state = decision.state
        events.append(decision.event)
    recorded = RecordedYear(
        council_id="council-a",
        fiscal_year=2026,
        step=state.step,
        started_at=T0,
        carried_over=CARRIED,
        setup=SETUP,
        setup_kept=True,
        next_year_recorded=False,
        events=tuple(
            RecordedEvent(
                seq=e.seq,
                action=e.action,
                at=e.at,
                step_after=e.step_after,
                changes=[c.model_dump(mode="json") for c in e.changes],
                command=e.command.model_dump(mode="json"),
            )
            for e in events
        ),
    )
    return recorded, state


def test_the_recorded_commands_rebuild_the_state_the_workflow_held() -> None:
    recorded, state = _year()
    assert state.step is Step.COORDINATE and state.alerts_sent and state.carried_over
    assert any(e.action == "alert" for e in recorded.events)
    rebuilt = rebuild_state(recorded)
    assert rebuilt == state
    assert rebuilt.accepted_commands == recorded.events[-1].seq


def test_a_missing_event_is_named_and_nothing_is_rebuilt() -> None:
    recorded, _ = _year()
    gap = recorded.model_copy(update={"events": recorded.events[:3] + recorded.events[4:]})
    with pytest.raises(RestoreFailed) as failed:
        rebuild_state(gap)
    assert failed.value.seq == 4
    assert "event 4: missing" in failed.value.message("en")


def test_a_record_the_rules_decide_differently_now_is_refused() -> None:
    recorded, _ = _year()
    events = list(recorded.events)
    close = next(i for i, e in enumerate(events) if e.action == "close_discussion")
    events[close] = events[close].model_copy(update={"step_after": Step.PLAN})
    with pytest.raises(RestoreFailed, match="differently"):
        rebuild_state(recorded.model_copy(update={"events": tuple(events)}))

    # A vote recorded for someone the roster the cycle opened with does not know.
    vote = next(i for i, e in enumerate(recorded.events) if e.action == "cast_vote")
    stranger = recorded.events[vote].model_copy(
        update={"command": {**recorded.events[vote].command, "actor": "stranger"}}
    )
    events = list(recorded.events)
    events[vote] = stranger
    with pytest.raises(RestoreFailed, match="refused again: not_on_roster"):
        rebuild_state(recorded.model_copy(update={"events": tuple(events)}))

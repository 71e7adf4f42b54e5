"""The commands a person is offered are exactly the ones the rules let through: for
random reachable states, every actor and every command kind, a probe command of a kind
not offered is refused with the very reason ``check_open`` gives, and a probe of an
offered kind is either accepted or refused only for what its input says (which task,
which meeting ...), never for role, step, pause or the command's guard. Task actions
likewise: an action is offered on a task exactly when the rules accept it there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain import commands as c
from domain import meeting_calls as mc
from domain.commands import Command
from domain.model import Ballot, CycleState, Step
from domain.refusals import Refusal
from domain.rules import (
    RULES,
    SYSTEM_KINDS,
    check_open,
    execute,
    offered_commands,
    task_actions,
)
from domain.task_rules import TASK_GUARDS, TASK_HOLDERS
from domain.tasks import CancelReason, CoordinationTask
from tests.domain.builders import AFTER_ACTIVITIES, PLAN, ROSTER, walk_to

ACTORS = (*ROSTER.everyone(), "stranger")
#: What ``check_open`` refuses for: whatever the input, the command cannot be given now.
GATE_CODES = frozenset(
    {
        "system_only",
        "cycle_closed",
        "not_on_roster",
        "paused",
        "role_required",
        "wrong_step",
        "vote_in_progress",
        "no_open_vote",
        "not_paused",
        "no_open_task",
    }
)
#: Kinds whose probe below is a suitable input whenever the kind is offered.
ALWAYS_SUITABLE = frozenset(
    {"cast_vote", "submit_policy", "pause_cycle", "resume_cycle", "set_deadline", "call_meeting"}
)
AT = AFTER_ACTIVITIES


def _task(state: CycleState) -> str:
    return next((t.task_id for t in state.tasks if t.is_open), "no-task")


def _activity(state: CycleState) -> str:
    unrecorded = [a for a in state.plan if a.activity_id not in state.activity_records]
    return unrecorded[0].activity_id if unrecorded else "no-activity"


def _owner(state: CycleState) -> str | None:
    task = state.task(_task(state))
    return None if task is None else task.owner


def _other_holder(owner: str | None) -> str:
    return next(m for m in ROSTER.holders_of(*TASK_HOLDERS) if m != owner)


_Probe = Callable[[CycleState, str], Command]
PROBES: dict[str, _Probe] = {
    "record_meeting": lambda s, a: c.RecordMeetingInput(
        actor=a, held_on=date(2026, 5, 1), attendance=("chair",), minutes_public="議事"
    ),
    "close_discussion": lambda s, a: c.CloseDiscussionInput(actor=a),
    "submit_policy": lambda s, a: c.SubmitPolicyInput(actor=a, text="方針"),
    "cast_vote": lambda s, a: c.CastVoteInput(actor=a, ballot=Ballot.APPROVE),
    "close_vote": lambda s, a: c.CloseVoteInput(actor=a),
    "submit_plan": lambda s, a: c.SubmitPlanInput(actor=a, activities=PLAN),
    "complete_step": lambda s, a: c.CompleteStepInput(actor=a, step=s.step),
    "evaluate_aim": lambda s, a: c.EvaluateAimInput(actor=a, aim_id="read-1", rating="met"),
    "close_cycle": lambda s, a: c.CloseCycleInput(actor=a),
    "set_deadline": lambda s, a: c.SetDeadlineInput(
        actor=a, step=Step.EVALUATE, due=date(2027, 3, 1)
    ),
    "pause_cycle": lambda s, a: c.PauseCycleInput(actor=a, reason="休校"),
    "resume_cycle": lambda s, a: c.ResumeCycleInput(actor=a),
    "remind": lambda s, a: c.RemindInput(actor=a, step=s.step),
    "claim_task": lambda s, a: c.ClaimTaskInput(actor=a, task_id=_task(s)),
    "complete_task": lambda s, a: c.CompleteTaskInput(actor=a, task_id=_task(s), outcome="済"),
    "reassign_task": lambda s, a: c.ReassignTaskInput(
        actor=a, task_id=_task(s), new_owner=_other_holder(_owner(s))
    ),
    "waive_task": lambda s, a: c.WaiveTaskInput(actor=a, task_id=_task(s), reason="不要"),
    "record_activity": lambda s, a: c.RecordActivityInput(
        actor=a, activity_id=_activity(s), held_on=date(2026, 6, 10), children=3
    ),
    "cancel_activity": lambda s, a: c.CancelActivityInput(
        actor=a, activity_id=_activity(s), reason=next(iter(CancelReason))
    ),
    "call_meeting": lambda s, a: mc.CallMeetingInput(
        actor=a,
        call_id="probe",
        held_on=date(2026, 12, 1),
        starts_at=time(18, 0),
        place="会議室",
        agenda="議題",
    ),
    "reply_to_call": lambda s, a: mc.ReplyToCallInput(
        actor=a, call_id=s.calls[0].call_id if s.calls else "none", answer="attend"
    ),
    "postpone_meeting": lambda s, a: mc.PostponeMeetingInput(
        actor=a,
        call_id=s.calls[0].call_id if s.calls else "none",
        held_on=date(2026, 12, 15),
        starts_at=time(18, 0),
        place="体育館",
        reason="台風",
    ),
    "publish_minutes": lambda s, a: mc.PublishMinutesInput(actor=a, meeting_number=1),
    "correct_minutes": lambda s, a: mc.CorrectMinutesInput(
        actor=a, meeting_number=1, text="訂正版", reason="誤記"
    ),
}


def test_every_person_command_has_a_probe() -> None:
    assert set(PROBES) == set(RULES) - SYSTEM_KINDS


def _refusal(command: Command, state: CycleState) -> Refusal | None:
    try:
        execute(state, command, AT)
    except Refusal as refusal:
        return refusal
    return None


def _gate(state: CycleState, kind: str, actor: str) -> Refusal | None:
    try:
        check_open(state, kind, actor)
    except Refusal as refusal:
        return refusal
    return None


def _stir(state: CycleState, moves: list[int]) -> CycleState:
    """``state`` after some of the moves a real year makes along the way (accepted ones
    only): a pause, a resume, a vote, a rejected policy, tasks claimed or waived."""
    candidates: list[Callable[[CycleState], Command]] = [
        lambda s: c.PauseCycleInput(actor="board", reason="休校"),
        lambda s: c.ResumeCycleInput(actor="board"),
        lambda s: c.SubmitPolicyInput(actor="principal", text="方針"),
        lambda s: c.CastVoteInput(actor="m1", ballot=Ballot.REJECT),
        lambda s: c.CastVoteInput(actor="m2", ballot=Ballot.REJECT),
        lambda s: c.CastVoteInput(actor="m3", ballot=Ballot.REJECT),
        lambda s: c.CastVoteInput(actor="m4", ballot=Ballot.REJECT),
        lambda s: c.CloseVoteInput(actor="chair"),
        lambda s: c.ClaimTaskInput(actor="coord", task_id=_task(s)),
        lambda s: c.WaiveTaskInput(actor="chief", task_id=_task(s), reason="不要"),
        lambda s: PROBES["call_meeting"](s, "chair").model_copy(update={"call_id": "stirred"}),
    ]
    for move in moves:
        command = candidates[move % len(candidates)](state)
        if _refusal(command, state) is None:
            state = execute(state, command, AT).state
    return state


def _task_probe(kind: str, task: CoordinationTask, actor: str) -> Command:
    if kind == "claim_task":
        return c.ClaimTaskInput(actor=actor, task_id=task.task_id)
    if kind == "complete_task":
        return c.CompleteTaskInput(actor=actor, task_id=task.task_id, outcome="済")
    if kind == "waive_task":
        return c.WaiveTaskInput(actor=actor, task_id=task.task_id, reason="不要")
    new_owner = _other_holder(task.owner)
    return c.ReassignTaskInput(actor=actor, task_id=task.task_id, new_owner=new_owner)


STEPS = [s for s in Step if s is not Step.CLOSED]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(STEPS), st.lists(st.integers(0, 50), max_size=12))
def test_offered_commands_are_the_ones_the_rules_accept(step: Step, moves: list[int]) -> None:
    state = _stir(walk_to(step), moves)
    for actor in ACTORS:
        offered = offered_commands(state, actor)
        assert not offered & SYSTEM_KINDS
        for kind, probe in PROBES.items():
            refusal = _refusal(probe(state, actor), state)
            if kind not in offered:
                gate = _gate(state, kind, actor)
                assert gate is not None and refusal is not None
                assert refusal.code == gate.code, (kind, actor)
            elif refusal is not None:
                assert kind not in ALWAYS_SUITABLE, (kind, actor, refusal.code)
                assert refusal.code not in GATE_CODES, (kind, actor, refusal.code)
        for task in state.tasks:
            actions = task_actions(state, actor, task)
            for kind in TASK_GUARDS:
                accepted = _refusal(_task_probe(kind, task, actor), state) is None
                assert (kind in actions) == accepted, (kind, actor, task.task_id)


@pytest.mark.parametrize("kind", sorted(SYSTEM_KINDS))
def test_system_commands_are_never_offered(kind: str) -> None:
    state = walk_to(Step.COORDINATE)
    assert all(kind not in offered_commands(state, actor) for actor in ACTORS)

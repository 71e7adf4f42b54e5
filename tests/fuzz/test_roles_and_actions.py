"""Every role × every action at every step, through the real workflow (issue 17, item 3).

The table is generated from the domain: the roles are ``domain.model.Role`` (plus someone
not on the roster), the actions are every command type of ``domain.commands.Command``
(the cycle's own, the board's, the tasks' and activity records', and the two the cycle
raises by itself), and the steps are ``domain.base.STEP_ORDER`` plus a paused cycle. A
new role, command or step makes the test fail until it has a person or a sample here.

For each step one cycle is brought there by valid commands (the probe). Each (role,
action) is built as a plausible command for that step (an open task the person owns, an
activity not yet recorded, an aim of the plan) and judged by the pure rules on the
probe's state:

- refused by the rules: sent to the probe, which must refuse it with the same code and
  keep its state exactly as it was (checked with the query after every refusal);
- accepted by the rules: sent to a fresh cycle brought to the same step (accepting it
  would change the probe), which must accept it and end in the state the rules predict.

The commands the cycle raises by itself (``alert``, ``task_alert``) are refused by the
rules from anyone (``system_only``); the workflow has no update by those names at all.
"""

from __future__ import annotations

import asyncio
import itertools
import typing
from collections.abc import Callable
from datetime import date, time
from typing import Any

import pytest

from domain.base import STEP_ORDER
from domain.commands import (
    AlertInput,
    CancelActivityInput,
    CastVoteInput,
    ClaimTaskInput,
    CloseCycleInput,
    CloseDiscussionInput,
    CloseVoteInput,
    Command,
    CompleteStepInput,
    CompleteTaskInput,
    EvaluateAimInput,
    PauseCycleInput,
    ReassignTaskInput,
    RecordActivityInput,
    RecordMeetingInput,
    RemindInput,
    ResumeCycleInput,
    SetDeadlineInput,
    SubmitPlanInput,
    SubmitPolicyInput,
    TaskAlertInput,
    WaiveTaskInput,
)
from domain.meeting_calls import (
    Answer,
    CallMeetingInput,
    CallReminderInput,
    CorrectMinutesInput,
    PostponeMeetingInput,
    PublishMinutesInput,
    ReplyToCallInput,
)
from domain.model import AimRating, Ballot, CycleState, PolicyStatus, Role, Step
from domain.tasks import CancelReason
from tests.fuzz.commands import ROLES, in_year, moving_on, plans_for
from tests.fuzz.oracle import expect, follow, settle
from tests.fuzz.rig import (
    NO_SUCH_UPDATE,
    WORKFLOW_COMPLETED,
    Outcome,
    Rig,
    refused,
    send_command,
    state_of,
)

OUTSIDER = "f-outsider"
# Past fiscal years (activities held may be recorded) on councils of their own: closing a
# cycle opens the next year's, so every cycle gets a year with a free one after it.
_cycles = itertools.product([f"fuzzcity-c{n}" for n in range(2, 11)], range(2000, 2025, 2))

#: One person per role, each holding that role only; and someone not on the roster.
ACTORS: dict[str, str] = {
    **{role.value: next(who for who, roles in ROLES.items() if roles == {role}) for role in Role},
    "not_on_roster": OUTSIDER,
}

#: Where each probe stands: a predicate on the state, reached by valid commands.
STATIONS: dict[str, Callable[[CycleState], bool]] = {
    Step.DISCUSS: lambda s: s.step is Step.DISCUSS and s.vision is not None,
    Step.APPROVE: lambda s: (
        s.step is Step.APPROVE
        and s.current_policy is not None
        and s.current_policy.status is PolicyStatus.VOTING
    ),
    Step.PLAN: lambda s: s.step is Step.PLAN,
    Step.COORDINATE: lambda s: s.step is Step.COORDINATE,
    Step.ACT: lambda s: s.step is Step.ACT,
    Step.EVALUATE: lambda s: s.step is Step.EVALUATE,
    Step.CLOSED: lambda s: s.step is Step.CLOSED,
    "paused": lambda s: s.step is Step.COORDINATE and s.paused is not None,
}


def _command_types() -> list[type[Command]]:
    union = typing.get_args(Command)[0]
    return list(typing.get_args(union))


def _owned_task(state: CycleState, actor: str) -> str:
    """The first open task of ``actor``, else the first open task, else a known id."""
    open_tasks = [t for t in state.tasks if t.is_open]
    mine = [t for t in open_tasks if t.owner == actor]
    return next((t.task_id for t in [*mine, *open_tasks]), "read-t1")


def _unrecorded(state: CycleState) -> tuple[str, date]:
    for activity in state.plan:
        if activity.activity_id not in state.activity_records:
            return activity.activity_id, activity.planned_on
    return "read", in_year(date(2026, 6, 10), state.fiscal_year)


def _step(state: CycleState) -> Step:
    return state.step if state.step is not Step.CLOSED else Step.EVALUATE


#: A plausible command of each kind from ``actor`` on ``state``.
SAMPLES: dict[str, Callable[[str, CycleState], Command]] = {
    "record_meeting": lambda a, s: RecordMeetingInput(
        actor=a,
        held_on=in_year(date(2026, 5, 1), s.fiscal_year),
        attendance=("f-chair", "f-m1"),
        minutes_public="協議した",
        vision_draft="地域とともに育つ子ども" if s.step is Step.DISCUSS else None,
    ),
    "close_discussion": lambda a, s: CloseDiscussionInput(actor=a),
    "submit_policy": lambda a, s: SubmitPolicyInput(actor=a, text="基本方針"),
    "cast_vote": lambda a, s: CastVoteInput(actor=a, ballot=Ballot.APPROVE),
    "close_vote": lambda a, s: CloseVoteInput(actor=a),
    "submit_plan": lambda a, s: SubmitPlanInput(actor=a, activities=plans_for(s.fiscal_year)[0]),
    "complete_step": lambda a, s: CompleteStepInput(actor=a, step=_step(s)),
    "evaluate_aim": lambda a, s: EvaluateAimInput(
        actor=a, aim_id=next(iter(s.aims()), "read-1"), rating=AimRating.MET
    ),
    "close_cycle": lambda a, s: CloseCycleInput(actor=a),
    "set_deadline": lambda a, s: SetDeadlineInput(
        actor=a, step=_step(s), due=date(s.fiscal_year + 1, 3, 15)
    ),
    "pause_cycle": lambda a, s: PauseCycleInput(actor=a, reason="臨時休校"),
    "resume_cycle": lambda a, s: ResumeCycleInput(actor=a),
    "remind": lambda a, s: RemindInput(actor=a, step=_step(s)),
    "alert": lambda a, s: AlertInput(
        actor=a, alert_kind="reminder", step=_step(s), due=date(s.fiscal_year, 4, 30), days=1
    ),
    "claim_task": lambda a, s: ClaimTaskInput(actor=a, task_id=_owned_task(s, a)),
    "complete_task": lambda a, s: CompleteTaskInput(
        actor=a, task_id=_owned_task(s, a), outcome="手配済み"
    ),
    "reassign_task": lambda a, s: ReassignTaskInput(
        actor=a, task_id=_owned_task(s, a), new_owner="f-coord2"
    ),
    "waive_task": lambda a, s: WaiveTaskInput(actor=a, task_id=_owned_task(s, a), reason="不要"),
    "record_activity": lambda a, s: RecordActivityInput(
        actor=a, activity_id=_unrecorded(s)[0], held_on=_unrecorded(s)[1], children=20
    ),
    "cancel_activity": lambda a, s: CancelActivityInput(
        actor=a, activity_id=_unrecorded(s)[0], reason=CancelReason.DISASTER
    ),
    "task_alert": lambda a, s: TaskAlertInput(
        actor=a, task_id=_owned_task(s, a), alert_kind="task_reminder", due=date(2026, 6, 1)
    ),
    "call_meeting": lambda a, s: CallMeetingInput(
        actor=a,
        call_id="f-call",
        held_on=date(s.fiscal_year, 9, 1),
        starts_at=time(18, 30),
        place="会議室",
        agenda="熟議",
    ),
    "reply_to_call": lambda a, s: ReplyToCallInput(
        actor=a, call_id=s.calls[0].call_id if s.calls else "f-call", answer=Answer.ATTEND
    ),
    "call_reminder": lambda a, s: CallReminderInput(actor=a, call_id="f-call"),
    "postpone_meeting": lambda a, s: PostponeMeetingInput(
        actor=a,
        call_id=s.calls[0].call_id if s.calls else "f-call",
        held_on=date(s.fiscal_year, 10, 1),
        starts_at=time(18, 30),
        place="体育館",
        reason="台風の接近",
    ),
    "publish_minutes": lambda a, s: PublishMinutesInput(actor=a, meeting_number=1),
    "correct_minutes": lambda a, s: CorrectMinutesInput(
        actor=a, meeting_number=1, text="訂正した会議録", reason="誤字の訂正"
    ),
}


def test_the_table_covers_every_role_command_and_step() -> None:
    kinds = {t.model_fields["kind"].default for t in _command_types()}
    assert set(SAMPLES) == kinds
    assert set(ACTORS) == {r.value for r in Role} | {"not_on_roster"}
    assert {s for s in STATIONS if isinstance(s, Step)} == set(STEP_ORDER)


def _as_the_workflow_says(outcome: Outcome, station: str) -> set[Outcome]:
    """The outcomes the workflow may give a command the rules refuse with ``outcome``."""
    # The system's own commands are not updates of the workflow at all.
    said = refused(NO_SUCH_UPDATE) if outcome.code == "system_only" else outcome
    if station == Step.CLOSED:
        # A closed cycle's workflow completes once next year's has opened and its notices
        # are out: until then the rules refuse, afterwards Temporal does.
        return {said, refused(WORKFLOW_COMPLETED)}
    return {said}


async def _reach(rig: Rig, station: str) -> tuple[Any, CycleState]:
    """A fresh cycle brought to ``station`` by valid commands, once it stands still."""
    council, year = next(_cycles)
    handle = await rig.open_cycle(year, council)
    arrived = STATIONS[station]
    state = await state_of(handle)
    while not arrived(state):
        if state.step is Step.COORDINATE and station == "paused":
            command: Command = PauseCycleInput(actor="f-board", reason="台風")
        else:
            command = moving_on(state)[0]
        outcome = await send_command(handle, command)
        assert outcome.accepted, f"{command.kind} on the way to {station}: {outcome}"
        state = await state_of(handle)
    state, _ = await rig.settled(handle, settle(state, await rig.now()).accepted_commands)
    return handle, state


async def _accepted_on_a_fresh_cycle(rig: Rig, station: str, kind: str, actor: str) -> None:
    handle, before = await _reach(rig, station)
    command = SAMPLES[kind](actor, before)  # built again: the fresh cycle's year differs
    at = await rig.now()
    predicted, after = expect(before, command, at)
    assert predicted.accepted, f"{kind} by {actor} at {station} on a fresh cycle: {predicted}"
    outcome = await send_command(handle, command)
    assert outcome.accepted, f"{command.kind} by {command.actor} at {station}: {outcome}"
    state, rows = await rig.settled(handle, settle(after, at).accepted_commands)
    assert state == follow(before, [command], rows)


@pytest.mark.parametrize("station", list(STATIONS))
def test_each_role_may_do_what_the_rules_say_at(rig: Rig, station: str) -> None:
    handle, state = rig.run(_reach(rig, station))
    at = rig.run(rig.now())
    table: dict[tuple[str, str], str] = {}
    to_accept: list[Command] = []
    tried: set[str] = set()
    for role, actor in ACTORS.items():
        for kind, sample in SAMPLES.items():
            command = sample(actor, state)
            predicted, _ = expect(state, command, at)
            table[role, kind] = str(predicted)
            if predicted.accepted:
                to_accept.append(command)
                continue
            if station == Step.CLOSED:
                assert predicted.code in ("cycle_closed", "system_only")
                # The workflow has completed: nothing reaches the rules, whoever sends
                # it. Once per action is enough to show it (each is a slow round trip).
                if kind in tried:
                    continue
            tried.add(kind)
            outcome = rig.run(send_command(handle, command))
            wanted = _as_the_workflow_says(predicted, station)
            assert outcome in wanted, f"{kind} by {role} at {station}"
            if station != Step.CLOSED:
                assert rig.run(state_of(handle)) == state, f"{kind} by {role} changed the state"
    assert rig.run(state_of(handle)) == state

    async def accept_all() -> None:
        await asyncio.gather(
            *(_accepted_on_a_fresh_cycle(rig, station, c.kind, c.actor) for c in to_accept)
        )

    rig.run(accept_all(), timeout=300)
    accepted = sorted(f"{role}:{kind}" for (role, kind), v in table.items() if v == "accepted")
    print(f"\n{station}: accepted {accepted}")
    # Every step has someone who may do something, except a closed cycle.
    assert bool(to_accept) is (station != Step.CLOSED)

"""Small builders shared by the domain tests: a roster, a clock and a walk to a step."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain.commands import (
    CastVoteInput,
    CloseDiscussionInput,
    CloseVoteInput,
    Command,
    CompleteTaskInput,
    RecordActivityInput,
    RecordMeetingInput,
    SubmitPlanInput,
    SubmitPolicyInput,
)
from domain.model import (
    Aim,
    Ballot,
    CycleState,
    PlannedActivity,
    Role,
    Roster,
    RosterEntry,
    Step,
)
from domain.rules import execute, new_cycle

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
#: A time after every activity of ``PLAN``: activities are recorded once they were held.
AFTER_ACTIVITIES = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)

ROSTER = Roster(
    entries=(
        RosterEntry(member_id="chair", roles=(Role.CHAIR,)),
        RosterEntry(member_id="m1", roles=(Role.MEMBER,)),
        RosterEntry(member_id="m2", roles=(Role.MEMBER,)),
        RosterEntry(member_id="m3", roles=(Role.MEMBER,)),
        RosterEntry(member_id="m4", roles=(Role.MEMBER,)),
        RosterEntry(member_id="principal", roles=(Role.PRINCIPAL,)),
        RosterEntry(member_id="coord", roles=(Role.COORDINATOR,)),
        RosterEntry(member_id="coord-member", roles=(Role.COORDINATOR, Role.MEMBER)),
        RosterEntry(member_id="chief", roles=(Role.CHIEF_COORDINATOR,)),
        RosterEntry(member_id="board", roles=(Role.BOARD_ADMIN,)),
    )
)
VOTERS = ("chair", "m1", "m2", "m3", "m4", "coord-member")

PLAN = (
    PlannedActivity(
        activity_id="read",
        title="読み聞かせ",
        kind="reading",
        planned_on=date(2026, 6, 10),
        aims=(Aim(aim_id="read-1", text="本に親しむ"), Aim(aim_id="read-2", text="地域の人を知る")),
    ),
    PlannedActivity(
        activity_id="watch",
        title="登下校見守り",
        planned_on=date(2026, 5, 1),
        aims=(Aim(aim_id="watch-1", text="安全に登下校する"),),
    ),
)


def at(minutes: int) -> datetime:
    """A time ``minutes`` after the cycle opened."""
    return T0 + timedelta(minutes=minutes)


def fresh() -> CycleState:
    """A cycle at discuss."""
    return new_cycle("council-a", 2026, ROSTER, T0)


def walk_to(step: Step) -> CycleState:
    """A cycle moved by valid commands until it stands at ``step``."""
    state = fresh()
    script: list[Command] = [
        RecordMeetingInput(
            actor="chair",
            held_on=date(2026, 4, 20),
            attendance=("chair", "m1", "m2"),
            minutes_public="熟議",
            vision_draft="ふるさとを誇れる子ども",
        ),
        CloseDiscussionInput(actor="chair"),
        SubmitPolicyInput(actor="principal", text="基本方針"),
        *[CastVoteInput(actor=v, ballot=Ballot.APPROVE) for v in VOTERS],
        CloseVoteInput(actor="chair"),
        SubmitPlanInput(actor="coord", activities=PLAN),
    ]
    for minute, command in enumerate(script):
        if state.step is step:
            return state
        state = execute(state, command, at(minute)).state
    for command in [*finish_coordinate(state), *finish_act(state)]:
        if state.step is step:
            return state
        state = execute(state, command, AFTER_ACTIVITIES).state
    assert state.step is step
    return state


def finish_coordinate(state: CycleState) -> list[Command]:
    """Every open task completed by its owner (the chief for unassigned ones)."""
    return [
        CompleteTaskInput(actor=task.owner or "chief", task_id=task.task_id, outcome="済")
        for task in state.tasks
        if task.is_open
    ]


def finish_act(state: CycleState) -> list[Command]:
    """Every planned activity recorded as held on its planned date, no volunteers."""
    return [
        RecordActivityInput(
            actor="coord", activity_id=a.activity_id, held_on=a.planned_on, children=10
        )
        for a in state.plan
    ]

"""Drives a cycle of the test council through all six steps, command by command.

Shared by the workflow tests and by the script that records the replay history, so the
recorded history is exactly what the tests exercise.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from temporalio.client import WorkflowHandle

from contracts.cycle import STATE_QUERY
from domain.commands import (
    CancelActivityInput,
    CastVoteInput,
    CloseCycleInput,
    CloseDiscussionInput,
    CloseVoteInput,
    Command,
    CompleteTaskInput,
    EvaluateAimInput,
    RecordActivityInput,
    RecordMeetingInput,
    SubmitPlanInput,
    SubmitPolicyInput,
    WaiveTaskInput,
)
from domain.events import CommandReceipt
from domain.model import Aim, AimRating, Ballot, CycleState, PlannedActivity, RoleAssignment
from domain.tasks import CancelReason

COUNCIL = "testcity-c1"
VOTERS = ("t-chair", "t-m1", "t-m2", "t-m3")


def plan(year: int = 2026) -> tuple[PlannedActivity, ...]:
    """Two activities dated in fiscal ``year``."""
    return (
        PlannedActivity(
            activity_id="reading",
            title="読み聞かせ",
            kind="reading",
            planned_on=date(year, 6, 10),
            aims=(Aim(aim_id="reading-1", text="本に親しむ"),),
            roles=(RoleAssignment(party="地域学校協働本部", duty="読み手の募集"),),
        ),
        PlannedActivity(
            activity_id="patrol",
            title="登下校見守り",
            kind="patrol",
            planned_on=date(year, 5, 1),
            aims=(
                Aim(aim_id="patrol-1", text="安全な登下校"),
                Aim(aim_id="patrol-2", text="挨拶"),
            ),
        ),
    )


PLAN = plan()


async def send(handle: WorkflowHandle[Any, Any], command: Command) -> CycleState:
    """Execute ``command`` as the update of the same name; the update answers a small
    receipt, so the state is read with the query afterwards."""
    await send_for_receipt(handle, command)
    state: CycleState = await handle.query(STATE_QUERY, result_type=CycleState)
    return state


async def send_for_receipt(
    handle: WorkflowHandle[Any, Any], command: Command, command_id: str | None = None
) -> CommandReceipt:
    """Execute ``command`` (under ``command_id`` when given) and return its receipt."""
    receipt: CommandReceipt = await handle.execute_update(
        command.kind, command, id=command_id, result_type=CommandReceipt
    )
    return receipt


async def wait_open(handle: WorkflowHandle[Any, Any]) -> CycleState:
    """Wait until the cycle has read its roster and answers with a state."""
    for _ in range(200):
        state: CycleState | None = await handle.query(
            STATE_QUERY,
            result_type=CycleState | None,  # type: ignore[arg-type]
        )
        if state is not None:
            return state
        await asyncio.sleep(0.05)
    raise AssertionError("cycle did not open")


def to_plan(year: int = 2026) -> list[Command]:
    """Discuss, then a policy rejected once, revised and approved (dates in ``year``)."""
    return [
        RecordMeetingInput(
            actor="t-coord",
            held_on=date(year, 4, 18),
            attendance=("t-chair", "t-m1", "t-m2", "t-principal"),
            minutes_public="目指す子ども像について熟議した",
            minutes_closed="個別の支援について（非公開）",
            vision_draft="ふるさとを誇り、自ら学ぶ子ども",
        ),
        CloseDiscussionInput(actor="t-chair"),
        SubmitPolicyInput(actor="t-principal", text="基本方針 第1版"),
        CastVoteInput(actor="t-m1", ballot=Ballot.REJECT, comment="地域の視点が足りない"),
        CastVoteInput(actor="t-m2", ballot=Ballot.REJECT),
        CastVoteInput(actor="t-m3", ballot=Ballot.APPROVE),
        CloseVoteInput(actor="t-chair"),
        SubmitPolicyInput(actor="t-principal", text="基本方針 第2版（地域との協働を追記）"),
        *[CastVoteInput(actor=v, ballot=Ballot.APPROVE) for v in VOTERS],
        CloseVoteInput(actor="t-chair"),
    ]


def to_close(year: int = 2026) -> list[Command]:
    """From plan to the close of the cycle (dates in ``year``)."""
    return [
        SubmitPlanInput(actor="t-coord", activities=plan(year)),
        # Coordinate: the default checklists (reading: 3 tasks, patrol: 2), all owned by
        # the council's only coordinator; the last one closes the step by itself.
        *[
            CompleteTaskInput(actor="t-coord", task_id=task_id, outcome="手配済み")
            for task_id in ("reading-t1", "reading-t2", "reading-t3", "patrol-t1")
        ],
        WaiveTaskInput(actor="t-chief", task_id="patrol-t2", reason="保険は学校で加入済み"),
        # Act: one activity held, one cancelled; the last record closes the step.
        RecordActivityInput(
            actor="t-coord", activity_id="reading", held_on=date(year, 6, 10), children=24
        ),
        CancelActivityInput(actor="t-coord", activity_id="patrol", reason=CancelReason.WEATHER),
        EvaluateAimInput(actor="t-chair", aim_id="reading-1", rating=AimRating.MET),
        EvaluateAimInput(
            actor="t-chair", aim_id="patrol-1", rating=AimRating.PARTLY, comment="人手不足"
        ),
        EvaluateAimInput(actor="t-chair", aim_id="patrol-2", rating=AimRating.NOT_MET),
        CloseCycleInput(actor="t-chair"),
    ]

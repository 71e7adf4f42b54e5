"""Drives a cycle of the test council through all six steps, command by command.

Shared by the workflow tests and by the script that records the replay history, so the
recorded history is exactly what the tests exercise. The commands are the one full-year
scenario (``domain.scenario``, which the benchmark and ``starter demo`` run too) for the
test council's roster.
"""

from __future__ import annotations

import asyncio
from typing import Any

from temporalio.client import WorkflowHandle

from contracts.cycle import STATE_QUERY
from domain.base import Role, Step
from domain.commands import Command
from domain.events import CommandReceipt
from domain.model import CycleState, PlannedActivity, Roster, RosterEntry
from domain.scenario import example_plan, full_year

COUNCIL = "testcity-c1"
VOTERS = ("t-chair", "t-m1", "t-m2", "t-m3")
#: The cycle roster of ``COUNCIL`` (tests/fixtures/testcity.yaml): members in file order,
#: then the municipality's staff.
ROSTER = Roster(
    entries=tuple(
        RosterEntry(member_id=who, roles=(role,))
        for who, role in (
            ("t-chair", Role.CHAIR),
            ("t-m1", Role.MEMBER),
            ("t-m2", Role.MEMBER),
            ("t-m3", Role.MEMBER),
            ("t-principal", Role.PRINCIPAL),
            ("t-coord", Role.COORDINATOR),
            ("t-chief", Role.CHIEF_COORDINATOR),
            ("t-board", Role.BOARD_ADMIN),
        )
    )
)


def plan(year: int = 2026) -> tuple[PlannedActivity, ...]:
    """Two activities dated in fiscal ``year`` (``domain.scenario.example_plan``)."""
    return example_plan(year)


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
    """Discuss, then a policy rejected once, revised and approved (dates in ``year``): the
    first half of the one full-year scenario (``domain.scenario``)."""
    year_ = full_year(ROSTER, year)
    return [*year_.of(Step.DISCUSS), *year_.of(Step.APPROVE)]


def to_close(year: int = 2026) -> list[Command]:
    """From plan to the close of the cycle (dates in ``year``): the plan's three aims, five
    tasks (the last waived by the chief coordinator), reading held on its day and patrol
    cancelled for the weather."""
    year_ = full_year(ROSTER, year)
    steps = (Step.PLAN, Step.COORDINATE, Step.ACT, Step.EVALUATE)
    return [command for step in steps for command in year_.of(step)]

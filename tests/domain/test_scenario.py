"""The one full-year scenario (``domain.scenario``) runs through the pure rules to the
close, for the test council's roster, the benchmark's, and a council with two
coordinators; a year that has not begun cancels its activities instead of recording them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bench.population import roster as bench_roster
from domain.base import Role, Step
from domain.commands import CancelActivityInput, Command, RecordActivityInput, WaiveTaskInput
from domain.model import CycleState, Roster, RosterEntry
from domain.rules import execute, new_cycle
from domain.scenario import MissingHolder, full_year
from domain.tasks import CancelReason, TaskStatus
from tests.workflows.driver import ROSTER

YEAR = 2026
NOW = datetime(YEAR, 12, 1, 3, 0, tzinfo=UTC)


def _run(roster: Roster, commands: list[Command], now: datetime = NOW) -> CycleState:
    state = new_cycle("c1", YEAR, roster, now)
    for command in commands:
        state = execute(state, command, now).state
    return state


@pytest.mark.parametrize("rejected_first", [True, False])
def test_the_year_closes_for_the_test_council(rejected_first: bool) -> None:
    year = full_year(ROSTER, YEAR, rejected_first=rejected_first)
    state = _run(ROSTER, year.commands())
    assert state.step is Step.CLOSED
    assert state.accepted_commands == len(year.commands())
    assert len(state.policies) == (2 if rejected_first else 1)
    [waived] = [t for t in state.tasks if t.status is TaskStatus.WAIVED]
    assert waived.task_id == "patrol-t2"
    outcomes = {a: r.outcome.value for a, r in state.activity_records.items()}
    assert outcomes == {"reading": "held", "patrol": "cancelled"}


def test_the_year_closes_for_the_benchmark_roster() -> None:
    roster = bench_roster(0)
    commands = full_year(roster, YEAR, today=date(YEAR, 11, 30), rejected_first=False)
    assert _run(roster, commands.commands()).step is Step.CLOSED


def test_tasks_are_completed_by_their_round_robin_owners() -> None:
    two = Roster(
        entries=(
            *ROSTER.entries,
            RosterEntry(member_id="t-coord2", roles=(Role.COORDINATOR,)),
        )
    )
    year = full_year(two, YEAR)
    owners = {c.actor for c in year.of(Step.COORDINATE) if not isinstance(c, WaiveTaskInput)}
    assert owners == {"t-coord", "t-coord2"}
    assert _run(two, year.commands()).step is Step.CLOSED


def test_a_year_not_begun_cancels_every_activity() -> None:
    act = full_year(ROSTER, YEAR, today=date(YEAR - 1, 12, 1)).of(Step.ACT)
    assert all(isinstance(c, CancelActivityInput) for c in act)
    assert [c.reason for c in act if isinstance(c, CancelActivityInput)] == [
        CancelReason.OTHER,
        CancelReason.OTHER,
    ]


def test_records_are_never_after_today() -> None:
    act = full_year(ROSTER, YEAR, today=date(YEAR, 6, 1)).of(Step.ACT)
    [held] = [c for c in act if isinstance(c, RecordActivityInput)]
    assert held.held_on == date(YEAR, 6, 1)  # planned for 10 June


def test_a_roster_without_a_principal_is_refused_by_name() -> None:
    roster = Roster(entries=tuple(e for e in ROSTER.entries if e.member_id != "t-principal"))
    with pytest.raises(MissingHolder, match="principal"):
        full_year(roster, YEAR)

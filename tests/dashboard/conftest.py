"""Known data for the dashboard tests: dash-city's six councils in three districts, their
cycles moved by the real rules and recorded in the store as the activities do.

On 2026-06-15 (JST): c1 approved on 20 May (at plan); c2 at approve, 15 days late; c3 at
approve, paused since 1 June (its clock stopped a day late); c4 still at discuss, 46 days
late; c5 approved on 10 June, after its due date (at plan); c6 has no cycle.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

import pytest
from sqlalchemy import Engine

import store
from domain.commands import (
    CastVoteInput,
    CloseDiscussionInput,
    CloseVoteInput,
    Command,
    PauseCycleInput,
    RecordMeetingInput,
    SubmitPolicyInput,
)
from domain.model import Ballot, CycleState
from tests.board.support import FIXTURES, apply, open_cycle

YEAR = 2026
TODAY = date(2026, 6, 15)


def jst(day: date, hour: int = 10) -> datetime:
    """``day`` at ``hour`` in Japan, as an aware UTC time."""
    return (datetime.combine(day, time(hour)) - timedelta(hours=9)).replace(tzinfo=UTC)


def to_approve(n: int) -> list[Command]:
    """Discuss of council ``n`` to approve."""
    return [
        RecordMeetingInput(
            actor=f"dash-chair{n}", held_on=date(YEAR, 4, 20), attendance=(f"dash-chair{n}",),
            minutes_public="熟議した", vision_draft="ともに育つ子ども",
        ),
        CloseDiscussionInput(actor=f"dash-chair{n}"),
    ]  # fmt: skip


def approval(n: int) -> list[Command]:
    """The policy of council ``n`` submitted and approved."""
    return [
        SubmitPolicyInput(actor="dash-principal", text="基本方針"),
        CastVoteInput(actor=f"dash-chair{n}", ballot=Ballot.APPROVE),
        CastVoteInput(actor="dash-m1", ballot=Ballot.APPROVE),
        CloseVoteInput(actor=f"dash-chair{n}"),
    ]


def _run(engine: Engine, state: CycleState, commands: list[Command], day: date) -> CycleState:
    for command in commands:
        state = apply(engine, state, command, jst(day))
    return state


class Dash(NamedTuple):
    """The store and each council's cycle state as last recorded."""

    engine: Engine
    states: dict[int, CycleState]


@pytest.fixture
def dash_engine(dash: Dash) -> Engine:
    """The clean store with dash-city's cycles as described above."""
    return dash.engine


@pytest.fixture
def dash(clean_engine: Engine) -> Dash:
    """The clean store with dash-city's cycles, and their states."""
    with store.session_scope(clean_engine) as session:
        store.load_municipality(session, store.read_municipality_file(FIXTURES / "dashcity.yaml"))
    opened = jst(date(YEAR, 4, 1), 9)
    states = {n: open_cycle(clean_engine, f"dash-c{n}", YEAR, opened) for n in range(1, 6)}
    states[1] = _run(clean_engine, states[1], to_approve(1) + approval(1), date(YEAR, 5, 20))
    states[2] = _run(clean_engine, states[2], to_approve(2), date(YEAR, 5, 1))
    states[3] = _run(clean_engine, states[3], to_approve(3), date(YEAR, 5, 1))
    pause = PauseCycleInput(actor="dash-board", reason="臨時休校")
    states[3] = _run(clean_engine, states[3], [pause], date(YEAR, 6, 1))
    states[5] = _run(clean_engine, states[5], to_approve(5) + approval(5), date(YEAR, 6, 10))
    return Dash(clean_engine, states)

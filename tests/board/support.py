"""Drive a council's cycle through the pure rules and record each decision in the store,
exactly as the workflow's activities do, for tests where Temporal is not the subject."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

import store
from contracts.activities import RecordCycleOpenedInput, RecordEventInput
from contracts.cycle import cycle_workflow_id
from domain.commands import Command
from domain.model import CycleState
from domain.rules import execute, new_cycle

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MUNICIPALITY = "testcity"

#: 2026-04-01 09:00 JST.
OPENED = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)


def load_testcity(engine: Engine) -> None:
    """Load the fictional test municipality (two councils, one of them joint)."""
    with store.session_scope(engine) as session:
        store.load_municipality(session, store.read_municipality_file(FIXTURES / "testcity.yaml"))


def open_cycle(engine: Engine, council_id: str, year: int, at: datetime = OPENED) -> CycleState:
    """Open the council's cycle as the workflow does and record it; return the state."""
    with store.session_scope(engine) as session:
        setup = store.council_setup(session, council_id)
        state = new_cycle(
            council_id,
            year,
            setup.roster,
            at,
            vote_rule=setup.vote_rule,
            deadline_rules=setup.deadline_rules,
        )
        store.record_cycle_opened(
            session,
            RecordCycleOpenedInput(
                council_id=council_id,
                fiscal_year=year,
                opened_at=at,
                workflow_id=cycle_workflow_id(council_id, year),
                run_id="run-1",
                due_dates=state.due_dates,
            ),
        )
    return state


def event_input(state: CycleState, command: Command, at: datetime) -> RecordEventInput:
    """The rules' decision on ``command`` as the record_event activity receives it."""
    decision = execute(state, command, at)
    return RecordEventInput(
        event=decision.event,
        workflow_id=cycle_workflow_id(state.council_id, state.fiscal_year),
        run_id="run-1",
    )


def apply(engine: Engine, state: CycleState, command: Command, at: datetime) -> CycleState:
    """Decide ``command`` with the rules, record the event, return the next state."""
    decision = execute(state, command, at)
    with store.session_scope(engine) as session:
        store.record_event(
            session,
            RecordEventInput(
                event=decision.event,
                workflow_id=cycle_workflow_id(state.council_id, state.fiscal_year),
                run_id="run-1",
            ),
        )
    return decision.state


def apply_all(
    engine: Engine, state: CycleState, commands: list[Command], at: datetime
) -> CycleState:
    """Apply every command in turn, all at ``at``."""
    for command in commands:
        state = apply(engine, state, command, at)
    return state

"""Events recorded in any order leave the same projections: each group of the cycle row
(step, vision, approval, pause) and each due date is written only by an event newer than
the one that last wrote it. Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import Engine, select, text

import store
from contracts.activities import RecordEventInput
from contracts.cycle import cycle_workflow_id
from domain.commands import (
    CastVoteInput,
    CloseDiscussionInput,
    CloseVoteInput,
    Command,
    PauseCycleInput,
    RecordMeetingInput,
    ResumeCycleInput,
    SetDeadlineInput,
    SubmitPolicyInput,
)
from domain.model import Ballot, CycleState, Step
from domain.oversight import pending_alert
from domain.rules import Decision, execute, fire_alert
from store.db import alembic_config, make_engine
from store.models import Base, Cycle, CycleDueDate
from tests.board.support import OPENED, load_testcity, open_cycle
from tests.workflows.driver import VOTERS

COUNCIL = "testcity-c1"
YEAR = 2041
_PROJECTED = (
    "step",
    "step_opened_at",
    "closed_at",
    "vision",
    "approved_on",
    "due_on",
    "paused_since",
    "paused_reason",
    "step_seq",
    "vision_seq",
    "approved_seq",
    "pause_seq",
)


def _wipe(engine: Engine) -> None:
    tables = list(reversed(Base.metadata.sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())
    load_testcity(engine)


def _alert(state: CycleState, not_before: Any) -> Decision:
    alert = pending_alert(state)
    assert alert is not None
    return fire_alert(state, alert, max(alert.at, not_before))


def _events(state: CycleState) -> list[RecordEventInput]:
    """A year's first steps as the rules decide them, with deadline alerts among the
    commands (an alert raised right after a command, the probe of issue 13)."""
    decisions: list[Decision] = []
    at = OPENED

    def run(command: Command) -> None:
        nonlocal state, at
        at += timedelta(hours=1)
        decisions.append(execute(state, command, at))
        state = decisions[-1].state

    def alert() -> None:
        nonlocal state, at
        decisions.append(_alert(state, at))
        state = decisions[-1].state
        at = decisions[-1].event.at

    run(
        RecordMeetingInput(
            actor="t-coord",
            held_on=date(YEAR, 4, 10),
            attendance=("t-chair", "t-m1"),
            minutes_public="熟議した",
            vision_draft="第一案",
        )
    )
    alert()
    run(CloseDiscussionInput(actor="t-chair"))
    alert()
    run(PauseCycleInput(actor="t-board", reason="臨時休校"))
    run(SetDeadlineInput(actor="t-board", step=Step.APPROVE, due=date(YEAR, 7, 1)))
    run(ResumeCycleInput(actor="t-board"))
    run(SubmitPolicyInput(actor="t-principal", text="基本方針"))
    for voter in VOTERS:
        run(CastVoteInput(actor=voter, ballot=Ballot.APPROVE))
    run(CloseVoteInput(actor="t-chair"))
    alert()
    run(PauseCycleInput(actor="t-board", reason="災害"))
    return [
        RecordEventInput(
            event=d.event, workflow_id=cycle_workflow_id(COUNCIL, YEAR), run_id="run-1"
        )
        for d in decisions
    ]


def _record_in(engine: Engine, events: list[RecordEventInput]) -> dict[str, Any]:
    _wipe(engine)
    open_cycle(engine, COUNCIL, YEAR, OPENED)
    waiting = list(events)
    while waiting:
        data = waiting.pop(0)
        try:
            with store.session_scope(engine) as session:
                assert store.record_event(session, data)
        except store.NotFound:
            # A close_vote ahead of its policy's submission: the activity fails and is
            # retried (the workflow's retry policy), as here, after the others.
            waiting.append(data)
    with engine.connect() as connection:
        cycle = connection.execute(select(Cycle)).mappings().one()
        dates = connection.execute(
            select(CycleDueDate.step, CycleDueDate.due_on, CycleDueDate.event_seq).order_by(
                CycleDueDate.step
            )
        ).all()
    return {**{name: cycle[name] for name in _PROJECTED}, "due_dates": [tuple(d) for d in dates]}


def test_every_order_of_recording_gives_the_same_projections(clean_engine: Engine) -> None:
    load_testcity(clean_engine)
    state = open_cycle(clean_engine, COUNCIL, YEAR, OPENED)
    events = _events(state)
    actions = [e.event.action for e in events]
    assert actions.count("alert") == 3 and actions[-1] == "pause_cycle"

    in_order = _record_in(clean_engine, events)
    last = events[-1].event
    assert in_order["step"] == Step.PLAN.value
    assert in_order["vision"] == "第一案"
    assert (in_order["paused_since"], in_order["paused_reason"]) == (last.at, "災害")
    assert in_order["pause_seq"] == last.seq
    assert in_order["approved_on"] is not None

    # The probe: each alert lands before the command just ahead of it.
    swapped = list(events)
    for i, data in enumerate(events):
        if data.event.action == "alert":
            swapped[i - 1], swapped[i] = swapped[i], swapped[i - 1]
    orders = {
        "reversed": list(reversed(events)),
        "alert first": swapped,
        **{f"shuffled {seed}": random.Random(seed).sample(events, len(events)) for seed in (1, 2)},
    }
    for name, order in orders.items():
        assert _record_in(clean_engine, order) == in_order, name


def test_the_migration_dates_existing_cycles_at_their_latest_event(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "0002_channels")
            for statement in (
                "INSERT INTO municipalities (id, name, prefecture, vote_rule) "
                "VALUES ('m', 'M', 'P', '{}')",
                "INSERT INTO councils (id, municipality_id, name) VALUES ('c', 'm', 'C')",
                "INSERT INTO cycles (id, council_id, fiscal_year, step, step_opened_at, "
                "started_at, workflow_id, run_id, carried_over) VALUES "
                "(1, 'c', 2026, 'approve', '2026-04-01', '2026-04-01', 'w', 'r', '[]'), "
                "(2, 'c', 2027, 'discuss', '2027-04-01', '2027-04-01', 'w', 'r', '[]')",
                *(
                    "INSERT INTO audit_events (council_id, fiscal_year, seq, cycle_id, action, "
                    "actor, at, step_before, step_after, changes, command, workflow_id, run_id) "
                    f"VALUES ('c', 2026, {seq}, 1, 'a', 'x', '2026-04-02', 'discuss', "
                    "'approve', '[]', '{}', 'w', 'r')"
                    for seq in (1, 2, 7)
                ),
            ):
                connection.execute(text(statement))
            command.upgrade(config, "head")
            rows = connection.execute(
                text(
                    "SELECT id, step_seq, vision_seq, approved_seq, pause_seq FROM cycles "
                    "ORDER BY id"
                )
            ).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [(1, 7, 7, 7, 7), (2, 0, 0, 0, 0)]

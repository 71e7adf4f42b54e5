"""Restore from the store: a year runs partly on one Temporal server, the server and all
its data are thrown away, the store is kept. ``cycle start`` then refuses (it would open a
blank cycle over the records); ``restore_cycle`` starts the workflow again from the state
rebuilt out of the store on a fresh server, and the year finishes as if nothing happened:
same state, an audit trail without gap or collision, the same yearly report and the same
carry-over into next year as a year that ran uninterrupted."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, select, text
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

import store
from activities.channels import Senders
from application.cycles import StoreHoldsYear, start_cycle
from application.restore import (
    RestoreOutcome,
    RestoresFailed,
    open_cycles,
    restore_cycle,
    restore_many,
)
from config import Settings
from contracts.cycle import CycleInput, cycle_workflow_id
from domain.commands import Command, PauseCycleInput, ResumeCycleInput
from domain.model import CycleState, Step
from domain.rules import findings_for_next_year
from store.models import Base, Cycle
from store.yearly_report import yearly_report
from tests.board.support import MUNICIPALITY
from tests.encryption import encrypting_converter
from tests.workflows import conftest as workflow_fixtures
from tests.workflows.driver import COUNCIL, send, to_close, to_plan, wait_open
from worker.main import serving
from workflows.council_cycle import CouncilCycleWorkflow

RESTORED_YEAR = 2012
# Past years: an activity cannot be recorded as held in the future. The reference's next
# year (2015) is clear of the restored year's (2013).
REFERENCE_YEAR = 2014


def _commands(year: int) -> list[Command]:
    # A pause and resume in the middle, so the restored state carries moved due dates.
    # Dates fall in ``year``: the rules refuse a date outside its fiscal year.
    return [
        *to_plan(year)[:2],
        PauseCycleInput(actor="t-board", reason="臨時休校"),
        ResumeCycleInput(actor="t-board"),
        *to_plan(year)[2:],
        *to_close(year),
    ]


#: Where the server is thrown away: in coordinate, after the plan and two tasks.
CUT = len(to_plan()) + 2 + 3


def _settings(engine: Engine, queue: str, tmp: Path) -> Settings:
    return Settings(
        temporal_address="unused:0",
        task_queue=queue,
        data_dir=tmp,
        database_url=SecretStr(engine.url.render_as_string(hide_password=False)),
    )


async def _fresh_server() -> WorkflowEnvironment:
    return await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=workflow_fixtures.test_server_path(),
        data_converter=encrypting_converter(),
    )


@asynccontextmanager
async def _worker(env: WorkflowEnvironment, engine: Engine, queue: str) -> AsyncIterator[None]:
    async with serving(env.client, queue, engine, Senders(), threads=4):
        yield


async def _query(client: Client, year: int) -> CycleState:
    return await wait_open(client.get_workflow_handle(cycle_workflow_id(COUNCIL, year)))


async def _finish(client: Client, year: int, commands: list[Command]) -> CycleState:
    handle = client.get_workflow_handle_for(
        CouncilCycleWorkflow.run, cycle_workflow_id(COUNCIL, year)
    )
    for command in commands:
        await send(handle, command)
    result = await handle.result()
    return await wait_open(client.get_workflow_handle(result.next_workflow_id))


def _report(engine: Engine, year: int) -> list[dict[str, Any]]:
    with store.session_scope(engine) as session:
        rows = yearly_report(session, MUNICIPALITY, year)
    return [r.model_dump(exclude={"fiscal_year", "approved_on"}) for r in rows]


def _history(engine: Engine, year: int) -> list[tuple[Any, ...]]:
    with store.session_scope(engine) as session:
        rows = store.history(session, COUNCIL, year)
    return [(r.seq, r.action, r.actor, r.step_before, r.step_after) for r in rows]


async def test_a_year_restored_on_a_fresh_server_finishes_as_if_nothing_happened(
    testcity_engine: Engine, tmp_path: Path
) -> None:
    engine = testcity_engine
    queue = f"restore-{uuid.uuid4().hex[:8]}"
    settings = _settings(engine, queue, tmp_path)
    commands = _commands(RESTORED_YEAR)

    # The reference: the same year, uninterrupted.
    async with await _fresh_server() as reference, _worker(reference, engine, queue):
        await reference.client.start_workflow(
            CouncilCycleWorkflow.run,
            CycleInput(council_id=COUNCIL, fiscal_year=REFERENCE_YEAR),
            id=cycle_workflow_id(COUNCIL, REFERENCE_YEAR),
            task_queue=queue,
        )
        await _query(reference.client, REFERENCE_YEAR)
        reference_next = await _finish(reference.client, REFERENCE_YEAR, _commands(REFERENCE_YEAR))

    # Part of the year on a first server, which is then thrown away with all its data.
    async with await _fresh_server() as lost, _worker(lost, engine, queue):
        await lost.client.start_workflow(
            CouncilCycleWorkflow.run,
            CycleInput(council_id=COUNCIL, fiscal_year=RESTORED_YEAR),
            id=cycle_workflow_id(COUNCIL, RESTORED_YEAR),
            task_queue=queue,
        )
        await _query(lost.client, RESTORED_YEAR)
        handle = lost.client.get_workflow_handle(cycle_workflow_id(COUNCIL, RESTORED_YEAR))
        for command in commands[:CUT]:
            await send(handle, command)
        before = await _query(lost.client, RESTORED_YEAR)
    assert before.step is Step.COORDINATE

    async with await _fresh_server() as fresh:
        # cycle start refuses in one line: it would open a blank cycle at discuss.
        with pytest.raises(StoreHoldsYear) as refused:
            await start_cycle(fresh.client, settings, COUNCIL, RESTORED_YEAR)
        assert "use cycle restore" in refused.value.message("en")
        assert "\n" not in refused.value.message("ja")

        async with serving(fresh.client, queue, engine, Senders(), threads=4):
            outcome = await restore_cycle(fresh.client, settings, COUNCIL, RESTORED_YEAR)
            assert outcome is RestoreOutcome.RESTORED
            after = await _query(fresh.client, RESTORED_YEAR)
            # Exactly the state the lost server held: step, meetings, policies and
            # ballots, plan, tasks, due dates, carried-over findings, the count of events.
            assert after == before
            # A second restore finds the running cycle and leaves it alone.
            again = await restore_cycle(fresh.client, settings, COUNCIL, RESTORED_YEAR)
            assert again is RestoreOutcome.ENGINE_HAS_IT
            # Many at once: one that fails (never recorded) does not stop the others,
            # and is named in one line at the end.
            with pytest.raises(RestoresFailed) as failed:
                await restore_many(
                    fresh.client, settings, [(COUNCIL, 1999), (COUNCIL, RESTORED_YEAR)]
                )
            assert failed.value.failures == [
                f"{COUNCIL} 1999 (協議会 '{COUNCIL}' の1999年度のサイクルは記録されていません)"
            ]
            assert "\n" not in failed.value.message("ja")
            restored_next = await _finish(fresh.client, RESTORED_YEAR, commands[CUT:])
            final = await fresh.client.get_workflow_handle(
                cycle_workflow_id(COUNCIL, RESTORED_YEAR)
            ).query("state", result_type=CycleState)

    # The audit trail: numbered 1..N without a gap or a collision, and every command
    # once, in order, as in the uninterrupted year. (Task reminders are raised by the
    # cycle itself as time passes: how many fall between two commands depends on timing.)
    history = _history(engine, RESTORED_YEAR)
    assert [row[0] for row in history] == list(range(1, len(history) + 1))

    def commands_only(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        return [row[1:] for row in rows if row[2] != "system"]

    assert commands_only(history) == commands_only(_history(engine, REFERENCE_YEAR))
    assert len(commands_only(history)) == len(commands)
    with store.session_scope(engine) as session:
        cycle = session.scalars(
            select(Cycle).where(Cycle.council_id == COUNCIL, Cycle.fiscal_year == RESTORED_YEAR)
        ).one()
        runs = [
            r.run_id
            for r in session.scalars(
                select(store.models.AuditEvent)
                .where(store.models.AuditEvent.cycle_id == cycle.id)
                .order_by(store.models.AuditEvent.seq)
            )
        ]
    cut = before.accepted_commands
    assert len(set(runs[:cut])) == 1 and len(set(runs[cut:])) == 1
    assert runs[0] != runs[-1] and cycle.run_id == runs[-1]

    # The yearly report and next year's carry-over, as if nothing had happened.
    assert _report(engine, RESTORED_YEAR) == _report(engine, REFERENCE_YEAR)
    assert restored_next.carried_over == findings_for_next_year(final)
    assert [f.model_dump(exclude={"from_year"}) for f in restored_next.carried_over] == [
        f.model_dump(exclude={"from_year"}) for f in reference_next.carried_over
    ]
    assert len(restored_next.carried_over) == 3


async def test_a_closed_year_whose_next_year_was_lost_opens_it_with_the_findings(
    testcity_engine: Engine, tmp_path: Path
) -> None:
    engine = testcity_engine
    queue = f"restore-{uuid.uuid4().hex[:8]}"
    settings = _settings(engine, queue, tmp_path)
    async with await _fresh_server() as lost, _worker(lost, engine, queue):
        await lost.client.start_workflow(
            CouncilCycleWorkflow.run,
            CycleInput(council_id=COUNCIL, fiscal_year=RESTORED_YEAR),
            id=cycle_workflow_id(COUNCIL, RESTORED_YEAR),
            task_queue=queue,
        )
        await _query(lost.client, RESTORED_YEAR)
        closed_next = await _finish(lost.client, RESTORED_YEAR, _commands(RESTORED_YEAR))
    # The engine was lost right after the year closed, before next year was recorded.
    with engine.begin() as connection:
        next_id = connection.scalar(
            select(Cycle.id).where(
                Cycle.council_id == COUNCIL, Cycle.fiscal_year == RESTORED_YEAR + 1
            )
        )
        # Every row of next year (its deadline alerts may already have been recorded:
        # the year lies in the past), then the cycle itself.
        for table in reversed(Base.metadata.sorted_tables):
            if "cycle_id" in table.c:
                connection.execute(table.delete().where(table.c.cycle_id == next_id))
        connection.execute(text("DELETE FROM cycles WHERE id = :id"), {"id": next_id})

    async with await _fresh_server() as fresh, _worker(fresh, engine, queue):
        targets = await asyncio.to_thread(open_cycles, settings, MUNICIPALITY)
        assert targets == [(COUNCIL, RESTORED_YEAR)]
        results = await restore_many(fresh.client, settings, targets)
        assert [r.outcome for r in results] == [RestoreOutcome.NEXT_YEAR_OPENED]
        reopened = await _query(fresh.client, RESTORED_YEAR + 1)
    assert reopened.step is Step.DISCUSS
    assert reopened.carried_over == closed_next.carried_over
    assert len(reopened.carried_over) == 3

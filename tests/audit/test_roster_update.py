"""The ``update_roster`` update on a running cycle: applied through the pure rules,
idempotent by update id, refused (nothing changed) when it would empty the roster."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

import store
from activities.channels import Senders
from application import cycles
from contracts.cycle import CycleInput, cycle_workflow_id
from domain.model import Role, Roster, RosterEntry, Step
from domain.refusals import Refusal
from domain.roster_update import UpdateRosterInput, replace_roster
from domain.rules import new_cycle
from starter.cli import run
from tests.audit.conftest import AuditCity
from tests.cli_token import sign_in_locally
from tests.workflows.driver import wait_open
from worker.main import serving
from workflows.council_cycle import CouncilCycleWorkflow

AT = datetime(2026, 5, 1, tzinfo=UTC)
ROSTER = Roster(entries=(RosterEntry(member_id="a", roles=(Role.CHAIR,)),))


def test_the_rules_replace_the_roster_on_a_copy_and_refuse_a_closed_cycle() -> None:
    state = new_cycle("c", 2026, ROSTER, AT)
    other = Roster(entries=(RosterEntry(member_id="b", roles=(Role.CHAIR,)),))
    update = UpdateRosterInput(update_id="u1", changed_by="cli:x", roster=other)
    after = replace_roster(state, update, AT)
    assert after.roster == other and state.roster == ROSTER
    with pytest.raises(Refusal) as empty:
        replace_roster(state, update.model_copy(update={"roster": Roster()}), AT)
    assert empty.value.code == "empty_roster"
    state.step = Step.CLOSED
    with pytest.raises(Refusal) as closed:
        replace_roster(state, update, AT)
    assert closed.value.code == "cycle_closed"


async def test_a_resent_update_changes_nothing_and_an_empty_roster_is_refused(
    temporal_env: WorkflowEnvironment, engine: Engine, auditcity: AuditCity
) -> None:
    city = auditcity
    with store.session_scope(engine) as session:
        store.load_municipality(session, store.read_municipality_file(city.original()))
    client = temporal_env.client
    queue = f"roster-{uuid.uuid4().hex[:8]}"
    async with serving(client, queue, engine, Senders(), threads=4):
        handle = await client.start_workflow(
            CouncilCycleWorkflow.run,
            CycleInput(council_id=city.council, fiscal_year=2026),
            id=cycle_workflow_id(city.council, 2026),
            task_queue=queue,
        )
        opened = await wait_open(handle)
        smaller = Roster(entries=opened.roster.entries[1:])
        first = UpdateRosterInput(update_id="change-1", changed_by="cli:t", roster=smaller)
        state = await cycles.update_roster(client, city.council, 2026, first)
        assert state.roster == smaller
        # The same id again, even with another roster: already applied, nothing changes.
        again = first.model_copy(update={"roster": opened.roster})
        assert (await cycles.update_roster(client, city.council, 2026, again)).roster == smaller
        empty = UpdateRosterInput(update_id="change-2", changed_by="cli:t", roster=Roster())
        with pytest.raises(cycles.CommandRefused) as refused:
            await cycles.update_roster(client, city.council, 2026, empty)
        assert refused.value.code == "empty_roster"
        assert (await cycles.state(client, city.council, 2026)).roster == smaller


async def test_roster_sync_resends_the_store_roster_and_reports_a_cycle_that_cannot_take_it(
    temporal_env: WorkflowEnvironment,
    engine: Engine,
    auditcity: AuditCity,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    city = auditcity
    monkeypatch.setenv("DATABASE_URL", database_url)
    sign_in_locally(monkeypatch, database_url)
    monkeypatch.setenv("TEMPORAL_ADDRESS", temporal_env.client.service_client.config.target_host)
    monkeypatch.setenv("TEMPORAL_NAMESPACE", temporal_env.client.namespace)
    with store.session_scope(engine) as session:
        store.load_municipality(session, store.read_municipality_file(city.original()))
    client = temporal_env.client
    queue = f"sync-{uuid.uuid4().hex[:8]}"
    async with serving(client, queue, engine, Senders(), threads=4):
        handle = await client.start_workflow(
            CouncilCycleWorkflow.run,
            CycleInput(council_id=city.council, fiscal_year=2026),
            id=cycle_workflow_id(city.council, 2026),
            task_queue=queue,
        )
        await wait_open(handle)
        # A roster change that never reached the cycle (say, the push failed).
        with store.session_scope(engine) as session:
            hostile = city.hostile("https://hooks.example.jp/x")
            store.load_municipality(session, store.read_municipality_file(hostile))
        sync = ["--lang", "en", "roster", "sync", "--municipality", city.municipality]
        assert await asyncio.to_thread(run, sync) == 0
        assert capsys.readouterr().out.strip() == (
            f"the 2026 cycle of {city.council} now has the new roster"
        )
        state = await cycles.state(client, city.council, 2026)
        assert state.roster.roles_of(city.stranger) == {Role.CHAIR}
        assert state.roster.roles_of(city.chair) == frozenset()

        await handle.terminate("test: a cycle that cannot take the roster")
        assert await asyncio.to_thread(run, sync) == 1
        failed = capsys.readouterr()
        assert failed.out == ""
        [line] = failed.err.splitlines()
        assert line.startswith("the directory was saved but the 2026 cycle of")
        assert line.endswith("send it again with `roster sync`")

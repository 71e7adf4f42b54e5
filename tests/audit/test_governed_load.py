"""The probe's edit of a municipality file (a stranger made chair, the board's e-mail
redirected, its webhook pointed inside): refused without confirmation, refused for the
internal webhook even with ``--yes``, and once valid and confirmed, shown masked, audited
field by field and in force in the running cycle (the removed chair refused, the new
one accepted), against the time-skipping server."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

import pytest
from sqlalchemy import Engine, select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

import store
from activities.channels import Senders
from contracts.cycle import CycleInput, cycle_workflow_id
from domain.commands import RecordMeetingInput
from domain.model import Role
from starter.cli import run
from store.audit_log import AccessAuditRow, DirectoryAuditRow, verify
from tests.audit.conftest import AuditCity
from tests.cli_token import sign_in_locally
from tests.store.support import row_counts
from tests.workflows.driver import send, wait_open
from worker.main import serving
from workflows.council_cycle import CouncilCycleWorkflow

YEAR = 2026


def _meeting(actor: str, attendee: str) -> RecordMeetingInput:
    return RecordMeetingInput(
        actor=actor, held_on=date(2026, 4, 20), attendance=(attendee,), minutes_public="議事"
    )


def _roster_roles(engine: Engine, council: str, person: str) -> frozenset[Role]:
    with store.session_scope(engine) as session:
        return store.council_setup(session, council).roster.roles_of(person)


def _directory_rows(engine: Engine) -> dict[str, int]:
    # Notifications keep arriving from the running cycle; the directory must not move.
    counts = row_counts(engine)
    return {name: counts[name] for name in DIRECTORY_TABLES}


DIRECTORY_TABLES = (
    "people", "council_members", "municipality_staff", "directory_audit", "access_audit"
)  # fmt: skip


@pytest.fixture
def cli_env(
    temporal_env: WorkflowEnvironment, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    sign_in_locally(monkeypatch, database_url)
    monkeypatch.setenv("TEMPORAL_ADDRESS", temporal_env.client.service_client.config.target_host)
    monkeypatch.setenv("TEMPORAL_NAMESPACE", temporal_env.client.namespace)


async def test_the_probe_edit_is_refused_then_shown_audited_and_in_force(
    temporal_env: WorkflowEnvironment,
    engine: Engine,
    cli_env: None,
    auditcity: AuditCity,
    capsys: pytest.CaptureFixture[str],
) -> None:
    city = auditcity
    assert await asyncio.to_thread(run, ["load", str(city.original()), "--yes"]) == 0
    capsys.readouterr()
    queue = f"audit-{uuid.uuid4().hex[:8]}"
    async with serving(temporal_env.client, queue, engine, Senders(), threads=4):
        handle = await temporal_env.client.start_workflow(
            CouncilCycleWorkflow.run,
            CycleInput(council_id=city.council, fiscal_year=YEAR),
            id=cycle_workflow_id(city.council, YEAR),
            task_queue=queue,
        )
        await wait_open(handle)
        before = _directory_rows(engine)

        # 1. No terminal and no --yes: one line, nothing changed.
        hostile = city.hostile("https://hooks.evil.example/T0/secret-token")
        assert await asyncio.to_thread(run, ["load", str(hostile)]) == 1
        refused = capsys.readouterr()
        assert refused.out == ""
        assert len(refused.err.splitlines()) == 1 and "--yes" in refused.err
        # 2. With --yes, the webhook pointing inside is refused in one line.
        inside = city.hostile("https://169.254.169.254/latest/meta-data")
        assert await asyncio.to_thread(run, ["load", str(inside), "--yes"]) == 1
        refused = capsys.readouterr()
        assert refused.out == ""
        assert refused.err.splitlines() == [
            f"{inside}: people[5].webhook_url: webhook target refused: a link-local address"
        ]
        assert "169.254" not in refused.err
        assert _directory_rows(engine) == before
        assert Role.CHAIR in _roster_roles(engine, city.council, city.chair)

        # 3. A valid file, confirmed: the diff masked, the change audited and in force.
        assert await asyncio.to_thread(run, ["--lang", "en", "load", str(hostile), "--yes"]) == 0
        shown = capsys.readouterr()
        assert shown.err == ""
        lines = shown.out.splitlines()
        assert f"  + councils/{city.council}/members/{city.stranger} role: chair" in lines
        assert f"  - councils/{city.council}/members/{city.chair} role: chair" in lines
        assert f"  ~ people/{city.board} email: b***@ac.example.jp → b***@evil.example" in lines
        assert f"  ~ people/{city.board} webhook_url: — → https://hooks.evil.example/…" in lines
        assert f"  + people/{city.stranger} name: 不…" in lines
        board_mail = (f"board-{city.s}@evil.example", f"board-{city.s}@ac.example.jp")
        for secret in (*board_mail, "secret-token", "不審 者"):
            assert secret not in shown.out
        assert f"the {YEAR} cycle of {city.council} now has the new roster" in lines

        # The removed chair is refused from now on; the new chair is accepted.
        with pytest.raises(WorkflowUpdateFailedError) as caught:
            await send(handle, _meeting(city.chair, city.chair))
        assert "名簿にありません" in str(caught.value.cause)
        state = await send(handle, _meeting(city.stranger, city.stranger))
        assert state.roster.roles_of(city.stranger) == {Role.CHAIR}
        assert state.roster.roles_of(city.chair) == frozenset()
        assert len(state.meetings) == 1

    # Every change is an audit row: who, when, before → after; and the chain holds.
    with store.session_scope(engine) as session:
        audited = session.scalars(
            select(DirectoryAuditRow)
            .where(DirectoryAuditRow.municipality_id == city.municipality)
            .order_by(DirectoryAuditRow.seq)
        ).all()
        change_ids = list(dict.fromkeys(row.change_id for row in audited))
        assert len(change_ids) == 2  # the original load, then the edit
        edit = [row for row in audited if row.change_id == change_ids[1]]
        assert {row.actor for row in edit} == {row.actor for row in audited}
        assert all(row.actor.startswith("local:") for row in edit)
        email = next(r for r in edit if r.target == f"people/{city.board}" and r.field == "email")
        assert (email.op, email.before, email.after) == (
            "~",
            "b***@ac.example.jp",
            "b***@evil.example",
        )
        access = session.scalars(
            select(AccessAuditRow).where(
                AccessAuditRow.target == f"municipalities/{city.municipality}"
            )
        ).all()
        assert [a.action for a in access] == ["directory_change", "directory_change"]
        assert access[1].detail["change_id"] == change_ids[1]
        for model in (DirectoryAuditRow, AccessAuditRow):
            assert verify(session, model)[1] is None

"""Erasure of a person who has left: name and contacts gone from the store, the id kept,
「削除済みの利用者」 shown wherever a name was, their roles gone from the running cycle,
the erasure audited, and a file that still lists them refused."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

import store
from activities.channels import Senders
from application import erasure
from application.audit import Actor
from application.errors import AppError
from config import Settings
from contracts.cycle import STATE_QUERY, CycleInput, cycle_workflow_id
from domain.commands import RecordMeetingInput
from starter.cli import run
from store.audit_log import AccessAuditRow, verify
from store.models import Person
from store.task_models import Volunteer
from tests.audit.conftest import AuditCity
from tests.cli_token import sign_in_locally
from tests.workflows.driver import send, wait_open
from worker.main import serving
from workflows.council_cycle import CouncilCycleWorkflow

YEAR = 2026
ERASED = "削除済みの利用者"


@pytest.fixture
def cli_env(
    temporal_env: WorkflowEnvironment, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    sign_in_locally(monkeypatch, database_url)
    monkeypatch.setenv("TEMPORAL_ADDRESS", temporal_env.client.service_client.config.target_host)
    monkeypatch.setenv("TEMPORAL_NAMESPACE", temporal_env.client.namespace)


async def test_an_erased_member_is_gone_from_store_cycle_and_records(
    temporal_env: WorkflowEnvironment,
    engine: Engine,
    cli_env: None,
    auditcity: AuditCity,
    capsys: pytest.CaptureFixture[str],
) -> None:
    city = auditcity
    original = city.original()
    assert await asyncio.to_thread(run, ["load", str(original), "--yes"]) == 0
    member = f"{city.municipality}-m2"  # has an e-mail address
    queue = f"erase-{uuid.uuid4().hex[:8]}"
    async with serving(temporal_env.client, queue, engine, Senders(), threads=4):
        handle = await temporal_env.client.start_workflow(
            CouncilCycleWorkflow.run,
            CycleInput(council_id=city.council, fiscal_year=YEAR),
            id=cycle_workflow_id(city.council, YEAR),
            task_queue=queue,
        )
        await wait_open(handle)
        meeting = RecordMeetingInput(
            actor=city.chair, held_on=date(2026, 4, 20), attendance=(member,), minutes_public="議"
        )
        await send(handle, meeting)
        capsys.readouterr()

        erase = ["person", "erase", "--person", member, "--municipality", city.municipality]
        assert await asyncio.to_thread(run, erase) == 1  # no --yes: nothing changes
        assert "--yes" in capsys.readouterr().err
        with store.session_scope(engine) as session:
            assert session.get_one(Person, member).name == "監査 三郎"

        assert await asyncio.to_thread(run, [*erase, "--yes"]) == 0
        done = capsys.readouterr()
        assert done.err == ""
        assert f"{member} の個人情報を消去しました" in done.out
        assert f"{city.council} の{YEAR}年度のサイクルに新しい名簿を反映しました" in done.out

        # The running cycle no longer has them: their vote or meeting is refused.
        state = await handle.query(STATE_QUERY)
        assert member not in {e["member_id"] for e in state["roster"]["entries"]}
        with pytest.raises(WorkflowUpdateFailedError):
            await send(handle, meeting.model_copy(update={"actor": member}))
        # The chair of the meeting is erased too, after the record: the record stays.
        assert await asyncio.to_thread(
            run, ["person", "erase", "--person", city.chair, "--municipality", city.municipality,
                  "--yes"]
        ) == 0  # fmt: skip
        capsys.readouterr()

    with store.session_scope(engine) as session:
        person = session.get_one(Person, member)
        assert (person.name, person.kana, person.email, person.webhook_url) == (
            ERASED, None, None, None
        )  # fmt: skip
        assert store.council_setup(session, city.council).roster.roles_of(member) == frozenset()
        erasures = session.scalars(
            select(AccessAuditRow).where(AccessAuditRow.action == "erasure")
        ).all()
        assert f"people/{member}" in {row.target for row in erasures}
        assert all(row.actor.startswith("local:") for row in erasures)
        assert verify(session, AccessAuditRow)[1] is None

    # Names shown in records: the id stays, the name is 「削除済みの利用者」.
    assert run(["history", "--council", city.council, "--year", str(YEAR)]) == 0
    table = capsys.readouterr().out
    assert ERASED in table and "監査 一郎" not in table
    assert run(["history", "--council", city.council, "--year", str(YEAR), "--csv"]) == 0
    csv_text = capsys.readouterr().out
    assert city.chair in csv_text and ERASED in csv_text and "監査 一郎" not in csv_text

    # A file that still lists them is refused in one line; nothing comes back.
    assert run(["load", str(original), "--yes"]) == 1
    refused = capsys.readouterr()
    assert refused.out == "" and len(refused.err.splitlines()) == 1
    assert "was erased" in refused.err


def test_an_erased_volunteer_keeps_only_the_id(
    engine: Engine,
    database_url: str,
    auditcity: AuditCity,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    sign_in_locally(monkeypatch, database_url)
    city = auditcity
    assert run(["load", str(city.original()), "--yes"]) == 0
    volunteer = f"{city.municipality}-v1"
    with store.session_scope(engine) as session:
        store.upsert_volunteer(
            session,
            city.municipality,
            store.VolunteerEntry(
                id=volunteer, name="見守り 花子", contact="0166-00-1234",
                availability="平日午前", registered_on=date(2026, 4, 1), consent_to_contact=True,
            ),
        )  # fmt: skip
    erase = ["person", "erase", "--person", volunteer, "--municipality", city.municipality]
    assert run([*erase, "--yes"]) == 0
    assert run(["volunteer", "list", "--municipality", city.municipality, "--json"]) == 0
    listed = capsys.readouterr().out
    assert volunteer in listed and ERASED in listed
    assert "見守り 花子" not in listed and "0166" not in listed
    with store.session_scope(engine) as session:
        row = session.get_one(Volunteer, volunteer)
        assert (row.name, row.contact, row.consent_to_contact) == (ERASED, None, False)
        reads = session.scalars(
            select(AccessAuditRow).where(
                AccessAuditRow.target == f"municipalities/{city.municipality}/volunteers"
            )
        ).all()
        assert [r.action for r in reads] == ["read_personal_data"]
    unknown = run(["person", "erase", "--person", "nobody", "--municipality", city.municipality,
                   "--yes"])  # fmt: skip
    assert unknown == 1
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_only_a_board_admin_or_the_local_operator_may_erase(
    engine: Engine, database_url: str, auditcity: AuditCity, tmp_path: Path
) -> None:
    city = auditcity
    with store.session_scope(engine) as session:
        store.load_municipality(session, store.read_municipality_file(city.original()))
    config = Settings(database_url=SecretStr(database_url), data_dir=tmp_path)
    member = f"{city.municipality}-m1"
    chair = Actor(id=f"person:{city.chair}", client="console", person_id=city.chair)
    with pytest.raises(AppError) as refused:
        erasure.erase(config, chair, city.municipality, member)
    assert refused.value.key == "not_board_admin"
    with store.session_scope(engine) as session:
        assert session.get_one(Person, member).name == "監査 二郎"
    board = Actor(id=f"person:{city.board}", client="console", person_id=city.board)
    done = erasure.erase(config, board, city.municipality, member)
    assert done.erasure.roles_removed == 1 and done.erasure.councils == (city.council,)
    with store.session_scope(engine) as session:
        assert session.get_one(Person, member).name == ERASED

"""Record the replay fixture: ``python -m tests.workflows.record_history``.

Runs the test council through a whole cycle on the time-skipping server with the real
activities on a throw-away SQLite store, and writes the workflow's event history to
``tests/histories/full_cycle.json``. Re-record only on purpose: the replay test exists to
fail when a workflow change would break cycles already running. Recorded without encryption
on purpose (a reviewable fixture, and the shape of a history written before encryption was
turned on): the encrypting codec passes such payloads through, so it replays either way.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

import store
from activities.channels import Senders
from store.db import make_engine, migrate
from tests.workflows.conftest import FIXTURES, test_server_path
from tests.workflows.driver import COUNCIL, send, to_close, to_plan, wait_open
from worker.main import serving
from workflows.council_cycle import CouncilCycleWorkflow
from workflows.inputs import CycleInput, cycle_workflow_id

HISTORY = Path(__file__).parent.parent / "histories" / "full_cycle.json"


async def record() -> None:
    """Run one full cycle and write its history."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/record.db"
        migrate(url)
        engine = make_engine(url)
        with store.session_scope(engine) as session:
            data = store.read_municipality_file(FIXTURES / "testcity.yaml")
            store.load_municipality(session, data)
        env = await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=test_server_path(), data_converter=pydantic_data_converter
        )
        async with env, serving(env.client, "record", engine, Senders(), threads=4):
            handle = await env.client.start_workflow(
                CouncilCycleWorkflow.run,
                CycleInput(council_id=COUNCIL, fiscal_year=2026),
                id=cycle_workflow_id(COUNCIL, 2026),
                task_queue="record",
            )
            await wait_open(handle)
            for command in [*to_plan(), *to_close()]:
                await send(handle, command)
            await handle.result()
            history = await handle.fetch_history()
        engine.dispose()
    HISTORY.write_text(history.to_json())
    print(f"wrote {HISTORY} ({len(history.events)} events)")


if __name__ == "__main__":
    asyncio.run(record())

"""A full cycle's history stays small: updates answer with a receipt, not the whole state.

The figure printed here is the one quoted in docs/bounded-commands.md (bytes of the
fetched history's events, protobuf-encoded, of the driver's full cycle).
"""

from __future__ import annotations

from temporalio.api.history.v1 import History
from temporalio.testing import WorkflowEnvironment

from contracts.cycle import CycleInput, cycle_workflow_id
from tests.workflows.driver import COUNCIL, send, to_close, to_plan, wait_open
from workflows.council_cycle import CouncilCycleWorkflow

YEAR = 2021


async def test_a_full_cycle_history_stays_small(
    temporal_env: WorkflowEnvironment, task_queue: str
) -> None:
    handle = await temporal_env.client.start_workflow(
        CouncilCycleWorkflow.run,
        CycleInput(council_id=COUNCIL, fiscal_year=YEAR),
        id=cycle_workflow_id(COUNCIL, YEAR),
        task_queue=task_queue,
    )
    await wait_open(handle)
    for command in [*to_plan(YEAR), *to_close(YEAR)]:
        await send(handle, command)
    await handle.result()
    history = await handle.fetch_history()
    size = History(events=history.events).ByteSize()
    answers = sum(
        e.ByteSize()
        for e in history.events
        if e.HasField("workflow_execution_update_completed_event_attributes")
    )
    print(f"full cycle history: {len(history.events)} events, {size} bytes, {answers} in answers")
    # Before the receipts the same cycle took about 155,000 bytes, 91,000 of them in the
    # updates' answers (each one the whole state); see docs/bounded-commands.md. Since
    # each payload names the workflow its key is derived for (``encryption-key-scope``,
    # issue 24: a command copied to another cycle does not decrypt there), a full cycle
    # takes about 103,000 bytes: about 50 more bytes for each of its ~500 payloads.
    assert answers < 15_000
    assert size < 115_000

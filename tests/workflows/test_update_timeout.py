"""A command nobody answers in time is a ``WorkerTimeout`` naming its command id, whatever
form the SDK gives the timeout (it turns the cancellation into an error of its own)."""

from __future__ import annotations

import uuid

import pytest
from temporalio.testing import WorkflowEnvironment

from application import cycles
from contracts.cycle import WORKFLOW_NAME, CycleInput, cycle_workflow_id
from domain.commands import CloseDiscussionInput


async def test_a_command_without_a_worker_times_out_with_its_id(
    temporal_env: WorkflowEnvironment,
) -> None:
    council, year = "t-nobody-polls", 2076
    handle = await temporal_env.client.start_workflow(
        WORKFLOW_NAME,
        CycleInput(council_id=council, fiscal_year=year),
        id=cycle_workflow_id(council, year),
        task_queue=f"nobody-{uuid.uuid4().hex[:8]}",  # no worker polls it
    )
    try:
        for _ in range(2):  # the same id again: still a timeout, never a raw SDK error
            with pytest.raises(cycles.WorkerTimeout) as caught:
                await cycles.send(
                    temporal_env.client, council, year, CloseDiscussionInput(actor="t-chair"),
                    answer_within=2, command_id="close-1",
                )  # fmt: skip
            assert caught.value.command_id == "close-1"
            assert "--command-id close-1" in caught.value.message("en")
    finally:
        await handle.terminate("test done")

"""Replay a recorded history: a non-deterministic change to the workflow fails here."""

from __future__ import annotations

from pathlib import Path

from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

with workflow.unsafe.imports_passed_through():
    # This module defines a workflow, so the sandbox imports it again: the converter's
    # native crypto library must not be imported a second time (SystemError).
    from tests.encryption import encrypting_converter
from workflows.council_cycle import CouncilCycleWorkflow, CycleResult
from workflows.inputs import WORKFLOW_NAME, CycleInput

HISTORY = Path(__file__).parent.parent / "histories" / "full_cycle.json"


async def test_recorded_full_cycle_replays_without_nondeterminism() -> None:
    history = WorkflowHistory.from_json("council-cycle/testcity-c1/2026", HISTORY.read_text())
    assert len(history.events) > 50  # a whole cycle, not an empty file
    replayer = Replayer(workflows=[CouncilCycleWorkflow], data_converter=encrypting_converter())
    result = await replayer.replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None


@workflow.defn(name=WORKFLOW_NAME)
class _ReorderedCycle(CouncilCycleWorkflow):
    """The cycle with one harmless-looking change: a timer before anything else."""

    @workflow.run
    async def run(self, data: CycleInput) -> CycleResult:
        await workflow.sleep(1)
        return await super().run(data)


async def test_a_non_deterministic_change_fails_the_replay() -> None:
    history = WorkflowHistory.from_json("council-cycle/testcity-c1/2026", HISTORY.read_text())
    replayer = Replayer(workflows=[_ReorderedCycle], data_converter=encrypting_converter())
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert isinstance(result.replay_failure, NondeterminismError)

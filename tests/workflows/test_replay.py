"""Replay the recorded histories: a change to the workflow that would break cycles already
running fails here.

``tests/histories/`` holds several histories (``python -m tests.histories.record`` says
which and how they were made): a whole year, and cycles stopped at approve, in coordinate
with tasks and alerts, and paused after alerts. Each is replayed against the current
workflow; a planted non-deterministic change must fail every one of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from domain.rule_changes import RULE_CHANGES
from tests.encryption import encrypting_converter
from tests.histories.record import HISTORIES, SCENARIOS, WORKFLOW_ID
from tests.histories.variants import DeprecatedPatchCycle, ReorderedCycle, UnguardedCycle
from workflows.council_cycle import CouncilCycleWorkflow


def recorded(name: str) -> WorkflowHistory:
    """The recorded history of scenario ``name``."""
    return WorkflowHistory.from_json(WORKFLOW_ID, (HISTORIES / f"{name}.json").read_text())


async def replay(workflow_class: type, name: str) -> Exception | None:
    """Replay scenario ``name`` with ``workflow_class``; the failure, if any."""
    # The encrypting converter of production: it passes the recorded (unencrypted)
    # payloads through, so the histories replay as a worker with encryption on reads them.
    replayer = Replayer(workflows=[workflow_class], data_converter=encrypting_converter())
    result = await replayer.replay_workflow(recorded(name), raise_on_replay_failure=False)
    return result.replay_failure


def test_every_history_in_the_folder_is_a_scenario() -> None:
    assert {p.stem for p in Path(HISTORIES).glob("*.json")} == set(SCENARIOS)


@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_a_recorded_cycle_replays_without_nondeterminism(name: str) -> None:
    history = recorded(name)
    assert len(history.events) > 100  # a real cycle, not an empty file
    completed = history.events[-1].HasField("workflow_execution_completed_event_attributes")
    assert completed is SCENARIOS[name].completes
    assert await replay(CouncilCycleWorkflow, name) is None


@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_a_non_deterministic_change_fails_the_replay(name: str) -> None:
    assert isinstance(await replay(ReorderedCycle, name), NondeterminismError)


async def test_the_rule_change_without_its_patch_would_break_a_running_cycle() -> None:
    # The cycle was paused past its tasks' overdue moment: recorded before the change, the
    # notices went out at resume; with the change they are not due yet. Unguarded, the
    # workflow does something else than the history says.
    assert isinstance(await replay(UnguardedCycle, "paused_after_alerts"), NondeterminismError)


async def test_a_patch_is_deprecated_then_removed_in_that_order() -> None:
    # Deprecated: cycles started with the patch replay; ones from before it no longer do,
    # so this stage waits until none of those runs any more.
    assert await replay(DeprecatedPatchCycle, "paused_after_alerts_new") is None
    deprecated_old = await replay(DeprecatedPatchCycle, "paused_after_alerts")
    assert isinstance(deprecated_old, NondeterminismError)
    # Removed: a history with the (not deprecated) patch marker no longer replays either,
    # so removal waits until the cycles started under ``patched`` have closed too.
    removed_new = await replay(UnguardedCycle, "paused_after_alerts_new")
    assert isinstance(removed_new, NondeterminismError)


def test_cycles_recorded_before_the_change_have_no_patch_marker_and_new_ones_do() -> None:
    def markers(name: str) -> list[str]:
        return [
            e.marker_recorded_event_attributes.marker_name
            for e in recorded(name).events
            if e.HasField("marker_recorded_event_attributes")
        ]

    assert all(markers(n) == [] for n, s in SCENARIOS.items() if s.before_rule_changes)
    assert markers("paused_after_alerts_new") == ["core_patch"] * len(RULE_CHANGES)

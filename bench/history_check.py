"""After a run: the baseline really did the engine's Temporal work, read from the histories."""

from __future__ import annotations

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

COUNTED_EVENTS = (
    "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED",
    "EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED",
    "EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED",
    "EVENT_TYPE_TIMER_STARTED",
    "EVENT_TYPE_WORKFLOW_TASK_COMPLETED",
)

#: The marker a local activity's result is recorded with (the SDK's core names it).
LOCAL_ACTIVITY_MARKER = "core_local_activity"

#: What the baseline must do exactly as often as the engine (timers and patch markers are
#: the engine's own).
SAME_IN_BOTH = (
    "activity_task_scheduled",
    "local_activity",
    "workflow_execution_update_accepted",
    "start_child_workflow_execution_initiated",
)


async def event_counts(client: Client, workflow_id: str) -> dict[str, int]:
    """How many events of each counted kind the workflow's history holds, and how many
    local activities it ran (``local_activity``)."""
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    names = [EventType.Name(e.event_type) for e in history.events]
    counts = {
        kind.removeprefix("EVENT_TYPE_").lower(): names.count(kind) for kind in COUNTED_EVENTS
    }
    counts["local_activity"] = sum(
        1
        for e in history.events
        if e.HasField("marker_recorded_event_attributes")
        and e.marker_recorded_event_attributes.marker_name == LOCAL_ACTIVITY_MARKER
    )
    return counts


def require_same_work(engine: dict[str, int], baseline: dict[str, int]) -> None:
    """Fail, naming the first difference, unless both did the same Temporal work."""
    for kind in SAME_IN_BOTH:
        if engine[kind] != baseline[kind]:
            raise RuntimeError(
                f"baseline does not match the engine: {kind} {baseline[kind]} != {engine[kind]}"
            )

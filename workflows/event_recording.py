"""Recording an accepted command's event in the store, from inside the cycle workflow.

A command's record is a *local* activity: the worker that holds the cycle runs it inside
the workflow task that accepted the command, and the update completes in that same task.
As a normal activity it cost the server an activity task to dispatch and a second
workflow task to complete the update (11 history events per vote instead of 6), the
largest part of the Temporal server's CPU per command in ``bench.console_load``.

What stays the same: the activity itself (``record_event``, idempotent by the event's
key, so a second attempt records nothing twice), its timeout and its retry policy (a
local activity retries inside the workflow task, then with timers). A worker that dies
while recording leaves its workflow task to time out; the next worker replays the
command's decision and records again. With ``WORKER_ROLE=workflows`` the workflow
process runs these records itself (``worker.main.serving_queues``), so it needs the store.

Cycles that were running before this change keep their normal activity: the choice is a
patch (``RECORD_EVENTS_LOCALLY``), decided once when a run starts (or replays), as the
rule changes are (docs/upgrading-workflows.md).
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contracts.activities import RECORD_EVENT, RecordEventInput
    from contracts.retry_policies import RECORD_RETRY, STORE_TIMEOUT
    from domain.events import CycleEvent

#: The patch that turns the local record on for cycles started (or first run) with it.
RECORD_EVENTS_LOCALLY = "record-events-locally"


def records_locally() -> bool:
    """Whether this run records its events with a local activity: true for a run this
    code starts, false for one replaying a history recorded before the change."""
    return workflow.patched(RECORD_EVENTS_LOCALLY)


async def record_event(event: CycleEvent, *, locally: bool) -> None:
    """Record ``event`` in the store (``record_event``), locally or as a normal activity."""
    info = workflow.info()
    data = RecordEventInput(event=event, workflow_id=info.workflow_id, run_id=info.run_id)
    if locally:
        await workflow.execute_local_activity(
            RECORD_EVENT,
            data,
            result_type=bool,
            start_to_close_timeout=STORE_TIMEOUT,
            retry_policy=RECORD_RETRY,
        )
        return
    await workflow.execute_activity(
        RECORD_EVENT,
        data,
        result_type=bool,
        start_to_close_timeout=STORE_TIMEOUT,
        retry_policy=RECORD_RETRY,
    )

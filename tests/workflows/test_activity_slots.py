"""The worker takes a burst of activity tasks off the server at once and runs them first
come first served on its threads: the test server hands out its own backlog newest first,
so tasks left waiting there could starve behind newer ones."""

from __future__ import annotations

import asyncio
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from temporalio import activity
from temporalio.api.enums.v1 import PendingActivityState
from temporalio.testing import WorkflowEnvironment

from bench.baseline import bench_load, bench_opened
from bench.baseline_workflow import NOTIFY, BaselineInput, BaselineWorkflow, NoopInput
from contracts.cycle import notification_queue
from worker.main import ACTIVITY_THREADS, tuned_worker

#: More tasks than the worker has threads in production, run here on two threads.
BURST = ACTIVITY_THREADS + 4
release = threading.Event()
finished: list[str] = []


@activity.defn(name=NOTIFY)
def held_notify(data: NoopInput) -> int:
    """Holds its thread until the test lets go, so the burst cannot drain on its own."""
    release.wait(timeout=30)
    finished.append(data.key)
    return 0


async def _started_count(env: WorkflowEnvironment, workflow_id: str) -> int:
    description = await env.client.get_workflow_handle(workflow_id).describe()
    pending = description.raw_description.pending_activities
    return sum(1 for a in pending if a.state == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED)


async def test_a_burst_of_activities_leaves_the_server_queue_at_once(
    temporal_env: WorkflowEnvironment,
) -> None:
    queue, workflow_id = f"slots-{uuid.uuid4().hex[:8]}", f"slots/{uuid.uuid4().hex[:8]}"
    release.clear()
    finished.clear()
    with ThreadPoolExecutor(max_workers=2) as executor:
        worker = tuned_worker(
            temporal_env.client, queue, [BaselineWorkflow], [bench_load, bench_opened], executor
        )
        notifications = tuned_worker(
            temporal_env.client, notification_queue(queue), [], [held_notify], executor
        )
        async with worker, notifications:
            await temporal_env.client.start_workflow(
                BaselineWorkflow.run,
                BaselineInput(opening_notices=BURST, open_child=False),
                id=workflow_id,
                task_queue=queue,
            )
            try:
                started = 0
                for _ in range(200):
                    started = await _started_count(temporal_env, workflow_id)
                    if started == BURST:
                        break
                    await asyncio.sleep(0.05)
                # Every task was handed to the worker, though only two run at a time.
                assert started == BURST
                assert finished == []
            finally:
                # Let the held threads go even when the test fails, or shutdown waits.
                release.set()
            for _ in range(200):
                if len(finished) == BURST:
                    break
                await asyncio.sleep(0.05)
            assert len(finished) == BURST
            await temporal_env.client.get_workflow_handle(workflow_id).terminate("test done")

"""Drives councils through their workflows concurrently and times every update."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from temporalio.client import Client, WorkflowHandle

POLL_SECONDS = 0.05
OPEN_TIMEOUT_SECONDS = 600.0


@dataclass(frozen=True)
class Update:
    """One update to send: its name, argument and result type."""

    name: str
    arg: Any
    result_type: type


@dataclass(frozen=True)
class Run:
    """One workflow to start and drive."""

    workflow: str
    workflow_id: str
    arg: Any
    open_query: str
    updates: tuple[Update, ...]
    await_result: bool


@dataclass
class PhaseTimes:
    """What one phase measured: wall time, every update's round trip, and whole runs."""

    wall_seconds: float = 0.0
    runs: int = 0
    update_seconds: list[float] = field(default_factory=list)
    run_seconds: list[float] = field(default_factory=list)


async def _wait_open(handle: WorkflowHandle[Any, Any], query: str) -> None:
    deadline = time.monotonic() + OPEN_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if await handle.query(query) is not None:
            return
        await asyncio.sleep(POLL_SECONDS)
    raise RuntimeError(f"{handle.id} did not open within {OPEN_TIMEOUT_SECONDS:.0f} s")


async def _drive(client: Client, task_queue: str, run: Run, times: PhaseTimes) -> None:
    started = time.perf_counter()
    handle = await client.start_workflow(
        run.workflow, run.arg, id=run.workflow_id, task_queue=task_queue
    )
    await _wait_open(handle, run.open_query)
    for update in run.updates:
        sent = time.perf_counter()
        await handle.execute_update(update.name, update.arg, result_type=update.result_type)
        times.update_seconds.append(time.perf_counter() - sent)
    if run.await_result:
        await handle.result()
    times.run_seconds.append(time.perf_counter() - started)
    times.runs += 1


async def drive(
    client: Client,
    task_queue: str,
    runs: Iterator[Run],
    concurrency: int,
    times: PhaseTimes,
    advance: Callable[[], None],
) -> None:
    """Drive every run with at most ``concurrency`` at once; add to ``times``; call
    ``advance`` after each run (the progress bar)."""

    async def lane() -> None:
        for run in runs:
            await _drive(client, task_queue, run, times)
            advance()

    started = time.perf_counter()
    async with asyncio.TaskGroup() as lanes:  # the first failure cancels the other lanes
        for _ in range(concurrency):
            lanes.create_task(lane())
    times.wall_seconds += time.perf_counter() - started

"""Drives councils through their workflows concurrently and times every update."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from temporalio.client import Client, WorkflowHandle
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

T = TypeVar("T")

POLL_SECONDS = 0.05
#: Attempts of one call when the connection to the server fails (e.g. an HTTP/2 error seen
#: once after ~2,000 workflows); every retry is counted and reported.
RPC_ATTEMPTS = 4
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
    #: The same round trips by update name, to tell which command is slow.
    update_seconds_by_name: dict[str, list[float]] = field(default_factory=dict)
    run_seconds: list[float] = field(default_factory=list)
    rpc_retries: int = 0
    #: State queries sent while waiting for workflows to open (each is work for the
    #: server and the worker, and a slower opening means more of them).
    open_queries: int = 0
    #: CPU seconds used during the phase: by its worker process, by the Temporal server
    #: (when the script started it) and by PostgreSQL (every postgres process).
    worker_cpu_seconds: float = 0.0
    server_cpu_seconds: float = 0.0
    postgres_cpu_seconds: float = 0.0


async def _retrying(call: Callable[[], Awaitable[T]], times: PhaseTimes) -> T:
    """``call`` again when the RPC itself failed. Safe: starts, updates (by update id),
    queries and results are all idempotent here."""
    for attempt in range(1, RPC_ATTEMPTS + 1):
        try:
            return await call()
        except RPCError:
            if attempt == RPC_ATTEMPTS:
                raise
            times.rpc_retries += 1
            await asyncio.sleep(0.5 * attempt)
    raise AssertionError("unreachable")


async def _wait_open(handle: WorkflowHandle[Any, Any], query: str, times: PhaseTimes) -> None:
    deadline = time.monotonic() + OPEN_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        times.open_queries += 1
        try:
            if await handle.query(query) is not None:
                return
        except RPCError:
            # A query times out when a full test server lags: ask again until the deadline.
            times.rpc_retries += 1
        await asyncio.sleep(POLL_SECONDS)
    raise RuntimeError(f"{handle.id} did not open within {OPEN_TIMEOUT_SECONDS:.0f} s")


async def _drive(client: Client, task_queue: str, run: Run, times: PhaseTimes) -> None:
    started = time.perf_counter()

    async def start() -> WorkflowHandle[Any, Any]:
        try:
            return await client.start_workflow(
                run.workflow, run.arg, id=run.workflow_id, task_queue=task_queue
            )
        except WorkflowAlreadyStartedError:  # an earlier attempt did start it
            return client.get_workflow_handle(run.workflow_id)

    handle = await _retrying(start, times)
    await _wait_open(handle, run.open_query, times)
    for number, update in enumerate(run.updates):
        sent = time.perf_counter()
        await _retrying(
            lambda u=update, n=number: handle.execute_update(  # type: ignore[misc]
                u.name, u.arg, id=f"bench-{n}", result_type=u.result_type
            ),
            times,
        )
        took = time.perf_counter() - sent
        times.update_seconds.append(took)
        times.update_seconds_by_name.setdefault(update.name, []).append(took)
    if run.await_result:
        await _retrying(handle.result, times)
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

"""The faults of a chaos run: a schedule drawn from the seed, the processes they hit
(the worker, the Temporal dev server) and the injector that fires each fault when the
workload has reached its point (a share of the planned accepted commands)."""

from __future__ import annotations

import asyncio
import random
import signal
import time
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path

from bench.chaos_net import Receipts, StoreProxy
from bench.processes import worker_process
from embedded.server import ServerKind, running_temporal_server


@dataclass(frozen=True)
class Fault:
    """One fault: what, at which share of the workload, and for how long (seconds)."""

    kind: str  # worker_kill | server_restart | store_cut | channel_outage
    at: float
    seconds: float


@dataclass
class Injected:
    """A fault as it happened: when it began and ended (monotonic seconds)."""

    fault: Fault
    started: float
    ended: float
    accepted_before: int
    recovery_seconds: float | None = None


def schedule(
    rng: random.Random, kills: int, server_restarts: int, store_cut: float, outage: float
) -> list[Fault]:
    """The faults of one run, in the order they fire."""
    faults = [
        Fault("worker_kill", rng.uniform(0.03, 0.9), rng.uniform(0.5, 8.0)) for _ in range(kills)
    ]
    faults += [
        Fault("server_restart", rng.uniform(0.1, 0.8), rng.uniform(1.0, 5.0))
        for _ in range(server_restarts)
    ]
    if store_cut > 0:
        faults.append(Fault("store_cut", rng.uniform(0.1, 0.8), store_cut))
    if outage > 0:
        faults.append(Fault("channel_outage", rng.uniform(0.05, 0.7), outage))
    return sorted(faults, key=lambda f: f.at)


class TemporalServer:
    """The dev server, restartable on the same port and database file."""

    def __init__(self, port: int, data_dir: Path) -> None:
        self.port, self.data_dir = port, data_dir
        self.address = f"127.0.0.1:{port}"
        self._stack: AsyncExitStack | None = None

    async def start(self) -> None:
        """Start it and wait until it answers."""
        self._stack = AsyncExitStack()
        await self._stack.enter_async_context(
            running_temporal_server(
                self.port, self.data_dir, ServerKind.DEV_SERVER, startup_timeout=180.0
            )
        )

    async def stop(self) -> None:
        """Stop it (SIGTERM, then SIGKILL after a grace period)."""
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = None


class Worker:
    """``python -m worker`` against the server and the store proxy; one log per start."""

    def __init__(self, address: str, database_url: str, task_queue: str, workdir: Path) -> None:
        self.address, self.database_url, self.task_queue = address, database_url, task_queue
        self.workdir = workdir
        self.starts = 0
        self.crashes = 0
        self._stack: AsyncExitStack | None = None
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start a worker and wait until it polls."""
        self.starts += 1
        self._stack = AsyncExitStack()
        log = self.workdir / f"worker-{self.starts:02d}.log"
        self._process = await self._stack.enter_async_context(
            worker_process("worker", self.address, self.database_url, self.task_queue, log)
        )

    async def kill(self) -> None:
        """SIGKILL: no clean-up of any kind in the worker."""
        if self._process is not None and self._process.returncode is None:
            self._process.send_signal(signal.SIGKILL)
        await self.stop()

    async def stop(self) -> None:
        """Stop it (SIGTERM, then SIGKILL)."""
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = None
            self._process = None

    async def revive_if_dead(self) -> None:
        """Start again a worker that exited on its own (counted as a crash)."""
        if self._process is not None and self._process.returncode is not None:
            self.crashes += 1
            await self.stop()
            await self.start()


@dataclass
class Injector:
    """Fires each fault of ``faults`` once the workload has accepted its share."""

    faults: list[Fault]
    planned: int
    worker: Worker
    server: TemporalServer
    proxy: StoreProxy
    receivers: list[Receipts]
    accepted: Callable[[], int]
    log: Callable[[str], None]
    done: list[Injected] = field(default_factory=list)

    async def run(self, load_finished: asyncio.Event) -> None:
        """Fire every fault in order; after the load has finished, fire what is left."""
        for fault in self.faults:
            while self.accepted() < fault.at * self.planned and not load_finished.is_set():
                await self.worker.revive_if_dead()
                await asyncio.sleep(0.2)
            await self.fire(fault)
            await self._recovered(load_finished)
        while not load_finished.is_set():
            await self.worker.revive_if_dead()
            await asyncio.sleep(0.5)

    async def _recovered(self, load_finished: asyncio.Event) -> None:
        """Wait for a command accepted after the last fault ended (or the load's end), so
        that each fault meets a running system and its recovery time is its own."""
        ended_at = self.accepted()
        while self.accepted() <= ended_at and not load_finished.is_set():
            await self.worker.revive_if_dead()
            await asyncio.sleep(0.2)

    async def fire(self, fault: Fault) -> None:
        """Inject ``fault`` and undo it after its time."""
        before = self.accepted()
        started = time.monotonic()
        self.log(
            f"fault {len(self.done) + 1}: {fault.kind} at {before}/{self.planned} "
            f"accepted, {fault.seconds:.1f} s"
        )
        if fault.kind == "worker_kill":
            await self.worker.kill()
            await asyncio.sleep(fault.seconds)
            await self.worker.start()
        elif fault.kind == "server_restart":
            await self.server.stop()
            await asyncio.sleep(fault.seconds)
            await self.server.start()
            await self.worker.revive_if_dead()
        elif fault.kind == "store_cut":
            self.proxy.cut()
            await asyncio.sleep(fault.seconds)
            self.proxy.restore()
        elif fault.kind == "channel_outage":
            for receipts in self.receivers:
                receipts.failing = True
            await asyncio.sleep(fault.seconds)
            for receipts in self.receivers:
                receipts.failing = False
        self.done.append(Injected(fault, started, time.monotonic(), before))

    def recoveries(self, accepted_at: list[float]) -> None:
        """Fill in each fault's time to recover: from its start to the first command
        accepted after it ended (to the first delivery received, for channels)."""
        arrivals = sorted(t for r in self.receivers for t in r.snapshot()[1])
        for injected in self.done:
            times = arrivals if injected.fault.kind == "channel_outage" else accepted_at
            after = [t for t in times if t >= injected.ended]
            if after:
                injected.recovery_seconds = min(after) - injected.started

"""Worker processes of the benchmark: started apart so their memory can be measured."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from config import WorkerRole

READY_TIMEOUT_SECONDS = 60.0


def memory_kib(pid: int) -> dict[str, int]:
    """``VmRSS`` (now) and ``VmHWM`` (peak) of ``pid`` in KiB, from ``/proc``."""
    found: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) ``pid`` has used so far, from ``/proc/<pid>/stat``."""
    return _cpu_of(Path(f"/proc/{pid}/stat").read_text())


def _cpu_of(stat: str) -> float:
    # The fields after the command name (which may hold spaces) start at field 3 (state);
    # utime and stime are fields 14 and 15, in clock ticks.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """CPU time used so far by every PostgreSQL process on this machine (the store's
    backends among them); 0 where there is none or ``/proc`` cannot be read."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended while we looked
            continue
        if "(postgres)" in text:
            total += _cpu_of(text)
    return total


@asynccontextmanager
async def worker_process(
    module: str,
    address: str,
    database_url: str,
    task_queue: str,
    log_path: Path,
    role: WorkerRole = WorkerRole.ALL,
) -> AsyncIterator[asyncio.subprocess.Process]:
    """Run ``python -m <module>`` against ``address`` in ``role``; yield it once it polls
    ``task_queue``, stop it (SIGTERM, then SIGKILL) when the block ends."""
    env = {
        **os.environ,
        "TEMPORAL_ADDRESS": address,
        "DATABASE_URL": database_url,
        "TASK_QUEUE": task_queue,
        "WORKER_ROLE": role.value,
    }
    with log_path.open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", module, env=env, stdout=log, stderr=asyncio.subprocess.STDOUT
        )
    try:
        await _wait_running(process, log_path)
        yield process
    finally:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()


async def _wait_running(process: asyncio.subprocess.Process, log_path: Path) -> None:
    """Wait for the worker's "running" log line: it is polling from then on."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + READY_TIMEOUT_SECONDS
    while loop.time() < deadline:
        if process.returncode is not None:
            raise RuntimeError(f"worker exited with code {process.returncode} (log: {log_path})")
        if "worker running" in await asyncio.to_thread(log_path.read_text, errors="replace"):
            return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"worker not running after {READY_TIMEOUT_SECONDS:.0f} s (log: {log_path})")


@dataclass(frozen=True)
class WorkerGroup:
    """The worker processes of one side of the benchmark: one process, or two that split
    the work by ``WORKER_ROLE`` (workflows first)."""

    processes: tuple[asyncio.subprocess.Process, ...]

    def cpu_seconds(self) -> float:
        """CPU time all of them have used so far."""
        return sum(cpu_seconds(p.pid) for p in self.processes)

    def peak_rss_kib(self) -> int:
        """The sum of their peak resident sizes (an upper bound of the peak together)."""
        return sum(memory_kib(p.pid)["VmHWM"] for p in self.processes)


@asynccontextmanager
async def worker_group(
    module: str, address: str, database_url: str, task_queue: str, log_path: Path, split: bool
) -> AsyncIterator[WorkerGroup]:
    """``worker_process`` once (role ``all``), or twice when ``split`` (roles ``workflows``
    and ``activities``, logging to ``<log>-workflows.log`` and ``<log>-activities.log``)."""
    roles = (WorkerRole.WORKFLOWS, WorkerRole.ACTIVITIES) if split else (WorkerRole.ALL,)
    async with AsyncExitStack() as stack:
        processes = []
        for role in roles:
            log = log_path.with_name(f"{log_path.stem}-{role.value}{log_path.suffix}")
            processes.append(
                await stack.enter_async_context(
                    worker_process(
                        module, address, database_url, task_queue, log if split else log_path, role
                    )
                )
            )
        yield WorkerGroup(tuple(processes))

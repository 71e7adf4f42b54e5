"""``python -m bench.server_growth``: does the Temporal server slow down with the work it
has already done, even when nothing is left open?

Runs batches of a trivial workflow (three activities that return at once, nothing of the
engine) and prints, after each batch, the workflows completed so far, the rate, the
server's CPU per workflow and its memory. Every workflow has completed before the next
batch starts, so a rising cost per workflow comes from what the server keeps of finished
work, not from open workflows. This is why the national-scale run (``bench.run
--advance-only --councils 35000``) cannot finish on the in-memory test server: see
``bench/README.md``.

Against ``TEMPORAL_ADDRESS`` (a real server) it prints the rate only, unless
``--server-pid`` names that server's process on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table
from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import Worker

from bench.processes import cpu_seconds, memory_kib
from bench.servers import add_server_pid_argument, check_server_pid, temporal_server

TASK_QUEUE = "bench-server-growth"


@activity.defn(name="bench_growth_step")
def step(value: int) -> int:
    """Return at once: the activity is there for the server's work, not for its own."""
    return value + 1


@workflow.defn(name="BenchGrowth", sandboxed=False)
class GrowthWorkflow:
    """Three activities in a row, then done. Not sandboxed: the worker's own cost per
    workflow stays small and constant, so the figures are the server's."""

    @workflow.run
    async def run(self, value: int) -> int:
        """Run the three activities and return the last result."""
        for _ in range(3):
            value = await workflow.execute_activity(
                step, value, start_to_close_timeout=timedelta(seconds=30)
            )
        return value


@dataclass(frozen=True)
class Batch:
    """The figures after one batch."""

    completed: int
    workflows_per_second: float
    server_cpu_ms_per_workflow: float | None
    server_rss_mib: float | None


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line; a one-line error for impossible values."""
    parser = argparse.ArgumentParser(prog="python -m bench.server_growth", description=__doc__)
    parser.add_argument("--batches", type=int, default=5, help="batches to run (5)")
    parser.add_argument("--batch", type=int, default=2000, help="workflows per batch (2000)")
    parser.add_argument("--concurrency", type=int, default=50, help="workflows at once (50)")
    parser.add_argument("--json", type=Path, help="write the batches here as JSON")
    add_server_pid_argument(parser)
    args = parser.parse_args(argv)
    if args.batches < 1 or args.batch < 1 or args.concurrency < 1:
        parser.error("--batches, --batch and --concurrency must be at least 1")
    check_server_pid(parser, args.server_pid)
    return args


async def run_batches(
    client: Client, server_pid: int | None, batches: int, batch: int, concurrency: int
) -> list[Batch]:
    """Run ``batches`` batches of ``batch`` workflows, ``concurrency`` at a time."""
    gate = asyncio.Semaphore(concurrency)
    run_id = int(time.time())

    async def one(number: int) -> None:
        async with gate:
            await client.execute_workflow(
                GrowthWorkflow.run, number, id=f"growth-{run_id}-{number}", task_queue=TASK_QUEUE
            )

    results: list[Batch] = []
    with ThreadPoolExecutor(max_workers=8) as threads:
        async with Worker(
            client,
            task_queue=TASK_QUEUE,
            workflows=[GrowthWorkflow],
            activities=[step],
            activity_executor=threads,
        ):
            for index in range(batches):
                started = time.monotonic()
                cpu_before = cpu_seconds(server_pid) if server_pid else None
                await asyncio.gather(*(one(index * batch + k) for k in range(batch)))
                elapsed = time.monotonic() - started
                cpu_ms = None
                rss = None
                if server_pid and cpu_before is not None:
                    cpu_ms = round((cpu_seconds(server_pid) - cpu_before) / batch * 1000, 2)
                    rss = round(memory_kib(server_pid)["VmRSS"] / 1024, 1)
                results.append(Batch((index + 1) * batch, round(batch / elapsed, 1), cpu_ms, rss))
                print_batch(results[-1])
    return results


_console = Console()


def print_batch(batch: Batch) -> None:
    """One line per batch as it ends: a long run shows its trend while it runs."""
    cpu = "–" if batch.server_cpu_ms_per_workflow is None else batch.server_cpu_ms_per_workflow
    _console.print(
        f"{batch.completed:>7} 件完了 / completed: {batch.workflows_per_second} wf/s, "
        f"server CPU {cpu} ms/wf, server RSS {batch.server_rss_mib or '–'} MiB"
    )


def table(batches: list[Batch], server: str) -> Table:
    """The figures of every batch, for the end of the run."""
    out = Table(title=f"サーバーの劣化 / server growth: {server}")
    for column in ("completed", "workflows/s", "server CPU ms/workflow", "server RSS MiB"):
        out.add_column(column, justify="right")
    for b in batches:
        out.add_row(
            str(b.completed),
            str(b.workflows_per_second),
            "–" if b.server_cpu_ms_per_workflow is None else str(b.server_cpu_ms_per_workflow),
            "–" if b.server_rss_mib is None else str(b.server_rss_mib),
        )
    return out


async def _main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-growth-") as workdir:
        async with temporal_server(Path(workdir), args.server_pid) as (
            address,
            server_pid,
            server,
        ):
            client = await Client.connect(address)
            batches = await run_batches(
                client, server_pid, args.batches, args.batch, args.concurrency
            )
    _console.print(table(batches, server))
    if args.json is not None:
        payload = {"server": server, "batches": [asdict(b) for b in batches]}
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")


def main(argv: list[str]) -> int:
    """Run the batches and print the table."""
    asyncio.run(_main(parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

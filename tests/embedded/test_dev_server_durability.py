"""The embedded dev server's SQLite file (issue 22): a write-ahead log instead of the
rollback journal, and still nothing acknowledged is lost when the server process is
killed outright (SIGKILL: no shutdown, no checkpoint)."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
from pathlib import Path

import pytest
from temporalio.client import Client

from embedded.server import (
    EmbeddedServerError,
    ServerKind,
    free_port,
    running_temporal_server,
    server_command,
)


def _journal_mode(database: Path) -> str:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        mode: str = connection.execute("PRAGMA journal_mode").fetchone()[0]
        return mode


def test_the_dev_server_runs_on_a_write_ahead_log(tmp_path: Path) -> None:
    argv = server_command(ServerKind.DEV_SERVER, 7300, tmp_path).argv
    pragmas = [argv[i + 1] for i, part in enumerate(argv) if part == "--sqlite-pragma"]
    assert pragmas == ["journal_mode=wal", "synchronous=normal"]
    full = server_command(ServerKind.DEV_SERVER, 7300, tmp_path, sync="full").argv
    assert "synchronous=full" in full
    with pytest.raises(EmbeddedServerError, match="sync mode"):
        server_command(ServerKind.DEV_SERVER, 7300, tmp_path, sync="off")


async def test_a_killed_dev_server_loses_nothing_it_acknowledged(tmp_path: Path) -> None:
    data = tmp_path / "data"
    started: list[str] = []
    async with running_temporal_server(free_port(), data, ServerKind.DEV_SERVER) as server:
        assert server.database_path is not None
        assert await asyncio.to_thread(_journal_mode, server.database_path) == "wal"
        client = await Client.connect(server.address)
        # Each start is acknowledged once the server has written it (no worker needed).
        for number in range(20):
            handle = await client.start_workflow(
                "durability-probe", id=f"probe-{number}", task_queue="nobody-polls"
            )
            started.append(handle.id)
        os.kill(server.pid, signal.SIGKILL)
    async with running_temporal_server(free_port(), data, ServerKind.DEV_SERVER) as again:
        client = await Client.connect(again.address)
        for workflow_id in started:
            described = await client.get_workflow_handle(workflow_id).describe()
            assert described.id == workflow_id

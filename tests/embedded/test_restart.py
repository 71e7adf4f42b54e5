"""``make run``, a cycle advanced to approve, Ctrl+C, ``make run`` again on the same data
directory: the cycle is still at approve and takes the next commands.

Everything is a real process: the launcher (``python -m embedded``, which starts the
persistent Temporal dev server and the worker) and each CLI command (``python -m starter``).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from embedded.server import port_is_free
from tests.cli.conftest import Cli, _fresh_postgres
from tests.embedded.launcher_process import (
    Ports,
    launcher_environment,
    read_until_ready,
    server_pid,
    start_launcher,
    stop_with_sigint,
    wait_gone,
)

COUNCIL = "kushiro-kushiro"
YEAR = "2026"
CYCLE = ("--council", COUNCIL, "--year", YEAR)
CHAIR = "kushiro-kushiro-chair"
PRINCIPAL = "kushiro-kushiro-principal"


async def _drain(stream: asyncio.StreamReader | None) -> None:
    """Read the launcher's log lines away so a full pipe never blocks it."""
    assert stream is not None
    while await stream.readline():
        pass


async def _status(cli: Cli) -> dict[str, Any]:
    state: dict[str, Any] = (await cli.ok("cycle", "status", *CYCLE, "--json")).json()
    return state


async def _history_seqs(cli: Cli) -> list[int]:
    entries = (await cli.ok("history", "--council", COUNCIL, "--year", YEAR, "--json")).json()
    return [entry["seq"] for entry in entries]


async def test_a_cycle_survives_ctrl_c_and_takes_the_next_vote_after_a_restart(
    tmp_path: Path, launcher_cleanup: list[asyncio.subprocess.Process]
) -> None:
    data_dir = tmp_path / "data"
    ports = Ports.free()
    environ = launcher_environment(data_dir, ports)
    cli_environ = {
        **environ,
        "PATH": os.environ["PATH"],
        "TEMPORAL_ADDRESS": f"127.0.0.1:{ports.grpc}",
    }
    base_url = os.environ.get("TEST_DATABASE_URL")
    if base_url:  # the PostgreSQL run: the store there, the Temporal data still in data_dir
        environ["DATABASE_URL"] = cli_environ["DATABASE_URL"] = _fresh_postgres(base_url, "restart")
    # The CLI finds the launcher's local operator token in DATA_DIR by itself; it may act
    # on behalf of the council's people (``--as``), as the README's walkthrough does.
    cli = Cli(cli_environ, pass_as=True)

    first = await start_launcher(environ, tmp_path)
    launcher_cleanup.append(first)
    started = await read_until_ready(first)
    first_server = server_pid(started)
    # The launcher made the CLI's local operator token, private, and said so; the Web UI
    # decodes through the console's codec endpoint.
    token_file = data_dir / "cli-token"
    assert token_file.stat().st_mode & 0o777 == 0o600
    assert any(str(token_file) in line and "(0600)" in line for line in started)
    assert any("/codec" in line for line in started)
    draining = asyncio.create_task(_drain(first.stderr))
    await cli.ok("load", "examples/kushiro.yaml", "--yes")
    await cli.ok("cycle", "start", *CYCLE)
    await cli.ok(
        "meeting", *CYCLE, "--as", "kushiro-kushiro-coord-2", "--date", "2026-04-18",
        "--attendance", f"{CHAIR},kushiro-kushiro-member-1", "--minutes", "熟議",
        "--vision", "ふるさと釧路を誇る子ども",
    )  # fmt: skip
    await cli.ok("discussion", "close", *CYCLE, "--as", CHAIR)
    before = await _status(cli)
    assert before["step"] == "approve"

    assert await stop_with_sigint(first) == 0  # Ctrl+C
    await draining
    assert await wait_gone(first_server)
    assert port_is_free(ports.grpc)

    second = await start_launcher(environ, tmp_path)
    launcher_cleanup.append(second)
    lines = await read_until_ready(second)
    assert server_pid(lines) != first_server
    draining = asyncio.create_task(_drain(second.stderr))

    after = await _status(cli)
    assert after["step"] == "approve"
    assert after["vision"] == before["vision"]
    assert after["accepted_commands"] == before["accepted_commands"]
    await cli.ok("policy", "submit", *CYCLE, "--as", PRINCIPAL, "--text", "基本方針 第1版")
    await cli.ok("vote", "cast", "approve", *CYCLE, "--as", CHAIR)

    voted = await _status(cli)
    assert voted["step"] == "approve"
    assert voted["accepted_commands"] == before["accepted_commands"] + 2
    assert [policy["text"] for policy in voted["policies"]] == ["基本方針 第1版"]
    # The audit goes on where it stopped: no gap, no number used twice.
    assert await _history_seqs(cli) == list(range(1, voted["accepted_commands"] + 1))

    assert await stop_with_sigint(second) == 0
    await draining

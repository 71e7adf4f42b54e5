"""The Temporal server a benchmark runs against: a fresh in-memory test server of its
own, or the one at ``TEMPORAL_ADDRESS`` (measured too when ``--server-pid`` names it)."""

from __future__ import annotations

import argparse
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path


def add_server_pid_argument(parser: argparse.ArgumentParser) -> None:
    """``--server-pid``: measure a local server that ``TEMPORAL_ADDRESS`` points at."""
    parser.add_argument(
        "--server-pid",
        type=int,
        help="with TEMPORAL_ADDRESS: the pid of that server when it runs on this machine "
        "(e.g. `temporal server start-dev`), so that its CPU and memory are measured too",
    )


def check_server_pid(parser: argparse.ArgumentParser, pid: int | None) -> None:
    """A one-line error for a ``--server-pid`` that cannot be what the user meant."""
    if pid is None:
        return
    if not os.environ.get("TEMPORAL_ADDRESS"):
        parser.error("--server-pid needs TEMPORAL_ADDRESS (without it the run starts its own)")
    if not Path(f"/proc/{pid}/stat").exists():
        parser.error(f"--server-pid {pid}: no such process on this machine")


@asynccontextmanager
async def temporal_server(
    workdir: Path, server_pid: int | None = None
) -> AsyncIterator[tuple[str, int | None, str]]:
    """``TEMPORAL_ADDRESS`` when set, else a fresh in-memory test server on a free port.
    Yields the address, the server's pid (``None`` when not ours and no ``server_pid``
    was given for it) and a description."""
    address = os.environ.get("TEMPORAL_ADDRESS")
    if address:
        measured = "" if server_pid is None else f" (pid {server_pid}, measured)"
        yield address, server_pid, f"TEMPORAL_ADDRESS={address}{measured}"
        return
    from embedded.server import ServerKind, free_port, running_temporal_server

    async with running_temporal_server(free_port(), workdir, ServerKind.TEST_SERVER) as server:
        yield server.address, server.pid, "temporal-test-server (in-memory, fresh for this run)"

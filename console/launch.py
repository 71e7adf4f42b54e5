"""The console as a child process of ``make run`` (``python -m embedded``)."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys
from collections.abc import AsyncIterator

from application.mail import mail_folder
from application.shared_store import migrate
from config import Settings

#: How long the console may take to stop before it is killed.
STOP_TIMEOUT_SECONDS = 10.0
#: A person of ``examples/kushiro.yaml`` to sign in as.
SAMPLE_ADDRESS = "kushiro-chair@kushiro.example.jp"


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child before exec: the kernel sends SIGTERM when the launcher dies, even by
    SIGKILL, so the console never outlives ``make run`` (as the Temporal server does)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@contextlib.asynccontextmanager
async def running_console(
    settings: Settings, extra_env: dict[str, str] | None = None
) -> AsyncIterator[asyncio.subprocess.Process]:
    """Run ``python -m console`` against ``settings``' Temporal server and store until
    the block exits; the store is migrated first, so the two processes never race."""
    await asyncio.to_thread(migrate, settings.resolved_database_url())
    env = {**os.environ, **(extra_env or {}), "TEMPORAL_ADDRESS": settings.temporal_address}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "console",
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), STOP_TIMEOUT_SECONDS)
            except TimeoutError:
                process.kill()
                await process.wait()


def usage_lines(settings: Settings) -> list[str]:
    """What the launcher prints about the console: where it is and how to sign in."""
    return [
        f"Web コンソール / web console: {settings.console_base_url}",
        f"  サインイン例 / sign in as a sample person: {SAMPLE_ADDRESS}",
        "  （先に examples/kushiro.yaml を読み込む / load examples/kushiro.yaml first)",
        f"  SMTP 未設定のためメールは .eml で保存 / no SMTP: mail is written to"
        f" {mail_folder(settings)}/ (open the newest .eml and follow the link)",
    ]


#: The console setting naming the Web UI origins its codec endpoint answers (CORS).
CODEC_ORIGINS_VARIABLE = "CODEC_ALLOWED_ORIGINS"


def codec_endpoint(settings: Settings) -> str:
    """The console's codec endpoint, for the Web UI (``--ui-codec-endpoint``)."""
    return f"{settings.console_base_url.rstrip('/')}/codec"


def ui_origins(ui_port: int) -> list[str]:
    """The Web UI's origins on this machine (both names of the loopback address)."""
    return [f"http://127.0.0.1:{ui_port}", f"http://localhost:{ui_port}"]


def codec_lines(endpoint: str, ui_port: int) -> list[str]:
    """What the launcher says about reading encrypted histories in the Web UI."""
    return [
        f"Web UI の暗号化された履歴は {endpoint} で復号 / the Web UI decodes histories"
        f" through the console's codec endpoint {endpoint}",
        "  教育委員会の担当者（パスキー確認済み）のみ。Web UI は http://localhost:"
        f"{ui_port} で開き、Codec Server 設定で「Include cross-origin credentials」を"
        " オンに / board admins with a passkey only: open the Web UI at"
        f' http://localhost:{ui_port} and turn on "Include cross-origin credentials"'
        " in its codec server settings (the console's session cookie is its credential)",
    ]

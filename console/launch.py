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
from config import Settings
from store.db import migrate

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
async def running_console(settings: Settings) -> AsyncIterator[asyncio.subprocess.Process]:
    """Run ``python -m console`` against ``settings``' Temporal server and store until
    the block exits; the store is migrated first, so the two processes never race."""
    await asyncio.to_thread(migrate, settings.resolved_database_url())
    env = {**os.environ, "TEMPORAL_ADDRESS": settings.temporal_address}
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

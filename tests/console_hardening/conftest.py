"""A real environment for the console's hardening tests, without a browser: a fresh store
with the Kushiro example, a real-time Temporal test server on a free port and the real
worker, all on an event loop of their own in a background thread, so that synchronous
tests (Hypothesis drives them) can call the console in-process or over loopback while
the worker keeps answering. ``python -m console`` runs on demand (``uvicorn_console``)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from fastapi import FastAPI
from pydantic import SecretStr

import store
from application import identity
from application.cycles import connect, start_cycle, state
from console.app import create_app
from console.web import ConsoleSettings
from embedded.server import ServerKind, embedded_temporal, free_port
from tests.console.conftest import COUNCIL, OTHER_COUNCIL, YEAR, module_store
from worker.main import run_worker

T = TypeVar("T")
REPO_ROOT = Path(__file__).resolve().parents[2]
#: Who the tests sign in as (real people of the example): a chair, a member, and the
#: board admin (who needs a passkey: the session is marked confirmed in the store).
CHAIR = "kushiro-chair@kushiro.example.jp"
MEMBER = "kk-member-1@test.example"
BOARD = "board@kushiro.example.jp"


class LoopThread:
    """An event loop running in a thread of its own; ``run`` waits for a coroutine."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def submit(self, work: Coroutine[Any, Any, T]) -> Future[T]:
        """Start ``work`` on the loop."""
        return asyncio.run_coroutine_threadsafe(work, self.loop)

    def run(self, work: Coroutine[Any, Any, T], timeout: float = 120.0) -> T:
        """Run ``work`` on the loop and wait for its result."""
        return self.submit(work).result(timeout)

    def close(self) -> None:
        """Stop the loop and its thread."""
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@dataclass(frozen=True)
class Person:
    """A signed-in person: the session cookie and its CSRF token."""

    email: str
    cookie: str
    csrf: str


@dataclass
class HardeningEnv:
    """The running environment and what the tests need of it."""

    settings: ConsoleSettings
    database_url: str
    loop: LoopThread

    def sign_in(self, email: str, passkey: bool = False) -> Person:
        """A session for ``email`` through the application's own link flow (the mail is
        not read: the link's token comes straight from ``request_link``)."""
        engine = store.make_engine(self.database_url)
        try:
            at = datetime.now(UTC)
            with store.session_scope(engine) as session:
                link = identity.request_link(session, email, "tests", at)
                assert link is not None, email
                opened = identity.redeem_link(session, link.token, at)
                if passkey:
                    # The WebAuthn ceremony needs an authenticator: the browser tests do it.
                    identity.confirm_with_passkey(session, opened.cookie, at)
                found = identity.current_session(session, opened.cookie, at)
                assert found is not None
                return Person(email, opened.cookie, found.csrf_token)
        finally:
            engine.dispose()

    def audit_clients(self, action: str) -> list[str]:
        """The client column of every access-audit row of ``action``, oldest first."""
        engine = store.make_engine(self.database_url)
        try:
            with store.session_scope(engine) as session:
                rows = session.query(store.AccessAuditRow).order_by(store.AccessAuditRow.id)
                return [row.client for row in rows if row.action == action]
        finally:
            engine.dispose()


async def _environment(tmp: Path, ready: asyncio.Queue[Any]) -> None:
    database_url = await asyncio.to_thread(module_store, tmp, "hardening")
    async with embedded_temporal(free_port(), tmp / "temporal", ServerKind.TEST_SERVER) as address:
        settings = ConsoleSettings(
            temporal_address=address,
            data_dir=tmp / "data",
            database_url=SecretStr(database_url),
        )
        stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(settings, stop))
        try:
            client = await connect(settings)
            for council_id in (COUNCIL, OTHER_COUNCIL):
                await start_cycle(client, settings, council_id, YEAR)
                await state(client, council_id, YEAR)
            finished = asyncio.Event()
            await ready.put((settings, database_url, finished))
            await finished.wait()
        finally:
            stop.set()
            await worker


@pytest.fixture(scope="package")
def hardening_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HardeningEnv]:
    """Store, Temporal and worker for the package's tests."""
    loop = LoopThread()
    tmp = tmp_path_factory.mktemp("hardening")

    async def make_queue() -> asyncio.Queue[Any]:
        return asyncio.Queue()

    ready = loop.run(make_queue())
    running = loop.submit(_environment(tmp, ready))
    settings, database_url, finished = loop.run(asyncio.wait_for(ready.get(), 120))
    try:
        yield HardeningEnv(settings=settings, database_url=database_url, loop=loop)
    finally:
        loop.loop.call_soon_threadsafe(finished.set)
        running.result(60)
        loop.close()


@pytest.fixture(scope="package")
def console_app(hardening_env: HardeningEnv) -> Iterator[FastAPI]:
    """The console app in-process, its lifespan running on the environment's loop."""
    app = create_app(hardening_env.settings)
    context = app.router.lifespan_context(app)
    hardening_env.loop.run(context.__aenter__())
    try:
        yield app
    finally:
        hardening_env.loop.run(context.__aexit__(None, None, None))


@contextlib.contextmanager
def uvicorn_console(env: HardeningEnv, extra: dict[str, str] | None = None) -> Iterator[int]:
    """``python -m console`` (the real uvicorn server) on a free loopback port; its port."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "console"],
        cwd=REPO_ROOT,
        env={
            **os.environ,
            "TEMPORAL_ADDRESS": env.settings.temporal_address,
            "DATA_DIR": str(env.settings.data_dir),
            "DATABASE_URL": env.database_url,
            "CONSOLE_PORT": str(port),
            "CONSOLE_BASE_URL": f"http://localhost:{port}",
            **(extra or {}),
        },
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, f"the console exited with {process.returncode}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the console did not start within 30 s"
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

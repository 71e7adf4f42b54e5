"""A real environment for CLI tests: a real-time Temporal test server on a free port, the
real worker in this process, a fresh store (SQLite file, or PostgreSQL when
``TEST_DATABASE_URL`` is set), and the CLI run as ``python -m starter`` subprocesses.

The CLI runs as a child process so that each invocation has its own event loop and exits
through ``os._exit`` exactly as a user's would; it is awaited with asyncio so the worker in
this process keeps serving while the CLI waits for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import store
from config import Settings
from embedded.server import ServerKind, embedded_temporal, free_port
from store.access_tokens import add_token
from store.db import migrate
from worker.main import run_worker

REPO_ROOT = Path(__file__).resolve().parents[2]
CLI_TIMEOUT_SECONDS = 120.0


@dataclass(frozen=True)
class CliResult:
    """What one CLI run printed and returned."""

    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """The parsed stdout of a ``--json`` run."""
        return json.loads(self.stdout)

    def error_lines(self) -> list[str]:
        """The lines on stderr (a failure must print exactly one)."""
        return self.stderr.splitlines()


def make_token(database_url: str, person_id: str | None, on_behalf: bool = False) -> str:
    """A live access token for ``person_id`` (``None``: the local operator's), made
    straight in the store as the console would."""
    from application.access_tokens import create_local, digest

    engine = store.make_engine(database_url)
    try:
        with store.session_scope(engine) as session:
            now = datetime.now(UTC)
            if person_id is None:
                return create_local(session, now)
            secret = f"cst_test_{person_id}_{secrets.token_urlsafe(16)}"
            add_token(
                session,
                digest(secret),
                person_id,
                "test",
                on_behalf,
                now,
                now + timedelta(days=1),
            )
            return secret
    finally:
        engine.dispose()


class Cli:
    """Runs ``python -m starter`` against the test environment, signed in with the local
    operator's token; ``--as PERSON`` in a test's arguments means "signed in with
    PERSON's own token" (the CLI itself no longer takes it but for acting on behalf)."""

    def __init__(self, env: dict[str, str], pass_as: bool = False) -> None:
        self.env = env
        self.tokens: dict[str, str] = {}
        #: Hand ``--as`` to the CLI as it is (acting on behalf with the local token).
        self.pass_as = pass_as

    def token(self, person_id: str) -> str:
        """``person_id``'s own token (made once per environment)."""
        if person_id not in self.tokens:
            self.tokens[person_id] = make_token(self.env["DATABASE_URL"], person_id)
        return self.tokens[person_id]

    async def __call__(self, *args: str) -> CliResult:
        env = self.env
        if "--as" in args and not self.pass_as:
            at = args.index("--as")
            person = args[at + 1]
            args = args[:at] + args[at + 2 :]
            env = {**env, "CS_TOKEN": self.token(person)}
        return await self.run(env, *args)

    async def run(self, env: dict[str, str], *args: str) -> CliResult:
        """Run the CLI with exactly ``env`` and ``args``."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "starter",
            *args,
            cwd=REPO_ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), CLI_TIMEOUT_SECONDS)
        assert process.returncode is not None
        return CliResult(args, process.returncode, out.decode(), err.decode())

    async def ok(self, *args: str) -> CliResult:
        """Run and require success (exit 0, nothing on stderr)."""
        result = await self(*args)
        assert result.code == 0, f"{args}: exit {result.code}: {result.stderr}"
        assert result.stderr == "", result.stderr
        return result


def _fresh_postgres(url: str, suffix: str) -> str:
    """A database of its own next to ``url`` (``<name>_<suffix>``), created afresh on every
    run (and left behind for inspection), so the CLI tests never share rows with other
    suites."""
    parsed = make_url(url)
    name = f"{parsed.database}_{suffix}"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@contextlib.asynccontextmanager
async def cli_environment(tmp: Path, name: str) -> AsyncIterator[Cli]:
    """Server, worker and store for one test module; the Kushiro example is loaded."""
    base_url = os.environ.get("TEST_DATABASE_URL")
    database_url = (
        _fresh_postgres(base_url, f"cli_{name}") if base_url else f"sqlite:///{tmp / 'cli.db'}"
    )
    async with embedded_temporal(free_port(), tmp / "temporal", ServerKind.TEST_SERVER) as address:
        settings = Settings(
            temporal_address=address,
            temporal_namespace="default",
            task_queue="council-cycle",
            data_dir=tmp / "data",
            database_url=SecretStr(database_url),
        )
        env = {
            **os.environ,
            "TEMPORAL_ADDRESS": address,
            "TEMPORAL_NAMESPACE": "default",
            "TASK_QUEUE": settings.task_queue,
            "DATA_DIR": str(settings.data_dir),
            "DATABASE_URL": database_url,
        }
        stop = asyncio.Event()
        migrate(database_url)
        env["CS_TOKEN"] = make_token(database_url, None)
        worker = asyncio.create_task(run_worker(settings, stop))
        try:
            cli = Cli(env)
            loaded = await cli("load", "examples/kushiro.yaml", "--yes")
            assert loaded.code == 0, loaded.stderr
            yield cli
        finally:
            stop.set()
            await worker

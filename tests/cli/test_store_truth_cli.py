"""``doctor`` and ``cycle restore`` from the command line, against real Temporal servers,
the real worker and store: zero differences after the demo's whole year; a difference
planted in the store is found (one line, exit 1) and repaired; then the Temporal server is
thrown away and a fresh one started on the same store: ``cycle start`` refuses in one
line, ``cycle restore --municipality`` brings every open cycle back and they carry on."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import create_engine, text

from config import Settings
from embedded.server import ServerKind, embedded_temporal, free_port
from store.db import migrate
from tests.cli.conftest import Cli, _fresh_postgres, make_token
from worker.main import run_worker

COUNCIL = "kushiro-chuo"
CHAIR = "kushiro-chuo-chair"
DEMO_COUNCIL = "kushiro-kushiro"
YEAR = 2041


@contextlib.asynccontextmanager
async def _server(tmp: Path, database_url: str) -> AsyncIterator[Cli]:
    """A fresh Temporal test server (its data in ``tmp``) and a worker on the given store."""
    async with embedded_temporal(free_port(), tmp, ServerKind.TEST_SERVER) as address:
        settings = Settings(
            temporal_address=address,
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
            "CS_TOKEN": make_token(database_url, None),
        }
        stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(settings, stop))
        try:
            yield Cli(env)
        finally:
            stop.set()
            await worker


def _execute(database_url: str, statement: str) -> None:
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


async def test_doctor_finds_and_repairs_and_restore_brings_cycles_back(tmp_path: Path) -> None:
    base_url = os.environ.get("TEST_DATABASE_URL")
    database_url = (
        _fresh_postgres(base_url, "cli_truth") if base_url else f"sqlite:///{tmp_path / 'cli.db'}"
    )
    migrate(database_url)
    year = ("--year", str(YEAR))

    async with _server(tmp_path / "first", database_url) as cli:
        await cli.ok("load", "examples/kushiro.yaml", "--yes")
        await cli.ok("demo", "--council", DEMO_COUNCIL, "--year", str(YEAR - 1))
        # The demo's closed year and the next year it opened: the store agrees.
        clean = await cli.ok("doctor", "--all")
        assert clean.stdout.splitlines()[-1] == "2 件のサイクルを比較、違い 0件".replace(
            " 件", "件"
        )

        await cli.ok("cycle", "start", "--council", COUNCIL, *year)
        await cli.ok(
            "meeting", "--council", COUNCIL, *year, "--as", CHAIR, "--date", f"{YEAR}-04-20",
            "--attendance", CHAIR, "--minutes", "第1回", "--vision", "地域と共に学ぶ子ども",
        )  # fmt: skip
        await cli.ok("discussion", "close", "--council", COUNCIL, *year, "--as", CHAIR)

        _execute(
            database_url,
            f"UPDATE cycles SET step = 'discuss', due_on = NULL "
            f"WHERE council_id = '{COUNCIL}' AND fiscal_year = {YEAR}",
        )
        found = await cli("--lang", "en", "doctor")
        assert found.code == 1, found.stderr
        lines = found.stdout.splitlines()
        assert f"{COUNCIL} {YEAR} step: store=discuss workflow=approve" in lines
        assert any(line.startswith(f"{COUNCIL} {YEAR} due_on: store=- workflow=") for line in lines)
        assert lines[-1] == "2 cycles compared, 2 differences"

        repaired = await cli.ok("--lang", "en", "doctor", "--repair")
        assert repaired.stdout.splitlines()[-1] == "1 cycles repaired, 0 not repaired"
        after = await cli.ok("--lang", "en", "doctor", "--all")
        assert after.stdout.splitlines()[-1] == "3 cycles compared, 0 differences"

    # The Temporal data is gone; the store is kept.
    async with _server(tmp_path / "second", database_url) as cli:
        refused = await cli("--lang", "en", "cycle", "start", "--council", COUNCIL, *year)
        assert refused.code == 1
        assert refused.stdout == ""
        assert refused.error_lines() == [
            f"the store already holds the records of council {COUNCIL} for {YEAR}; "
            "use cycle restore"
        ]
        missing = await cli("--lang", "en", "doctor")
        assert missing.code == 1
        assert f"{COUNCIL} {YEAR} workflow: store=approve workflow=(no workflow)" in (
            missing.stdout.splitlines()
        )

        restored = await cli.ok("--lang", "en", "cycle", "restore", "--municipality", "kushiro")
        assert restored.stdout.splitlines() == [
            f"council {COUNCIL} {YEAR}: restored from the store",
            f"council {DEMO_COUNCIL} {YEAR}: restored from the store",
        ]
        status = (await cli.ok("cycle", "status", "--council", COUNCIL, *year, "--json")).json()
        assert (status["step"], status["accepted_commands"]) == ("approve", 2)
        assert status["vision"] == "地域と共に学ぶ子ども"
        # The restored cycle takes the next command, numbered after the recorded ones.
        await cli.ok(
            "policy", "submit", "--council", COUNCIL, *year, "--as", "kushiro-chuo-principal",
            "--text", "基本方針",
        )  # fmt: skip
        history = await cli.ok("history", "--council", COUNCIL, *year, "--json")
        assert [row["seq"] for row in history.json()] == [1, 2, 3]
        assert (await cli.ok("doctor")).stdout.splitlines()[-1].endswith("違い 0件")

"""The chaos script: a small, fast configuration of it end to end on the real dev server
and PostgreSQL, and its parts (the store proxy, the schedule, the checks) on their own."""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bench.chaos_checks import Findings, command_figures
from bench.chaos_faults import schedule
from bench.chaos_load import Ledger, Sent
from bench.chaos_net import StoreProxy
from domain.commands import CloseCycleInput

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)"
)
def test_a_small_chaos_run_loses_nothing(tmp_path: Path) -> None:
    # A database of its own next to the test database: the script drops and recreates it.
    url = make_url(os.environ["TEST_DATABASE_URL"])
    chaos_url = url.set(database=f"{url.database}_chaos").render_as_string(False)
    out = tmp_path / "chaos.json"
    env = {k: v for k, v in os.environ.items() if k != "TEMPORAL_ADDRESS"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.chaos", "--councils", "3", "--kills", "2",
         "--store-cut", "5", "--channel-outage", "5", "--clients", "3", "--concurrency", "3",
         "--seed", "7", "--postgres-url", chaos_url, "--workdir", str(tmp_path / "work"),
         "--json", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["seed"] == 7
    assert result["problems"] == []
    commands = result["commands"]
    assert commands["accepted"] == 3 * 20  # every command of three whole years
    assert commands["sent"] == commands["accepted"] + commands["refused"]
    assert commands["lost"] == commands["failed"] == 0
    assert result["audit"]["rows"] == commands["accepted"]
    assert result["audit"]["duplicated"] == result["audit"]["lost"] == 0
    notices = result["notifications"]
    assert notices["inbox_expected"] == notices["inbox_delivered"] > 0
    for channel in ("email", "webhook"):
        assert notices["outside"][channel]["never_received"] == 0
        assert notices["outside"][channel]["outbox_rows"] > 0
    cycles = result["cycles"]
    assert (cycles["closed"], cycles["stuck"], cycles["next_year_not_opened"]) == (3, 0, 0)
    assert cycles["doctor_cycles"] == 6 and cycles["doctor_differences"] == 0
    faults = result["faults"]
    assert faults["worker_kill"]["injected"] == 2
    assert faults["server_restart"]["injected"] == 1
    assert faults["store_cut"]["injected"] == faults["channel_outage"]["injected"] == 1
    assert "| seed | 7 |" in done.stdout


async def test_the_store_proxy_cuts_every_connection_and_refuses_new_ones() -> None:
    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(100):
            writer.write(data)
            await writer.drain()
        writer.close()

    target = await asyncio.start_server(echo, "127.0.0.1", 0)
    proxy = await StoreProxy("127.0.0.1", target.sockets[0].getsockname()[1]).start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        writer.write(b"ping")
        assert await asyncio.wait_for(reader.read(100), 10) == b"ping"
        proxy.cut()
        assert await _closed(reader)  # closed under it
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        writer.write(b"ping")
        assert await _closed(reader)  # refused while cut
        proxy.restore()
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        writer.write(b"again")
        assert await asyncio.wait_for(reader.read(100), 10) == b"again"
        writer.close()
    finally:
        await proxy.stop()
        target.close()
        await target.wait_closed()


async def _closed(reader: asyncio.StreamReader) -> bool:
    """Whether the connection ends (a reset, as an aborted one does, or an end of file)."""
    try:
        return await asyncio.wait_for(reader.read(100), 10) == b""
    except ConnectionResetError:
        return True


def test_the_same_seed_gives_the_same_faults() -> None:
    first = schedule(random.Random(5), 20, 1, 60.0, 45.0)
    assert first == schedule(random.Random(5), 20, 1, 60.0, 45.0)
    assert [f.kind for f in first].count("worker_kill") == 20
    assert {f.kind for f in first} == {
        "worker_kill", "server_restart", "store_cut", "channel_outage",
    }  # fmt: skip
    assert [f.at for f in first] == sorted(f.at for f in first)


def test_a_lost_or_wrongly_answered_command_is_a_problem() -> None:
    command = CloseCycleInput(actor="bench-00000-chair")
    ledger = Ledger(sent=[
        Sent(0, "a", command, expect_accept=True, outcome="lost", error="WorkerTimeout"),
        Sent(0, "b", command, expect_accept=False, outcome="accepted", seq=3, seqs_seen=[3]),
        Sent(0, "c", command, expect_accept=True, outcome="accepted", seq=4, seqs_seen=[4, 5]),
        Sent(0, "d", command, expect_accept=True, outcome="accepted", seq=6,
             answers=["accepted", "refused:wrong_step"]),
    ])  # fmt: skip
    findings = Findings()
    command_figures(ledger, findings)
    assert findings.figures["commands"]["lost"] == 1
    assert findings.figures["commands"]["accepted"] == 3
    assert len(findings.problems) == 4

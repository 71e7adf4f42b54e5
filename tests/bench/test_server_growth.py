"""The server-growth script runs end to end on a fresh test server (it checks the script,
not speed: no figure is compared with a limit)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_server_growth_prints_every_batch_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "growth.json"
    env = {k: v for k, v in os.environ.items() if k != "TEMPORAL_ADDRESS"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.server_growth", "--batches", "2", "--batch", "6",
         "--concurrency", "3", "--json", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["server"].startswith("temporal-test-server")
    assert [b["completed"] for b in result["batches"]] == [6, 12]
    for batch in result["batches"]:
        assert batch["workflows_per_second"] > 0
        # Our own server: its CPU and memory are read from /proc.
        assert batch["server_cpu_ms_per_workflow"] > 0
        assert batch["server_rss_mib"] > 0
    assert "server growth" in done.stdout
    assert "12 件完了" in done.stdout


def test_impossible_sizes_are_refused_in_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.server_growth", "--batch", "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "--batch" in done.stderr.strip().splitlines()[-1]


async def test_a_server_at_temporal_address_is_measured_when_its_pid_is_given(
    tmp_path: Path,
) -> None:
    from embedded.server import ServerKind, free_port, running_temporal_server

    out = tmp_path / "growth.json"
    async with running_temporal_server(free_port(), tmp_path, ServerKind.TEST_SERVER) as server:
        env = {**os.environ, "TEMPORAL_ADDRESS": server.address}
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bench.server_growth", "--batches", "1", "--batch", "4",
             "--server-pid", str(server.pid), "--json", str(out)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["server"] == f"TEMPORAL_ADDRESS={server.address} (pid {server.pid}, measured)"
    (batch,) = result["batches"]
    assert batch["completed"] == 4
    assert batch["server_cpu_ms_per_workflow"] > 0


def test_a_server_pid_without_an_address_or_a_process_is_refused_in_one_line() -> None:
    env = {k: v for k, v in os.environ.items() if k != "TEMPORAL_ADDRESS"}
    alone = subprocess.run(
        [sys.executable, "-m", "bench.server_growth", "--server-pid", str(os.getpid())],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert alone.returncode == 2
    assert "--server-pid needs TEMPORAL_ADDRESS" in alone.stderr.strip().splitlines()[-1]
    gone = subprocess.run(
        [sys.executable, "-m", "bench.run", "--server-pid", "999999999"],
        cwd=ROOT, env={**env, "TEMPORAL_ADDRESS": "127.0.0.1:1"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert gone.returncode == 2
    assert "no such process" in gone.stderr.strip().splitlines()[-1]

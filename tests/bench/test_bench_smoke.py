"""The benchmark script runs end to end at three councils (it checks the script, not speed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]


def _run_bench(tmp_path: Path, *extra: str) -> tuple[dict[str, Any], str]:
    out = tmp_path / "bench.json"
    # Always a fresh server of its own, whatever the environment points at.
    env = {k: v for k, v in os.environ.items() if k != "TEMPORAL_ADDRESS"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--councils", "3", "--concurrency", "3",
         "--rounds", "1", "--no-postgres", "--json", str(out), *extra],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(out.read_text(encoding="utf-8")), done.stdout


def _check(result: dict[str, Any], stdout: str) -> None:
    assert result["engine"]["runs"] == 3
    assert result["baseline"]["runs"] == 3
    per_cycle = result["shape"]["updates"]
    assert result["engine"]["updates"] == result["baseline"]["updates"] == 3 * per_cycle
    # Every update is also counted under its own name.
    by_name = result["engine"]["update_ms_by_name"]
    assert sum(figures["count"] for figures in by_name.values()) == 3 * per_cycle
    assert {"record_meeting", "cast_vote", "close_cycle"} <= set(by_name)
    # The baseline really does the engine's Temporal work: same activities, updates, child.
    engine_events, baseline_events = (
        result["history_check"]["engine"],
        result["history_check"]["baseline"],
    )
    for kind in ("activity_task_scheduled", "workflow_execution_update_accepted",
                 "start_child_workflow_execution_initiated"):  # fmt: skip
        assert engine_events[kind] == baseline_events[kind], kind
    assert set(result["ratios"]) == {
        "cycle_cost",
        "cpu_per_cycle",
        "update_p50",
        "update_p95",
        "update_p99",
    }
    # Both workers and the server the script started did measurable work.
    for phase in ("engine", "baseline"):
        assert result[phase]["worker_cpu_ms_per_cycle"] > 0
        assert result[phase]["server_cpu_ms_per_cycle"] > 0
    assert result["store"]["rows_written"] > 0
    assert result["engine"]["open_queries_per_cycle"] >= 1
    assert "cycles/s" in stdout
    assert "CPU per cycle" in stdout


def test_bench_runs_three_councils_and_writes_the_ratios(tmp_path: Path) -> None:
    result, stdout = _run_bench(tmp_path)
    _check(result, stdout)
    assert result["store"]["backend"] == "sqlite"
    assert result["worker_processes_per_side"] == 1


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)"
)
def test_bench_runs_with_the_store_on_postgresql_and_split_workers(tmp_path: Path) -> None:
    # A database of its own next to the test database: the script drops and recreates it.
    url = make_url(os.environ["TEST_DATABASE_URL"])
    store_url = url.set(database=f"{url.database}_bench_store").render_as_string(False)
    result, stdout = _run_bench(
        tmp_path, "--store", "postgresql", "--store-postgres-url", store_url, "--split-workers"
    )
    _check(result, stdout)
    assert result["store"]["backend"] == "postgresql"
    assert result["worker_processes_per_side"] == 2
    # The overview is timed on the store and on a SQLite copy of it.
    assert {"postgresql one municipality", "sqlite one municipality"} <= set(result["overview"])

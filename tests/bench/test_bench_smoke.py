"""The benchmark script runs end to end at three councils (it checks the script, not speed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_runs_three_councils_and_writes_the_ratios(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    # Always a fresh server of its own, whatever the environment points at.
    env = {k: v for k, v in os.environ.items() if k != "TEMPORAL_ADDRESS"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--councils", "3", "--concurrency", "3",
         "--rounds", "1", "--no-postgres", "--json", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["engine"]["runs"] == 3
    assert result["baseline"]["runs"] == 3
    per_cycle = result["shape"]["updates"]
    assert result["engine"]["updates"] == result["baseline"]["updates"] == 3 * per_cycle
    # The baseline really does the engine's Temporal work: same activities, updates, child.
    engine_events, baseline_events = (
        result["history_check"]["engine"],
        result["history_check"]["baseline"],
    )
    for kind in ("activity_task_scheduled", "workflow_execution_update_accepted",
                 "start_child_workflow_execution_initiated"):  # fmt: skip
        assert engine_events[kind] == baseline_events[kind], kind
    assert set(result["ratios"]) == {"cycle_cost", "update_p50", "update_p95", "update_p99"}
    assert result["store"]["rows_written"] > 0
    assert "cycles/s" in done.stdout

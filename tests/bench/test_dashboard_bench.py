"""The dashboard benchmark runs end to end on a small population (a check that the script
works, not a timing: the figures come from ``python -m bench.dashboard_bench``)."""

from __future__ import annotations

from pathlib import Path

from bench.dashboard_bench import measure


def test_the_dashboard_bench_times_every_query_on_a_small_store(tmp_path: Path) -> None:
    lines = measure("SQLite", f"sqlite:///{tmp_path / 'dash.db'}", 520, 1, reuse=False, index=0)
    labels = [line.split(" | ")[1] for line in lines]
    assert labels[0] == "first page (50 of 500)" and "chart: approvals vs due" in labels
    assert len(labels) == 11
    assert all(float(line.split(" | ")[3].rstrip(" |")) > 0 for line in lines)

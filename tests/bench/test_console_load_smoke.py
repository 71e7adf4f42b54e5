"""The console load benchmark: a three-council run end to end on the stack ``make run``
starts (dev server, worker, console, SQLite), a few seconds per rate; and its parts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.console_load import _ms, table
from bench.console_load_people import LINKS_PER_SOURCE, source_address
from bench.console_load_stack import municipality_file
from store.municipality_file import MunicipalityFile

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="the stack of make run is SQLite only: the same run as in the SQLite job",
)
def test_a_three_council_run_signs_everyone_in_and_measures_each_rate(tmp_path: Path) -> None:
    out = tmp_path / "load.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_")}
    done = subprocess.run(
        [sys.executable, "-m", "bench.console_load", "--councils", "3", "--rates", "2,4",
         "--seconds", "4", "--page-rounds", "3", "--data-dir", str(tmp_path / "data"),
         "--json", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    # Three loaded councils plus the probe's, seven people each, all through the link flow.
    assert result["people_signed_in"] == 28
    assert [r["offered_per_s"] for r in result["rates"]] == [2, 4]
    kinds: set[str] = set()
    for rate in result["rates"]:
        assert rate["sent"] == rate["offered_per_s"] * 4
        assert rate["ok"] + sum(rate["errors"].values()) == rate["sent"]
        assert rate["ok"] > 0
        assert rate["probe"]["pages"] >= 2 and rate["probe"]["commands"] >= 2
        assert rate["probe"]["page_ms"]["p95"] > 0
        assert rate["probe"]["command_ms"]["p95"] > 0
        # Each part of the stack did work that was counted.
        assert all(rate["cpu_seconds"][part] > 0 for part in ("console", "worker", "temporal"))
        kinds |= set(rate["by_kind"])
    # The forms of the councils' steps: votes, call replies, meetings and task completions.
    assert kinds == {"vote", "call_reply", "record_meeting", "complete_task"}
    assert "| offered/s | achieved/s |" in done.stdout
    # The probe council's closed year (last year, walked whole) against its open year.
    pages = result["closed_vs_open_pages"]
    assert set(pages) == {"closed cycle", "closed minutes", "open cycle", "open minutes"}
    assert all(page["failed"] == 0 and page["p95"] > 0 for page in pages.values())
    assert "| closed cycle |" in done.stdout
    # The process stopped its stack: nothing listens on the console's port any more.
    assert "停止しました / stopped" in (tmp_path / "data" / "embedded.log").read_text()


def test_the_generated_municipality_is_a_valid_file() -> None:
    parsed = MunicipalityFile.model_validate(municipality_file(2))
    assert len(parsed.councils) == 2
    assert all(person.email for person in parsed.people)


def test_sign_ins_come_from_a_new_loopback_address_per_batch() -> None:
    assert source_address(0) == "127.0.0.2"
    assert source_address(LINKS_PER_SOURCE - 1) == "127.0.0.2"
    assert source_address(LINKS_PER_SOURCE) == "127.0.0.3"


def test_percentiles_and_table() -> None:
    assert _ms([], 95) is None
    assert _ms([0.5], 95) == 500.0
    assert _ms([i / 1000 for i in range(1, 101)], 50) == pytest.approx(50.5, abs=0.6)
    rate = {
        "offered_per_s": 5.0, "achieved_per_s": 4.9, "errors": {"503": 2}, "shed": 1,
        "probe": {"page_ms": {"p50": 1, "p95": 2, "p99": 3},
                  "command_ms": {"p50": 4, "p95": 5, "p99": 6}},
        "cpu_ms_per_command": {"console": 7, "worker": 8, "temporal": 9, "total": 24},
    }  # fmt: skip
    assert table([rate]).splitlines()[-1] == (
        "| 5 | 4.9 | 503: 2 | 1 | 1 / 2 / 3 | 4 / 5 / 6 | 7 / 8 / 9 / 24 |"
    )

"""The board's CLI commands, run in-process through ``starter.cli.run`` against the test
store (and, for ``history --raw``, the session's Temporal test server)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from activities.channels import Senders
from contracts.cycle import CycleInput, cycle_workflow_id
from starter.cli import run
from tests.board.support import OPENED, apply, open_cycle
from tests.cli_token import sign_in_locally
from tests.workflows.driver import send, to_plan, wait_open
from worker.main import serving
from workflows.council_cycle import CouncilCycleWorkflow

C1, C2 = "testcity-c1", "testcity-c2"


@pytest.fixture
def cli_store(
    testcity_engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Engine:
    """The test municipality with C1 approved (in plan) and C2 still discussing."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    sign_in_locally(monkeypatch, database_url)
    state = open_cycle(testcity_engine, C1, 2026)
    for day, command in enumerate(to_plan(), start=1):
        state = apply(testcity_engine, state, command, OPENED + timedelta(days=day))
    open_cycle(testcity_engine, C2, 2026)
    return testcity_engine


def test_overview_json_lists_every_council_with_its_step(
    cli_store: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["overview", "--municipality", "testcity", "--year", "2026", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["council_id"], r["step"], r["due_on"]) for r in rows] == [
        (C1, "plan", "2026-06-30"),
        (C2, "discuss", "2026-04-30"),
    ]
    assert run(["overview", "--municipality", "testcity", "--year", "2026", "--step", "plan",
                "--json"]) == 0  # fmt: skip
    assert [r["council_id"] for r in json.loads(capsys.readouterr().out)] == [C1]


def test_overview_table_is_japanese(cli_store: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["overview", "--municipality", "testcity", "--year", "2026"]) == 0
    out = capsys.readouterr().out
    assert "協議会ID" in out and "超過日数" in out and "計画" in out and "話し合い" in out


def test_report_csv_on_stdout_keeps_bom_and_crlf(
    cli_store: Engine, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code = run(["report", "--municipality", "testcity", "--year", "2026", "--format", "csv"])
    out = capsysbinary.readouterr().out
    assert code == 0
    assert out.startswith(b"\xef\xbb\xbf\xe5\xb9\xb4\xe5\xba\xa6")  # BOM, then 年度
    rows = list(csv.DictReader(io.StringIO(out.decode("utf-8-sig"), newline="")))
    assert rows[0]["基本方針承認日（和暦）"] == "令和8年4月14日"


def test_report_markdown_is_the_default(
    cli_store: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["report", "--municipality", "testcity", "--year", "2026"]) == 0
    assert capsys.readouterr().out.startswith("# テスト市 2026年度 学校運営協議会 活動報告\n")


def test_history_csv_is_excel_ready(
    cli_store: Engine, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert run(["history", "--council", C1, "--csv"]) == 0
    out = capsysbinary.readouterr().out
    assert out[:3] == b"\xef\xbb\xbf" and out.endswith(b"\r\n")
    rows = list(csv.DictReader(io.StringIO(out.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(to_plan())
    assert rows[0]["日時（和暦）"] == "令和8年4月2日 09:00"


def test_bad_requests_are_one_line_on_stderr_and_print_nothing(
    cli_store: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = [
        (["history", "--council", C1, "--csv", "--json"], 2, "一つだけ"),
        (["overview", "--municipality", "atlantis"], 1, "自治体 'atlantis' は登録されていません"),
        (["overview", "--municipality", "testcity", "--district", "x"], 1, "中学校区 'x'"),
        (["report", "--municipality", "testcity", "--format", "pdf"], 2, "--format"),
    ]
    for args, code, message in cases:
        assert run(args) == code, args
        captured = capsys.readouterr()
        assert captured.out == ""
        assert len(captured.err.splitlines()) == 1 and message in captured.err, captured.err


async def test_history_raw_prints_the_temporal_history_of_the_cycle(
    temporal_env: WorkflowEnvironment,
    testcity_engine: Engine,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    queue = f"board-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("DATABASE_URL", database_url)
    sign_in_locally(monkeypatch, database_url)
    monkeypatch.setenv("TEMPORAL_ADDRESS", temporal_env.client.service_client.config.target_host)
    monkeypatch.setenv("TEMPORAL_NAMESPACE", temporal_env.client.namespace)
    async with serving(temporal_env.client, queue, testcity_engine, Senders(), threads=4):
        handle = await temporal_env.client.start_workflow(
            CouncilCycleWorkflow.run,
            CycleInput(council_id=C2, fiscal_year=2043),
            id=cycle_workflow_id(C2, 2043),
            task_queue=queue,
        )
        await wait_open(handle)
        await send(handle, to_plan(2043)[0].model_copy(update={"attendance": ("t-chair",)}))
        # The CLI runs its own event loop: give it a thread.
        code = await asyncio.to_thread(run, ["history", "--council", C2, "--year", "2043", "--raw"])
        missing = await asyncio.to_thread(
            run, ["history", "--council", C2, "--year", "2049", "--raw"]
        )

    captured = capsys.readouterr()
    assert (code, missing) == (0, 1)
    lines = captured.out.splitlines()
    assert lines[0].startswith(f"# {cycle_workflow_id(C2, 2043)}")
    assert "WORKFLOW_EXECUTION_STARTED workflow=CouncilCycleWorkflow" in lines[1]
    assert any("UPDATE_ACCEPTED update=record_meeting" in line for line in lines)
    assert "熟議" not in captured.out  # the minutes stay in the payload
    assert captured.err.strip() == "協議会 testcity-c2 の2049年度のサイクルは Temporal にありません"

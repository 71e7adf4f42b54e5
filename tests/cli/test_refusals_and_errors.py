"""Refusals and errors through the real CLI: one line on stderr, nothing on stdout, a
non-zero exit, Japanese by default and English with ``--lang en``, and nothing changed.
Also: starting every council of a municipality, and the end-to-end demo."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from domain.japan_time import current_fiscal_year
from domain.refusals import render
from tests.cli.conftest import Cli, CliResult, cli_environment

COUNCIL = "kushiro-kushiro"
YEAR = "2026"
WHERE = ("--council", COUNCIL, "--year", YEAR)
CHAIR = "kushiro-kushiro-chair"
PRINCIPAL = "kushiro-kushiro-principal"
NON_VOTING_COORDINATOR = "kushiro-kushiro-coord-2"


@pytest.fixture(scope="module")
async def cli(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cli]:
    async with cli_environment(tmp_path_factory.mktemp("errors"), "errors") as cli:
        yield cli


def assert_failed_with(result: CliResult, code: int, line: str) -> None:
    """Exactly one line on stderr, equal to ``line``; nothing on stdout."""
    assert result.code == code, result
    assert result.stdout == ""
    assert result.error_lines() == [line]


@pytest.fixture(scope="module")
async def vote_open(cli: Cli) -> None:
    """Kushiro-kushiro's 2026 cycle with the first policy under vote."""
    await cli.ok("cycle", "start", *WHERE)
    await cli.ok(
        "meeting", *WHERE, "--as", CHAIR, "--date", "2026-04-20", "--attendance", CHAIR,
        "--minutes", "第1回", "--vision", "人とつながる子ども",
    )  # fmt: skip
    await cli.ok("discussion", "close", *WHERE, "--as", CHAIR)
    await cli.ok("policy", "submit", *WHERE, "--as", PRINCIPAL, "--text", "基本方針（案）")


async def test_a_vote_by_a_coordinator_is_refused_and_changes_nothing(
    cli: Cli, vote_open: None
) -> None:
    before = (await cli.ok("cycle", "status", *WHERE, "--json")).json()
    params = {"actor": NON_VOTING_COORDINATOR, "action": "cast_vote", "roles": "chair,member"}

    refused = await cli("vote", "cast", "approve", *WHERE, "--as", NON_VOTING_COORDINATOR)
    assert_failed_with(refused, 3, render("role_required", params, "ja"))
    assert "には「投票」の権限がありません（必要な役割: 会長・委員）" in refused.stderr

    in_english = await cli(
        "--lang", "en", "vote", "cast", "approve", *WHERE, "--as", NON_VOTING_COORDINATOR
    )
    assert_failed_with(in_english, 3, render("role_required", params, "en"))

    after = (await cli.ok("cycle", "status", *WHERE, "--json")).json()
    assert after == before
    assert after["policies"][0]["ballots"] == {}


async def test_a_command_at_the_wrong_step_is_refused(cli: Cli, vote_open: None) -> None:
    result = await cli("plan", "submit", *WHERE, "--as", "kushiro-kushiro-coord-1",
                       "--file", "examples/plan-kushiro.yaml")  # fmt: skip
    params = {"current": "approve", "expected": "plan", "action": "submit_plan"}
    assert_failed_with(result, 3, render("wrong_step", params, "ja"))


async def test_closing_a_vote_without_quorum_is_refused(cli: Cli, vote_open: None) -> None:
    result = await cli("--lang", "en", "vote", "close", *WHERE, "--as", CHAIR)
    assert_failed_with(result, 3, "quorum not reached (0 of 7 members voted)")


async def test_a_cycle_that_was_never_started_is_named(cli: Cli) -> None:
    args = ("cycle", "status", "--council", COUNCIL, "--year", "2099")
    assert_failed_with(
        await cli(*args), 1, "協議会 kushiro-kushiro の2099年度のサイクルは開始されていません"
    )
    assert_failed_with(
        await cli("--lang", "en", *args),
        1,
        "no cycle has been started for council kushiro-kushiro in 2099",
    )
    vote = await cli("vote", "close", "--council", COUNCIL, "--year", "2099", "--as", CHAIR)
    assert vote.code == 1
    assert len(vote.error_lines()) == 1


async def test_an_unknown_council_cannot_start(cli: Cli) -> None:
    result = await cli("cycle", "start", "--council", "ghost", "--year", YEAR)
    assert result.code == 1
    assert result.stdout == ""
    [line] = result.error_lines()
    assert line.startswith("協議会 ghost の2026年度のサイクルを開始できませんでした")


async def test_bad_input_is_one_line_and_sends_nothing(cli: Cli, tmp_path: Path) -> None:
    bad_date = await cli("meeting", *WHERE, "--as", CHAIR, "--date", "2026/04/20",
                         "--attendance", CHAIR, "--minutes", "m")  # fmt: skip
    assert_failed_with(bad_date, 1, "日付 2026/04/20 は YYYY-MM-DD 形式で指定してください")

    # Signed in with the local operator's token, which is nobody: who votes must be named.
    missing = await cli("vote", "cast", "approve", "--council", COUNCIL)
    assert missing.code == 1
    assert missing.stdout == ""
    assert len(missing.error_lines()) == 1
    assert "--as" in missing.stderr

    plan = tmp_path / "plan.yaml"
    plan.write_text("- activity_id: a\n  title: t\n  planned_on: 2026-05-01\n  aims: []\n")
    bad_plan = await cli("plan", "submit", *WHERE, "--as", CHAIR, "--file", str(plan))
    assert bad_plan.code == 1
    assert bad_plan.stdout == ""
    [line] = bad_plan.error_lines()
    assert line.startswith(f"計画ファイル {plan} の内容が正しくありません: 0.aims")

    both = await cli("policy", "submit", *WHERE, "--as", PRINCIPAL, "--text", "a", "--file", "b")
    assert_failed_with(both, 2, "--text と --file のどちらか一方だけを指定してください")
    evaluate = await cli("evaluate", *WHERE, "--as", CHAIR, "--rating", "met")
    assert_failed_with(evaluate, 2, "オプション --aim を指定してください")

    missing_file = await cli("load", str(tmp_path / "none.yaml"), "--yes")
    assert missing_file.code == 1
    assert missing_file.stdout == ""
    assert len(missing_file.error_lines()) == 1


async def test_every_council_of_a_municipality_starts_once(cli: Cli) -> None:
    await cli.ok("load", "examples/okayama.yaml", "--yes")
    args = ("cycle", "start", "--municipality", "okayama", "--year", "2027", "--json")
    first = (await cli.ok(*args)).json()
    assert first, "okayama has councils"
    assert {r["outcome"] for r in first} == {"started"}
    assert all(r["workflow_id"] == f"council-cycle/{r['council_id']}/2027" for r in first)
    again = (await cli.ok(*args)).json()
    assert [r["council_id"] for r in again] == [r["council_id"] for r in first]
    assert {r["outcome"] for r in again} == {"already_running"}

    text = await cli.ok("cycle", "start", "--municipality", "okayama", "--year", "2027")
    assert f"okayama: 開始 0件・実行中 {len(first)}件・終了済み 0件" in text.stdout

    unknown = await cli("cycle", "start", "--municipality", "atlantis", "--year", "2027")
    assert_failed_with(unknown, 1, "自治体 'atlantis' は登録されていません")


async def test_the_demo_runs_a_whole_year_and_a_closed_cycle_refuses_commands(cli: Cli) -> None:
    demo = await cli.ok("demo", "--council", COUNCIL, "--year", "2040")
    out = demo.stdout
    assert "第1版の基本方針は否決されました" in out
    assert f"{NON_VOTING_COORDINATOR}: 拒否: {NON_VOTING_COORDINATOR} には「投票」の権限" in out
    assert "第2版の基本方針は可決されました" in out
    assert "サイクルの終了を受け付けました（kushiro-kushiro 2040年度、現在のステップ: 終了）" in out
    assert "2041年度のサイクル" in out

    closed = await cli("vote", "close", "--council", COUNCIL, "--year", "2040", "--as", CHAIR)
    assert_failed_with(closed, 3, render("cycle_closed", {"year": "2040"}, "ja"))
    following = (await cli.ok("cycle", "status", "--council", COUNCIL, "--year", "2041",
                              "--json")).json()  # fmt: skip
    assert following["step"] == "discuss"
    assert len(following["carried_over"]) == 6

    again = await cli("demo", "--council", COUNCIL, "--year", "2040")
    assert again.code == 1
    assert again.stdout == ""
    assert len(again.error_lines()) == 1


async def test_the_demo_without_a_year_can_be_run_again(cli: Cli) -> None:
    this_year = current_fiscal_year()
    first = await cli.ok("demo", "--council", "kushiro-tottori")
    assert f"kushiro-tottori の{this_year}年度のサイクルを開始しました" in first.stdout
    # No coordinator without a vote on this council: the principal tries instead.
    assert "議決権のない校長（kushiro-tottori-principal）が投票しようとします" in first.stdout
    second = await cli.ok("demo", "--council", "kushiro-tottori")
    assert f"kushiro-tottori の{this_year + 1}年度のサイクルは既に実行中です" in second.stdout
    assert f"{this_year + 2}年度のサイクル" in second.stdout


async def test_the_board_pauses_resumes_and_moves_a_deadline(cli: Cli) -> None:
    where = ("--council", "kushiro-chuo", "--year", YEAR)
    board, chair = "kushiro-board", "kushiro-chuo-chair"
    await cli.ok("cycle", "start", *where)
    paused = await cli.ok("cycle", "pause", *where, "--as", board, "--reason", "地震のため休校")
    assert "一時停止を受け付けました" in paused.stdout

    meeting = await cli("meeting", *where, "--as", chair, "--date", "2026-05-01",
                        "--attendance", chair, "--minutes", "m")  # fmt: skip
    assert_failed_with(meeting, 3, render("paused", {"reason": "地震のため休校"}, "ja"))
    status = await cli.ok("cycle", "status", *where)
    assert "一時停止中" in status.stdout
    assert "地震のため休校" in status.stdout

    resumed = (await cli.ok("cycle", "resume", *where, "--as", board, "--json")).json()
    assert resumed["paused"] is None
    moved = await cli.ok("deadline", "set", *where, "--as", board, "--step", "approve",
                         "--due", "2026-06-30", "--json")  # fmt: skip
    assert moved.json()["due_dates"]["approve"] == "2026-06-30"

    by_chair = await cli("deadline", "set", *where, "--as", chair, "--step", "approve",
                         "--due", "2026-07-31")  # fmt: skip
    assert by_chair.code == 3
    assert by_chair.stdout == ""
    assert len(by_chair.error_lines()) == 1

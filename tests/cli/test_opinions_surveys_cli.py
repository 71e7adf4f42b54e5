"""Opinions and the survey by CLI commands alone, against the real server, worker and
store: an opinion drafted (once for a repeated command id), voted, sent, answered by the
board and listed with its answer; refusals in one line; the survey refused outside the
evaluate step."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, cli_environment

YEAR = "2026"
WHERE = ("--council", "kushiro-kushiro", "--year", YEAR)
CHAIR = "kushiro-kushiro-chair"
VOTERS = [CHAIR, *(f"kushiro-kushiro-member-{i}" for i in range(1, 4))]


@pytest.fixture(scope="module")
async def cli(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cli]:
    async with cli_environment(tmp_path_factory.mktemp("opinions"), "opinions") as cli:
        await cli.ok("cycle", "start", *WHERE)
        yield cli


async def test_an_opinion_is_drafted_once_voted_sent_and_answered(cli: Cli) -> None:
    draft = (
        "opinion", "draft", *WHERE, "--as", CHAIR, "--to", "board",
        "--subject", "school_operation", "--title", "放課後学習の教室",
        "--body", "空き教室を週2日開放してください", "--command-id", "draft-1",
    )  # fmt: skip
    first = await cli.ok(*draft)
    again = await cli.ok(*draft)
    assert "第1号" in first.stdout and "第1号" in again.stdout
    for voter in VOTERS:
        await cli.ok("opinion", "vote", "1", "approve", *WHERE, "--as", voter)
    refused = await cli("opinion", "close", "1", *WHERE, "--as", VOTERS[1])
    assert refused.code == 3 and refused.stdout == ""
    assert refused.error_lines() == ["意見申出の起案と採決の締め切りは会長だけが行えます"]
    await cli.ok("opinion", "close", "1", *WHERE, "--as", CHAIR)
    listed = await cli.ok("opinion", "list", *WHERE, "--as", CHAIR)
    assert "第1号 [回答待ち] 放課後学習の教室" in listed.stdout
    wrong = await cli("opinion", "answer", "1", *WHERE, "--as", "kushiro-kushiro-principal",
                      "--text", "x")  # fmt: skip
    assert wrong.code == 3
    assert wrong.error_lines() == ["この意見申出に回答できるのは宛先の方だけです"]
    await cli.ok(
        "opinion", "answer", "1", *WHERE, "--as", "kushiro-board", "--text", "4月から開放します"
    )
    listed = await cli.ok("opinion", "list", *WHERE, "--as", CHAIR)
    assert "[回答済み]" in listed.stdout and "回答: 4月から開放します" in listed.stdout
    too_long = await cli("opinion", "answer", "1", *WHERE, "--as", "kushiro-board",
                         "--text", "あ" * 4001)  # fmt: skip
    assert too_long.code != 0 and len(too_long.error_lines()) == 1


async def test_the_survey_opens_only_in_evaluate(cli: Cli, tmp_path: Path) -> None:
    refused = await cli("survey", "open", *WHERE, "--as", CHAIR, "--closes-on", "2027-03-01")
    assert refused.code == 3 and refused.stdout == ""
    [line] = refused.error_lines()
    assert "現在のステップは「話し合い」です" in line
    none = await cli.ok("survey", "results", *WHERE, "--as", CHAIR)
    assert "まだ開始していません" in none.stdout

"""Bad input through the real CLI: one line on stderr, exit 3, nothing sent and nothing
changed; a 3 MB policy file leaves the cycle answering; ``--command-id`` applies a
command re-sent with it once."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from domain.limits import MINUTES_MAX, POLICY_TEXT_MAX
from domain.refusals import render
from tests.cli.conftest import Cli, CliResult, cli_environment

COUNCIL = "kushiro-kushiro"
YEAR = "2027"  # a year ahead: no deadline alert changes the state meanwhile
WHERE = ("--council", COUNCIL, "--year", YEAR)
CHAIR = "kushiro-kushiro-chair"
PRINCIPAL = "kushiro-kushiro-principal"
EXIT_REFUSED = 3


@pytest.fixture(scope="module")
async def cli(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cli]:
    async with cli_environment(tmp_path_factory.mktemp("bounded"), "bounded") as cli:
        await cli.ok("cycle", "start", *WHERE)
        yield cli


def refused_with(result: CliResult, line: str) -> None:
    assert result.code == EXIT_REFUSED, result
    assert result.stdout == ""
    assert result.error_lines() == [line]


async def status(cli: Cli) -> dict[str, object]:
    result = await cli.ok("cycle", "status", *WHERE, "--json")
    state: dict[str, object] = json.loads(result.stdout)
    return state


def meeting_args(day: str = "2027-04-20", minutes: str = "第1回") -> tuple[str, ...]:
    return (
        "meeting", *WHERE, "--as", CHAIR, "--date", day, "--attendance", CHAIR,
        "--minutes", minutes, "--vision", "人とつながる子ども",
    )  # fmt: skip


async def test_bad_meetings_are_refused_in_one_line(cli: Cli) -> None:
    before = await status(cli)
    refused_with(
        await cli(*meeting_args(day="1900-05-10")),
        render(
            "date_outside_year",
            {"field": "held_on", "day": "1900-05-10", "year": YEAR,
             "earliest": "2027-03-01", "latest": "2028-04-30"},
        ),
    )  # fmt: skip
    refused_with(
        await cli("--lang", "en", *meeting_args(minutes="  \u3000 ")),
        "minutes_public is empty or only spaces",
    )
    refused_with(
        await cli(*meeting_args(minutes="x" * (MINUTES_MAX + 1))),
        f"minutes_public が長すぎます（{MINUTES_MAX + 1}文字、上限 {MINUTES_MAX}文字）",
    )
    assert await status(cli) == before


async def test_a_3_mb_policy_file_is_refused_and_the_cycle_answers(
    cli: Cli, tmp_path: Path
) -> None:
    await cli.ok(*meeting_args())
    await cli.ok("discussion", "close", *WHERE, "--as", CHAIR)
    before = await status(cli)
    big = tmp_path / "policy.txt"
    big.write_text("方" * (1024 * 1024), encoding="utf-8")  # 3 MB in UTF-8
    result = await cli("--lang", "en", "policy", "submit", *WHERE, "--as", PRINCIPAL,
                       "--file", str(big))  # fmt: skip
    refused_with(result, f"text is too long ({1024 * 1024} characters, at most {POLICY_TEXT_MAX})")
    assert await status(cli) == before

    # Sent twice with one id (a retry after a timeout): applied once.
    submit = ("policy", "submit", *WHERE, "--as", PRINCIPAL, "--text", "基本方針",
              "--command-id", "policy-2026-1")  # fmt: skip
    first = await cli.ok(*submit)
    again = await cli.ok(*submit)
    assert first.stdout == again.stdout
    after = await status(cli)
    assert len(after["policies"]) == 1  # type: ignore[arg-type]
    assert after["accepted_commands"] == before["accepted_commands"] + 1  # type: ignore[operator]

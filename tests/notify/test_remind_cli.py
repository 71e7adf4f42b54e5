"""``remind`` through the real CLI against a real-time server, worker and store: councils
waiting in the step are reminded once a day; the others are skipped and say why."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from domain.refusals import render
from tests.cli.conftest import Cli, cli_environment

YEAR = "2027"
BOARD = "kushiro-board"


@pytest.fixture(scope="module")
async def cli(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cli]:
    async with cli_environment(tmp_path_factory.mktemp("remind"), "remind") as cli:
        yield cli


async def test_remind_reaches_waiting_councils_once_a_day_and_skips_the_rest(cli: Cli) -> None:
    for council in ("kushiro-chuo", "kushiro-kyoei", "kushiro-tottori"):
        await cli.ok("cycle", "start", "--council", council, "--year", YEAR)
    chuo = ("--council", "kushiro-chuo", "--year", YEAR)
    await cli.ok(
        "meeting", *chuo, "--as", "kushiro-chuo-chair", "--date", "2027-04-20",
        "--attendance", "kushiro-chuo-chair", "--minutes", "第1回", "--vision", "挨拶できる子ども",
    )  # fmt: skip
    await cli.ok("discussion", "close", *chuo, "--as", "kushiro-chuo-chair")
    await cli.ok(
        "cycle", "pause", "--council", "kushiro-tottori", "--year", YEAR, "--as", BOARD,
        "--reason", "校舎改修のため",
    )  # fmt: skip

    remind = ("remind", "--municipality", "kushiro", "--step", "discuss", "--as", BOARD)
    first = (await cli.ok(*remind, "--year", YEAR, "--json")).json()
    by_council = {r["council_id"]: r for r in first}
    assert by_council["kushiro-kyoei"]["outcome"] == "sent"
    assert by_council["kushiro-kyoei"]["recipients"] == 9  # chair, 5 members, principal, 2
    assert by_council["kushiro-chuo"]["reason_code"] == "not_at_step"
    assert by_council["kushiro-tottori"]["reason_code"] == "paused"
    assert "校舎改修のため" in by_council["kushiro-tottori"]["reason"]
    assert by_council["kushiro-kushiro"]["outcome"] == "not_started"

    again = await cli.ok(*remind, "--year", YEAR)
    assert again.stdout.splitlines()[-1] == (
        "kushiro: 「話し合い」の督促を0協議会（0名）に送りました。対象外 3、未開始 1"
    )
    inbox = (await cli.ok("inbox", "--as", "kushiro-kyoei-principal", "--json")).json()
    reminders = [m for m in inbox if m["template"] == "reminder" and m["fiscal_year"] == 2027]
    assert len(reminders) == 1
    assert "共栄小学校学校運営協議会" in reminders[0]["subject"]
    history = await cli.ok("history", "--council", "kushiro-kyoei", "--year", YEAR, "--json")
    assert [h["actor"] for h in history.json() if h["action"] == "remind"] == [BOARD]


async def test_remind_by_someone_not_on_the_board_is_refused_in_one_line(cli: Cli) -> None:
    refused = await cli(
        "remind", "--municipality", "kushiro", "--step", "discuss", "--as", "kushiro-chief",
        "--year", YEAR,
    )  # fmt: skip
    assert refused.code == 3 and refused.stdout == ""
    params = {"actor": "kushiro-chief", "action": "remind", "roles": "board_admin"}
    assert refused.error_lines() == [render("role_required", params, "ja")]

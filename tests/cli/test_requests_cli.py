"""The README's volunteer request walkthrough, run as ``python -m starter`` against the
real server, worker and store (the Kushiro example and its volunteers loaded): create a
request, see whom to ask, send it, record an answer, list the fill, publish the
newsletter; a coordinator of another council is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.cli.conftest import Cli, cli_environment

R = ("--council", "kushiro-kushiro", "--year", "2026")


@pytest.fixture(scope="module")
async def cli(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cli]:
    async with cli_environment(tmp_path_factory.mktemp("requests"), "requests") as cli:
        yield cli


async def test_the_readme_walkthrough_of_a_request(cli: Cli) -> None:
    await cli.ok("volunteer", "import", "examples/volunteers-kushiro.csv",
                 "--municipality", "kushiro")  # fmt: skip
    created = await cli.ok(
        "request", "create", *R, "--activity", "yomikikase", "--title", "読み聞かせボランティア",
        "--needed", "3", "--date", "2027-03-20", "--start", "10:00", "--reply-by", "2027-03-10",
        "--place", "図書室", "--public",
    )  # fmt: skip
    assert created.stdout.strip() == "依頼 1「読み聞かせボランティア」をつくりました"
    listed = await cli.ok("request", "candidates", *R, "--number", "1", "--skill", "読み聞かせ",
                          "--json")  # fmt: skip
    chosen = [row["volunteer_id"] for row in listed.json()]
    assert "kushiro-v001" in chosen and "kushiro-v004" not in chosen  # v004: no consent
    sent = await cli.ok("request", "send", *R, "--number", "1", "--skill", "読み聞かせ")
    assert sent.stdout.strip() == "0/3人 確定・0人 待ち"
    answered = await cli.ok("request", "answer", *R, "--number", "1",
                            "--volunteer", "kushiro-v001", "--can")  # fmt: skip
    assert answered.stdout.strip() == "1/3人 確定・0人 待ち"
    listing = await cli.ok("request", "list", "--year", "2026")
    assert "読み聞かせボランティア" in listing.stdout and "1/3人 確定" in listing.stdout
    refused = await cli("request", "show", *R, "--number", "1", "--as", "kushiro-chuo-coord-1")
    assert refused.code == 1 and "役割が必要です" in refused.stderr
    thanks = ("--message", "ご協力ありがとうございました")
    published = await cli.ok("newsletter", "publish", "--council", "kushiro-kushiro",
                             "--year", "2026", *thanks)  # fmt: skip
    assert "/public/newsletters/kushiro-kushiro/2026" in published.stdout

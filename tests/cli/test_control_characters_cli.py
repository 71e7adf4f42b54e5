"""Control characters through the real CLI (issue 24 items 10 and 12): a reason holding a
bidi override or an escape sequence is refused in one line and changes nothing; text
stored before names were checked, a municipality file and a file name full of escape
sequences are printed with the sequences shown (``\\x1b``), never obeyed."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import update

import store
from domain.refusals import render
from store.models import Person
from tests.cli.conftest import REPO_ROOT, Cli, CliResult, cli_environment

COUNCIL = "kushiro-chuo"
YEAR = "2027"
WHERE = ("--council", COUNCIL, "--year", YEAR)
BOARD = "kushiro-board"
EXIT_REFUSED = 3
#: Clear the screen, go home, print in red: what a hostile file would send a terminal.
ESCAPES = "\x1b[2J\x1b[H\x1b[31m"
#: Anything a terminal would obey or reorder: C0 but newline and tab, C1, bidi controls.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
async def cli(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cli]:
    async with cli_environment(tmp_path_factory.mktemp("controls"), "controls") as cli:
        await cli.ok("cycle", "start", *WHERE)
        yield cli


def hostile_file(folder: Path) -> Path:
    """The Kushiro example with escape sequences in a name and in the file's own name."""
    text = (REPO_ROOT / "examples" / "kushiro.yaml").read_text(encoding="utf-8")
    hostile = folder / f"kushiro{ESCAPES}.yaml"
    # YAML's double-quoted "\\e" is ESC: the file itself is plain text.
    hostile.write_text(
        text.replace("name: 鈴木 亮,", 'name: "\\e[2J\\e[31m鈴木\\u202e亮",'), encoding="utf-8"
    )
    return hostile


def assert_shown_not_obeyed(result: CliResult) -> None:
    """Nothing a terminal would act on reached stdout or stderr."""
    assert not RAW.search(result.stdout), repr(result.stdout)
    assert not RAW.search(result.stderr), repr(result.stderr)


async def paused(cli: Cli) -> object:
    result = await cli.ok("cycle", "status", *WHERE, "--json")
    return json.loads(result.stdout)["paused"]


@pytest.mark.parametrize(
    ("reason", "char"), [("台風のため\u202e停止", "U+202E"), (f"台風{ESCAPES}", "U+001B")]
)
async def test_a_reason_with_control_characters_is_refused_and_nothing_changes(
    cli: Cli, reason: str, char: str
) -> None:
    result = await cli("cycle", "pause", *WHERE, "--as", BOARD, "--reason", reason)
    assert result.code == EXIT_REFUSED, result
    assert result.stdout == ""
    assert result.error_lines() == [render("control_character", {"field": "reason", "char": char})]
    assert_shown_not_obeyed(result)
    assert await paused(cli) is None


async def test_load_dry_run_shows_stored_escape_sequences_instead_of_obeying_them(
    cli: Cli,
) -> None:
    # A name stored before the loader refused control characters.
    engine = store.make_engine(cli.env["DATABASE_URL"])
    try:
        with store.session_scope(engine) as session:
            session.execute(
                update(Person)
                .where(Person.id == "kushiro-chief")
                .values(name=f"{ESCAPES}山田\u202e太郎")
            )
    finally:
        engine.dispose()
    result = await cli.ok("load", "examples/kushiro.yaml", "--dry-run")
    assert_shown_not_obeyed(result)
    # The diff masks names to their first character: here the escape, shown.
    assert "~ people/kushiro-chief name: \\x1b… → 山…" in result.stdout
    as_json = await cli.ok("load", "examples/kushiro.yaml", "--dry-run", "--json")
    assert_shown_not_obeyed(as_json)


async def test_a_municipality_file_with_escape_sequences_is_refused_in_one_shown_line(
    cli: Cli, tmp_path: Path
) -> None:
    hostile = hostile_file(tmp_path)
    result = await cli("load", str(hostile), "--dry-run")
    assert result.code == 1 and result.stdout == ""
    [line] = result.error_lines()
    assert "people[2].name" in line and "U+001B" in line
    assert "kushiro\\x1b[2J\\x1b[H\\x1b[31m.yaml" in line  # the file's name, shown
    assert_shown_not_obeyed(result)
    missing = await cli("load", str(tmp_path / f"gone{ESCAPES}.yaml"), "--dry-run")
    assert missing.code == 1 and len(missing.error_lines()) == 1
    assert_shown_not_obeyed(missing)

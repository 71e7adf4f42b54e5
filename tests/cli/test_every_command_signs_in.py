"""Every CLI command checks who is asking (issue 20, "one door").

The commands are enumerated from the Typer app itself: a command added without an entry
here fails ``test_every_command_is_covered``, and each entry is run with no token, a
garbage token, a revoked token and the token of a member of another municipality. Each
run must be refused in one line on stderr, nothing on stdout, exit 1, and change nothing:
every table of the store keeps its row count (no cycle, no audit row, no directory
change), and Temporal is never reached (the address points at a closed loopback port, so
a command that got that far would fail with another message).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine, func, select
from typer._click.core import Command, Context
from typer.core import TyperGroup as Group

import store
from application.texts import text
from embedded.server import free_port
from starter.cli import app, run
from store.access_tokens import AccessToken, revoke
from store.models import Base
from tests.board.support import FIXTURES, load_testcity, open_cycle
from tests.cli.conftest import make_token
from tests.cli_token import sign_in_locally

C1 = "testcity-c1"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
STRANGER = "dash-m1"  # a member of a council of dashcity, nothing in testcity

#: One run of each command, aimed at testcity (whose board, members and data the
#: strangers must not reach). Commands about the signed-in person themselves (``inbox``,
#: ``task list``) name a testcity person with ``--as``.
CASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("meeting", ("meeting", "--council", C1, "--date", "2026-04-20",
                 "--attendance", "t-chair", "--minutes", "m", "--year", "2026")),
    ("doctor", ("doctor",)),
    ("doctor", ("doctor", "--municipality", "testcity", "--repair")),
    ("history", ("history", "--council", C1)),
    ("history", ("history", "--council", C1, "--json")),
    ("history", ("history", "--council", C1, "--csv")),
    ("history", ("history", "--council", C1, "--raw", "--year", "2026")),
    ("demo", ("demo", "--council", C1, "--year", "2027")),
    ("load", ("load", str(FIXTURES / "testcity.yaml"), "--yes")),
    ("remind", ("remind", "--municipality", "testcity", "--step", "discuss")),
    ("overview", ("overview", "--municipality", "testcity", "--year", "2026")),
    ("summary", ("summary", "--year", "2026")),
    ("report", ("report", "--municipality", "testcity", "--year", "2026")),
    ("cycle start", ("cycle", "start", "--council", C1, "--year", "2027")),
    ("cycle start", ("cycle", "start", "--municipality", "testcity", "--year", "2027")),
    ("cycle status", ("cycle", "status", "--council", C1, "--year", "2026")),
    ("cycle pause", ("cycle", "pause", "--council", C1, "--reason", "r", "--year", "2026")),
    ("cycle resume", ("cycle", "resume", "--council", C1, "--year", "2026")),
    ("cycle restore", ("cycle", "restore", "--council", C1, "--year", "2026")),
    ("cycle restore", ("cycle", "restore", "--municipality", "testcity")),
    ("discussion close", ("discussion", "close", "--council", C1, "--year", "2026")),
    ("policy submit", ("policy", "submit", "--council", C1, "--text", "p", "--year", "2026")),
    ("vote cast", ("vote", "cast", "approve", "--council", C1, "--year", "2026")),
    ("vote close", ("vote", "close", "--council", C1, "--year", "2026")),
    ("minutes publish", ("minutes", "publish", "1", "--council", C1, "--year", "2026")),
    ("minutes correct", ("minutes", "correct", "1", "--council", C1, "--text", "t",
                         "--reason", "r", "--year", "2026")),
    ("plan submit", ("plan", "submit", "--council", C1, "--year", "2026",
                     "--file", str(EXAMPLES / "plan-kushiro.yaml"))),
    ("step complete", ("step", "complete", "--council", C1, "--step", "act", "--year", "2026")),
    ("evaluate", ("evaluate", "--council", C1, "--aim", "aim-1", "--rating", "met",
                  "--year", "2026")),
    ("evaluate close", ("evaluate", "close", "--council", C1, "--year", "2026")),
    ("deadline set", ("deadline", "set", "--council", C1, "--step", "discuss",
                      "--due", "2026-05-30", "--year", "2026")),
    ("inbox", ("inbox", "--as", "t-chair")),
    ("inbox read", ("inbox", "read", "1", "--as", "t-chair")),
    ("audit verify", ("audit", "verify")),
    ("audit verify", ("audit", "verify", "--anchor",
                      "audit-anchor access_audit seq=1 sha256=" + "0" * 64
                      + " at=2026-12-07T07:00:00+09:00")),
    ("audit anchor", ("audit", "anchor")),
    ("person erase", ("person", "erase", "--person", "t-m3", "--municipality", "testcity",
                      "--yes")),
    ("roster sync", ("roster", "sync", "--municipality", "testcity")),
    ("task list", ("task", "list", "--as", "t-coord")),
    ("task claim", ("task", "claim", "t1", "--council", C1, "--year", "2026")),
    ("task complete", ("task", "complete", "t1", "--council", C1, "--outcome", "o",
                       "--year", "2026")),
    ("task reassign", ("task", "reassign", "t1", "--council", C1, "--to", "t-coord",
                       "--year", "2026")),
    ("task waive", ("task", "waive", "t1", "--council", C1, "--reason", "r", "--year", "2026")),
    ("activity record", ("activity", "record", "a1", "--council", C1, "--date", "2026-06-01",
                         "--children", "3", "--year", "2026")),
    ("activity cancel", ("activity", "cancel", "a1", "--council", C1, "--reason", "weather",
                         "--year", "2026")),
    ("volunteer add", ("volunteer", "add", "v-new", "--municipality", "testcity",
                       "--name", "新規 花子")),
    ("volunteer list", ("volunteer", "list", "--municipality", "testcity")),
    ("volunteer renew", ("volunteer", "renew", "v-known")),
    ("volunteer withdraw", ("volunteer", "withdraw", "v-known")),
    ("volunteer import", ("volunteer", "import", str(FIXTURES / "testcity.yaml"),
                          "--municipality", "testcity")),
    ("resource list", ("resource", "list", "--municipality", "testcity")),
)  # fmt: skip

TOKEN_KINDS = ("none", "garbage", "revoked", "stranger")


def command_paths() -> set[str]:
    """Every command the CLI offers, by path (a group that runs by itself counts too)."""
    found: set[str] = set()

    def walk(command: Command, path: tuple[str, ...]) -> None:
        if isinstance(command, Group):
            if command.invoke_without_command and path:
                found.add(" ".join(path))
            context = Context(command)
            for name in command.list_commands(context):
                sub = command.get_command(context, name)
                assert sub is not None
                walk(sub, (*path, name))
        else:
            found.add(" ".join(path))

    walk(typer.main.get_command(app), ())
    return found


def pattern(key: str) -> re.Pattern[str]:
    """The Japanese sentence of ``key`` with any value in its blanks."""
    sentence = text(key, "ja", path="\0", roles="\0", target="\0", person="\0")
    return re.compile(".+".join(re.escape(part) for part in sentence.split("\0")) + "$")


#: What each kind of token is told (every line a refusal; exit 1 for all).
EXPECTED = {
    "none": (pattern("token_missing"),),
    "garbage": (pattern("token_invalid"),),
    "revoked": (pattern("token_invalid"),),
    "stranger": (
        pattern("role_needed"),
        pattern("on_behalf_refused"),
        pattern("local_operator_needed"),
    ),
}


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table of the store."""
    with engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


@pytest.fixture
def testcity_engine(clean_engine: Engine) -> Engine:
    """A clean store holding the test municipality."""
    load_testcity(clean_engine)
    return clean_engine


@pytest.fixture
def tokens(
    testcity_engine: Engine,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> Iterator[dict[str, str | None]]:
    """testcity with a cycle, a volunteer and the stranger's municipality; the four
    tokens; Temporal pointed at a port nobody listens on."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TEMPORAL_ADDRESS", f"127.0.0.1:{free_port()}")
    with store.session_scope(testcity_engine) as session:
        store.load_municipality(session, store.read_municipality_file(FIXTURES / "dashcity.yaml"))
    open_cycle(testcity_engine, C1, 2026)
    sign_in_locally(monkeypatch, database_url)
    added = ["volunteer", "add", "v-known", "--municipality", "testcity", "--name", "既知 太郎"]
    assert run(added) == 0, capsys.readouterr().err
    revoked = make_token(database_url, "t-board")
    with store.session_scope(testcity_engine) as session:
        row = session.scalars(select(AccessToken).where(AccessToken.person_id == "t-board")).one()
        assert revoke(session, row.id, "t-board", datetime.now(UTC))
    monkeypatch.delenv("CS_TOKEN")
    # No token file either: the default path is in the empty DATA_DIR.
    yield {
        "none": None,
        "garbage": "cst_" + "x" * 43,
        "revoked": revoked,
        "stranger": make_token(database_url, STRANGER),
    }


def test_every_command_is_covered() -> None:
    covered = {path for path, _ in CASES}
    assert covered == command_paths(), "add the new command to CASES (with a token check)"


@pytest.mark.parametrize("kind", TOKEN_KINDS)
def test_every_command_refuses_who_may_not(
    kind: str,
    tokens: dict[str, str | None],
    testcity_engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    token = tokens[kind]
    if token is None:
        monkeypatch.delenv("CS_TOKEN", raising=False)
    else:
        monkeypatch.setenv("CS_TOKEN", token)
    before = row_counts(testcity_engine)
    capsys.readouterr()
    for _, args in CASES:
        code = run(list(args))
        out, err = capsys.readouterr()
        assert code == 1, (kind, args, code, err)
        assert out == "", (kind, args, out)
        [line] = err.splitlines()
        assert any(expected.match(line) for expected in EXPECTED[kind]), (kind, args, line)
        assert row_counts(testcity_engine) == before, (kind, args)

"""Contact values are never shown in full; at a terminal ``load`` asks before it changes
anything (run on a pseudo-terminal, as a person would)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

import store
from store.directory_changes import mask_contact, mask_email, mask_name, mask_phone, mask_url
from tests.audit.conftest import AuditCity
from tests.cli_token import local_token

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_masks_keep_only_what_identifies_the_kind_of_change() -> None:
    assert mask_email("chair@kushiro.example.jp") == "c***@kushiro.example.jp"
    assert mask_url("https://hooks.example.jp/T0/B1/secret?x=1") == "https://hooks.example.jp/…"
    assert mask_phone("0166-00-1234") == "****-**-**34"
    assert mask_contact("info@example.jp") == "i***@example.jp"
    assert mask_contact("https://line.example/abc") == "https://line.example/…"
    assert mask_contact("090 1234 5678") == "*** **** **78"
    assert mask_name("山田 太郎") == "山…"


def _converse(args: list[str], answer: str, env: dict[str, str]) -> tuple[int, str]:
    """Run the CLI on a pseudo-terminal, answer its question, return (exit code, output)."""
    main, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "starter", *args],
        cwd=REPO_ROOT, env=env, stdin=child, stdout=child, stderr=child,
    )  # fmt: skip
    os.close(child)
    output = b""
    answered = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
        if not answered and b"[y/N]" in output:
            os.write(main, answer.encode() + b"\n")
            answered = True
    os.close(main)
    return process.wait(timeout=60), output.decode(errors="replace")


@pytest.mark.parametrize(("answer", "code", "applied"), [("n", 1, False), ("y", 0, True)])
def test_at_a_terminal_load_asks_and_applies_only_on_yes(
    engine: Engine,
    database_url: str,
    auditcity: AuditCity,
    answer: str,
    code: int,
    applied: bool,
) -> None:
    city = auditcity
    with store.session_scope(engine) as session:
        store.load_municipality(session, store.read_municipality_file(city.original()))
    hostile = city.hostile("https://hooks.evil.example/secret")
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1",
           "CS_TOKEN": local_token(database_url)}  # fmt: skip
    exit_code, output = _converse(["--lang", "en", "load", str(hostile)], answer, env)
    assert exit_code == code, output
    assert f"~ people/{city.board} email: b***@ac.example.jp → b***@evil.example" in output
    assert "Apply these changes?" in output
    assert f"board-{city.s}@evil.example" not in output and "secret" not in output
    with store.session_scope(engine) as session:
        roles = store.council_setup(session, city.council).roster.roles_of(city.stranger)
    assert bool(roles) is applied

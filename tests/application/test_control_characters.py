"""NUL, escape sequences and bidi overrides are refused where text enters (issue 24 item
12): the commands (whatever builds them: CLI, console form), the municipality file and
token names. Each refusal is one line naming the field and the character; nothing is
stored. Multi-line text keeps its newlines, tabs and CRLF; one-line text refuses them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, select

import store
from application import access_tokens
from application.errors import AppError
from application.permissions import load_viewer
from console.forms import FormError, command_from
from domain.commands import PauseCycleInput, RecordMeetingInput
from domain.limits import refusal_of
from domain.model import PlannedActivity
from domain.text_rules import forbidden_character
from store.access_tokens import tokens_of
from store.errors import InvalidMunicipalityFile
from store.models import Council, Person
from tests.board.support import FIXTURES

HOSTILE = {"NUL": "\x00", "ESC": "\x1b[2J", "RLO": "\u202e", "C1": "\x9b", "LRI": "\u2066"}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_reason_with_a_control_character_cannot_be_built(name: str) -> None:
    with pytest.raises(ValidationError) as refused:
        PauseCycleInput(actor="board", reason=f"台風{HOSTILE[name]}のため")
    refusal = refusal_of(refused.value)
    assert refusal is not None and refusal.code == "control_character"
    line = refusal.message("ja")
    assert line.startswith("reason に制御文字 U+") and "\n" not in line
    assert HOSTILE[name] not in line


def test_multi_line_text_keeps_newlines_tabs_and_crlf_one_line_text_does_not() -> None:
    minutes = "議題1\n\t・通学路\r\n議題2"
    meeting = RecordMeetingInput(
        actor="c", held_on="2027-04-20", attendance=("c",), minutes_public=minutes
    )
    assert meeting.minutes_public == minutes
    for bad in ("見守り\n活動", "見守り\r活動", "見守り\t活動", "見守り\u2028活動"):
        with pytest.raises(ValidationError) as refused:
            PlannedActivity.model_validate(
                {"activity_id": "a", "title": bad, "planned_on": "2027-06-01",
                 "aims": [{"aim_id": "a1", "text": "ねらい"}]}
            )  # fmt: skip
        refusal = refusal_of(refused.value)
        assert refusal is not None and refusal.params["field"] == "title"
    # A lone CR is not a line end a browser sends: refused in multi-line text too.
    assert forbidden_character("a\rb", multiline=True) == "\r"


def test_the_console_form_refuses_nul_in_a_reason_naming_the_field() -> None:
    with pytest.raises(FormError) as refused:
        command_from("pause_cycle", {"reason": "臨時休校\x00のため"}, "t-board")
    message = str(refused.value)
    assert message.startswith("reason:") and "U+0000" in message and "\x00" not in message


@pytest.mark.parametrize("name", ["名前\u202eつかのまの", "laptop\x00", "ci\x1b[31m", "二\n行"])
def test_a_token_name_with_control_characters_is_refused_and_none_is_made(
    clean_engine: Engine, name: str
) -> None:
    with store.session_scope(clean_engine) as session:
        store.load_municipality(session, store.read_municipality_file(FIXTURES / "testcity.yaml"))
    with store.session_scope(clean_engine) as session:
        viewer = load_viewer(session, "t-chair")
        assert viewer is not None
        with pytest.raises(AppError) as refused:
            access_tokens.create(session, viewer, name, 30, False, datetime.now(UTC))
    assert refused.value.key == "token_name_control"
    assert "制御文字 U+" in refused.value.message("ja")
    with store.session_scope(clean_engine) as session:
        assert tokens_of(session, "t-chair") == []


@pytest.mark.parametrize(
    ("field", "clean", "hostile"),
    [
        (
            "councils[0].name",
            "name: テスト市立第一小・中学校学校運営協議会\n",
            'name: "テスト市協議会\\r\\nBcc: x@evil.example"\n',
        ),
        ("people[0].name", "name: 試験 一郎}", 'name: "\\e[2J試験 一郎\\u202e"}'),
    ],
)
def test_the_municipality_file_refuses_control_characters_and_loads_nothing(
    clean_engine: Engine, tmp_path: Path, field: str, clean: str, hostile: str
) -> None:
    text = (FIXTURES / "testcity.yaml").read_text(encoding="utf-8")
    assert clean in text
    path = tmp_path / "hostile.yaml"
    # YAML's double-quoted escapes: the file itself is plain text.
    path.write_text(text.replace(clean, hostile, 1), encoding="utf-8")
    with store.session_scope(clean_engine) as session:
        store.load_municipality(session, store.read_municipality_file(FIXTURES / "testcity.yaml"))
    with (
        pytest.raises(InvalidMunicipalityFile) as refused,
        store.session_scope(clean_engine) as session,
    ):
        store.load_municipality(session, store.read_municipality_file(path))
    message = str(refused.value)
    assert f"{field}: contains the control character U+" in message and "\n" not in message
    with store.session_scope(clean_engine) as session:
        names = {*session.scalars(select(Person.name)), *session.scalars(select(Council.name))}
    assert "試験 一郎" in names and "テスト市立第一小・中学校学校運営協議会" in names
    assert not any(forbidden_character(name, multiline=False) for name in names)

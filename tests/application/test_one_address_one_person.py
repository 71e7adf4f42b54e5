"""One e-mail address, one person, across every municipality: a second municipality's
``load`` that gives one of its people the address of a person of the first (in another
case, or spelt with the Kelvin sign ``K``) is refused in one line with nothing stored, and
the first person's sign-in link still goes to the address on file — also when it is typed
in another case or with the look-alike (SQLite, or PostgreSQL with ``TEST_DATABASE_URL``)."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import Engine

import store
from application import identity
from application.mail import mail_folder, send_mail
from config import Settings
from starter.cli import run
from tests.cli_token import sign_in_locally
from tests.store.support import row_counts

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
STORED = "Kita-Chair@kita.example.jp"
KELVIN = "\u212a"  # K, the Kelvin sign: NFKC and case folding make it "k"

FILE = """
municipality: {{id: {muni}, name: {name}, prefecture: テスト県}}
schools:
  - {{id: {muni}-e1, name: 第一小学校}}
people:
  - {{id: {muni}-chair, name: 会長 一郎, email: '{address}'}}
  - {{id: {muni}-board, name: 教委 次郎{board_mail}}}
staff:
  - {{person: {muni}-board, role: board_admin}}
councils:
  - id: {muni}-c1
    name: 第一小学校学校運営協議会
    schools: [{muni}-e1]
    members:
      - {{person: {muni}-chair, roles: [chair]}}
"""


def _file(tmp: Path, muni: str, address: str, board_mail: str = "") -> Path:
    path = tmp / f"{muni}-{abs(hash((address, board_mail)))}.yaml"
    text = FILE.format(muni=muni, name=f"{muni}市", address=address, board_mail=board_mail)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def kita(
    clean_engine: Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Engine:
    """The first municipality, its chair at ``STORED``; the CLI signed in locally."""
    with store.session_scope(clean_engine) as session:
        store.load_municipality(
            session, store.read_municipality_file(_file(tmp_path, "kita", STORED))
        )
    monkeypatch.setenv("DATABASE_URL", database_url)
    sign_in_locally(monkeypatch, database_url)
    return clean_engine


def _mail_to(settings: Settings, typed: str, client: str, engine: Engine) -> str:
    """Ask for a sign-in link as the console does, mail it, and return the ``To`` of the
    message written to the loopback mail folder."""
    with store.session_scope(engine) as session:
        link = identity.request_link(session, typed, client, NOW)
    assert link is not None and link.person_id == "kita-chair"
    written = send_mail(settings, link.address, "サインイン", f"token {link.token}")
    assert written is not None and written.parent == mail_folder(settings)
    message = email.message_from_bytes(written.read_bytes(), policy=policy.default)
    return str(message["To"])


@pytest.mark.parametrize(
    "hostile",
    [
        "KITA-CHAIR@KITA.EXAMPLE.JP",
        f"{KELVIN}ita-chair@kita.example.jp",
        " kita-chair@Kita.Example.JP",
    ],
)
def test_another_municipality_cannot_take_an_address_and_sign_in_still_reaches_its_owner(
    kita: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str], hostile: str
) -> None:
    before = row_counts(kita)
    # The second municipality loads a person with the first chair's address.
    attack = _file(tmp_path, "minami", hostile.strip())
    assert run(["--lang", "en", "load", str(attack), "--yes"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1
    assert "people[0].email: the address already belongs to another person" in err
    assert "kita" not in err.lower() and "@" not in err  # neither who nor which address
    assert row_counts(kita) == before  # nothing stored, not even the municipality

    # The first chair's sign-in, typed as the attacker spelt it, goes to the stored address.
    settings = Settings(data_dir=tmp_path / "data")
    assert _mail_to(settings, hostile, "c1", kita) == STORED
    assert _mail_to(settings, STORED.lower(), "c2", kita) == STORED


def test_two_people_of_one_file_cannot_share_an_address(
    kita: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = row_counts(kita)
    shared = _file(tmp_path, "minami", "m@minami.example.jp", ", email: M@MINAMI.EXAMPLE.JP")
    assert run(["--lang", "en", "load", str(shared), "--yes"]) == 1
    err = capsys.readouterr().err
    assert "people[1].email: the same address as people[0]" in err and "@" not in err
    assert row_counts(kita) == before


def test_a_municipality_may_move_an_address_between_its_own_people(
    kita: Engine, tmp_path: Path
) -> None:
    # The chair and the board admin swap addresses in one load: the unique index holds.
    swapped = _file(tmp_path, "kita", "board@kita.example.jp", f", email: '{STORED}'")
    with store.session_scope(kita) as session:
        store.load_municipality(
            session,
            store.read_municipality_file(
                _file(tmp_path, "kita", STORED, ", email: board@kita.example.jp")
            ),
        )
    with store.session_scope(kita) as session:
        store.load_municipality(session, store.read_municipality_file(swapped))
    with store.session_scope(kita) as session:
        link = identity.request_link(session, STORED.upper(), "c3", NOW)
    assert link is not None and (link.person_id, link.address) == ("kita-board", STORED)


def test_a_person_left_out_of_the_file_keeps_their_address(
    kita: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # People left out of a file stay stored: their address stays theirs.
    before = row_counts(kita)
    text = FILE.format(muni="kita", name="kita市", address="x", board_mail="")
    text = text.replace("  - {id: kita-chair, name: 会長 一郎, email: 'x'}\n", "")
    text = text.replace("kita-chair", "kita-board").replace(
        "name: 教委 次郎", f"name: 教委 次郎, email: '{KELVIN}ITA-chair@kita.example.jp'"
    )
    path = tmp_path / "kita-without-chair.yaml"
    path.write_text(text, encoding="utf-8")
    assert run(["--lang", "en", "load", str(path), "--yes"]) == 1
    assert "people[0].email: the address already belongs" in capsys.readouterr().err
    assert row_counts(kita) == before

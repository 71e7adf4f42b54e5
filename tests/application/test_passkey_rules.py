"""The passkey rules of ``application.identity`` against a real store (SQLite, or
PostgreSQL with ``TEST_DATABASE_URL``): a mail-link session may enrol a first passkey but
not add another; a session a passkey confirmed may; malformed credentials are refused
passkeys (``SignInError``), never another exception, and change nothing; the board's reset
removes one person's passkeys and sessions, and no one else's."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

import store
from application import identity, passkey_reset
from store import console_auth
from tests.store.support import load_example

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
BOARD = "board@kushiro.example.jp"
RP = identity.RelyingParty(rp_id="localhost", name="console", origin="http://localhost:8000")
MALFORMED = [
    "{}",
    "garbage",
    "[]",
    "null",
    json.dumps({"id": "\u0000", "rawId": "AA", "type": "public-key", "response": {}}),
    json.dumps({"id": "A" * 600, "rawId": "AA", "type": "public-key", "response": {}}),
]


@pytest.fixture
def kushiro(clean_engine: Engine) -> Engine:
    load_example(clean_engine, "kushiro")
    return clean_engine


def _link_session(engine: Engine) -> identity.NewSession:
    with store.session_scope(engine) as session:
        link = identity.request_link(session, BOARD, "c1", NOW)
        assert link is not None
        return identity.redeem_link(session, link.token, NOW)


def test_only_a_confirmed_session_adds_a_second_passkey(kushiro: Engine) -> None:
    opened = _link_session(kushiro)
    with store.session_scope(kushiro) as session:
        # No passkey yet: the mail-link session may start enrolling one.
        identity.registration_options(session, RP, opened.cookie, "佐藤 恵子", NOW)
        console_auth.add_passkey(session, "AAAA", opened.person_id, b"key", 0, NOW)
    with store.session_scope(kushiro) as session:
        with pytest.raises(identity.SignInError, match="passkey_confirm_first"):
            identity.registration_options(session, RP, opened.cookie, "佐藤 恵子", NOW)
        with pytest.raises(identity.SignInError, match="passkey_confirm_first"):
            identity.register_passkey(session, RP, opened.cookie, "any", "{}", NOW)
        identity.confirm_with_passkey(session, opened.cookie, NOW)
    with store.session_scope(kushiro) as session:
        identity.registration_options(session, RP, opened.cookie, "佐藤 恵子", NOW)
        assert console_auth.passkey_ids(session, opened.person_id) == ["AAAA"]


@pytest.mark.parametrize("credential", MALFORMED)
def test_a_malformed_credential_is_a_refused_passkey(kushiro: Engine, credential: str) -> None:
    opened = _link_session(kushiro)
    with store.session_scope(kushiro) as session:
        login = identity.authentication_options(session, RP, None, NOW)
        enrol = identity.registration_options(session, RP, opened.cookie, "佐藤 恵子", NOW)
    with store.session_scope(kushiro) as session:
        with pytest.raises(identity.SignInError, match="bad_passkey"):
            identity.verify_passkey(session, RP, login.challenge_id, credential, NOW)
        with pytest.raises(identity.SignInError, match="bad_passkey"):
            identity.register_passkey(
                session, RP, opened.cookie, enrol.challenge_id, credential, NOW
            )
        assert console_auth.passkey_ids(session, opened.person_id) == []


def test_a_board_reset_removes_a_persons_passkeys_and_ends_their_sessions(
    kushiro: Engine,
) -> None:
    with store.session_scope(kushiro) as session:
        console_auth.add_passkey(session, "BBBB", "kushiro-chief", b"key", 0, NOW)
        console_auth.add_passkey(session, "CCCC", "kushiro-chief", b"key", 0, NOW)
        console_auth.add_passkey(session, "DDDD", "kushiro-board", b"key", 0, NOW)
        link = identity.request_link(session, "chief@kushiro.example.jp", "c1", NOW)
        assert link is not None
        opened = identity.redeem_link(session, link.token, NOW)
    with store.session_scope(kushiro) as session:
        # Not the admin's own passkeys, not someone without any, not another municipality.
        for person, municipality in (
            ("kushiro-board", "kushiro"),
            ("kushiro-kushiro-chair", "kushiro"),
            ("kushiro-chief", "asahikawa"),
            ("nobody", "kushiro"),
        ):
            with pytest.raises(passkey_reset.ResetNotAllowed):
                passkey_reset.reset_passkeys(session, municipality, "kushiro-board", person, NOW)
        done = passkey_reset.reset_passkeys(
            session, "kushiro", "kushiro-board", "kushiro-chief", NOW
        )
    assert (done.removed, done.address) == (2, "chief@kushiro.example.jp")
    with store.session_scope(kushiro) as session:
        assert console_auth.passkey_ids(session, "kushiro-chief") == []
        assert console_auth.passkey_ids(session, "kushiro-board") == ["DDDD"]
        assert identity.current_session(session, opened.cookie, NOW) is None

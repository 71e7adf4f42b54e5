"""Sign-in links, sessions, rate limits and scoping against a real store (SQLite, or
PostgreSQL with ``TEST_DATABASE_URL``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

import store
from application import identity
from application.permissions import (
    load_viewer,
    may_read_closed_minutes,
    may_read_contacts,
    roles_on,
    visible_councils,
)
from domain.base import Role
from store.console_auth import ConsoleSession, SignInToken
from tests.store.support import load_example

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
CHAIR = "kushiro-chair@kushiro.example.jp"


@pytest.fixture
def kushiro(clean_engine: Engine) -> Engine:
    load_example(clean_engine, "kushiro")
    return clean_engine


def test_a_link_is_stored_hashed_and_works_once_within_15_minutes(kushiro: Engine) -> None:
    with store.session_scope(kushiro) as session:
        link = identity.request_link(session, " Kushiro-Chair@kushiro.example.jp ", "c1", NOW)
        late = identity.request_link(session, CHAIR, "c1", NOW)
    assert link is not None and late is not None
    assert link.person_id == "kushiro-kushiro-chair"
    with store.session_scope(kushiro) as session:
        stored = session.scalars(select(SignInToken.token_hash)).all()
        assert link.token not in stored and identity.digest(link.token) in stored
        opened = identity.redeem_link(session, link.token, NOW + timedelta(minutes=14))
        with pytest.raises(identity.SignInError, match="bad_link"):
            identity.redeem_link(session, link.token, NOW + timedelta(minutes=14))
        with pytest.raises(identity.SignInError, match="bad_link"):
            identity.redeem_link(session, late.token, NOW + timedelta(minutes=15))
        assert identity.current_session(session, opened.cookie, NOW) is not None
        expired = NOW + timedelta(minutes=14) + identity.SESSION_LIFETIME
        assert identity.current_session(session, opened.cookie, expired) is None
        identity.sign_out(session, opened.cookie, NOW)
        assert identity.current_session(session, opened.cookie, NOW) is None
        # A request a day later finds no expired link or session left behind.
        identity.request_link(session, CHAIR, "c1", NOW + timedelta(days=1))
        session.flush()
        hashes = session.scalars(select(SignInToken.token_hash)).all()
        assert identity.digest(link.token) not in hashes and len(hashes) == 1
        assert session.scalars(select(ConsoleSession)).all() == []


def test_requests_are_limited_per_address_and_per_client_alike(kushiro: Engine) -> None:
    with store.session_scope(kushiro) as session:
        for n in range(identity.MAX_LINKS_PER_ADDRESS):
            identity.request_link(session, "nobody@unknown.example", f"c{n}", NOW)
            identity.request_link(session, CHAIR, f"d{n}", NOW)
        for address in ("nobody@unknown.example", CHAIR):
            with pytest.raises(identity.SignInError, match="rate_limited"):
                identity.request_link(session, address, "fresh", NOW)
        # The window passes; the address may ask again.
        later = NOW + identity.RATE_WINDOW + timedelta(seconds=1)
        assert identity.request_link(session, CHAIR, "fresh", later) is not None
        for n in range(identity.MAX_LINKS_PER_CLIENT):
            identity.request_link(session, f"x{n}@unknown.example", "busy", later)
        with pytest.raises(identity.SignInError, match="rate_limited"):
            identity.request_link(session, "y@unknown.example", "busy", later)
        with pytest.raises(identity.SignInError, match="bad_email"):
            identity.request_link(session, "not an address", "c", later)


def test_reads_are_scoped_by_role(kushiro: Engine) -> None:
    with store.session_scope(kushiro) as session:
        member = load_viewer(session, "kushiro-kushiro-member-1")
        board = load_viewer(session, "kushiro-board")
        assert member is not None and board is not None
        assert visible_councils(session, member) == ["kushiro-kushiro"]
        assert roles_on(session, member, "kushiro-chuo") == frozenset()
        assert len(visible_councils(session, board)) == 4
        assert board.needs_passkey and not member.needs_passkey
        member_roles = roles_on(session, member, "kushiro-kushiro")
        board_roles = roles_on(session, board, "kushiro-chuo")
    assert member_roles == {Role.MEMBER} and board_roles == {Role.BOARD_ADMIN}
    assert may_read_closed_minutes(member_roles) and not may_read_contacts(member_roles)
    assert may_read_closed_minutes(board_roles) and may_read_contacts(board_roles)
    assert not may_read_closed_minutes(frozenset({Role.CHIEF_COORDINATOR}))

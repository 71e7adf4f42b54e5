"""Staying signed in and the list of signed-in devices, against a real store (SQLite, or
PostgreSQL with ``TEST_DATABASE_URL``); the return path after signing in; the comparison
of two policy versions; the links of a notice; every example person can sign in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine

import store
from application import identity
from application.my_page import compare_versions
from console.routers.me import notice_lines
from console.web import safe_next
from tests.store.support import load_example

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
MEMBER = "kushiro-member-4@kushiro.example.jp"
PHONE = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def kushiro(clean_engine: Engine) -> Engine:
    load_example(clean_engine, "kushiro")
    return clean_engine


def _signed_in(engine: Engine, stay: identity.StayOptions | None) -> identity.NewSession:
    with store.session_scope(engine) as session:
        link = identity.request_link(session, MEMBER, "c1", NOW)
        assert link is not None
        return identity.redeem_link(session, link.token, NOW, stay)


def test_staying_signed_in_lasts_90_days_and_a_plain_session_12_hours(kushiro: Engine) -> None:
    kept = _signed_in(kushiro, identity.StayOptions(remember=True, device="Android / Chrome"))
    brief = _signed_in(kushiro, None)
    assert kept.expires_at == NOW + timedelta(days=90) and kept.max_age == 90 * 86400
    assert brief.expires_at == NOW + timedelta(hours=12) and brief.max_age == 12 * 3600
    with store.session_scope(kushiro) as session:
        later = NOW + timedelta(days=30)
        assert identity.current_session(session, kept.cookie, later) is not None
        assert identity.current_session(session, brief.cookie, later) is None


def test_a_kept_board_session_needs_its_passkey_again_after_12_hours(kushiro: Engine) -> None:
    """A board admin who stays signed in keeps the session for 90 days, but its passkey
    confirmation lasts 12 hours; confirming again renews it. A member's long session
    is unaffected (they need no passkey)."""
    stay = identity.StayOptions(remember=True, device="Android / Chrome")
    with store.session_scope(kushiro) as session:
        board = identity.sign_in_with_passkey(session, "kushiro-board", NOW, stay)
    member = _signed_in(kushiro, stay)
    with store.session_scope(kushiro) as session:
        soon = identity.current_session(session, board.cookie, NOW + timedelta(hours=11))
        assert soon is not None and soon.passkey_confirmed
        later = NOW + timedelta(hours=12, minutes=1)
        stale = identity.current_session(session, board.cookie, later)
        assert stale is not None and not stale.passkey_confirmed
        assert stale.expires_at == NOW + timedelta(days=90)
        identity.confirm_with_passkey(session, board.cookie, later)
    with store.session_scope(kushiro) as session:
        again = identity.current_session(session, board.cookie, later + timedelta(hours=11))
        assert again is not None and again.passkey_confirmed
        month = NOW + timedelta(days=30)
        assert identity.current_session(session, member.cookie, month) is not None
        gone = identity.current_session(session, board.cookie, later + timedelta(hours=13))
        assert gone is not None and not gone.passkey_confirmed


def test_a_person_lists_their_devices_and_ends_one_but_not_someone_elses(kushiro: Engine) -> None:
    kept = _signed_in(kushiro, identity.StayOptions(remember=True, device="Android / Chrome"))
    other = _signed_in(kushiro, None)
    with store.session_scope(kushiro) as session:
        devices = identity.signed_in_devices(session, kept.person_id, kept.cookie, NOW)
        assert [(d.current, d.remembered, d.device) for d in devices] == [
            (True, True, "Android / Chrome"),
            (False, False, None),
        ]
        # Someone else's person id with this handle ends nothing.
        handle = devices[1].handle
        assert not identity.end_device(session, "kushiro-kushiro-chair", handle, NOW)
        assert not identity.end_device(session, kept.person_id, handle[:-1], NOW)
        assert identity.end_device(session, kept.person_id, handle, NOW)
    with store.session_scope(kushiro) as session:
        assert identity.current_session(session, other.cookie, NOW) is None
        assert identity.current_session(session, kept.cookie, NOW) is not None


def test_a_device_is_named_from_its_browser_in_a_few_words() -> None:
    assert identity.device_label(PHONE) == "Android / Chrome"
    iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) AppleWebKit Version/17.0 Mobile Safari/604.1"
    assert identity.device_label(iphone) == "iPhone / Safari"
    assert identity.device_label("curl/8.0") is None
    assert identity.device_label(None) is None


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "javascript:alert(1)",
        "me",
        "/" + "a" * 600,
    ],
)
def test_a_return_path_to_another_site_becomes_my_page(target: str) -> None:
    assert safe_next(target) == "/me"


def test_a_return_path_of_this_site_is_kept() -> None:
    reply = "/councils/kushiro-kushiro/2026/calls/k1?answer=attend"
    assert safe_next(reply) == reply


def test_two_versions_side_by_side_mark_what_changed() -> None:
    rows = compare_versions("一\n二\n三", "一\n二改\n三\n四")
    assert [(r.old, r.new, r.changed) for r in rows] == [
        ("一", "一", False),
        ("二", "二改", True),
        ("三", "三", False),
        ("", "四", True),
    ]


def test_a_notice_links_its_addresses_to_this_site_only() -> None:
    body = (
        "2027-03-10 18:30に開催します。\n"
        "出席: http://cs.example.jp/councils/c1/2026/calls/k1?answer=attend\n"
        "他: https://evil.example//evil.example/x"
    )
    assert notice_lines(body) == [
        ("2027-03-10 18:30に開催します。", None),
        ("出席", "/councils/c1/2026/calls/k1?answer=attend"),
        ("他", "/me"),
    ]


@pytest.mark.parametrize("name", ["kushiro", "asahikawa", "okayama"])
def test_every_example_person_has_an_address_and_a_name_of_their_own(name: str) -> None:
    people = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))["people"]
    assert all(p.get("email") for p in people)
    names = [p["name"] for p in people]
    assert len(set(names)) == len(names)

"""The passkey step against an attacker who holds only a fresh sign-in link (issue 24,
items 1 and 8), in Debian's Chromium with virtual authenticators:

- a first passkey is still enrolled from a mail-link session, and is an access-audit row
  and an e-mail to the person;
- once a person has a passkey, a second browser that opened a mail link cannot register
  another one (neither the ceremony's options nor its answer), cannot confirm the session
  with its own passkey, reaches no board or cycle page and makes no token: nothing
  changes but the failed-sign-in rows. The person's own confirmed session still can;
- a malformed credential is a one-line 4xx answer and a failed sign-in row, never a 500;
- a meeting call's closed part and the board's council timeline are personal-data reads;
- a board admin resets a person's lost passkeys (audited, mailed, sessions ended), and the
  person enrols a first passkey again from a mail link.

The tests run in file order and share one console.
"""

from __future__ import annotations

import asyncio
import email
import json
from email import policy
from typing import Any

import pytest
from playwright.async_api import Page, expect
from sqlalchemy import select

import store
from application import access_tokens
from store import console_auth
from store.audit_log import AccessAuditRow
from tests.console.conftest import COUNCIL, YEAR, ConsoleEnv, serious_violations

BOARD = "board@kushiro.example.jp"
CHIEF = "chief@kushiro.example.jp"
CHAIR = "kushiro-chair@kushiro.example.jp"
BOARD_PAGE = f"/board/kushiro/{YEAR}"
CYCLE = f"/councils/{COUNCIL}/{YEAR}"
NOTICE_SUBJECT = "【学校運営協議会】パスキーが登録されました"
RESET_SUBJECT = "【学校運営協議会】パスキーがリセットされました"


def _read(env: ConsoleEnv, work: Any) -> Any:
    engine = store.make_engine(env.settings.resolved_database_url())
    try:
        with store.session_scope(engine) as session:
            found = work(session)
            session.expunge_all()
            return found
    finally:
        engine.dispose()


def _audit(env: ConsoleEnv, action: str) -> list[AccessAuditRow]:
    return list(
        _read(
            env,
            lambda s: list(
                s.scalars(
                    select(AccessAuditRow)
                    .where(AccessAuditRow.action == action)
                    .order_by(AccessAuditRow.seq)
                )
            ),
        )
    )


def _passkeys(env: ConsoleEnv, person_id: str) -> list[str]:
    return list(_read(env, lambda s: console_auth.passkey_ids(s, person_id)))


def _tokens(env: ConsoleEnv, person_id: str) -> int:
    return len(_read(env, lambda s: access_tokens.list_for(s, person_id)))


def _notices(env: ConsoleEnv, address: str, subject: str = NOTICE_SUBJECT) -> list[str]:
    """The bodies of the passkey notices mailed to ``address``, oldest first."""
    bodies = []
    for path in sorted(env.mail_dir.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == address and message["Subject"] == subject:
            body = message.get_body(("plain",))
            assert body is not None
            bodies.append(str(body.get_content()))
    return bodies


async def _wait_for_notices(
    env: ConsoleEnv, address: str, count: int, subject: str = NOTICE_SUBJECT
) -> list[str]:
    """The notices once there are ``count`` (the console mails after answering)."""
    for _ in range(100):
        found = _notices(env, address, subject)
        if len(found) >= count:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"{len(_notices(env, address))} passkey notices to {address}")


async def _post(page: Page, url: str, fields: dict[str, str]) -> tuple[int, Any]:
    """A form POST from the page's own script (as passkey.js sends it): status, JSON."""
    result = await page.evaluate(
        """async ([url, fields]) => {
            const r = await fetch(url, {method: "POST", body: new URLSearchParams(fields)});
            const text = await r.text();
            let body = null;
            try { body = JSON.parse(text); } catch (e) { body = text; }
            return [r.status, body];
        }""",
        [url, fields],
    )
    return int(result[0]), result[1]


# A registration made in the browser with the page's own (attacker's) challenge: a real
# credential from the second virtual authenticator, for this site and this person.
_CREATE_AND_REGISTER = """async ([csrf, person]) => {
    const b64 = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)))
        .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
    const made = await navigator.credentials.create({publicKey: {
        challenge: crypto.getRandomValues(new Uint8Array(32)),
        rp: {id: location.hostname, name: "console"},
        user: {id: new TextEncoder().encode(person), name: person, displayName: person},
        pubKeyCredParams: [{type: "public-key", alg: -7}],
        authenticatorSelection: {residentKey: "required", userVerification: "preferred"},
    }});
    const credential = {id: made.id, rawId: b64(made.rawId), type: made.type, response: {
        clientDataJSON: b64(made.response.clientDataJSON),
        attestationObject: b64(made.response.attestationObject)}};
    const r = await fetch("/passkey/verify", {method: "POST", body: new URLSearchParams(
        {purpose: "register", csrf, credential: JSON.stringify(credential)})});
    return [r.status, await r.json()];
}"""

# "Confirm" with whatever passkey the browser holds: the server's challenge, but any
# credential (no allow list), so the attacker's own passkey answers.
_CONFIRM_WITH_OWN = """async (csrf) => {
    const b64 = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)))
        .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
    const buf = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")
        + "=".repeat((4 - s.length % 4) % 4)), (c) => c.charCodeAt(0)).buffer;
    const answer = await fetch("/passkey/options", {method: "POST",
        body: new URLSearchParams({purpose: "confirm", csrf})});
    const options = await answer.json();
    const got = await navigator.credentials.get({publicKey: {
        challenge: buf(options.challenge), rpId: options.rpId, userVerification: "preferred"}});
    const credential = {id: got.id, rawId: b64(got.rawId), type: got.type, response: {
        clientDataJSON: b64(got.response.clientDataJSON),
        authenticatorData: b64(got.response.authenticatorData),
        signature: b64(got.response.signature),
        userHandle: got.response.userHandle ? b64(got.response.userHandle) : null}};
    const r = await fetch("/passkey/verify", {method: "POST", body: new URLSearchParams(
        {purpose: "confirm", csrf, credential: JSON.stringify(credential)})});
    return [r.status, await r.json()];
}"""


async def test_a_first_passkey_is_enrolled_from_a_link_audited_and_announced(
    console_env: ConsoleEnv,
) -> None:
    before = len(_audit(console_env, "passkey_registered"))
    context, page = await console_env.sign_in(BOARD)
    assert page.url.endswith("/passkey")
    await console_env.confirm_with_passkey(context, page, BOARD)
    [row] = _audit(console_env, "passkey_registered")[before:]
    assert row.actor == "person:kushiro-board" and row.target == "people/kushiro-board"
    assert row.detail["first"] == "yes" and row.detail["session_confirmed"] == "no"
    assert row.detail["credential"] == _passkeys(console_env, "kushiro-board")[0][:64]
    [notice] = await _wait_for_notices(console_env, BOARD, 1)
    assert "新しいパスキーが登録されました" in notice and "登録済みのパスキー: 1件" in notice
    assert "A new passkey was registered" in notice
    await context.close()


@pytest.mark.parametrize(
    ("address", "person_id", "protected"),
    [(BOARD, "kushiro-board", BOARD_PAGE), (CHIEF, "kushiro-chief", CYCLE)],
    ids=["board_admin", "chief_coordinator"],
)
async def test_a_mail_link_alone_cannot_add_a_passkey_or_pass_the_step(
    console_env: ConsoleEnv, address: str, person_id: str, protected: str
) -> None:
    # The person: their passkey (registered in their own browser) confirms their session.
    victim, victim_page = await console_env.sign_in(address)
    cdp, first = await console_env.confirm_with_passkey(victim, victim_page, address)
    keys = _passkeys(console_env, person_id)
    registered = len(_audit(console_env, "passkey_registered"))
    notices = len(await _wait_for_notices(console_env, address, 1))
    tokens = _tokens(console_env, person_id)
    failed = len(_audit(console_env, "sign_in_failed"))

    # The attacker: another browser, only a fresh sign-in link, its own authenticator.
    attacker, page = await console_env.sign_in(address)
    assert page.url.endswith("/passkey")
    await console_env.authenticator(attacker, page)
    await page.wait_for_load_state("load")
    await expect(
        page.get_by_text("登録済みのパスキーでこのサインインを確認してください")
    ).to_be_visible()
    assert await page.get_by_role("button", name="パスキーを登録する").count() == 0
    assert await serious_violations(page) == []
    csrf = await page.locator("#passkey-confirm").get_attribute("data-csrf")
    assert csrf
    status, body = await _post(page, "/passkey/options", {"purpose": "register", "csrf": csrf})
    assert status == 403 and body["message"].startswith("別のパスキーを追加するには")
    status, body = await page.evaluate(_CREATE_AND_REGISTER, [csrf, person_id])
    assert status == 403 and body["ok"] is False
    # Its own passkey does not confirm the session either.
    status, body = await page.evaluate(_CONFIRM_WITH_OWN, csrf)
    assert status == 400 and body["message"] == "パスキーを確認できませんでした。"

    for path in (protected, "/me", "/tokens"):
        await page.goto(path)
        # The passkey step, then on to the page asked for.
        assert "/passkey" in page.url and "evil" not in page.url, path
    direct = await page.request.get(protected, max_redirects=0)
    assert direct.status == 303 and direct.headers["location"].startswith("/passkey")
    token = await page.request.post(
        "/tokens",
        form={"csrf": csrf, "name": "attacker", "days": "90", "on_behalf": "1"},
        max_redirects=0,
    )
    assert token.status == 303 and token.headers["location"] == "/passkey"

    # Nothing changed: the same passkeys, no registration row or notice, no token; the
    # three refusals are failed sign-ins of this person.
    assert _passkeys(console_env, person_id) == keys
    assert len(_audit(console_env, "passkey_registered")) == registered
    assert len(_notices(console_env, address)) == notices
    assert _tokens(console_env, person_id) == tokens
    refused = _audit(console_env, "sign_in_failed")[failed:]
    assert [(r.actor, r.detail["reason"]) for r in refused] == [
        (f"person:{person_id}", "passkey_confirm_first"),
        (f"person:{person_id}", "passkey_confirm_first"),
        ("anonymous", "bad_passkey"),
    ]

    # The person's confirmed session may add a second passkey (from another authenticator:
    # the browser refuses one that already holds a passkey of theirs): audited, announced.
    await cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": first})
    await console_env.authenticator(victim, victim_page)
    await victim_page.goto("/passkey")
    await victim_page.wait_for_load_state("load")
    await victim_page.get_by_role("button", name="パスキーを登録する").click()
    await expect(victim_page.get_by_text(f"登録済みのパスキー: {len(keys) + 1}件")).to_be_visible()
    row = _audit(console_env, "passkey_registered")[-1]
    assert row.actor == f"person:{person_id}"
    assert row.detail["first"] == "no" and row.detail["session_confirmed"] == "yes"
    assert (
        f"登録済みのパスキー: {len(keys) + 1}件"
        in (await _wait_for_notices(console_env, address, notices + 1))[-1]
    )
    await victim.close()
    await attacker.close()


async def _challenge(page: Page, csrf: str) -> None:
    status, _ = await _post(page, "/passkey/options", {"purpose": "login", "csrf": csrf})
    assert status == 200


@pytest.mark.parametrize(
    "credential",
    [
        "{}",
        "garbage",
        "[]",
        json.dumps({"id": "\u0000", "rawId": "AA", "type": "public-key", "response": {}}),
        json.dumps(
            {
                "id": "AAAA",
                "rawId": "AAAA",
                "type": "public-key",
                "response": {"clientDataJSON": "!!", "authenticatorData": "x", "signature": "x"},
            }
        ),
    ],
    ids=["empty_object", "garbage", "array", "nul_id", "bad_fields"],
)
async def test_a_malformed_credential_is_a_refused_failed_sign_in(
    console_env: ConsoleEnv, credential: str
) -> None:
    context = await console_env.context()
    page = await context.new_page()
    await page.goto("/signin")
    cookies = {c["name"]: c["value"] for c in await context.cookies()}
    csrf = cookies["cs_csrf"]
    failed = len(_audit(console_env, "sign_in_failed"))
    # With a live challenge, so the credential itself is what the server reads.
    await _challenge(page, csrf)
    status, body = await _post(
        page, "/passkey/verify", {"purpose": "login", "csrf": csrf, "credential": credential}
    )
    assert status == 400, body
    assert body == {"ok": False, "message": "パスキーを確認できませんでした。"}
    [row] = _audit(console_env, "sign_in_failed")[failed:]
    assert row.actor == "anonymous"
    assert row.detail == {"reason": "bad_passkey", "purpose": "login"}
    assert "cs_session" not in {c["name"] for c in await context.cookies()}
    await context.close()


async def _reads(env: ConsoleEnv, target_end: str) -> list[AccessAuditRow]:
    return [r for r in _audit(env, "read_personal_data") if r.target.endswith(target_end)]


async def _call(env: ConsoleEnv, page: Page, closed_part: str) -> str:
    """Call a meeting from the calls page; the call's path."""
    await page.goto(f"{CYCLE}/calls")
    await page.get_by_label("開催日").fill(f"{YEAR + 1}-02-10")
    await page.get_by_label("開始時刻（日本時間）").fill("18:30")
    await page.get_by_label("場所").fill("会議室")
    await page.get_by_label("議題").fill("学校評価について")
    await page.get_by_label("非公開の部分").fill(closed_part)
    await page.get_by_role("button", name="招集を送る").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("会議の招集")
    return page.url.split("?")[0].removeprefix(env.base_url)


async def test_a_calls_closed_part_is_an_audited_read(console_env: ConsoleEnv) -> None:
    chair, page = await console_env.sign_in(CHAIR)
    closed = "個別の児童の支援について（非公開）"
    with_closed = await _call(console_env, page, closed)
    without = await _call(console_env, page, "")
    call_id = with_closed.rsplit("/", 1)[1]
    target = f"councils/{COUNCIL}/cycles/{YEAR}/calls/{call_id}/closed-part"
    before = len(await _reads(console_env, "/closed-part"))

    await page.goto(with_closed)
    await expect(page.get_by_text(closed)).to_be_visible()
    rows = (await _reads(console_env, "/closed-part"))[before:]
    assert [(r.actor, r.target, r.detail["via"]) for r in rows] == [
        ("person:kushiro-kushiro-chair", target, with_closed)
    ]
    # A call without a closed part shows none, and is no such read.
    await page.goto(without)
    assert len(await _reads(console_env, "/closed-part")) == before + 1
    await chair.close()


async def test_the_board_timeline_is_an_audited_read(console_env: ConsoleEnv) -> None:
    context, page = await console_env.sign_in(BOARD)
    await console_env.confirm_with_passkey(context, page, BOARD)
    target = f"councils/{COUNCIL}/cycles/{YEAR}/history"
    before = len(await _reads(console_env, "/history"))
    path = f"{BOARD_PAGE}/councils/{COUNCIL}"
    await page.goto(path)
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    rows = (await _reads(console_env, "/history"))[before:]
    assert [(r.actor, r.target, r.detail["via"]) for r in rows] == [
        ("person:kushiro-board", target, path)
    ]
    await context.close()


async def test_the_board_resets_a_lost_passkey_audited_and_announced(
    console_env: ConsoleEnv,
) -> None:
    # The chief coordinator, signed in and confirmed in a browser of theirs.
    chief, chief_page = await console_env.sign_in(CHIEF)
    await console_env.confirm_with_passkey(chief, chief_page, CHIEF)
    removed = len(_passkeys(console_env, "kushiro-chief"))
    assert removed >= 1
    board, page = await console_env.sign_in(BOARD)
    await console_env.confirm_with_passkey(board, page, BOARD)
    await page.goto(BOARD_PAGE)
    await page.get_by_role("link", name="パスキーのリセット").click()
    names = await page.locator("table.passkey-holders tbody th").all_inner_texts()
    assert "山田 太郎" in names and "佐藤 恵子" not in names
    assert await serious_violations(page) == []
    # Not their own passkeys, nor an unknown person's: the same 404.
    for person in ("kushiro-board", "nobody"):
        answer = await page.request.get(f"{BOARD_PAGE}/passkeys/{person}/confirm")
        assert answer.status == 404, person
    before = len(_audit(console_env, "passkey_reset"))
    await page.locator("tr", has_text="山田 太郎").get_by_role("link").click()
    await expect(page.get_by_text("山田 太郎 さんのパスキーをすべて削除")).to_be_visible()
    await page.get_by_role("button", name="パスキーを削除する").click()
    await expect(page.get_by_text("パスキーを削除し、本人にメールで知らせました。")).to_be_visible()
    [row] = _audit(console_env, "passkey_reset")[before:]
    assert (row.actor, row.target) == ("person:kushiro-board", "people/kushiro-chief")
    assert row.detail == {"removed": str(removed), "notice": "mail"}
    assert _passkeys(console_env, "kushiro-chief") == []
    [mail] = await _wait_for_notices(console_env, CHIEF, 1, RESET_SUBJECT)
    assert f"パスキー（{removed}件）を削除しました" in mail
    # The reset ended the chief's sessions.
    await chief_page.goto("/me")
    assert chief_page.url.endswith("/signin")

    # From a mail link, the chief enrols a first passkey again: audited and announced.
    console_env.passkeys.pop(CHIEF)
    again, again_page = await console_env.sign_in(CHIEF)
    await console_env.confirm_with_passkey(again, again_page, CHIEF)
    row = _audit(console_env, "passkey_registered")[-1]
    assert row.target == "people/kushiro-chief" and row.detail["first"] == "yes"
    for context in (chief, board, again):
        await context.close()

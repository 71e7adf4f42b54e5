"""Signing in through the browser: the link works once, an unknown address gets the same
answer and no mail, the cookie is HttpOnly and SameSite=Lax, sign-out ends the session
on the server, and a board admin reaches no personal data until a passkey (a virtual
authenticator here) confirms the session."""

from __future__ import annotations

import asyncio

from playwright._impl._api_structures import SetCookieParam
from playwright.async_api import expect

from tests.console.conftest import COUNCIL, YEAR, ConsoleEnv, serious_violations

BOARD = "board@kushiro.example.jp"
CHAIR = "kushiro-chair@kushiro.example.jp"
CYCLE = f"/councils/{COUNCIL}/{YEAR}"


async def test_unknown_address_gets_the_same_answer_and_no_mail(console_env: ConsoleEnv) -> None:
    context = await console_env.context()
    page = await context.new_page()
    await page.goto("/signin")
    assert await serious_violations(page) == []
    # Keyboard: the first Tab reaches the skip link, which leads to the main content.
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.className") == "skip"
    await page.keyboard.press("Enter")
    assert await page.evaluate("document.activeElement.id") == "main"
    mails_before = console_env.mail_count()
    await page.get_by_label("メールアドレス").fill("nobody@unknown.example")
    await page.get_by_role("button", name="サインイン用のリンクを送る").click()
    await expect(page.get_by_text("このアドレスが登録されていれば")).to_be_visible()
    await asyncio.sleep(1)  # the console mails after answering: give it the time
    assert console_env.mail_count() == mails_before
    await context.close()


async def test_the_link_works_once_and_sign_out_ends_the_session(console_env: ConsoleEnv) -> None:
    # Without JavaScript: the pages are plain HTML forms and links.
    context, page = await console_env.sign_in(CHAIR, javascript=False)
    assert page.url.endswith("/me")
    # The language switch: English, then back to Japanese, on the same page.
    await page.get_by_role("link", name="English").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("My page")
    assert await page.locator("html").get_attribute("lang") == "en"
    await page.get_by_role("link", name="日本語").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("マイページ")
    cookies = {c["name"]: c for c in await context.cookies()}
    session = cookies["cs_session"]
    assert session["httpOnly"] is True and session["sameSite"] == "Lax"
    headers = (await page.request.get("/me")).headers
    assert headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]

    # The same link a second time: refused, no session.
    other = await console_env.context()
    again = await other.new_page()
    await again.goto(await console_env.latest_link(CHAIR))
    await again.get_by_role("button", name="サインインを完了する").click()
    await expect(again.get_by_text("このリンクは無効です")).to_be_visible()
    assert "cs_session" not in {c["name"] for c in await other.cookies()}

    # Sign out, then replay the old cookie elsewhere: the server has ended it.
    await page.get_by_role("button", name="サインアウト").click()
    await page.wait_for_url("**/signin")
    replayed: SetCookieParam = {
        "name": session["name"],
        "value": session["value"],
        "domain": session["domain"],
        "path": session["path"],
    }
    await other.add_cookies([replayed])
    await again.goto("/me")
    assert again.url.endswith("/signin")
    await context.close()
    await other.close()


async def test_a_board_admin_needs_a_passkey_before_personal_data(console_env: ConsoleEnv) -> None:
    context, page = await console_env.sign_in(BOARD)
    assert page.url.endswith("/passkey")
    await expect(page.get_by_text("パスキーによる二段階目の確認が必要です")).to_be_visible()
    assert await serious_violations(page) == []
    for path in ("/me", CYCLE, f"{CYCLE}/vote"):
        await page.goto(path)
        assert "/passkey" in page.url, path
        await expect(page.get_by_role("heading", level=1)).to_have_text("パスキー")
    forged = await page.request.get(CYCLE, max_redirects=0)
    assert forged.status == 303

    cdp = await context.new_cdp_session(page)
    await cdp.send("WebAuthn.enable")
    await cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    await page.get_by_role("button", name="パスキーを登録する").click()
    await expect(page.get_by_text("登録済みのパスキー: 1件")).to_be_visible()
    # Registering alone is not the second factor: the passkey must answer a challenge.
    await page.goto(CYCLE)
    assert "/passkey?next=" in page.url
    # Confirmed on the step the cycle sent it to, the board admin lands on the cycle.
    await page.wait_for_load_state("load")
    await page.get_by_role("button", name="パスキーで確認する").click()
    await page.wait_for_url(f"**{CYCLE}")
    await expect(
        page.get_by_role("heading", name="釧路小学校学校運営協議会 2026年度")
    ).to_be_visible()

    # Signed out, the same passkey signs the board admin in again, with no link.
    await page.get_by_role("button", name="サインアウト").click()
    await page.wait_for_url("**/signin")
    await page.get_by_role("button", name="指紋・顔認証でサインイン").click()
    await page.wait_for_url("**/me")
    await page.goto(CYCLE)
    assert page.url.endswith(CYCLE)
    await context.close()

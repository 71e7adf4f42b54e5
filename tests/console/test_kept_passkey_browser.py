"""A board admin who stays signed in on this device (90 days) still confirms with a
passkey every 12 hours, in Debian's Chromium with a virtual authenticator: once the
confirmation is older than that, the board's pages send them to the passkey page while
the session itself stays (no new sign-in link); confirming again opens them.

The 12 hours pass in the store: the test moves the session's confirmation time back, as
the clock would have moved it.
"""

from __future__ import annotations

import time as clock
from datetime import timedelta

from playwright.async_api import expect
from sqlalchemy import select

import store
from store.console_auth import ConsoleSession
from tests.console.conftest import YEAR, ConsoleEnv

BOARD = "board@kushiro.example.jp"
BOARD_PAGE = f"/board/kushiro/{YEAR}"


def _age_confirmation(env: ConsoleEnv, person_id: str, hours: int) -> None:
    """Move the person's sessions' passkey confirmation ``hours`` into the past."""
    engine = store.make_engine(env.settings.resolved_database_url())
    try:
        with store.session_scope(engine) as session:
            rows = session.scalars(
                select(ConsoleSession).where(ConsoleSession.person_id == person_id)
            )
            for row in rows:
                if row.passkey_at is not None:
                    row.passkey_at -= timedelta(hours=hours)
    finally:
        engine.dispose()


async def test_a_kept_board_session_asks_for_the_passkey_again_after_12_hours(
    console_env: ConsoleEnv,
) -> None:
    env = console_env
    context = await env.context()
    page = await context.new_page()
    await page.goto("/signin")
    before = env.mail_count()
    await page.get_by_label("メールアドレス").fill(BOARD)
    await page.get_by_label("この端末でサインインしたままにする").check()
    await page.get_by_role("button", name="サインイン用のリンクを送る").click()
    await page.get_by_text("このアドレスが登録されていれば").wait_for()
    await page.goto(await env.latest_link(BOARD, before))
    async with page.expect_navigation():
        await page.get_by_role("button", name="サインインを完了する").click()
    await page.wait_for_load_state()
    await env.confirm_with_passkey(context, page, BOARD)
    cookie = next(c for c in await context.cookies() if c["name"] == "cs_session")
    assert cookie["expires"] - clock.time() > 89 * 86400
    await page.goto(BOARD_PAGE)
    assert page.url.endswith(BOARD_PAGE)

    # Eleven hours on: still confirmed.
    _age_confirmation(env, "kushiro-board", 11)
    await page.goto(BOARD_PAGE)
    assert page.url.endswith(BOARD_PAGE)

    # Past twelve: the board page asks for the passkey; the session is still there.
    _age_confirmation(env, "kushiro-board", 2)
    await page.goto(BOARD_PAGE)
    await page.wait_for_url("**/passkey**")
    await expect(page.get_by_role("button", name="パスキーで確認する")).to_be_visible()
    still = next(c for c in await context.cookies() if c["name"] == "cs_session")
    assert still["value"] == cookie["value"]

    # The same authenticator (still in this page) confirms again.
    await page.wait_for_load_state("load")
    await page.get_by_role("button", name="パスキーで確認する").click()
    # Back to the page that asked for it.
    await page.wait_for_url(f"**{BOARD_PAGE}")
    await context.close()

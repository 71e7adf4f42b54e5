"""The access token page: a token is made with a name and an expiry (at most 90 days),
shown once, stored only hashed, listed with its last use, and revoked; the CLI acts as
its owner until then and is refused in one line after. Creating and revoking are in the
access audit, as are sign-ins."""

from __future__ import annotations

import asyncio
import os
import sys

from playwright.async_api import expect
from sqlalchemy import select

import store
from application.access_tokens import digest
from store.access_tokens import AccessToken
from store.audit_log import AccessAuditRow
from tests.console.conftest import MEMBER_EMAILS, REPO_ROOT, ConsoleEnv, serious_violations

MEMBER_ID = "kushiro-kushiro-member-2"
MEMBER = MEMBER_EMAILS[MEMBER_ID]


async def _cli(env: ConsoleEnv, token: str, *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "starter", *args, cwd=REPO_ROOT,
        env={**os.environ, "CS_TOKEN": token, "DATA_DIR": str(env.settings.data_dir),
             "DATABASE_URL": env.settings.resolved_database_url(),
             "TEMPORAL_ADDRESS": env.settings.temporal_address},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def _audit(env: ConsoleEnv, action: str) -> list[AccessAuditRow]:
    engine = store.make_engine(env.settings.resolved_database_url())
    try:
        with store.session_scope(engine) as session:
            rows = list(
                session.scalars(select(AccessAuditRow).where(AccessAuditRow.action == action))
            )
            session.expunge_all()
            return rows
    finally:
        engine.dispose()


async def test_a_token_is_shown_once_used_by_the_cli_and_revoked(console_env: ConsoleEnv) -> None:
    context, page = await console_env.sign_in(MEMBER)
    signed_in = [r for r in _audit(console_env, "sign_in") if r.actor == f"person:{MEMBER_ID}"]
    assert signed_in and signed_in[-1].detail["method"] == "link"
    # Members meet the word on their settings page only, with a sentence saying what it is.
    await page.get_by_role("link", name="設定").click()
    await expect(page.get_by_text("アクセストークンは、", exact=False)).to_be_visible()
    await page.get_by_role("link", name="アクセストークン").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("アクセストークン")
    assert await serious_violations(page) == []
    # No "act on behalf" for a member: the choice is not offered.
    assert await page.get_by_label("他の人の代理で操作できる", exact=False).count() == 0

    await page.get_by_label("名前（どのパソコン・用途か）").fill("事務室のPC")
    # Over 90 days is refused by the server too (the form's max is only a hint).
    refused = await page.request.post("/tokens", form={
        "csrf": await page.locator("input[name=csrf]").first.get_attribute("value") or "",
        "name": "x", "days": "91"})  # fmt: skip
    assert refused.status == 422 and "有効期限は1〜90日です。" in await refused.text()

    await page.get_by_label("有効期限（日数、最長90日）").fill("30")
    await page.get_by_role("button", name="トークンを作る").click()
    secret = (await page.locator("#new-token").inner_text()).strip()
    assert secret.startswith("cst_")
    assert await serious_violations(page) == []
    # Shown once: the list page does not hold it again; the store holds only its hash.
    await page.goto("/tokens")
    assert secret not in await page.content()
    engine = store.make_engine(console_env.settings.resolved_database_url())
    try:
        with store.session_scope(engine) as session:
            row = session.scalars(
                select(AccessToken).where(AccessToken.token_hash == digest(secret))
            ).one()
            assert (row.person_id, row.name, row.may_act_on_behalf) == (
                MEMBER_ID,
                "事務室のPC",
                False,
            )
    finally:
        engine.dispose()
    await expect(page.get_by_role("cell", name="未使用")).to_be_visible()

    code, out, err = await _cli(console_env, secret, "inbox", "--json")
    assert code == 0, err
    await page.reload()
    await expect(page.get_by_role("cell", name="未使用")).to_have_count(0)
    # The member's token cannot act as anyone else.
    code, out, err = await _cli(console_env, secret, "inbox", "--as", "kushiro-kushiro-chair")
    assert code == 1 and out == "" and len(err.splitlines()) == 1 and "--as" in err

    await page.get_by_role("button", name="トークン「事務室のPC」を取り消す").click()
    await expect(page.get_by_role("cell", name="取り消し済み")).to_be_visible()
    code, out, err = await _cli(console_env, secret, "inbox")
    assert (code, out) == (1, "")
    assert err.splitlines() == ["アクセストークンが無効です（不明・期限切れ・取り消し済み）"]
    created = _audit(console_env, "token_created")
    revoked = _audit(console_env, "token_revoked")
    assert [r.actor for r in created][-1] == f"person:{MEMBER_ID}"
    assert revoked[-1].detail["token_id"] == created[-1].detail["token_id"]
    await context.close()


async def test_a_used_sign_in_link_is_a_failed_sign_in(console_env: ConsoleEnv) -> None:
    context, _ = await console_env.sign_in(MEMBER, javascript=False)
    before = len(_audit(console_env, "sign_in_failed"))
    other = await console_env.context(javascript=False)
    again = await other.new_page()
    await again.goto(await console_env.latest_link(MEMBER))
    await again.get_by_role("button", name="サインインを完了する").click()
    failed = _audit(console_env, "sign_in_failed")
    assert len(failed) == before + 1
    assert (failed[-1].actor, failed[-1].detail["reason"]) == ("anonymous", "bad_link")
    assert failed[-1].client.startswith("console@")
    await other.close()
    await context.close()

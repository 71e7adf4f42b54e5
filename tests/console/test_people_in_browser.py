"""A year people can live through on a phone (issue 21), in a real browser against the
real console, worker and store:

- my page tells the chair, the principal and a member what to do next, with its due
  date and a button that opens the page where it is done;
- a one-click reply from a notice, opened while signed out, lands on the reply after
  signing in; a ``next`` that leads to another site is refused;
- "stay signed in on this device" gives a 90-day session, listed on the settings page
  where it (or another device) can be ended;
- once the vote closes, the principal and the council read the reasons given, and a
  revision is shown beside the earlier version;
- whoever calls a meeting sees who has read the call;
- members meet no 「コンソール」「アクセストークン」「パスキー」 outside their settings.

axe-core finds nothing serious or critical, and no page scrolls sideways at 360 px.
Screenshots of my page at 360 px go to ``docs/console/`` when ``CONSOLE_SCREENSHOTS`` is set.
"""

from __future__ import annotations

import os
import time as clock
from datetime import date, time
from pathlib import Path
from urllib.parse import quote

from playwright.async_api import BrowserContext, Page, expect

from application.cycles import connect, send
from application.vocabulary import (
    Answer,
    Ballot,
    CallMeetingInput,
    CastVoteInput,
    CloseDiscussionInput,
    Command,
    RecordMeetingInput,
    SetDeadlineInput,
    Step,
    SubmitPolicyInput,
)
from tests.console.conftest import COUNCIL, MEMBER_EMAILS, YEAR, ConsoleEnv, serious_violations

CYCLE = f"/councils/{COUNCIL}/{YEAR}"
P = COUNCIL
CHAIR = "kushiro-chair@kushiro.example.jp"
PRINCIPAL = "kushiro-principal@kushiro.example.jp"
MEMBER = MEMBER_EMAILS[f"{P}-member-1"]
OTHER_MEMBER = MEMBER_EMAILS[f"{P}-member-2"]
#: A member with the example's own address (no test address: the example has one now).
EXAMPLE_MEMBER = "kushiro-member-4@kushiro.example.jp"
SHOTS = Path(os.environ["CONSOLE_SCREENSHOTS"]) if os.environ.get("CONSOLE_SCREENSHOTS") else None
FIRST = "地域と協働し、人とつながる力を育てる。\n登下校の見守りを続ける。\n読書の時間を増やす。"
SECOND = (
    "地域と協働し、人とつながる力を育てる。\n登下校の見守りを続ける。\n"
    "公民館と読書の時間を増やす。\n地域の方と年2回ふりかえる。"
)
#: Words members must not meet outside their settings page.
JARGON = ("コンソール", "アクセストークン", "パスキー")


async def _checked(page: Page) -> None:
    """No serious or critical axe finding, and no sideways scroll at 360 px."""
    await page.wait_for_load_state()
    assert await serious_violations(page) == [], page.url
    await page.set_viewport_size({"width": 360, "height": 800})
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, (page.url, width)


async def _shoot(page: Page, name: str) -> None:
    if SHOTS is None:
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.set_viewport_size({"width": 360, "height": 800})
    await page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


async def _sign_in(
    env: ConsoleEnv, address: str, start: str = "/signin", remember: bool = False
) -> tuple[BrowserContext, Page]:
    """Sign in through the mailed link from ``start`` (a page that sends a visitor to the
    sign-in form); the context and the page the sign-in ends on."""
    context = await env.context()
    page = await context.new_page()
    await page.goto(start)
    assert "/signin" in page.url
    before = env.mail_count()
    await page.get_by_label("メールアドレス").fill(address)
    if remember:
        await page.get_by_label("この端末でサインインしたままにする").check()
    await page.get_by_role("button", name="サインイン用のリンクを送る").click()
    await page.get_by_text("このアドレスが登録されていれば").wait_for()
    await page.goto(await env.latest_link(address, before))
    async with page.expect_navigation():
        await page.get_by_role("button", name="サインインを完了する").click()
    await page.wait_for_load_state()
    return context, page


async def _command(env: ConsoleEnv, command: Command) -> None:
    client = await connect(env.settings)
    await send(client, COUNCIL, YEAR, command)


async def _no_jargon(page: Page) -> None:
    body = await page.locator("body").inner_text()
    assert not [word for word in JARGON if word in body], page.url


async def test_an_open_redirect_is_refused(console_env: ConsoleEnv) -> None:
    context = await console_env.context()
    page = await context.new_page()
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "/\t/evil"):
        answer = await page.request.get(
            f"/signin/link?token=x&next={quote(target)}", max_redirects=0
        )
        assert 'name="next" value="/me"' in await answer.text(), target
        switched = await page.request.get(f"/lang/en?next={quote(target)}", max_redirects=0)
        assert switched.headers["location"] == "/me", target
    # A whole sign-in with another site as ``next`` ends on my page, here.
    signed, landed = await _sign_in(
        console_env, OTHER_MEMBER, start=f"/signin?next={quote('//evil.example/me')}"
    )
    assert landed.url == f"{console_env.base_url}/me"
    await signed.close()
    await context.close()


async def test_next_actions_reasons_and_versions(console_env: ConsoleEnv) -> None:
    env = console_env
    await _command(env, RecordMeetingInput(
        actor=f"{P}-chair", held_on=date(YEAR, 4, 20), attendance=(f"{P}-chair",),
        minutes_public="第1回", vision_draft="ふるさと釧路を愛する子ども",
    ))  # fmt: skip
    await _command(env, CloseDiscussionInput(actor=f"{P}-chair"))
    # The board moves the approval's due date (the real clock is past the example's).
    due = date(YEAR + 1, 1, 20)
    await _command(env, SetDeadlineInput(actor="kushiro-board", step=Step.APPROVE, due=due))

    principal_ctx, principal = await _sign_in(env, PRINCIPAL)
    await expect(principal.get_by_text("学校運営の基本方針を提出する")).to_be_visible()
    await _command(env, SubmitPolicyInput(actor=f"{P}-principal", text=FIRST))

    # --- a member: the vote, with its due date and weekday, one tap away ----------------
    member_ctx, member = await _sign_in(env, MEMBER, remember=True)
    todo = member.locator("section[aria-labelledby='awaiting'] li")
    await expect(todo.first).to_contain_text("基本方針 第1版に投票する")
    await expect(todo.first).to_contain_text("期限 1月20日（水）")
    await _no_jargon(member)
    await _checked(member)
    await _shoot(member, "me-member-phone")
    # In English too, with the weekday in English.
    await member.get_by_role("link", name="English").click()
    await expect(todo.first).to_contain_text("Vote on version 1 of the basic policy")
    await expect(todo.first).to_contain_text("due Wed 20 Jan")
    await member.get_by_role("link", name="日本語").click()
    await expect(todo.first).to_contain_text("基本方針 第1版に投票する")
    async with member.expect_navigation():
        await todo.first.get_by_role("link", name="投票する").click()
    assert member.url.endswith(f"{CYCLE}/vote")
    await member.get_by_label("反対", exact=True).check()
    await member.get_by_label("コメント（任意）").fill("公民館との連携が書かれていません")
    async with member.expect_navigation():
        await member.get_by_role("button", name="投票する", exact=True).click()
    await _no_jargon(member)
    reasons = {
        f"{P}-member-2": "読書の目標が曖昧です",
        f"{P}-member-3": "ふりかえりの時期がありません",
        f"{P}-coord-1": "",
    }
    for voter, why in reasons.items():
        await _command(env, CastVoteInput(actor=voter, ballot=Ballot.REJECT, comment=why))

    # --- the chair is told the vote can be closed (4 of 7 have voted) -------------------
    chair_ctx, chair = await _sign_in(env, CHAIR)
    todo = chair.locator("section[aria-labelledby='awaiting'] li")
    await expect(todo.first).to_contain_text("採決を締め切れます（7人中4人が投票済み）")
    await _checked(chair)
    await _shoot(chair, "me-chair-phone")
    async with chair.expect_navigation():
        await todo.first.get_by_role("link", name="採決を締め切る").click()
    async with chair.expect_navigation():
        await chair.get_by_role("button", name="採決を締め切る").click()
    async with chair.expect_navigation():
        await chair.get_by_role("button", name="はい、採決を締め切ります").click()
    closed = (await env.state()).current_policy
    assert closed is not None and closed.status.value == "rejected"

    # --- the principal reads the objections, revises, and sees both versions ------------
    await principal.goto("/me")
    todo = principal.locator("section[aria-labelledby='awaiting'] li")
    await expect(todo.first).to_contain_text("反対意見 4件を読んで修正版を出す")
    await _checked(principal)
    await _shoot(principal, "me-principal-phone")
    async with principal.expect_navigation():
        await todo.first.get_by_role("link", name="反対意見を読む").click()
    section = principal.locator("section[aria-labelledby='reasons']")
    await expect(section).to_contain_text("公民館との連携が書かれていません")
    await expect(section).to_contain_text("読書の目標が曖昧です")
    await expect(section.locator("li").first).to_contain_text("（委員）")
    await _checked(principal)
    async with principal.expect_navigation():
        await principal.get_by_role("link", name="修正版を書く").click()
    await principal.get_by_label("基本方針の本文").fill(SECOND)
    async with principal.expect_navigation():
        await principal.get_by_role("button", name="基本方針を修正して再提出する").click()
    await principal.goto(f"{CYCLE}/vote")
    compare = principal.locator("table.compare")
    await expect(principal.get_by_role("heading", name="第1版と第2版の比較")).to_be_visible()
    await expect(compare.locator("td.del")).to_contain_text("読書の時間を増やす。")
    await expect(compare.locator("td.ins").first).to_contain_text("公民館と読書の時間を増やす。")
    await _checked(principal)

    # --- the council reads the reasons too; members vote on version 2 ------------------
    await member.goto(f"{CYCLE}/vote")
    await expect(member.locator("section[aria-labelledby='reasons']")).to_contain_text(
        "ふりかえりの時期がありません"
    )
    await member.goto("/me")
    await expect(member.locator("section[aria-labelledby='awaiting'] li").first).to_contain_text(
        "基本方針 第2版に投票する"
    )
    for context in (principal_ctx, member_ctx, chair_ctx):
        await context.close()


async def test_staying_signed_in_and_ending_a_device(console_env: ConsoleEnv) -> None:
    env = console_env
    kept_ctx, kept = await _sign_in(env, EXAMPLE_MEMBER, remember=True)
    cookie = next(c for c in await kept_ctx.cookies() if c["name"] == "cs_session")
    assert cookie["expires"] - clock.time() > 89 * 86400
    brief_ctx, brief = await _sign_in(env, EXAMPLE_MEMBER)
    cookie = next(c for c in await brief_ctx.cookies() if c["name"] == "cs_session")
    assert cookie["expires"] - clock.time() < 13 * 3600

    await kept.get_by_role("link", name="設定").click()
    await kept.wait_for_load_state()
    devices = kept.locator("section[aria-labelledby='devices'] li")
    await expect(devices).to_have_count(2)
    await expect(devices.first).to_contain_text("この端末")
    await expect(devices.first).to_contain_text("サインインしたまま")
    # The settings page explains each word in one sentence.
    for word in ("パスキーは、", "アクセストークンは、", "この画面（コンソール）は、"):
        await expect(kept.get_by_text(word, exact=False)).to_be_visible()
    await _checked(kept)
    async with kept.expect_navigation():
        await devices.nth(1).get_by_role("button", name="この端末のサインインを終了する").click()
    await expect(kept.get_by_text("その端末のサインインを終了しました。")).to_be_visible()
    await expect(devices).to_have_count(1)
    await brief.goto("/me")
    assert "/signin" in brief.url
    await kept.goto("/me")
    assert kept.url.endswith("/me")
    await kept_ctx.close()
    await brief_ctx.close()


async def test_a_one_click_reply_lands_on_the_reply_after_signing_in(
    console_env: ConsoleEnv,
) -> None:
    env = console_env
    call = CallMeetingInput(
        actor=f"{P}-chair", call_id="call-people", held_on=date(YEAR + 1, 3, 10),
        starts_at=time(18, 30), place="図書室", agenda="基本方針について",
    )  # fmt: skip
    await _command(env, call)
    reply = f"{CYCLE}/calls/call-people?answer=attend"
    context, page = await _sign_in(env, MEMBER_EMAILS[f"{P}-member-3"], start=reply)
    assert page.url == f"{env.base_url}{reply}"
    await expect(page.get_by_text("メールのリンクから開きました")).to_be_visible()
    await expect(page.get_by_label("出席", exact=True)).to_be_checked()
    # The notice in the inbox carries real links (the member reads it: read state).
    notice = page.get_by_role("link", name="会議の招集", exact=False).first
    for _ in range(50):  # the notice reaches the inbox from the worker, soon after the call
        await page.goto("/me")
        if await notice.count():
            break
        await page.wait_for_timeout(200)
    async with page.expect_navigation():
        await notice.click()
    await expect(page.get_by_role("link", name="出席", exact=True)).to_have_attribute(
        "href", f"{CYCLE}/calls/call-people?answer=attend"
    )
    await _no_jargon(page)
    await _checked(page)
    async with page.expect_navigation():
        await page.get_by_role("link", name="出席", exact=True).click()
    async with page.expect_navigation():
        await page.get_by_role("button", name="返信する").click()
    state = await env.state()
    [called] = [c for c in state.calls if c.call_id == "call-people"]
    reply_of = called.reply_of(f"{P}-member-3")
    assert reply_of is not None and reply_of.answer is Answer.ATTEND

    # The chair who called sees who has read it, by name and role.
    chair_ctx, chair = await _sign_in(env, CHAIR)
    await chair.goto(f"{CYCLE}/calls/call-people")
    read_state = chair.locator("section[aria-labelledby='read-state']")
    await expect(read_state.get_by_role("heading")).to_contain_text("既読 1/")
    await expect(read_state.locator("li", has_text="石井 大輔（委員）")).to_contain_text("既読")
    await _checked(chair)
    await context.close()
    await chair_ctx.close()


async def test_a_member_adds_a_passkey_from_settings_and_signs_in_with_one_tap(
    console_env: ConsoleEnv,
) -> None:
    env = console_env
    context, page = await _sign_in(env, "kushiro-member-5@kushiro.example.jp")
    await _no_jargon(page)
    await page.get_by_role("link", name="設定").click()
    await page.get_by_role("link", name="パスキーを登録・確認する").click()
    await page.wait_for_url("**/passkey")
    await env.authenticator(context, page)
    await page.wait_for_load_state("load")
    await page.get_by_role("button", name="パスキーを登録する").click()
    await expect(page.get_by_text("登録済みのパスキー: 1件")).to_be_visible()
    await page.get_by_role("button", name="サインアウト").click()
    await page.wait_for_url("**/signin")
    # One tap instead of a mail, kept for 90 days on this device.
    await page.get_by_label("この端末でサインインしたままにする").check()
    await page.get_by_role("button", name="指紋・顔認証でサインイン").click()
    await page.wait_for_url("**/me")
    cookie = next(c for c in await context.cookies() if c["name"] == "cs_session")
    assert cookie["expires"] - clock.time() > 89 * 86400
    await context.close()

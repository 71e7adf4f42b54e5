"""A volunteer request through the browser: the coordinator makes one for an activity and
sends it to two registered volunteers; each answers from their own signed link (one can,
one cannot) without signing in; a resident applies on the municipality's public page at
360 px and the coordinator accepts them; the request page shows its fill; the activity
record form opens filled in with the confirmed volunteers; the chief sees the request
among their schools'; the coordinator previews and publishes the newsletter. axe-core
finds no serious or critical violation on any of these pages.

Volunteers' e-mail is not configured in the test (no SMTP): their links are the ones the
worker would mail, signed with the same keys (``config.reply_links.sign``).
"""

from __future__ import annotations

import asyncio
import os
from datetime import date, datetime, timedelta
from pathlib import Path

from playwright.async_api import Page, expect

import store
from application.cycles import connect, send
from config.payload_keys import payload_keys_from
from config.reply_links import sign
from domain.base import Step
from domain.commands import RecordActivityInput
from domain.japan_time import JAPAN
from domain.scenario import full_year
from store import volunteer_requests as rows
from tests.console.conftest import COUNCIL, YEAR, ConsoleEnv, serious_violations

CYCLE = f"/councils/{COUNCIL}/{YEAR}"
COORDINATOR = "kushiro-coord-1@kushiro.example.jp"
CHIEF = "chief@kushiro.example.jp"
CAN, CANNOT = "vol-kushiro-1", "vol-kushiro-2"
SHOTS = Path(os.environ["CONSOLE_SCREENSHOTS"]) if os.environ.get("CONSOLE_SCREENSHOTS") else None


async def _accessible(page: Page) -> None:
    await page.wait_for_load_state()
    assert await serious_violations(page) == [], page.url
    await page.set_viewport_size({"width": 360, "height": 800})
    width = await page.evaluate("document.documentElement.scrollWidth")
    await page.set_viewport_size({"width": 1280, "height": 900})
    assert width <= 360, (page.url, width)


async def _shot(page: Page, name: str, width: int) -> None:
    if SHOTS is None:
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.set_viewport_size({"width": width, "height": 800})
    await page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    await page.set_viewport_size({"width": 1280, "height": 900})


async def _to_act(env: ConsoleEnv) -> None:
    """The cycle through discuss, approve, plan and coordinate (the scenario's commands),
    and the patrol held in May with both volunteers."""
    client = await connect(env.settings)
    roster = (await env.state()).roster
    year = full_year(roster, YEAR, rejected_first=False)
    for step in (Step.DISCUSS, Step.APPROVE, Step.PLAN, Step.COORDINATE):
        for command in year.of(step):
            await send(client, COUNCIL, YEAR, command)
    coordinator = year.of(Step.PLAN)[0].actor
    patrol = RecordActivityInput(actor=coordinator, activity_id="patrol",
                                 held_on=date(YEAR, 5, 1), children=30,
                                 volunteer_ids=(CAN, CANNOT))  # fmt: skip
    await send(client, COUNCIL, YEAR, patrol)
    assert (await env.state()).step is Step.ACT


async def _press(page: Page, name: str) -> None:
    async with page.expect_navigation():
        await page.get_by_role("button", name=name, exact=True).click()
    assert await page.locator(".error").all_inner_texts() == []


async def test_a_request_from_sending_to_the_activity_record(console_env: ConsoleEnv) -> None:
    env = console_env
    await _to_act(env)
    held_on = datetime.now(JAPAN).date() + timedelta(days=10)
    context, page = await env.sign_in(COORDINATOR)

    # The coordinator makes the request for the reading session.
    await page.goto(f"{CYCLE}/requests")
    await _accessible(page)
    await page.get_by_label("活動", exact=True).select_option("reading")
    await page.get_by_label("題名").fill("読み聞かせボランティア")
    await page.get_by_label("必要な人数").fill("3")
    await page.get_by_label("日時").fill(held_on.isoformat())
    await page.get_by_label("開始時刻").fill("10:00")
    await page.get_by_label("返事の締切").fill((held_on - timedelta(days=3)).isoformat())
    await page.get_by_label("場所", exact=True).fill("図書室")
    await page.get_by_label("自治体の公開ページで募集する").check()
    await _press(page, "依頼をつくる")
    await expect(page.get_by_text("0/3人 確定・0人 待ち")).to_be_visible()
    await _accessible(page)
    request_url = page.url.split("?")[0]

    # ... and sends it to the two registered volunteers (both checked by default).
    await _press(page, "選んだ人に送る")
    await expect(page.get_by_role("cell", name="未回答")).to_have_count(2)

    # Each volunteer answers from their own link, without signing in.
    with store.session_scope(store.make_engine(env.settings.resolved_database_url())) as s:
        request_id = rows.request_view(s, f"volunteer-request/{COUNCIL}/{YEAR}/1").request_id
    keys = payload_keys_from(env.settings)
    for volunteer, button in ((CAN, "参加できる"), (CANNOT, "参加できない")):
        visitor = await env.context()
        link = await visitor.new_page()
        await link.goto(f"/r/{sign(keys, request_id, volunteer)}")
        await _accessible(link)
        if volunteer == CAN:
            await link.get_by_label("コーディネーター通信にお名前を載せてもよい").check()
        await _press(link, button)
        await expect(link.get_by_role("status")).to_be_visible()
        await visitor.close()
    forged = await (await env.context()).new_page()
    await forged.goto(f"/r/{sign(keys, request_id, CAN)[:-3]}xyz")
    await expect(forged.get_by_role("heading", name="このリンクは使えません")).to_be_visible()

    # A resident applies on the public page, on a phone.
    resident = await env.context()
    apply = await resident.new_page()
    await apply.set_viewport_size({"width": 360, "height": 800})
    await apply.goto("/public/requests/kushiro")
    await expect(apply.get_by_role("heading", name="読み聞かせボランティア")).to_be_visible()
    assert "読み聞かせの会" not in await apply.content()  # no volunteer's name
    await apply.get_by_text("この活動に応募する").click()
    await _shot(apply, "request-apply-phone", 360)
    await apply.get_by_label("お名前", exact=True).fill("新規 花子")
    await apply.get_by_label("連絡先（メールアドレスまたは電話番号）").fill("hanako@test.example")
    await apply.get_by_label("この件でコーディネーターから連絡を受けることに同意します").check()
    await _press(apply, "応募する")
    await expect(apply.get_by_role("status")).to_contain_text("応募を受け付けました")
    await _accessible(apply)

    # The coordinator accepts the application: 2 of 3 confirmed.
    await page.goto(request_url)
    await expect(page.get_by_text("新規 花子")).to_be_visible()
    await _press(page, "受け付けて登録する")
    await expect(page.get_by_text("2/3人 確定・0人 待ち")).to_be_visible()
    await _accessible(page)
    await _shot(page, "request-fill-desktop", 1280)

    # The activity record form opens filled in with the confirmed volunteers.
    async with page.expect_navigation():
        await page.get_by_role("link", name="確定した人で活動の記録を書く").click()
    form = page.locator("#record_activity")
    await expect(form.get_by_label("活動")).to_have_value("reading")
    await expect(form.get_by_label("開催日")).to_have_value(held_on.isoformat())
    await expect(form.get_by_label("読み聞かせの会")).to_be_checked()
    await expect(form.get_by_label("見守り 太郎")).not_to_be_checked()
    await expect(form.get_by_label("新規 花子")).to_be_checked()

    # The chief sees the request among the schools they support.
    chief_context, chief = await env.sign_in(CHIEF)
    await env.confirm_with_passkey(chief_context, chief, CHIEF)
    await chief.goto(f"/requests?year={YEAR}")
    await expect(chief.get_by_text("2/3人 確定・0人 待ち")).to_be_visible()
    await _accessible(chief)
    await chief_context.close()

    # The newsletter: previewed with the coordinator's words, then published.
    await page.goto(f"{CYCLE}/newsletter")
    await page.get_by_label("ひとこと（お礼・ごあいさつ、600文字まで）").fill(
        "今年もありがとうございました。"
    )
    await _press(page, "下書きに反映する")
    await expect(page.get_by_text("読み聞かせの会 さん")).to_be_visible()
    await _accessible(page)
    await _press(page, "公開する")
    assert "/public/newsletters/" in page.url
    await expect(page.get_by_text("今年もありがとうございました。")).to_be_visible()
    assert "見守り 太郎" not in await page.content()  # named only with consent
    await _accessible(page)
    await page.emulate_media(media="print")
    await _shot(page, "newsletter-print-desktop", 794)
    await page.emulate_media(media="screen")

    # Cancelling the activity on the cycle page cancels the request: the confirmed are told.
    await page.goto(CYCLE)
    await page.locator("summary", has_text="活動の中止を記録する").click()
    cancel = page.locator(f"form[action='{CYCLE}/cancel_activity']")
    await cancel.get_by_label("活動").select_option("reading")
    async with page.expect_navigation():
        await cancel.get_by_role("button").click()
    await page.goto(request_url)
    await expect(page.get_by_role("heading", name="読み聞かせボランティア 中止")).to_be_visible()
    key = f"volunteer-request/{COUNCIL}/{YEAR}/1"
    engine = store.make_engine(env.settings.resolved_database_url())
    for _ in range(100):
        with store.session_scope(engine) as s:
            told = {n.volunteer_id for n in rows.notices(s, key) if n.kind.value == "cancelled"}
            confirmed = {a.volunteer_id for a in rows.answers(s, key)
                         if a.place.value == "confirmed"}  # fmt: skip
        if told:
            break
        await asyncio.sleep(0.1)
    engine.dispose()
    assert told == confirmed and CAN in told and CANNOT not in told
    await context.close()

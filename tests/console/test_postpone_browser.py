"""Postponing a called meeting from the call's page (延期), in Debian's Chromium: the form
of a command declared once (``/calls/<id>/do/postpone_meeting``). A date that is not
later is refused in one line with the typed values kept; a later one moves the call,
which the page then shows. Each act's outcome is worded (招集を送りました（n人に通知）,
延期しました, 出席と返事しました). The page has no serious accessibility violation."""

from __future__ import annotations

import re
from datetime import date

from playwright.async_api import Locator, Page, expect

from domain.japan_time import day_text
from tests.console.conftest import YEAR, ConsoleEnv, serious_violations

CHAIR = "kushiro-chair@kushiro.example.jp"
MEMBER = "kk-member-1@test.example"
CYCLE = f"/councils/kushiro-kushiro/{YEAR}"
HELD_ON = f"{YEAR + 1}-02-10"
NEW_DAY = f"{YEAR + 1}-02-17"


def _day(iso: str) -> str:
    """A date as the call's heading shows it: 2月17日（水）."""
    return day_text(date.fromisoformat(iso))


def _outcome(page: Page) -> Locator:
    """The line saying what the act just done did."""
    return page.locator("p.notice[role=status]")


def _postpone_form(page: Page) -> Locator:
    return page.locator("section", has=page.get_by_role("heading", name="会議を延期する"))


async def test_the_chair_postpones_a_call_from_its_page(console_env: ConsoleEnv) -> None:
    chair, page = await console_env.sign_in(CHAIR)
    await page.goto(f"{CYCLE}/calls")
    await page.get_by_label("開催日").fill(HELD_ON)
    await page.get_by_label("開始時刻（日本時間）").fill("18:30")
    await page.get_by_label("場所").fill("会議室")
    await page.get_by_label("議題").fill("学校評価について")
    await page.get_by_role("button", name="招集を送る").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(_day(HELD_ON))
    sent = re.compile(r"^会議の招集を送りました（[1-9][0-9]*人に通知）。$")
    await expect(_outcome(page)).to_have_text(sent)
    call_url = page.url.split("?")[0]

    form = _postpone_form(page)
    await form.get_by_label("開催日").fill(HELD_ON)
    await form.get_by_label("延期の理由").fill("台風の接近のため")
    await form.get_by_role("button", name="延期を知らせる").click()
    # Refused: the same date is not later. One line, the typed reason kept.
    await expect(page.get_by_role("alert")).to_contain_text("より後にしてください")
    await expect(_postpone_form(page).get_by_label("延期の理由")).to_have_value("台風の接近のため")
    assert await serious_violations(page) == []

    form = _postpone_form(page)
    await form.get_by_label("開催日").fill(NEW_DAY)
    await form.get_by_label("場所").fill("体育館")
    await form.get_by_role("button", name="延期を知らせる").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(_day(NEW_DAY))
    moved = f"会議を{_day(NEW_DAY)}18:30に延期しました。"
    await expect(_outcome(page)).to_have_text(f"{moved}招集した全員に通知しました。")
    await expect(page.get_by_text("体育館")).to_be_visible()
    assert page.url.startswith(call_url)
    await chair.close()

    # A member who did not call it sees no postpone form.
    member, page = await console_env.sign_in(MEMBER)
    await page.goto(call_url)
    await expect(page.get_by_role("heading", level=1)).to_contain_text(_day(NEW_DAY))
    await expect(page.get_by_role("heading", name="会議を延期する")).to_have_count(0)
    await page.get_by_label("出席", exact=True).check()
    await page.get_by_role("button", name="返信する").click()
    await expect(_outcome(page)).to_have_text("出席と返事しました。")
    await member.close()

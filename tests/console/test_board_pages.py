"""Issue 15's pages in Debian's Chromium, signed in through the real e-mail link (and a
virtual passkey for the board): the dashboard's filters and charts against the Kushiro
example; a pause from the dashboard that the council's cycle page then shows; a meeting
call answered by three members from the page and the mail's one-click link, one reminder
to those who did not reply (once), the meeting recorded with the replies pre-filled; its
minutes published, then corrected, read by a browser with no session, the closed part
never on the public page. axe-core on every new page, and no sideways scroll at 360 px.

The modules share one Temporal server: the tests run in file order.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from google.protobuf.duration_pb2 import Duration
from google.protobuf.empty_pb2 import Empty
from playwright.async_api import BrowserContext, Page, expect
from sqlalchemy import select
from temporalio.api.testservice.v1 import SleepRequest

import store
from application.cycles import connect
from domain.japan_time import JAPAN as JST
from store.audit_log import AccessAuditRow
from store.notifications import inbox
from tests.console.conftest import COUNCIL, OTHER_COUNCIL, YEAR, ConsoleEnv, serious_violations

BOARD = "board@kushiro.example.jp"
CHAIR = "kushiro-chair@kushiro.example.jp"
CHUO_CHAIR = "chuo-chair@kushiro.example.jp"
MEMBERS = [f"kk-member-{n}@test.example" for n in (1, 2, 3)]
DASHBOARD = f"/board/kushiro/{YEAR}"
CYCLE = f"/councils/{COUNCIL}/{YEAR}"
PUBLIC = f"/public/councils/{COUNCIL}/{YEAR}"
CLOSED = "個別の児童の支援について（非公開）"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "console"


async def check_page(page: Page, name: str) -> None:
    """axe-core finds nothing serious, and at 360 px nothing scrolls sideways."""
    assert await serious_violations(page) == [], name
    size = page.viewport_size
    await page.set_viewport_size({"width": 360, "height": 800})
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{name}: {width} px wide at 360"
    if size is not None:
        await page.set_viewport_size(size)


async def shoot(page: Page, name: str) -> None:
    """The page at 360 px and on a desk, full length, into docs/console/."""
    await page.set_viewport_size({"width": 360, "height": 800})
    await page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)


async def board_session(env: ConsoleEnv) -> tuple[BrowserContext, Page]:
    """The board admin, signed in by link and confirmed with a (virtual) passkey: the
    first test registers it, later ones carry it into their own browser context."""
    context, page = await env.sign_in(BOARD)
    await env.confirm_with_passkey(context, page, BOARD)
    return context, page


async def table_rows(page: Page, selector: str) -> list[list[str]]:
    rows = page.locator(f"{selector} tbody tr")
    return [
        [c.strip() for c in await rows.nth(i).locator("th, td").all_inner_texts()]
        for i in range(await rows.count())
    ]


async def test_dashboard_filters_sorts_and_charts_the_known_councils(
    console_env: ConsoleEnv,
) -> None:
    context, page = await board_session(console_env)
    await page.get_by_role("link", name="教育委員会ダッシュボード").click()
    await page.wait_for_url(f"**{DASHBOARD}")
    # Kushiro: four councils, two with a cycle at 話し合い, past its due date (30 April).
    await expect(page.get_by_role("heading", name="協議会一覧（4件）")).to_be_visible()
    steps = dict((r[0], r[1]) for r in await table_rows(page, "#chart-steps-table"))
    assert steps["未開始"] == "2" and steps["話し合い"] == "2" and steps["承認"] == "0"
    assert await page.locator("svg[role=img]").count() == 3
    await check_page(page, "dashboard")
    await shoot(page, "dashboard")

    # Filters: the step, then late only; the charts follow the filters.
    await page.locator("#step").select_option("discuss")
    await page.get_by_role("button", name="絞り込む").click()
    await expect(page.get_by_role("heading", name="協議会一覧（2件）")).to_be_visible()
    steps = dict((r[0], r[1]) for r in await table_rows(page, "#chart-steps-table"))
    assert steps["未開始"] == "0" and steps["話し合い"] == "2"
    await page.get_by_label("期限超過のみ").check()
    # Each click below loads a new page: read the table only once it has (a read between
    # the click and the navigation saw the old or an empty table).
    async with page.expect_navigation():
        await page.get_by_role("button", name="絞り込む").click()
    councils = await table_rows(page, "table.councils")
    assert sorted(r[0].splitlines()[0] for r in councils) == [
        "中央小学校学校運営協議会",
        "釧路小学校学校運営協議会",
    ]
    assert all(int(r[4]) > 0 for r in councils)
    late = await table_rows(page, "#chart-late-districts-table")
    assert late == [["（なし）", "2"]]

    # Sorting: by council name, then the same heading again reverses the order.
    await page.goto(DASHBOARD)
    async with page.expect_navigation():
        await page.get_by_role("link", name="協議会", exact=True).click()
    first = (await table_rows(page, "table.councils"))[0][0]
    async with page.expect_navigation():
        await page.get_by_role("link", name="協議会 ▲").click()
    assert (await table_rows(page, "table.councils"))[0][0] != first
    assert await page.locator("th[aria-sort=descending]").count() == 1

    # Every link in the table leads to a page; a council with no cycle this year (共栄,
    # 鳥取) has no cycle page, so its name is text, and its board page offers none either.
    hrefs = await page.locator("table.councils tbody a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    for href in hrefs:
        assert (await page.request.get(href)).status == 200, href
    assert await page.get_by_role("link", name="共栄小学校学校運営協議会").count() == 0
    await page.goto(f"{DASHBOARD}/councils/kushiro-kyoei")
    await expect(page.get_by_text("ステップ: 未開始")).to_be_visible()
    assert await page.get_by_role("link", name="協議会のページ").count() == 0
    await page.goto(DASHBOARD)

    # Each row of a council with a cycle links to its cycle page.
    await page.get_by_role("link", name="釧路小学校学校運営協議会").click()
    await page.wait_for_url(f"**{CYCLE}")

    # Downloads: the CLI's CSV (BOM, Excel-clean) and the A4 report page.
    response = await page.request.get(f"{DASHBOARD}/report.csv")
    assert response.headers["content-type"].startswith("text/csv")
    body = await response.body()
    assert body.startswith(b"\xef\xbb\xbf")
    assert len(list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))) == 5  # heading + 4
    assert _exports(console_env) == [
        ("person:kushiro-board", f"municipalities/kushiro/report/{YEAR}")
    ]
    await page.goto(f"{DASHBOARD}/report")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("年間活動報告")
    await check_page(page, "report")
    await page.goto(f"{DASHBOARD}/summary")
    await expect(page.get_by_role("row", name=re.compile("北海道 釧路市"))).to_be_visible()
    await check_page(page, "summary")
    await context.close()


async def test_a_pause_from_the_dashboard_shows_on_the_cycle_page(console_env: ConsoleEnv) -> None:
    context, page = await board_session(console_env)
    await page.goto(f"{DASHBOARD}/councils/{OTHER_COUNCIL}")
    await check_page(page, "council board page")
    await page.get_by_label("理由").fill("校舎の改修工事のため")
    await page.get_by_role("button", name="確認へ進む").nth(1).click()
    await expect(page.get_by_role("heading", name="操作の確認")).to_be_visible()
    await check_page(page, "confirm")
    await page.get_by_role("button", name="実行する").click()
    await expect(page.get_by_text("一時停止しました。")).to_be_visible()
    # The timeline as sentences; the run and its link in the Temporal Web UI are folded
    # away for IT staff.
    entry = page.locator("ol.history li").filter(has_text="一時停止")
    await expect(entry.first).to_contain_text("佐藤 恵子さんがサイクルを一時停止しました")
    await entry.first.get_by_text("IT担当者向けの詳細").click()
    link = await entry.first.get_by_role("link").get_attribute("href")
    assert link and "/workflows/council-cycle%2Fkushiro-chuo%2F2026/" in link
    history = await page.request.get(f"{DASHBOARD}/councils/{OTHER_COUNCIL}/history.csv")
    assert (await history.body()).startswith(b"\xef\xbb\xbf")

    chair, chair_page = await console_env.sign_in(CHUO_CHAIR)
    await chair_page.goto(f"/councils/{OTHER_COUNCIL}/{YEAR}")
    await expect(chair_page.get_by_text("校舎の改修工事のため")).to_be_visible()

    # Resume, and the cycle page no longer says paused.
    await page.get_by_role("button", name="確認へ進む").nth(1).click()
    await page.get_by_role("button", name="実行する").click()
    await expect(page.get_by_text("再開しました。")).to_be_visible()
    await chair_page.reload()
    await expect(chair_page.get_by_text("校舎の改修工事のため")).to_have_count(0)

    # Remind every council at 話し合い: the count first, then the result.
    await page.goto(DASHBOARD)
    await page.get_by_role("button", name="届く数を確認する").click()
    await expect(page.get_by_role("status")).to_contain_text("督促は 2 協議会")
    await check_page(page, "remind confirm")
    await page.get_by_role("button", name="2 協議会に督促を送る").click()
    await expect(page.get_by_text("督促を送りました: 送信 2、対象外 0。")).to_be_visible()
    await check_page(page, "remind result")
    # Back on the remind page: who the reminders reached, none read yet (既読 0/n).
    read_state = page.get_by_role("heading", name=re.compile("既読"))
    for _ in range(40):  # the worker writes the inboxes a moment later
        await page.goto(f"{DASHBOARD}/remind?step=discuss")
        if await read_state.count():
            break
        await asyncio.sleep(0.25)
    await expect(read_state).to_have_text(re.compile(r"既読 0/[1-9][0-9]*$"))
    await expect(page.get_by_text("未読").first).to_be_visible()

    # Move a due date: confirmed, then the council's cycle page shows the new date.
    await page.goto(f"{DASHBOARD}/councils/{OTHER_COUNCIL}")
    await page.get_by_label("新しい期限").fill(f"{YEAR + 1}-01-15")
    await page.get_by_role("button", name="確認へ進む").first.click()
    await expect(page.get_by_text(f"{YEAR + 1}年1月15日（金） に変更します")).to_be_visible()
    await page.get_by_role("button", name="実行する").click()
    await expect(page.get_by_text("期限を変更しました。")).to_be_visible()
    await chair_page.reload()
    await expect(chair_page.get_by_text("期限 1月15日（金）").first).to_be_visible()
    await context.close()
    await chair.close()


def _exports(env: ConsoleEnv) -> list[tuple[str, str]]:
    """Who downloaded what, as the access audit recorded it."""
    engine = store.make_engine(env.settings.resolved_database_url())
    try:
        with store.session_scope(engine) as session:
            rows = session.scalars(
                select(AccessAuditRow).where(AccessAuditRow.action == "export")
            ).all()
            return [(row.actor, row.target) for row in rows]
    finally:
        engine.dispose()


def _reply_links(env: ConsoleEnv, person_id: str) -> list[str]:
    engine = store.make_engine(env.settings.resolved_database_url())
    try:
        with store.session_scope(engine) as session:
            rows = inbox(session, person_id)
    finally:
        engine.dispose()
    # The worker of these tests links below the default console address: keep the path.
    return [
        urlsplit(line.split(": ", 1)[1])._replace(scheme="", netloc="").geturl()
        for row in rows
        if row.template == "meeting_call"
        for line in row.body.splitlines()
        if "?answer=" in line
    ]


def _reminders(env: ConsoleEnv, person_id: str) -> int:
    engine = store.make_engine(env.settings.resolved_database_url())
    try:
        with store.session_scope(engine) as session:
            rows = inbox(session, person_id)
    finally:
        engine.dispose()
    return sum(1 for row in rows if row.template == "meeting_call_reminder")


async def _skip(env: ConsoleEnv, until: datetime) -> None:
    """Let the test server's clock jump to ``until`` (its timers fire on the way)."""
    client = await connect(env.settings)
    now = await client.test_service.get_current_time(Empty())
    current = now.time.ToDatetime(tzinfo=UTC)
    seconds = max(0, int((until - current).total_seconds()))
    await client.test_service.unlock_time_skipping_with_sleep(
        SleepRequest(duration=Duration(seconds=seconds))
    )


async def test_a_call_answered_replied_reminded_recorded_published_and_corrected(
    console_env: ConsoleEnv,
) -> None:
    held_on = datetime.now(JST).date() + timedelta(days=5)
    chair, page = await console_env.sign_in(CHAIR)
    await page.goto(CYCLE)
    await page.get_by_role("link", name="会議の招集と出欠").click()
    await check_page(page, "calls")
    await page.get_by_label("開催日").fill(held_on.isoformat())
    await page.get_by_label("開始時刻（日本時間）").fill("18:30")
    await page.get_by_label("場所").fill("釧路小学校 会議室")
    await page.get_by_label("議題").fill("目指す子ども像について")
    await page.get_by_label("非公開の部分").fill(CLOSED)
    await page.get_by_role("button", name="招集を送る").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("会議の招集")
    call_url = page.url.split("?")[0]

    # Member 1 from the mail's one-click link: the page asks before anything is sent.
    member_ids = [f"{COUNCIL}-member-{n}" for n in (1, 2, 3)]
    [attend, _, _] = _reply_links(console_env, member_ids[0])
    assert attend.endswith("?answer=attend")
    answers = [("attend", "出席"), ("absent", "欠席"), ("attend", "出席")]
    people = []
    for address, member, (value, label) in zip(MEMBERS, member_ids, answers, strict=True):
        # Without JavaScript: the reply is a plain form.
        context, member_page = await console_env.sign_in(address, javascript=False)
        people.append(context)
        links = _reply_links(console_env, member)
        await member_page.goto(next(link for link in links if link.endswith(value)))
        await expect(member_page.get_by_text("メールのリンクから開きました")).to_be_visible()
        assert await member_page.get_by_label(label).is_checked()
        await member_page.get_by_label("コメント").fill(f"{label}します")
        await member_page.get_by_role("button", name="返信する").click()
        await expect(member_page.locator("p.notice[role=status]")).to_have_text(
            f"{label}と返事しました。"
        )
    # axe needs JavaScript: the chair's view of the call (the same reply form) is checked.

    # The chair sees the replies, who has not replied, and the expected quorum.
    await page.goto(call_url)
    replies = {r[0]: r[1] for r in await table_rows(page, "table.replies")}
    assert replies["村上 勇"] == "出席" and replies["近藤 花子"] == "欠席"
    assert replies["坂本 裕子"] == "未回答"
    await expect(page.get_by_text("出席予定 2人")).to_be_visible()
    await check_page(page, "call (chair)")
    await shoot(page, "meeting-call")

    # Two days before at 09:00 (Japan) those without a reply are reminded, once.
    reminder_at = datetime.combine(held_on - timedelta(days=2), time(9, 5), tzinfo=JST)
    await _skip(console_env, reminder_at)
    for _ in range(100):
        if _reminders(console_env, f"{COUNCIL}-member-4"):
            break
        await page.wait_for_timeout(100)
    await _skip(console_env, reminder_at + timedelta(days=1))
    assert _reminders(console_env, f"{COUNCIL}-member-4") == 1
    assert [_reminders(console_env, m) for m in member_ids] == [0, 0, 0]
    await page.reload()
    await expect(page.get_by_text("未回答の方に")).to_be_visible()

    # Recording the meeting starts from the call: the 出席 replies are ticked.
    assert await page.get_by_label("村上 勇").is_checked()
    assert await page.get_by_label("石井 大輔").is_checked()
    assert not await page.get_by_label("近藤 花子").is_checked()
    assert await page.locator("#held_on").input_value() == held_on.isoformat()
    await page.get_by_label("会議録（公開）").fill("目指す子ども像について熟議した。")
    await page.get_by_label("会議録（非公開）").fill(CLOSED)
    await page.get_by_role("button", name="会議を記録する").click()
    await page.wait_for_url(f"**{CYCLE}?done=record_meeting*")

    # Publish the draft; then correct it; a browser with no session reads both versions.
    await page.goto(f"{CYCLE}/minutes")
    await check_page(page, "minutes")
    await page.get_by_role("button", name="この会議録を公開する").click()
    await page.get_by_role("button", name="はい、公開します").click()
    await expect(page.get_by_text("公開中（第1版）")).to_be_visible()
    await page.get_by_text("訂正版を出す").first.click()
    await page.get_by_label("訂正後の会議録").fill("目指す子ども像について熟議し、案をまとめた。")
    await page.get_by_label("訂正の理由").fill("記載漏れ")
    await page.get_by_role("button", name="訂正版を出す").click()
    await expect(page.get_by_text("公開中（第2版）")).to_be_visible()

    public = await console_env.context()
    reader = await public.new_page()
    await reader.goto(PUBLIC)
    await expect(reader.get_by_text("目指す子ども像について熟議し、案をまとめた。")).to_be_visible()
    await expect(reader.get_by_text("訂正", exact=True)).to_be_visible()
    await expect(reader.get_by_text("目指す子ども像について熟議した。")).to_be_visible()
    content = await reader.content()
    assert CLOSED not in content
    assert "cs_session" not in {c["name"] for c in await public.cookies()}
    await check_page(reader, "public page")
    await shoot(reader, "public-council")
    await reader.get_by_role("link", name="協議会の一覧").click()
    await expect(reader.get_by_role("link", name="釧路小学校学校運営協議会")).to_be_visible()
    await check_page(reader, "public index")
    for context in (chair, public, *people):
        await context.close()

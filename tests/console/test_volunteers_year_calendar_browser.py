"""Issue 21 (items 6 and 8) in Debian's Chromium: a coordinator registers, renews and
withdraws volunteers on the 「ボランティア」 page (the expired one marked 期限切れ, a form
sent twice registering once, each act an audit row); the board switches years and opens
next year's cycles from the console (the cycles then run in Temporal; a second POST
starts nothing more); a meeting call's ``.ics`` opens with the right Japan-time start; the
minutes and the policy print on A4 with the council, the 令和 date and the issuer; the
public pages read at 360 px without sideways scroll. axe-core on every page.

The tests share one Temporal server and store: they run in file order.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar
from playwright.async_api import Locator, Page, expect
from sqlalchemy import select
from temporalio.client import WorkflowExecutionStatus

import store
from application.cycles import connect, send
from contracts.cycle import cycle_workflow_id
from domain.commands import RecordMeetingInput
from domain.japan_time import JAPAN, current_fiscal_year
from reports.wareki import wareki
from store.audit_log import AccessAuditRow
from tests.console.conftest import COUNCIL, YEAR, ConsoleEnv
from tests.console.test_board_pages import SHOTS, board_session, check_page

COORDINATOR = "chuo-coord-1@kushiro.example.jp"
CHAIR = "kushiro-chair@kushiro.example.jp"
REGISTRY = "/volunteers/kushiro"
EXPIRED = "旧登録 花子"
NEW = "読書ボランティア 新田"
CYCLE = f"/councils/{COUNCIL}/{YEAR}"


def _seed_expired(env: ConsoleEnv) -> None:
    """A registration of January 2024: it ran out on 10 January 2026."""
    engine = store.make_engine(env.settings.resolved_database_url())
    try:
        with store.session_scope(engine) as session:
            store.upsert_volunteer(
                session,
                "kushiro",
                store.VolunteerEntry(
                    id="vol-kushiro-old", name=EXPIRED, contact="0154-11-1111",
                    registered_on=date(2024, 1, 10), consent_to_contact=True,
                ),
            )  # fmt: skip
    finally:
        engine.dispose()


def _audit(env: ConsoleEnv, action: str, prefix: str) -> list[tuple[str, str]]:
    engine = store.make_engine(env.settings.resolved_database_url())
    try:
        with store.session_scope(engine) as session:
            rows = session.scalars(
                select(AccessAuditRow)
                .where(AccessAuditRow.action == action, AccessAuditRow.target.startswith(prefix))
                .order_by(AccessAuditRow.id)
            ).all()
            return [(row.actor, row.target) for row in rows]
    finally:
        engine.dispose()


def _row(page: Page, name: str) -> Locator:
    return page.locator("table.volunteers tbody tr").filter(has_text=name)


async def test_a_coordinator_registers_renews_and_withdraws_volunteers(
    console_env: ConsoleEnv,
) -> None:
    _seed_expired(console_env)
    context, page = await console_env.sign_in(COORDINATOR)
    await page.goto("/me")
    await page.get_by_role("link", name="ボランティア", exact=True).click()
    await page.wait_for_url(f"**{REGISTRY}")
    await expect(page.get_by_role("heading", name="登録ボランティア（3件）")).to_be_visible()
    await expect(_row(page, EXPIRED)).to_contain_text("期限切れ")
    await expect(_row(page, EXPIRED)).to_contain_text("0154-11-1111")  # a contact reader
    await expect(_row(page, "読み聞かせの会")).to_contain_text("有効")
    await expect(page.get_by_text("期限切れの登録が 1 件あります")).to_be_visible()

    # Register: a refusal keeps what was typed, then the same form registers once even
    # when it is sent twice.
    await page.get_by_label("氏名または団体名").fill(NEW)
    await page.get_by_label("活動分野").fill("読み聞かせ、図書室整備")
    await page.get_by_label("連絡先（電話・メール）").fill("0154-22-2222")
    await page.get_by_label("登録日").fill("2999-04-01")
    await page.get_by_role("button", name="登録する", exact=True).click()
    await expect(page.get_by_role("alert")).to_be_visible()
    assert await page.get_by_label("氏名または団体名").input_value() == NEW
    await page.get_by_label("登録日").fill(datetime.now(JAPAN).date().isoformat())
    await page.get_by_label("連絡してよいことに本人が同意している").check()
    form = page.locator(f"form[action='{REGISTRY}/register']")
    sent = {
        name: await form.locator(f"input[name={name}]").input_value()
        for name in ("csrf", "command_id", "name", "fields", "contact", "registered_on")
    }
    await page.get_by_role("button", name="登録する", exact=True).click()
    await expect(page.get_by_text("登録しました。")).to_be_visible()
    again = await page.request.post(f"{REGISTRY}/register", form={**sent, "consent": "1"})
    assert again.ok
    await page.reload()
    await expect(_row(page, NEW)).to_have_count(1)
    await expect(_row(page, NEW)).to_contain_text("読み聞かせ・図書室整備")
    await check_page(page, "volunteers")
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.screenshot(path=str(SHOTS / "volunteers-desktop.png"), full_page=True)

    # Renew the expired one: valid again for two years from today.
    await page.get_by_role("button", name=f"{EXPIRED} の登録を更新").click()
    await expect(page.get_by_text("登録を更新しました")).to_be_visible()
    await expect(_row(page, EXPIRED)).to_contain_text("有効")
    await expect(_row(page, EXPIRED)).not_to_contain_text("期限切れ")
    # Withdraw (retire) the new one.
    await page.get_by_role("button", name=f"{NEW} の登録を取り消す").click()
    await expect(page.get_by_text("登録を取り消しました。")).to_be_visible()
    await expect(_row(page, NEW)).to_contain_text("登録取消")
    await check_page(page, "volunteers after acts")

    # Each act is one audit row naming the volunteer by id; every page view a read.
    changes = _audit(console_env, "directory_change", "municipalities/kushiro/volunteers/")
    assert [actor for actor, _ in changes] == ["person:kushiro-chuo-coord-1"] * 3
    assert changes[1][1] == "municipalities/kushiro/volunteers/vol-kushiro-old"
    assert _audit(console_env, "read_personal_data", "municipalities/kushiro/volunteers")
    await context.close()

    # A chair keeps no registry: the page is not there for them.
    chair, chair_page = await console_env.sign_in(CHAIR)
    await chair_page.goto(REGISTRY)
    await expect(chair_page.get_by_role("heading", name="ページが見つかりません")).to_be_visible()
    await chair.close()


async def test_the_board_switches_years_and_opens_next_years_cycles(
    console_env: ConsoleEnv,
) -> None:
    this_year = current_fiscal_year()
    following = this_year + 1
    context, page = await board_session(console_env)
    await page.goto(f"/board/kushiro/{this_year}")
    years = page.get_by_role("navigation", name="年度")
    await expect(years.get_by_role("link", name=f"{this_year}年度")).to_have_attribute(
        "aria-current", "page"
    )
    await expect(years.get_by_role("link", name=f"{following}年度")).to_have_count(0)
    await page.get_by_role("link", name=f"{following}年度のサイクルを開始…").click()
    await expect(page.get_by_role("status")).to_contain_text(
        f"4 協議会のうち、4 協議会の {following}年度のサイクルを開始します"
    )
    await check_page(page, "open year")
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.screenshot(path=str(SHOTS / "board-open-year-desktop.png"), full_page=True)
    form = page.locator("form[method=post]").last
    sent: dict[str, str | float | bool] = {
        n: await form.locator(f"input[name={n}]").input_value() for n in ("csrf", "command_id")
    }
    await page.get_by_role("button", name="4 協議会のサイクルを開始する").click()
    await expect(page.get_by_text(f"{following}年度: 開始 4、開始済み 0。")).to_be_visible()

    # The cycles run in Temporal.
    client = await connect(console_env.settings)
    engine = store.make_engine(console_env.settings.resolved_database_url())
    try:
        with store.session_scope(engine) as session:
            councils = store.council_ids(session, "kushiro")
    finally:
        engine.dispose()
    for council in councils:
        described = await client.get_workflow_handle(
            cycle_workflow_id(council, following)
        ).describe()
        assert described.status == WorkflowExecutionStatus.RUNNING

    # The same POST again starts nothing more.
    again = await page.request.post(f"/board/kushiro/{following}/open", form=sent)
    assert f"{following}年度: 開始 0、開始済み 4。" in await again.text()
    await page.goto(f"/board/kushiro/{following}/open")
    await expect(page.get_by_role("status")).to_contain_text("0 協議会の")
    await expect(page.get_by_role("button", name="協議会のサイクルを開始する")).to_have_count(0)

    # The switcher now lists the new year, and goes there.
    await page.goto(f"/board/kushiro/{this_year}")
    await (
        page.get_by_role("navigation", name="年度")
        .get_by_role("link", name=f"{following}年度")
        .click()
    )
    await page.wait_for_url(f"**/board/kushiro/{following}")
    await expect(page.get_by_role("heading", level=1)).to_contain_text(str(following))
    await check_page(page, "dashboard next year")
    # The report and the summary switch years too, staying on the same page.
    await page.goto(f"/board/kushiro/{following}/report")
    await (
        page.get_by_role("navigation", name="年度")
        .get_by_role("link", name=f"{this_year}年度")
        .click()
    )
    await page.wait_for_url(f"**/board/kushiro/{this_year}/report")
    await page.goto(f"/board/kushiro/{this_year}/summary")
    await (
        page.get_by_role("navigation", name="年度")
        .get_by_role("link", name=f"{following}年度")
        .click()
    )
    await page.wait_for_url(f"**/board/kushiro/{following}/summary")
    await check_page(page, "summary next year")
    await context.close()


async def test_a_call_offers_its_ics_and_the_minutes_print_on_a4(console_env: ConsoleEnv) -> None:
    held_on = datetime.now(JAPAN).date() + timedelta(days=5)
    chair, page = await console_env.sign_in(CHAIR)
    await page.goto(f"{CYCLE}/calls")
    await page.get_by_label("開催日").fill(held_on.isoformat())
    await page.get_by_label("開始時刻（日本時間）").fill("18:30")
    await page.get_by_label("場所").fill("釧路小学校 会議室")
    await page.get_by_label("議題").fill("目指す子ども像について")
    await page.get_by_role("button", name="招集を送る").click()
    link = page.get_by_role("link", name="カレンダーに追加（.ics ファイル）")
    await expect(link).to_be_visible()
    await check_page(page, "call with calendar link")
    response = await page.request.get(str(await link.get_attribute("href")))
    assert response.headers["content-type"].startswith("text/calendar")
    body = await response.body()
    [event] = Calendar.from_ical(body).walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == datetime.combine(held_on, datetime.min.time().replace(hour=18, minute=30),
                                     tzinfo=ZoneInfo("Asia/Tokyo"))  # fmt: skip
    assert start.astimezone(UTC).hour == 9
    assert str(event["summary"]) == "釧路小学校学校運営協議会 会議"
    assert str(event["location"]) == "釧路小学校 会議室"
    (SHOTS / "meeting-call.ics.txt").write_bytes(body)

    # A meeting recorded (as the chair, straight to the cycle): its minutes print on A4.
    client = await connect(console_env.settings)
    today = datetime.now(JAPAN).date()
    await send(client, COUNCIL, YEAR, RecordMeetingInput(
        actor="kushiro-kushiro-chair", held_on=today, attendance=("kushiro-kushiro-chair",),
        minutes_public="地域とともに育つ子ども像を話し合った。", minutes_closed="非公開の記録",
    ))  # fmt: skip
    await page.goto(f"{CYCLE}/minutes")
    await page.get_by_role("link", name="印刷用ページ（A4）").click()
    await page.wait_for_url(f"**{CYCLE}/minutes/print")
    head = page.locator("header.print-head")
    await expect(head).to_contain_text("釧路小学校学校運営協議会")
    await expect(head).to_contain_text(f"{wareki(today)}（日本時間）")
    await expect(head).to_contain_text("会長 長谷川 千尋")
    await expect(page.get_by_text("地域とともに育つ子ども像を話し合った。")).to_be_visible()
    assert "非公開の記録" not in await page.content()
    await check_page(page, "minutes print")
    await page.emulate_media(media="print")
    await expect(page.locator("header.top")).to_be_hidden()
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.screenshot(path=str(SHOTS / "minutes-print-desktop.png"), full_page=True)
    await page.emulate_media(media="screen")

    await page.goto(f"{CYCLE}/policy/print")
    await expect(page.locator("header.print-head")).to_contain_text(wareki(today))
    await expect(page.locator("header.print-head")).to_contain_text("校長 青木 舞")
    await check_page(page, "policy print")
    await chair.close()


async def test_the_public_pages_read_at_360_px(console_env: ConsoleEnv) -> None:
    reader = await console_env.context()
    page = await reader.new_page()
    for path in (f"/public/councils/{COUNCIL}/{YEAR}", f"/public/municipalities/kushiro/{YEAR}"):
        await page.set_viewport_size({"width": 360, "height": 800})
        await page.goto(path)
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path}: {width} px wide"
        await check_page(page, path)
    await reader.close()

"""The council's opinion and the school-evaluation survey through the browser: the chair
drafts an opinion to the board, the council approves it by vote, the board (after its
passkey) sees it counted on its dashboard and answers it, and the council reads the
answer; then, in the evaluate step, the chair opens the survey, an anonymous respondent
answers it on a 360 px phone through its link (once: a second answer from the same
device is refused), the chair lets the comment through, and the results appear beside
each aim on the evaluation form. axe-core finds no serious or critical violation."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.async_api import Locator, Page, expect

from application.cycles import connect, send
from domain.japan_time import japan_date
from domain.model import Step
from domain.scenario import full_year
from tests.console.conftest import COUNCIL, MEMBER_EMAILS, YEAR, ConsoleEnv, serious_violations

CYCLE = f"/councils/{COUNCIL}/{YEAR}"
CHAIR = "kushiro-chair@kushiro.example.jp"
BOARD = "board@kushiro.example.jp"
SHOTS = Path(os.environ["CONSOLE_SCREENSHOTS"]) if os.environ.get("CONSOLE_SCREENSHOTS") else None


async def shoot(page: Page, name: str, part: Locator | None = None) -> None:
    """A screenshot for docs/console/ (of ``part`` only, if given), when asked for
    (``CONSOLE_SCREENSHOTS``)."""
    if SHOTS is None:
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    if part is not None:
        await part.screenshot(path=SHOTS / f"{name}.png")
    else:
        await page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


async def clean(page: Page) -> None:
    """No serious accessibility problem, no refusal shown."""
    await page.wait_for_load_state()
    assert await serious_violations(page) == []
    assert await page.locator(".error").all_inner_texts() == []


async def press(page: Page, button: str) -> None:
    async with page.expect_navigation():
        await page.get_by_role("button", name=button, exact=True).click()
    await clean(page)


async def to_evaluate(env: ConsoleEnv) -> None:
    """Drive the council's year up to evaluate through the application (the year test
    walks these steps in the browser already)."""
    state = await env.state()
    client = await connect(env.settings)
    today = japan_date(await _now())
    year = full_year(state.roster, YEAR, today=today)
    for step in (Step.DISCUSS, Step.APPROVE, Step.PLAN, Step.COORDINATE, Step.ACT):
        for command in year.of(step):
            await send(client, COUNCIL, YEAR, command)
    assert (await env.state()).step is Step.EVALUATE


async def _now() -> datetime:
    return datetime.now(UTC)


async def test_an_opinion_is_approved_sent_and_answered_then_a_survey_is_answered(
    console_env: ConsoleEnv,
) -> None:
    env = console_env
    chair_ctx, chair = await env.sign_in(CHAIR)

    # --- the chair drafts an opinion to the board; the council approves it ------------
    await chair.goto(f"{CYCLE}/opinions")
    await clean(chair)
    await chair.get_by_text("意見申出を起案する（会長）").click()
    await chair.get_by_label("宛先").select_option("board")
    await chair.get_by_label("事項").select_option("school_operation")
    await chair.get_by_label("件名").fill("放課後の学習支援に使える教室について")
    await chair.get_by_label("意見の内容").fill(
        "放課後の学習支援の参加者が増えています。空き教室を1室、週2日開放してください。"
    )
    await press(chair, "起案して採決にかける")
    await expect(chair.get_by_text("採決中")).to_be_visible()
    members = [await env.sign_in(address) for address in list(MEMBER_EMAILS.values())]
    for page in [chair, *(p for _, p in members)]:
        await page.goto(f"{CYCLE}/opinions")
        await page.get_by_label("賛成", exact=True).check()
        await press(page, "投票する")
    # A member may not close the vote: no such button for them.
    await expect(members[0][1].get_by_role("button", name="採決を締め切る")).to_have_count(0)
    await press(chair, "採決を締め切る")
    await expect(chair.get_by_text("回答待ち", exact=True)).to_be_visible()

    # --- the board sees it counted, and answers -----------------------------------------
    board_ctx, board = await env.sign_in(BOARD)
    await env.confirm_with_passkey(board_ctx, board, BOARD)
    await board.goto(f"/board/kushiro/{YEAR}")
    await expect(board.get_by_text("意見申出の回答待ち: 1件")).to_be_visible()
    await board.get_by_role(
        "link", name="放課後の学習支援に使える教室について", exact=False
    ).click()
    await board.wait_for_url(f"**{CYCLE}/opinions")
    await clean(board)
    answer = "来年度4月から、図書室横の教室を火曜・木曜に開放します。"
    await board.get_by_role("textbox", name="回答").fill(answer)
    await board.get_by_label("送信すると取り消せないことを確認しました").check()
    await press(board, "回答を送る")
    await board.goto(f"/board/kushiro/{YEAR}")
    await expect(board.get_by_text("意見申出の回答待ち: 0件")).to_be_visible()

    # --- the council reads the answer; the public page shows it too ---------------------
    await chair.goto(f"{CYCLE}/opinions")
    await expect(chair.get_by_text("図書室横の教室を火曜・木曜に開放します")).to_be_visible()
    await expect(chair.get_by_text("回答済み")).to_be_visible()
    # Its dates in words, as every page writes them (the ``day`` filter), not YYYY-MM-DD.
    card = chair.locator("article.card").filter(has_text="放課後の学習支援に使える教室について")
    await expect(card).to_contain_text(re.compile(r"送付日 \d{1,2}月\d{1,2}日（.）"))
    answered = re.compile(r"^回答（\d{1,2}月\d{1,2}日（.））$")
    await expect(card.get_by_role("heading", name=answered)).to_be_visible()
    await expect(card).not_to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))
    await chair.set_viewport_size({"width": 1280, "height": 900})
    await shoot(chair, "opinion-answered-desktop")
    public = await (await env.context()).new_page()
    await public.goto(f"/public/councils/{COUNCIL}/{YEAR}")
    await expect(public.get_by_text("図書室横の教室を火曜・木曜に開放します")).to_be_visible()

    # --- evaluate: the chair opens the survey ---------------------------------------------
    await to_evaluate(env)
    await chair.goto(f"{CYCLE}/survey")
    await clean(chair)
    closes_on = japan_date(await _now()) + timedelta(days=14)
    await chair.get_by_label("締切日（この日まで回答できます）").fill(closes_on.isoformat())
    await chair.get_by_label("独自設問 1").fill("学校は地域に開かれていると思う")
    await press(chair, "アンケートを開始する")
    link = await chair.locator("a[href*='/survey/']").first.get_attribute("href")
    assert link is not None
    assert await chair.locator(".qr svg").count() == 1
    await chair.goto(f"{CYCLE}/survey/sheet")
    await clean(chair)
    await expect(chair.locator(".qr svg")).to_have_count(1)

    # --- an anonymous respondent answers on a phone, once --------------------------------
    phone_ctx = await env.browser.new_context(
        base_url=env.base_url, locale="ja-JP", viewport={"width": 360, "height": 800},
        is_mobile=True, has_touch=True,
    )  # fmt: skip
    phone = await phone_ctx.new_page()
    await phone.goto(link)
    await clean(phone)
    width = await phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    for question, choice in (("本に親しむ", "そう思う"), ("安全な登下校", "ややそう思う"),
                             ("学校は地域に開かれていると思う", "そう思う")):  # fmt: skip
        group = phone.get_by_role("group", name=question, exact=False)
        await group.get_by_label(choice, exact=True).check()
    await phone.get_by_label("ご意見・ご感想（任意）").fill("見守りの方にいつも感謝しています。")
    await shoot(phone, "survey-phone")
    await press(phone, "回答を送る")
    await expect(phone.get_by_text("ご回答ありがとうございました。")).to_be_visible()
    # The same device again: refused in one line, nothing counted twice.
    await phone.goto(link)
    await (
        phone.get_by_role("group", name="挨拶", exact=False)
        .get_by_label("そう思わない", exact=True)
        .check()
    )
    async with phone.expect_navigation():
        await phone.get_by_role("button", name="回答を送る").click()
    await expect(phone.get_by_text("この端末からはすでに回答済みです")).to_be_visible()

    # --- the chair lets the comment through; the results sit beside each aim -----------
    await chair.goto(f"{CYCLE}/survey")
    await expect(chair.get_by_text("結果（回答 1件）")).to_be_visible()
    await press(chair, "表示する")
    await chair.goto(CYCLE)
    await clean(chair)
    card = chair.locator(".card", has_text="本に親しむ").filter(has=chair.locator(".survey-result"))
    await expect(card.locator(".survey-result caption")).to_contain_text("回答 1件")
    await expect(card.locator(".survey-result td").first).to_have_text("1")
    await chair.get_by_text("自由記述のコメント").click()
    await expect(chair.get_by_text("見守りの方にいつも感謝しています。")).to_be_visible()
    await chair.set_viewport_size({"width": 1280, "height": 900})
    evaluations = chair.locator("section[aria-labelledby=evaluations]")
    await shoot(chair, "survey-results-desktop", evaluations)

    for context in (chair_ctx, board_ctx, phone_ctx, *(c for c, _ in members)):
        await context.close()

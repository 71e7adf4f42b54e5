"""One council's whole year through the browser, by four kinds of people each in their own
browser context (principal, members, chair, coordinator), signed in by the real e-mail
link, and then the board. Along the way: nobody sees a button that is not theirs, a
forged POST is refused with nothing changed, another council's URL answers 404, axe-core
finds no serious or critical violation on any page visited, and no page shows an
internal code (an id, a run id, UTC) outside the folded details for IT staff. What
cannot be undone goes through a confirmation page and ends with its outcome in words;
after the year closed, the chair publishes the minutes and the public page shows them.

The steps depend on each other, so the year is one test; the checks of scope and of
refusals happen at the points of the year where they mean something.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.async_api import Page, ViewportSize, expect

from domain.model import PolicyStatus, Step
from tests.console.conftest import (
    COUNCIL,
    MEMBER_EMAILS,
    OTHER_COUNCIL,
    YEAR,
    ConsoleEnv,
    serious_violations,
)

CYCLE = f"/councils/{COUNCIL}/{YEAR}"
CHAIR = "kushiro-chair@kushiro.example.jp"
PRINCIPAL = "kushiro-principal@kushiro.example.jp"
COORDINATOR = "kushiro-coord-1@kushiro.example.jp"  # also a voting member
COORDINATOR_ID = "kushiro-kushiro-coord-1"
MEMBERS = list(MEMBER_EMAILS.values())
BOARD = "board@kushiro.example.jp"
#: What a person must never read: council and person ids, generated activity and aim ids,
#: version codes, UTC, run ids and other long hex or uuids (IT's folded details aside).
INTERNAL = re.compile(
    r"kushiro-|act-\d+(-aim-\d+)?|:v\d|\bUTC\b|\b[0-9a-f]{8,}\b|"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)
#: The page's text as a person reads it, without the details folded away for IT staff.
READ_TEXT = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll("details.it, script, style").forEach((e) => e.remove());
  return body.textContent;
}"""
SHOTS = Path(os.environ["CONSOLE_SCREENSHOTS"]) if os.environ.get("CONSOLE_SCREENSHOTS") else None


async def internal_codes(page: Page) -> list[str]:
    """Internal codes a person would read on the page (none is the only right answer)."""
    content: str = await page.evaluate(READ_TEXT)
    return sorted({m.group(0) for m in INTERNAL.finditer(content)})


class Audit:
    """Runs axe-core on every page the test looks at, looks for internal codes a person
    would read on it, and collects what it finds."""

    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}
        self.pages = 0
        #: The server's time for each page looked at (its Server-Timing), in ms.
        self.server_ms: dict[str, float] = {}

    async def check(self, page: Page) -> None:
        await page.wait_for_load_state()
        self.pages += 1
        spent = await page.evaluate(
            "() => (performance.getEntriesByType('navigation')[0]?.serverTiming ?? [])"
            ".filter(t => t.name === 'app').map(t => t.duration)[0] ?? null"
        )
        if spent is not None:
            path = page.url.split("?")[0].split("#")[0]
            self.server_ms[path] = max(self.server_ms.get(path, 0.0), float(spent))
        problems = await serious_violations(page)
        problems += [f"internal code shown: {c}" for c in await internal_codes(page)]
        # Readable at 360 px (and so at 200 % zoom on a 720 px window): no sideways scroll.
        await page.set_viewport_size({"width": 360, "height": 800})
        width = await page.evaluate("document.documentElement.scrollWidth")
        await page.set_viewport_size({"width": 1280, "height": 720})
        if width > 360:
            problems.append(f"{width} px wide at 360 px")
        if problems:
            self.found[page.url] = problems


async def shoot(page: Page, name: str) -> None:
    """Screenshots for docs/console/ (phone 360 px and desktop), when asked for."""
    if SHOTS is None:
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    sizes: tuple[tuple[str, ViewportSize], ...] = (
        ("phone", {"width": 360, "height": 800}),
        ("desktop", {"width": 1280, "height": 900}),
    )
    for label, size in sizes:
        await page.set_viewport_size(size)
        await page.screenshot(path=SHOTS / f"{name}-{label}.png", full_page=True)
    await page.set_viewport_size({"width": 1280, "height": 720})


async def shoot_one(page: Page, name: str, size: ViewportSize) -> None:
    """One screenshot for docs/console/ at ``size``, when asked for."""
    if SHOTS is None:
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.set_viewport_size(size)
    await page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    await page.set_viewport_size({"width": 1280, "height": 720})


async def confirm(page: Page, button: str, yes: str, audit: Audit, shot: str = "") -> None:
    """Press a button that cannot be undone: its confirmation page comes first, states
    the consequence, and only its own button does it."""
    await submit(page, button, audit)
    await expect(page.get_by_role("heading", level=1)).to_contain_text("確認してください")
    await expect(page.get_by_text("この操作は取り消せません。")).to_be_visible()
    await expect(page.get_by_role("link", name="やめて戻る")).to_be_visible()
    if shot:
        await shoot_one(page, shot, {"width": 360, "height": 800})
    await submit(page, yes, audit)


async def submit(page: Page, button: str, audit: Audit) -> None:
    """Press a form's button and wait for the page it leads to."""
    async with page.expect_navigation():
        await page.get_by_role("button", name=button, exact=True).click()
    await audit.check(page)
    errors = await page.locator(".error").all_inner_texts()
    assert errors == [], errors


async def test_a_year_in_the_browser(console_env: ConsoleEnv) -> None:
    env = console_env
    audit = Audit()

    chair_ctx, chair = await env.sign_in(CHAIR)
    await audit.check(chair)
    principal_ctx, principal = await env.sign_in(PRINCIPAL)
    coord_ctx, coord = await env.sign_in(COORDINATOR)
    members = [await env.sign_in(address) for address in MEMBERS]
    member_page = members[0][1]
    await audit.check(member_page)

    # --- discuss: the chair records a meeting with the vision and closes the step -----
    await chair.goto(CYCLE)
    await audit.check(chair)
    await principal.goto(CYCLE)
    await expect(principal.locator("form[action$='/record_meeting']")).to_have_count(1)
    await expect(principal.get_by_role("button", name="話し合いを終える")).to_have_count(0)
    await chair.get_by_text("会議を記録する").first.click()
    await chair.get_by_label("開催日").fill(f"{YEAR}-04-20")
    for name in ("長谷川 千尋（会長）", "村上 勇（委員）", "青木 舞（校長）"):
        await chair.get_by_label(name, exact=True).check()
    await chair.get_by_label("会議録（公開）").fill("第1回学校運営協議会")
    await chair.get_by_label("会議録（非公開）").fill("個別の児童に関する協議")
    await chair.get_by_label("目指す子ども像（案）").fill("ふるさと釧路を愛し、人とつながる子ども")
    await submit(chair, "会議を記録する", audit)
    await expect(chair.get_by_text("個別の児童に関する協議")).to_be_visible()
    await expect(chair.get_by_role("status")).to_have_text("第1回の会議を記録しました。")
    await submit(chair, "話し合いを終える", audit)
    # The confirmation page states the consequence; nothing has happened yet.
    await expect(chair.get_by_text("次のステップ「承認」に進みます")).to_be_visible()
    await expect(chair.get_by_text("ふるさと釧路を愛し、人とつながる子ども")).to_be_visible()
    assert (await env.state()).step is Step.DISCUSS
    await submit(chair, "はい、話し合いを終えます", audit)
    await expect(chair.get_by_role("status")).to_have_text(
        "話し合いを終えました。次は基本方針の作成です（校長が提出します）。"
    )
    assert (await env.state()).step is Step.APPROVE

    # --- another council's URL is a 404 for a member of this one ----------------------
    answer = await member_page.goto(f"/councils/{OTHER_COUNCIL}/{YEAR}")
    assert answer is not None and answer.status == 404
    await expect(member_page.get_by_text("ページが見つかりません")).to_be_visible()
    await audit.check(member_page)

    # --- approve: the principal submits; members vote; a forged close is refused -------
    await principal.goto(CYCLE)
    await expect(principal.get_by_role("button", name="基本方針を提出する")).to_be_visible()
    await expect(chair.get_by_role("button", name="基本方針を提出する")).to_have_count(0)
    await principal.get_by_label("基本方針の本文").fill(
        "基本方針（案）: 地域と協働し、人とつながる力を育てる"
    )
    await submit(principal, "基本方針を提出する", audit)

    await member_page.goto("/me")
    await expect(member_page.get_by_text("基本方針 第1版に投票する", exact=True)).to_be_visible()
    await audit.check(member_page)
    await shoot(member_page, "my-page")
    # Reading a notice marks it read: it leaves the unread list.
    notice = member_page.get_by_role("link", name="基本方針（第1版）への投票をお願いします")
    async with member_page.expect_navigation():
        await notice.click()
    await audit.check(member_page)
    await member_page.goto("/me")
    await expect(notice).to_have_count(0)
    voters = [(chair, "approve"), (coord, "approve")] + [(p, "approve") for _, p in members]
    for page, ballot in voters:
        await page.goto(f"{CYCLE}/vote")
        await page.get_by_label("賛成" if ballot == "approve" else "反対", exact=True).check()
        await submit(page, "投票する", audit)
    # A vote may be changed until the vote closes.
    await member_page.get_by_label("反対", exact=True).check()
    await submit(member_page, "投票する", audit)
    await expect(member_page.get_by_text("あなたの投票: 反対")).to_be_visible()
    await shoot(member_page, "vote")
    # Who voted is shown, not how.
    await expect(chair.get_by_text("長谷川 千尋（会長）: 投票済み")).to_be_visible()
    await expect(member_page.get_by_role("button", name="採決を締め切る")).to_have_count(0)

    before = await env.state()
    csrf = await member_page.locator("input[name=csrf]").first.input_value()
    forged = await member_page.request.post(
        f"{CYCLE}/close_vote", form={"csrf": csrf, "actor": "kushiro-kushiro-chair"}
    )
    assert forged.status == 409
    assert "権限がありません" in await forged.text()
    no_token = await member_page.request.post(f"{CYCLE}/close_vote", form={"actor": "x"})
    assert no_token.status == 403
    after = await env.state()
    assert after.accepted_commands == before.accepted_commands
    assert after.current_policy is not None and after.current_policy.status is PolicyStatus.VOTING

    await chair.goto(f"{CYCLE}/vote")
    await audit.check(chair)
    await submit(chair, "採決を締め切る", audit)
    # The votes now and what closing would decide, before anything is decided.
    tally_now = re.compile(r"いまの投票: 賛成4・反対1（投票5人／委員\d+人）")
    await expect(chair.get_by_text(tally_now)).to_be_visible()
    await expect(chair.get_by_text("このまま締め切ると、承認されます。")).to_be_visible()
    await shoot_one(chair, "confirm-close-vote-phone", {"width": 360, "height": 800})
    assert (await env.state()).step is Step.APPROVE
    await submit(chair, "はい、採決を締め切ります", audit)
    await expect(chair.get_by_role("status")).to_have_text(
        "承認されました（賛成4・反対1）。次は計画の作成です。"
    )
    assert (await env.state()).step is Step.PLAN

    # --- plan: the coordinator fills in the plan form --------------------------------
    await chair.goto(CYCLE)
    await expect(chair.get_by_role("link", name="計画の入力ページへ")).to_have_count(0)
    await coord.goto(CYCLE)
    await coord.get_by_role("link", name="計画の入力ページへ").click()
    await coord.wait_for_load_state()
    await audit.check(coord)
    plan = {
        "a1_title": "読み聞かせ",
        "a1_planned_on": f"{YEAR}-12-10",
        "a1_aim1": "読書の習慣をつける",
        "a1_aim2": "図書館に親しむ",
        "a1_party1": "読み聞かせの会",
        "a1_duty1": "朗読",
        "a1_task1": "読み手の募集",
        "a1_task2": "図書の準備",
        "a2_title": "登下校の見守り",
        "a2_planned_on": f"{YEAR}-12-15",
        "a2_aim1": "安全に登下校する",
        "a2_task1": "見守り当番表の作成",
    }
    # The form starts with one activity; 「活動の欄を増やす」 adds one, keeping what was typed.
    for field, value in plan.items():
        if field.startswith("a2_") and await coord.locator("#a2_title").count() == 0:
            async with coord.expect_navigation():
                await coord.get_by_role("button", name="活動の欄を増やす").click()
        await coord.locator(f"#{field}").fill(value)
    for select in ("a1_task1_owner", "a1_task2_owner", "a2_task1_owner"):
        await coord.locator(f"#{select}").select_option(COORDINATOR_ID)
    await shoot(coord, "plan-form")
    await submit(coord, "計画を提出する", audit)
    await expect(coord.get_by_text("計画を提出します（活動2件・タスク3件）")).to_be_visible()
    await expect(coord.get_by_text("読み聞かせ（12月10日（木））")).to_be_visible()
    # Back to the form keeps what was typed; then on, and submitted for real.
    await submit(coord, "入力に戻る", audit)
    assert await coord.locator("#a1_aim2").input_value() == "図書館に親しむ"
    await confirm(coord, "計画を提出する", "はい、計画を提出します", audit)
    await expect(coord.get_by_role("status")).to_have_text(
        "計画を提出しました（活動2件・タスク3件）。次は連絡調整です。"
    )
    state = await env.state()
    assert state.step is Step.COORDINATE and len(state.tasks) == 3

    # --- coordinate: claim and complete two tasks, waive the third ----------------------
    await chair.goto(CYCLE)
    await expect(chair.locator("section[aria-labelledby='tasks'] .card")).to_have_count(3)
    for name in ("引き受ける", "完了にする", "担当を変える", "不要にする"):
        await expect(
            chair.locator("section[aria-labelledby='tasks']").get_by_role("button", name=name)
        ).to_have_count(0)
    # The coordinator's page lists the tasks they own, and the step to act on.
    await coord.goto("/me")
    await expect(coord.get_by_text("「読み手の募集」を済ませる", exact=True)).to_be_visible()
    awaiting = coord.locator("section[aria-labelledby='awaiting'] li")
    await expect(awaiting.filter(has_text="読み手の募集")).to_be_visible()
    await expect(coord.get_by_text("「連絡調整」を進める", exact=True)).to_be_visible()
    await audit.check(coord)
    *done, waived = state.tasks
    for task in done:
        await coord.goto(CYCLE)
        card = coord.locator(f"#task-{task.task_id}")
        async with coord.expect_navigation():
            await card.get_by_role("button", name="引き受ける").click()
        card = coord.locator(f"#task-{task.task_id}")
        await card.get_by_label("結果").fill("手配済み")
        async with coord.expect_navigation():
            await card.get_by_role("button", name="完了にする").click()
        await expect(coord.locator(".error")).to_have_count(0)
    card = coord.locator(f"#task-{waived.task_id}")
    await card.locator("summary").click()
    await card.get_by_label("理由").fill("学校の当番表で足りるため")
    async with coord.expect_navigation():
        await card.get_by_role("button", name="不要にする").click()
    await expect(coord.get_by_text("学校の当番表で足りるため")).to_be_visible()
    await audit.check(coord)
    assert (await env.state()).step is Step.ACT

    # --- act: one activity held with a registered volunteer, one cancelled ------------
    await coord.goto(CYCLE)
    await coord.locator("#ra-activity").select_option(label="読み聞かせ")
    await coord.locator("#ra-held").fill(f"{YEAR}-11-20")
    await coord.locator("#ra-children").fill("24")
    await coord.get_by_label("読み聞かせの会", exact=False).check()
    await submit(coord, "活動の実施を記録する", audit)
    await coord.locator("summary", has_text="活動の中止を記録する").click()
    await coord.locator("#ca-reason").select_option("weather")
    await submit(coord, "活動の中止を記録する", audit)
    assert (await env.state()).step is Step.EVALUATE

    # --- evaluate: the chair rates every aim and closes the year -----------------------
    await chair.goto(CYCLE)
    ratings = ["達成", "一部達成", "未達成"]
    form = chair.locator("form[action$='/evaluate_aims']")
    for n in range(3):
        await form.locator("fieldset").nth(n).get_by_label(ratings[n], exact=True).check()
    await submit(chair, "評価を記録する", audit)
    await expect(member_page.get_by_role("button", name="評価を記録する")).to_have_count(0)
    await shoot(chair, "cycle")
    await confirm(chair, "評価を締めくくり、年度を終える", "はい、年度を終えます", audit)
    await expect(chair.get_by_role("status")).to_have_text(
        f"{YEAR}年度を終えました。評価は来年度の話し合いに引き継がれます。"
    )
    final = await env.state()
    assert final.step is Step.CLOSED and len(final.evaluations) == 3
    await expect(chair.get_by_text("このサイクルは終了しました。")).to_be_visible()

    await member_page.goto("/me")
    await audit.check(member_page)

    # --- after the year: the board sees the minutes still unpublished ----------------
    board_ctx, board = await env.sign_in(BOARD)
    await env.confirm_with_passkey(board_ctx, board, BOARD)
    council_page = f"/board/kushiro/{YEAR}/councils/{COUNCIL}"
    await board.goto(council_page)
    await audit.check(board)
    await expect(board.get_by_text("会議録が1件、まだ公開されていません")).to_be_visible()

    # --- the chair publishes the closed year's minutes; the public page shows them ------
    await member_page.goto(f"{CYCLE}/minutes")
    await audit.check(member_page)
    await expect(member_page.get_by_role("button", name="この会議録を公開する")).to_have_count(0)
    await chair.goto(f"{CYCLE}/minutes")
    await audit.check(chair)
    after_close = chair.get_by_text("会議録の公開と訂正は、年度の後も会長が行えます")
    await expect(after_close).to_be_visible()
    await confirm(chair, "この会議録を公開する", "はい、公開します", audit)
    await expect(chair.get_by_role("status")).to_contain_text("第1回の会議録を公開しました。")
    await expect(chair.get_by_role("button", name="この会議録を公開する")).to_have_count(0)
    async with chair.expect_navigation():
        await chair.get_by_role("link", name="公開ページで見る").click()
    await audit.check(chair)
    await expect(chair.get_by_text("第1回学校運営協議会")).to_be_visible()
    await expect(chair.get_by_text("個別の児童に関する協議")).to_have_count(0)

    # --- the board's history reads as sentences, the raw events folded for IT ---------
    await board.reload()
    await audit.check(board)
    await expect(board.get_by_text("未公開の会議録はありません。")).to_be_visible()
    history = board.locator("section[aria-labelledby='history']")
    for sentence in (
        "長谷川 千尋さんが話し合いを終えました",
        "青木 舞さんが基本方針 第1版を提出しました",
        "山田 健一さんが基本方針 第1版に賛成しました",
        "長谷川 千尋さんが採決を締め切りました。基本方針 第1版は承認されました",
        "山田 健一さんがタスク「読み手の募集」を引き受けました",
        "長谷川 千尋さんがねらい「読書の習慣をつける」を「達成」と評価しました",
        "長谷川 千尋さんが第1回の会議録を公開しました（年度終了後）",
    ):
        await expect(history.get_by_text(sentence)).to_have_count(1)
    await expect(history.locator("details.it").first).not_to_have_attribute("open", "")
    await shoot_one(board, "history-sentences-desktop", {"width": 1280, "height": 900})
    for path in (f"/board/kushiro/{YEAR}", f"/board/kushiro/{YEAR}/report"):
        await board.goto(path)
        await audit.check(board)

    assert audit.pages > 30
    assert audit.found == {}
    # Every page's server time was logged; the slowest is reported with the test's output.
    assert len(audit.server_ms) > 10
    slowest = sorted(audit.server_ms.items(), key=lambda item: -item[1])[:3]
    print("slowest pages (server ms):", ", ".join(f"{p} {ms:.0f}" for p, ms in slowest))
    for context in (chair_ctx, principal_ctx, coord_ctx, board_ctx, *(c for c, _ in members)):
        await context.close()

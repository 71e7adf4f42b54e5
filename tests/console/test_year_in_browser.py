"""One council's whole year through the browser, by four kinds of people each in their own
browser context (principal, members, chair, coordinator), signed in by the real e-mail
link. Along the way: nobody sees a button that is not theirs, a forged POST is refused
with nothing changed, another council's URL answers 404, and axe-core finds no serious
or critical violation on any page visited.

The steps depend on each other, so the year is one test; the checks of scope and of
refusals happen at the points of the year where they mean something.
"""

from __future__ import annotations

import os
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
SHOTS = Path(os.environ["CONSOLE_SCREENSHOTS"]) if os.environ.get("CONSOLE_SCREENSHOTS") else None


class Audit:
    """Runs axe-core on every page the test looks at and collects what it finds."""

    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}

    async def check(self, page: Page) -> None:
        await page.wait_for_load_state()
        problems = await serious_violations(page)
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
    for name in ("長谷川 千尋", "村上 勇", "青木 舞"):
        await chair.get_by_label(name, exact=True).check()
    await chair.get_by_label("会議録（公開）").fill("第1回学校運営協議会")
    await chair.get_by_label("会議録（非公開）").fill("個別の児童に関する協議")
    await chair.get_by_label("目指す子ども像（案）").fill("ふるさと釧路を愛し、人とつながる子ども")
    await submit(chair, "会議を記録する", audit)
    await expect(chair.get_by_text("個別の児童に関する協議")).to_be_visible()
    await submit(chair, "話し合いを終える", audit)
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
    await expect(member_page.get_by_text("投票をお願いします", exact=True)).to_be_visible()
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
    await expect(chair.get_by_text("長谷川 千尋: 投票済み")).to_be_visible()
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
    await expect(coord.get_by_text("担当のタスク", exact=True)).to_be_visible()
    awaiting = coord.locator("section[aria-labelledby='awaiting'] li")
    await expect(awaiting.filter(has_text="読み手の募集")).to_be_visible()
    await expect(coord.get_by_text("対応するステップ", exact=True)).to_be_visible()
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
    await submit(chair, "評価を締めくくり、年度を終える", audit)
    final = await env.state()
    assert final.step is Step.CLOSED and len(final.evaluations) == 3
    await expect(chair.get_by_text("このサイクルは終了しました。")).to_be_visible()

    await member_page.goto("/me")
    await audit.check(member_page)
    assert audit.found == {}
    for context in (chair_ctx, principal_ctx, coord_ctx, *(c for c, _ in members)):
        await context.close()

"""Forms that keep what was typed, in a real browser with JavaScript off (issue 21):

- the plan form grows by a button of its own form, one activity at a time, and loses
  nothing typed; it offers every kind of activity the rules know, and its 担当 / 期限
  fields say which activity and task they belong to;
- a plan saved as a draft opens again as it was left;
- an activity record the rules refuse comes back with every value kept and the field at
  fault marked beside it; a volunteer whose registration ended is named, not offered;
- the meeting recorded from its call records the vision as well;
- tasks name their activity and link to it, on the cycle page and on my page;
- one evaluation form rates every aim, and the page returns to the section it was in.

The cycle is brought to the plan step through the application layer (the browser year is
``test_year_in_browser``); everything this module is about is done in the browser.
"""

from __future__ import annotations

import os
from datetime import date, time
from pathlib import Path

from playwright.async_api import BrowserContext, Page, expect

import store
from application.cycles import connect, send
from application.vocabulary import (
    CallMeetingInput,
    CancelActivityInput,
    CompleteTaskInput,
    Role,
    Step,
    full_year,
)
from application.wording import day
from tests.console.conftest import COUNCIL, YEAR, ConsoleEnv, serious_violations

CYCLE = f"/councils/{COUNCIL}/{YEAR}"
CHAIR = "kushiro-chair@kushiro.example.jp"
COORDINATOR = "kushiro-coord-1@kushiro.example.jp"
COORDINATOR_ID = "kushiro-kushiro-coord-1"
#: Where the screenshots for docs/console/ go, when asked for.
SHOTS = Path(os.environ["CONSOLE_SCREENSHOTS"]) if os.environ.get("CONSOLE_SCREENSHOTS") else None
#: Registered after the day the activity is first (wrongly) dated: the rules refuse it.
LATE = ("vol-kushiro-late", "秋から 登録")
#: Registered 2024-04-01: the registration ended on 2026-04-01.
LAPSED = ("vol-kushiro-lapsed", "期限切れ 花子")

FIRST = {
    "a1_title": "防災キャンプ",
    "a1_planned_on": f"{YEAR}-11-20",
    "a1_aim1": "自分の身を守る力をつける",
    "a1_aim2": "地域の人と顔見知りになる",
    "a1_party1": "自主防災組織",
    "a1_duty1": "炊き出しの指導",
    "a1_task1": "避難所（体育館）の使用申請",
}
SECOND = {
    "a2_title": "職業講話",
    "a2_planned_on": f"{YEAR}-12-15",
    "a2_aim1": "働くことを身近に感じる",
    "a2_task1": "講師の依頼",
}


async def _problems(env: ConsoleEnv, page: Page) -> list[str]:
    """axe's serious/critical findings on ``page`` as it is now, and sideways scrolling at
    360 px. axe needs JavaScript, which the person's page has off: the page's HTML is
    checked in a page of its own with JavaScript on, at the same address."""
    html = await page.content()
    context = await env.context(javascript=True)
    try:
        copy = await context.new_page()
        address = page.url.split("#")[0]
        await copy.route(address, lambda route: route.fulfill(body=html, content_type="text/html"))
        await copy.goto(address)
        found = await serious_violations(copy)
        await copy.set_viewport_size({"width": 360, "height": 800})
        width = await copy.evaluate("document.documentElement.scrollWidth")
    finally:
        await context.close()
    return found + ([f"{width} px wide at 360 px"] if width > 360 else [])


async def _values(page: Page, fields: dict[str, str]) -> dict[str, str]:
    return {name: await page.locator(f"#{name}").input_value() for name in fields}


def _register_volunteers(env: ConsoleEnv) -> None:
    engine = store.make_engine(env.settings.resolved_database_url())
    try:
        with store.session_scope(engine) as session:
            for (volunteer_id, name), registered in (
                (LATE, date(YEAR, 11, 1)),
                (LAPSED, date(YEAR - 2, 4, 1)),
            ):
                entry = store.VolunteerEntry(
                    id=volunteer_id, name=name, registered_on=registered, consent_to_contact=True
                )
                store.upsert_volunteer(session, "kushiro", entry)
    finally:
        engine.dispose()


async def _vision_with_a_called_meeting(env: ConsoleEnv, coord: Page) -> None:
    """The meeting recorded from its call carries the vision too (no second meeting)."""
    chair_id = (await env.state()).roster.holders_of(Role.CHAIR)[0]
    call = CallMeetingInput(
        actor=chair_id, call_id="call-vision", held_on=date(YEAR, 12, 20),
        starts_at=time(18, 30), place="釧路小学校 会議室", agenda="目指す子ども像",
    )  # fmt: skip
    await send(await connect(env.settings), COUNCIL, YEAR, call)
    await coord.goto(f"{CYCLE}/calls/call-vision")
    await coord.locator("#held_on").fill(f"{YEAR}-04-20")
    for name in ("長谷川 千尋（会長）", "村上 勇（委員）", "青木 舞（校長）"):
        await coord.get_by_label(name, exact=True).check()
    await coord.get_by_label("会議録（公開）").fill("目指す子ども像について熟議した。")
    await coord.get_by_label("目指す子ども像（案）").fill("ふるさと釧路で人とつながる子ども")
    async with coord.expect_navigation():
        await coord.get_by_role("button", name="会議を記録する").click()
    assert coord.url.endswith("#meetings"), await coord.locator(".error").all_inner_texts()
    assert (await env.state()).vision == "ふるさと釧路で人とつながる子ども"


async def _to_plan(env: ConsoleEnv) -> None:
    client = await connect(env.settings)
    year = full_year((await env.state()).roster, YEAR, rejected_first=False)
    for step in (Step.DISCUSS, Step.APPROVE):
        for command in year.of(step):
            await send(client, COUNCIL, YEAR, command)
    assert (await env.state()).step is Step.PLAN


async def _plan_form(env: ConsoleEnv, coord: Page) -> None:
    """Two activities typed, the form grown twice without JavaScript, nothing lost."""
    await coord.goto(f"{CYCLE}/plan")
    assert await coord.locator("fieldset[id^=activity-]").count() == 1
    kinds = await coord.locator("#a1_kind option").all_inner_texts()
    for label in ("読み聞かせ", "防災", "キャリア教育", "伝統文化", "その他"):
        assert label in kinds, kinds
    # 担当 and 期限 say which activity and task they are for (a screen reader reads them alone).
    await expect(coord.get_by_label("担当（活動 1・タスク 2）")).to_have_count(1)
    await expect(coord.get_by_label("期限（活動 1・タスク 3）")).to_have_count(1)
    for name, value in FIRST.items():
        await coord.locator(f"#{name}").fill(value)
    await coord.locator("#a1_kind").select_option("disaster_prevention")
    await coord.locator("#a1_task1_owner").select_option(COORDINATOR_ID)
    async with coord.expect_navigation():
        await coord.get_by_role("button", name="活動の欄を増やす").click()
    assert await _values(coord, FIRST) == FIRST
    assert await coord.locator("#a1_kind").input_value() == "disaster_prevention"
    assert await coord.locator("#a1_task1_owner").input_value() == COORDINATOR_ID
    for name, value in SECOND.items():
        await coord.locator(f"#{name}").fill(value)
    await coord.locator("#a2_kind").select_option("career")
    await coord.locator("#a2_task1_owner").select_option(COORDINATOR_ID)
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        await coord.set_viewport_size({"width": 360, "height": 800})
        await coord.screenshot(path=SHOTS / "plan-two-activities-phone.png", full_page=True)
        await coord.set_viewport_size({"width": 1280, "height": 720})
    async with coord.expect_navigation():
        await coord.get_by_role("button", name="活動の欄を増やす").click()
    assert await coord.locator("fieldset[id^=activity-]").count() == 3
    assert await _values(coord, {**FIRST, **SECOND}) == {**FIRST, **SECOND}
    assert await coord.locator("#a2_kind").input_value() == "career"
    assert await _problems(env, coord) == []


async def _draft(coord: Page) -> None:
    """Saved as a draft, left, and found again as it was."""
    async with coord.expect_navigation():
        await coord.get_by_role("button", name="下書きを保存する").click()
    await expect(coord.get_by_text("下書きを保存しました")).to_be_visible()
    await coord.goto(CYCLE)
    await coord.get_by_role("link", name="計画の入力ページへ").click()
    await coord.wait_for_load_state()
    await expect(coord.get_by_text("保存した下書き")).to_be_visible()
    assert await _values(coord, {**FIRST, **SECOND}) == {**FIRST, **SECOND}
    assert await coord.locator("#a1_kind").input_value() == "disaster_prevention"
    assert await coord.locator("#a2_task1_owner").input_value() == COORDINATOR_ID
    # Submitting goes through the confirmation; 「入力に戻る」 keeps everything typed.
    async with coord.expect_navigation():
        await coord.get_by_role("button", name="計画を提出する").click()
    await expect(coord.get_by_text("計画を提出します（活動2件")).to_be_visible()
    async with coord.expect_navigation():
        await coord.get_by_role("button", name="入力に戻る").click()
    assert await _values(coord, {**FIRST, **SECOND}) == {**FIRST, **SECOND}
    assert await coord.locator("#a2_kind").input_value() == "career"
    async with coord.expect_navigation():
        await coord.get_by_role("button", name="計画を提出する").click()
    async with coord.expect_navigation():
        await coord.get_by_role("button", name="はい、計画を提出します").click()
    # The outcome is worded from the kind; ``seq`` is the receipt the store catches up to.
    assert "?done=submit_plan&seq=" in coord.url and coord.url.endswith("#plan"), coord.url
    done = coord.locator("section[aria-labelledby='plan'] [role=status]")
    await expect(done).to_contain_text("計画を提出しました（活動2件")


async def _tasks_name_their_activity(env: ConsoleEnv, coord: Page) -> None:
    state = await env.state()
    assert state.step is Step.COORDINATE
    first = state.tasks[0]
    card = coord.locator(f"#task-{first.task_id}")
    link = card.get_by_role("link", name="防災キャンプ")
    await expect(link).to_have_attribute("href", "#activity-act-1")
    await expect(coord.locator("#activity-act-1")).to_contain_text("防災")
    await coord.goto("/me")
    # My page's next action names the task and its activity, and links to both.
    mine = coord.locator("section[aria-labelledby='awaiting'] li").filter(
        has_text="「避難所（体育館）の使用申請」を済ませる"
    )
    await expect(mine.get_by_role("link", name="タスクを開く")).to_have_attribute(
        "href", f"{CYCLE}#task-{first.task_id}"
    )
    activity = mine.get_by_role("link", name="防災キャンプ", exact=True)
    await expect(activity).to_have_attribute("href", f"{CYCLE}#activity-act-1")
    client = await connect(env.settings)
    for task in state.tasks:
        actor = task.owner or COORDINATOR_ID
        await send(
            client,
            COUNCIL,
            YEAR,
            CompleteTaskInput(actor=actor, task_id=task.task_id, outcome="済"),
        )
    assert (await env.state()).step is Step.ACT


async def _refused_activity(env: ConsoleEnv, coord: Page) -> None:
    """Refused for a volunteer registered after the day given: every value kept, the
    volunteers marked; the lapsed volunteer is named but cannot be ticked."""
    await coord.goto(CYCLE)
    await expect(coord.get_by_label(LAPSED[1])).to_have_count(0)
    lapsed = f"{LAPSED[1]}（{day(date(YEAR, 4, 1))} で登録期限切れ）"
    await expect(coord.get_by_text(lapsed)).to_be_visible()
    await coord.locator("#ra-activity").select_option(label="防災キャンプ")
    await coord.locator("#ra-held").fill(f"{YEAR}-10-01")
    await coord.locator("#ra-children").fill("31")
    await coord.get_by_label(LATE[1]).check()
    await coord.get_by_label("読み聞かせの会").check()
    await coord.locator("#ra-notes").fill("雨天のため体育館で実施")
    async with coord.expect_navigation():
        await coord.get_by_role("button", name="活動の実施を記録する").click()
    assert await coord.locator("#ra-held").input_value() == f"{YEAR}-10-01"
    assert await coord.locator("#ra-children").input_value() == "31"
    assert await coord.locator("#ra-notes").input_value() == "雨天のため体育館で実施"
    assert await coord.get_by_label(LATE[1]).is_checked()
    assert await coord.get_by_label("読み聞かせの会").is_checked()
    assert await coord.locator("#ra-activity").input_value() == "act-1"
    await expect(coord.locator("#err-volunteer_ids")).to_contain_text("登録日")
    await expect(coord.get_by_label(LATE[1])).to_have_attribute("aria-invalid", "true")
    # The meeting form (a field of the same name once) stays shut.
    assert await coord.locator("details#record_meeting").get_attribute("open") is None
    assert await _problems(env, coord) == []
    await coord.locator("#ra-held").fill(f"{YEAR}-11-20")
    async with coord.expect_navigation():
        await coord.get_by_role("button", name="活動の実施を記録する").click()
    assert coord.url.endswith("#records"), coord.url
    record = (await env.state()).activity_records["act-1"]
    assert (record.held_on, record.children) == (date(YEAR, 11, 20), 31)
    client = await connect(env.settings)
    cancel = CancelActivityInput(actor=COORDINATOR_ID, activity_id="act-2", reason="weather")
    await send(client, COUNCIL, YEAR, cancel)
    assert (await env.state()).step is Step.EVALUATE


async def _evaluate(env: ConsoleEnv, chair: Page) -> None:
    """Every aim rated with one form and one press."""
    await chair.goto(CYCLE)
    form = chair.locator("form[action$='/evaluate_aims']")
    await expect(form).to_have_count(1)
    aims = (await env.state()).aims()
    assert len(aims) == 3
    for n, label in enumerate(["達成", "一部達成", "未達成"]):
        await form.locator("fieldset").nth(n).get_by_label(label, exact=True).check()
    await form.get_by_label("コメント（任意）（働くことを身近に感じる）").fill(
        "講師の話に質問が多く出た"
    )
    assert await _problems(env, chair) == []
    async with chair.expect_navigation():
        await form.get_by_role("button", name="評価を記録する").click()
    assert chair.url.endswith("#evaluations"), chair.url
    done = chair.locator("section[aria-labelledby='evaluations'] [role=status]")
    await expect(done).to_have_text("「ねらいの評価」を記録しました。")
    evaluations = (await env.state()).evaluations
    assert sorted(e.rating.value for e in evaluations.values()) == ["met", "not_met", "partly"]
    assert evaluations["act-2-aim-1"].comment == "講師の話に質問が多く出た"


async def test_forms_keep_what_was_typed(console_env: ConsoleEnv) -> None:
    env = console_env
    _register_volunteers(env)
    contexts: list[BrowserContext] = []
    try:
        coord_ctx, coord = await env.sign_in(COORDINATOR, javascript=False)
        chair_ctx, chair = await env.sign_in(CHAIR, javascript=False)
        contexts += [coord_ctx, chair_ctx]
        assert (await env.state()).roster.roles_of(COORDINATOR_ID) & {Role.COORDINATOR}
        await _vision_with_a_called_meeting(env, coord)
        await _to_plan(env)
        await _plan_form(env, coord)
        await _draft(coord)
        await _tasks_name_their_activity(env, coord)
        await _refused_activity(env, coord)
        await _evaluate(env, chair)
    finally:
        for context in contexts:
            await context.close()

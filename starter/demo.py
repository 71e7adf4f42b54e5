"""``starter demo``: one council's whole year, end to end, with the real workflow and store.

Loads ``examples/kushiro.yaml`` if the council is unknown, then walks the six steps
through the running worker (like every command, it needs a Temporal server and a worker,
e.g. ``python -m embedded``): a meeting with the vision, a policy that is rejected, revised
and passed, a vote by a coordinator that the rules refuse, the plan from
``examples/plan-kushiro.yaml``, coordination and activities, the evaluation of every aim,
and the close. It ends by printing the history and next year's
cycle, which opens at discuss with the findings carried over. The commands are the one
full-year scenario (``domain.scenario``) that the tests and the benchmark run too.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path

from temporalio.client import Client

from application import board_reads, cycles, directory, operations, records
from application.audit import AuditAction, record
from application.context import Context
from application.cycles import CommandRefused
from application.principal import Principal
from application.texts import role_name, step_name, text
from application.views import StartOutcome
from application.vocabulary import (
    AimRating,
    Ballot,
    CastVoteInput,
    Command,
    CycleState,
    Lang,
    MissingHolder,
    PlannedActivity,
    Role,
    ScenarioTexts,
    Step,
    calendar_year,
    full_year,
    japan_date,
)
from config import Settings
from starter.cli_auth import principal
from starter.cli_common import CliError, console, run_async, say, settings, year_or_current
from starter.cli_plans import read_plan_file
from starter.cli_render import accepted_line, history_table, state_table

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"
MUNICIPALITY_FILE = EXAMPLES_DIR / "kushiro.yaml"
PLAN_FILE = EXAMPLES_DIR / "plan-kushiro.yaml"

#: How many closed years the demo skips, without ``--year``, before giving up.
MAX_YEARS_AHEAD = 20

_COMMENTS = {
    AimRating.MET: ("ねらいどおりの成果があった", "achieved as intended"),
    AimRating.PARTLY: ("参加者が少ない回があった", "some sessions had few participants"),
    AimRating.NOT_MET: ("担い手が不足し、来年度に持ち越す", "not enough helpers; carried over"),
}


def run_demo(council: str, year: int | None, lang: Lang) -> None:
    """Run the demo for ``council`` (loading the Kushiro example first if needed)."""
    config = settings()
    # The demo speaks for every member of the council: only a token that may act on
    # behalf (a board admin's so flagged, or the launcher's local one) may run it.
    who = principal()
    operations.may_run_demo(Context(principal=who, config=config), council)
    record(config, who.actor, AuditAction.ACT_ON_BEHALF, f"councils/{council}", {"command": "demo"})
    if not records.council_known(config, council):
        # Running the demo is the operator's own choice: the example is loaded as
        # confirmed, and audited like any load.
        plan = directory.plan_load(Context(principal=who, config=config), MUNICIPALITY_FILE)
        applied = directory.apply_load(
            Context(principal=who, config=config), MUNICIPALITY_FILE, plan.changes
        )
        name, summary = applied.name, applied.summary
        say(
            text(
                "loaded",
                lang,
                name=name,
                id=summary.municipality_id,
                **summary.model_dump(exclude={"municipality_id", "changes"}),
            )
        )
        if not records.council_known(config, council):
            raise CliError("not_found", detail=council)
    run_async(_run(config, who, council, year, lang, read_plan_file(PLAN_FILE)))


async def _run(
    config: Settings,
    who: Principal,
    council: str,
    year: int | None,
    lang: Lang,
    plan: tuple[PlannedActivity, ...],
) -> None:
    client = await cycles.connect(config)
    fiscal_year, outcome, state = await _open_cycle(client, config, council, year, lang)
    say(text(outcome.value, lang, council=council, year=fiscal_year))
    moved = tuple(_in_fiscal_year(activity, fiscal_year) for activity in plan)
    await _walk(_Demo(client, council, fiscal_year, lang), config, who, state, moved)


async def _open_cycle(
    client: Client, config: Settings, council: str, year: int | None, lang: Lang
) -> tuple[int, StartOutcome, CycleState]:
    """Start (or pick up) the cycle to walk. Without ``--year``, closed years are skipped
    (each demo closes its year and opens the next), so the demo can be run again."""
    fiscal_year = year_or_current(year)
    for _ in range(MAX_YEARS_AHEAD):
        outcome = await cycles.start_cycle(client, config, council, fiscal_year)
        if outcome is StartOutcome.ALREADY_CLOSED and year is None:
            fiscal_year += 1
            continue
        state = await cycles.state(client, council, fiscal_year)
        # Untouched: at discuss with no meeting (the system's deadline alerts may be there).
        if state.step is Step.DISCUSS and not state.meetings and state.paused is None:
            return fiscal_year, outcome, state
        break
    else:
        state = await cycles.state(client, council, fiscal_year)
    raise CliError(
        "demo_not_fresh", council=council, year=fiscal_year, step=step_name(state.step, lang)
    )


class _Demo:
    """Sends the demo's commands and narrates each one."""

    def __init__(self, client: Client, council: str, year: int, lang: Lang) -> None:
        self.client = client
        self.council = council
        self.year = year
        self.lang = lang

    def t(self, ja: str, en: str) -> str:
        return ja if self.lang == "ja" else en

    def heading(self, ja: str, en: str) -> None:
        say("")
        say(f"== {self.t(ja, en)}")

    async def send(self, command: Command) -> CycleState:
        await cycles.send(self.client, self.council, self.year, command)
        state = await cycles.state(self.client, self.council, self.year)
        say(f"  {command.actor}: {accepted_line(command.kind, state, self.lang)}")
        return state

    async def refused(self, command: Command) -> None:
        """Send a command the rules must refuse, and show the refusal."""
        before = await cycles.state(self.client, self.council, self.year)
        try:
            await cycles.send(self.client, self.council, self.year, command)
        except CommandRefused as refusal:
            after = await cycles.state(self.client, self.council, self.year)
            if after != before:
                raise RuntimeError("a refused command changed the cycle") from refusal
            say(f"  {command.actor}: {self.t('拒否', 'refused')}: {refusal.message(self.lang)}")
            say("  " + self.t("状態は変わっていません", "the state is unchanged"))
            return
        raise RuntimeError(f"{command.kind} by {command.actor} was expected to be refused")


#: The heading of each step of the walk.
_HEADINGS: dict[Step, tuple[str, str]] = {
    Step.DISCUSS: ("1. 話し合い", "1. discuss"),
    Step.APPROVE: ("2. 承認（否決 → 修正 → 再提出 → 可決）", "2. approve (reject → revise → pass)"),
    Step.PLAN: ("3. 計画", "3. plan"),
    Step.COORDINATE: ("4. 連絡調整", "4. coordinate"),
    Step.ACT: ("5. 活動", "5. act"),
    Step.EVALUATE: ("6. 評価", "6. evaluate"),
}


def _texts(demo: _Demo) -> ScenarioTexts:
    """The year's free texts in the demo's language."""
    t = demo.t
    return ScenarioTexts(
        minutes_public=t(
            "第1回学校運営協議会。昨年度のふりかえりと目指す子ども像について熟議した。",
            "First council meeting: last year's findings and the vision were discussed.",
        ),
        minutes_closed="",
        vision="ふるさと釧路を愛し、自ら学び、人とつながる子ども",
        first_policy="学校運営の基本方針（案）: 学力向上を最優先とする",
        rejection="地域との協働が方針に書かれていない",
        revised_policy=(
            "学校運営の基本方針（修正版）: 地域と協働し、学ぶ意欲と人とつながる力を育てる"
        ),
        task_done=t("手配済み", "arranged"),
        waiver=t("学校側で手配済み", "arranged by the school"),
        held_notes=t("予定どおり実施した", "held as planned"),
        cancel_notes=t("デモ: まだ始まっていない年度のため中止", "demo: a year not begun"),
        comments={rating: _COMMENTS[rating][0 if demo.lang == "ja" else 1] for rating in _COMMENTS},
    )


async def _walk(
    demo: _Demo,
    config: Settings,
    who: Principal,
    state: CycleState,
    plan: tuple[PlannedActivity, ...],
) -> None:
    """Send the one full-year scenario (``domain.scenario``) step by step, with a vote the
    rules refuse at approve."""
    council, year, lang = demo.council, demo.year, demo.lang
    roster = state.roster
    today = japan_date(datetime.now(UTC))
    try:
        walk = full_year(roster, year, plan=plan, today=today, texts=_texts(demo))
    except MissingHolder as missing:
        raise CliError("demo_no_holder", council=council, role=missing.role.value) from missing
    voters = roster.voters()
    principal = roster.holders_of(Role.PRINCIPAL)[0]
    outsider = next((c for c in roster.holders_of(Role.COORDINATOR) if c not in voters), principal)

    final = state
    for step, commands in walk.steps:
        demo.heading(*_HEADINGS[step])
        if step is Step.APPROVE:
            roles = "・".join(role_name(r, lang) for r in sorted(roster.roles_of(outsider)))
            say("  " + demo.t(f"議決権のない{roles}（{outsider}）が投票しようとします",
                              f"{outsider} ({roles}), who has no vote, tries to vote"))  # fmt: skip
            await demo.refused(CastVoteInput(actor=outsider, ballot=Ballot.APPROVE))
        for command in commands:
            final = await demo.send(command)

    demo.heading("記録（history）", "history")
    # The workflow records each command before its update returns: the store is complete.
    entries, names = await asyncio.to_thread(
        board_reads.history, Context(principal=who, config=config), council, year, "table"
    )
    if len(entries) != final.accepted_commands:
        raise RuntimeError(
            f"the store holds {len(entries)} of {final.accepted_commands} accepted commands"
        )
    console().print(history_table(entries, names, lang))

    demo.heading(f"{year + 1}年度のサイクル", f"the {year + 1} cycle")
    following = await cycles.wait_for_state(demo.client, council, year + 1)
    console().print(state_table(following, lang))


def _in_fiscal_year(activity: PlannedActivity, year: int) -> PlannedActivity:
    """The example plan's activity moved to the same month and day of ``year``'s fiscal
    year (April to December in ``year``, January to March in the next)."""
    day = activity.planned_on
    # 29 February does not exist in every year; the 28th is close enough for a demo.
    moved = date(
        calendar_year(year, day.month),
        day.month,
        28 if (day.month, day.day) == (2, 29) else day.day,
    )
    return activity.model_copy(update={"planned_on": moved})

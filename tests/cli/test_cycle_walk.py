"""One council taken through its whole year by CLI commands alone, against the real server,
worker and store: six steps, a rejected policy revised and passed, the history, the inbox
and next year's cycle."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Cli, CliResult, cli_environment

COUNCIL = "kushiro-kushiro"
YEAR = 2026
CHAIR = "kushiro-kushiro-chair"
PRINCIPAL = "kushiro-kushiro-principal"
COORDINATOR = "kushiro-kushiro-coord-1"  # a coordinator who is also a voting member
MEMBERS = [f"kushiro-kushiro-member-{i}" for i in range(1, 4)]
PLAN_FILE = "examples/plan-kushiro.yaml"
AIMS = [
    "yomikikase-habit",
    "yomikikase-library",
    "mimamori-safety",
    "mimamori-greeting",
    "kasaodori-heritage",
    "kasaodori-performance",
]
RATINGS = ["met", "partly", "not_met", "met", "partly", "not_met"]
REVISED_POLICY = "学校運営の基本方針（修正版）: 地域と協働し、人とつながる力を育てる"


@dataclass
class Walk:
    """What the walk saw: every ``--json`` state in order, and the notable results."""

    cli: Cli
    states: list[dict[str, Any]] = field(default_factory=list)
    results: dict[str, CliResult] = field(default_factory=dict)

    async def step(self, *args: str) -> dict[str, Any]:
        result = await self.cli.ok(*args, "--council", COUNCIL, "--year", str(YEAR), "--json")
        state: dict[str, Any] = result.json()
        self.states.append(state)
        return state

    async def keep(self, name: str, *args: str) -> CliResult:
        """Run a command for its text output, then record the state it left."""
        result = await self.cli.ok(*args, "--council", COUNCIL, "--year", str(YEAR))
        self.results[name] = result
        await self.step("cycle", "status")
        return result


@pytest.fixture(scope="module")
async def walk(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Walk]:
    tmp = tmp_path_factory.mktemp("walk")
    async with cli_environment(tmp, "walk") as cli:
        yield await _walk_the_year(Walk(cli), tmp)


async def _walk_the_year(walk: Walk, tmp: Path) -> Walk:
    await walk.keep("start", "cycle", "start")
    await walk.keep("start_again", "cycle", "start")
    await walk.step(
        "meeting", "--as", CHAIR, "--date", f"{YEAR}-04-20",
        "--attendance", ",".join([CHAIR, PRINCIPAL, COORDINATOR, *MEMBERS]),
        "--minutes", "第1回学校運営協議会", "--closed-minutes", "個別の児童に関する協議",
        "--vision", "ふるさと釧路を愛し、人とつながる子ども",
    )  # fmt: skip
    await walk.step("discussion", "close", "--as", CHAIR)
    await walk.step("policy", "submit", "--as", PRINCIPAL, "--text", "基本方針（案）: 学力向上")
    await walk.step("vote", "cast", "approve", "--as", CHAIR)
    for member in MEMBERS:
        await walk.step("vote", "cast", "reject", "--as", member, "--comment", "地域の記述がない")
    await walk.keep("rejected", "vote", "close", "--as", CHAIR)
    policy_file = tmp / "policy-v2.txt"
    policy_file.write_text(REVISED_POLICY, encoding="utf-8")
    await walk.step("policy", "submit", "--as", PRINCIPAL, "--file", str(policy_file))
    for voter in [CHAIR, *MEMBERS]:
        await walk.step("vote", "cast", "approve", "--as", voter)
    await walk.keep("passed", "vote", "close", "--as", CHAIR)
    await walk.step("plan", "submit", "--as", COORDINATOR, "--file", PLAN_FILE)
    # Coordinate and act close by themselves: every task done, every activity recorded.
    listed = await walk.cli.ok("task", "list", "--as", COORDINATOR, "--year", str(YEAR), "--json")
    tasks = [t for t in listed.json() if t["council_id"] == COUNCIL]
    for task in tasks:
        await walk.step(
            "task", "complete", task["task_id"], "--as", task["owner_id"], "--outcome", "手配済み"
        )
    for activity, held_on in (
        ("yomikikase", "06-10"),
        ("mimamori", "04-15"),
        ("kasaodori", "09-12"),
    ):
        await walk.step(
            "activity", "record", activity, "--as", COORDINATOR,
            "--date", f"{YEAR}-{held_on}", "--children", "30",
        )  # fmt: skip
    for aim, rating in zip(AIMS, RATINGS, strict=True):
        await walk.step(
            "evaluate", "--as", CHAIR, "--aim", aim, "--rating", rating, "--comment", f"{aim}の評価"
        )
    await walk.step("evaluate", "close", "--as", CHAIR)
    return walk


async def test_a_council_goes_through_all_six_steps(walk: Walk) -> None:
    assert "kushiro-kushiro の2026年度のサイクルを開始しました" in walk.results["start"].stdout
    assert "既に実行中" in walk.results["start_again"].stdout
    seen = list(dict.fromkeys(state["step"] for state in walk.states))
    assert seen == ["discuss", "approve", "plan", "coordinate", "act", "evaluate", "closed"]
    final = walk.states[-1]
    assert final["vision"] == "ふるさと釧路を愛し、人とつながる子ども"
    assert [a["activity_id"] for a in final["plan"]] == ["yomikikase", "mimamori", "kasaodori"]
    # Coordinate was closed by whoever completed its last task; act by the last record.
    assert final["steps_completed_by"]["act"] == COORDINATOR
    assert final["steps_completed_by"]["coordinate"] in {COORDINATOR, "kushiro-kushiro-coord-2"}
    assert {aim: ev["rating"] for aim, ev in final["evaluations"].items()} == dict(
        zip(AIMS, RATINGS, strict=True)
    )
    assert final["closed_at"] is not None


async def test_a_rejected_policy_goes_back_and_passes_after_revision(walk: Walk) -> None:
    assert "第1版の基本方針は否決されました（賛成 1・反対 3／委員 7人）" in (
        walk.results["rejected"].stdout
    )
    after_rejection = next(
        s for s in walk.states if s["policies"][-1:] and s["policies"][-1]["status"] == "rejected"
    )
    assert after_rejection["step"] == "approve"
    assert [p["status"] for p in after_rejection["policies"]] == ["rejected"]
    assert "第2版の基本方針は可決されました" in walk.results["passed"].stdout
    policies = walk.states[-1]["policies"]
    assert [(p["version"], p["status"]) for p in policies] == [(1, "rejected"), (2, "approved")]
    assert policies[1]["text"] == REVISED_POLICY
    assert policies[1]["tally"]["approve"] == 4


async def test_history_lists_every_command_with_step_actor_and_time(walk: Walk) -> None:
    result = await walk.cli.ok("history", "--council", COUNCIL, "--year", str(YEAR), "--json")
    entries = result.json()
    final = walk.states[-1]
    assert [e["seq"] for e in entries] == list(range(1, final["accepted_commands"] + 1))
    steps = {e["step_before"] for e in entries}
    assert steps == {"discuss", "approve", "plan", "coordinate", "act", "evaluate"}
    assert entries[-1]["step_after"] == "closed"
    actors = {e["action"]: e["actor"] for e in entries}
    assert actors["submit_policy"] == PRINCIPAL
    assert actors["submit_plan"] == COORDINATOR
    assert actors["close_cycle"] == CHAIR
    times = [datetime.fromisoformat(e["at"]) for e in entries]
    assert all(t.tzinfo is not None for t in times)
    assert times == sorted(times)
    assert all(set(e) == {"fiscal_year", "seq", "at", "step_before", "step_after", "action",
                          "actor", "changes"} for e in entries)  # fmt: skip

    table = await walk.cli.ok("history", "--council", COUNCIL, "--year", str(YEAR))
    for header in ("年度", "ステップ", "操作", "実行者ID", "氏名", "日時（日本時間）"):
        assert header in table.stdout
    assert "長谷川 千尋" in table.stdout  # the chair's name, from the store
    assert "長谷川" not in result.stdout  # ...but never in the JSON


async def test_next_year_opens_at_discuss_with_the_findings_carried_over(walk: Walk) -> None:
    args = ("cycle", "status", "--council", COUNCIL, "--year", str(YEAR + 1), "--json")
    result = await walk.cli(*args)
    for _ in range(50):  # next year is started by the closing workflow, a moment later
        if result.code == 0:
            break
        await asyncio.sleep(0.2)
        result = await walk.cli(*args)
    assert result.code == 0, result.stderr
    following = result.json()
    assert following["fiscal_year"] == YEAR + 1
    assert following["step"] == "discuss"
    assert following["accepted_commands"] == 0
    carried = following["carried_over"]
    assert {f["aim_id"] for f in carried} == set(AIMS)
    assert [f["rating"] for f in carried] == ["not_met"] * 2 + ["partly"] * 2 + ["met"] * 2
    assert all(f["from_year"] == YEAR for f in carried)


async def test_inbox_lists_notifications_and_marks_one_read(walk: Walk) -> None:
    entries: list[dict[str, Any]] = []
    for _ in range(50):  # notifications are delivered in the background
        entries = (await walk.cli.ok("inbox", "--as", PRINCIPAL, "--json")).json()
        if entries:
            break
        await asyncio.sleep(0.2)
    assert entries, "the principal received no notification"
    assert {e["council_id"] for e in entries} <= {COUNCIL}
    first = entries[0]
    assert first["read_at"] is None
    marked = await walk.cli.ok("inbox", "read", "--as", PRINCIPAL, str(first["id"]))
    assert f"通知 {first['id']} を既読にしました" in marked.stdout
    unread = (await walk.cli.ok("inbox", "--as", PRINCIPAL, "--unread", "--json")).json()
    assert first["id"] not in {e["id"] for e in unread}
    everyone = (await walk.cli.ok("inbox", "--as", PRINCIPAL, "--json")).json()
    assert next(e for e in everyone if e["id"] == first["id"])["read_at"] is not None

    someone_else = await walk.cli("inbox", "read", "--as", CHAIR, str(first["id"]))
    assert someone_else.code == 1
    assert someone_else.stdout == ""
    assert len(someone_else.error_lines()) == 1


async def test_minutes_are_published_and_corrected_after_the_year_closed(walk: Walk) -> None:
    """Publishing minutes is the chair's duty that outlives the year: the closed year's
    meeting is published from the CLI, once per command id, and then corrected; a member
    is refused; the public page's table holds each version."""
    cli, where = walk.cli, ("--council", COUNCIL, "--year", str(YEAR))
    assert walk.states[-1]["step"] == "closed"
    member = await cli("minutes", "publish", "1", *where, "--as", MEMBERS[0])
    assert member.code == 3 and "権限がありません" in member.stderr
    assert "kushiro-kushiro-member-1" not in member.stderr  # named, not numbered

    args = ("minutes", "publish", "1", *where, "--as", CHAIR, "--command-id", "late-pub-1")
    first = await cli.ok(*args, "--json")
    assert first.json() == {
        "council_id": COUNCIL, "fiscal_year": YEAR, "action": "publish_minutes",
        "meeting_number": 1, "version": 1, "after_close": True,
        "public_path": f"/public/councils/{COUNCIL}/{YEAR}",
    }  # fmt: skip
    # The same command again (a retry) answers the same; another one is refused.
    again = await cli.ok(*args)
    assert "第1回の会議録を公開しました" in again.stdout and "年度終了後" in again.stdout
    other = await cli("minutes", "publish", "1", *where, "--as", CHAIR)
    assert other.code == 3 and "すでに公開されています" in other.stderr

    corrected = await cli.ok(
        "minutes", "correct", "1", *where, "--as", CHAIR,
        "--text", "第1回学校運営協議会（訂正）", "--reason", "誤記", "--json",
    )  # fmt: skip
    assert corrected.json()["version"] == 2 and corrected.json()["after_close"] is True
    # The cycle's own history is untouched: it stays the workflow's accepted commands.
    history = await cli.ok("history", *where, "--json")
    assert [e["action"] for e in history.json()][-1] == "close_cycle"

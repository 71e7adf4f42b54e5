"""The task, activity, volunteer and resource commands, run as ``python -m starter`` against
the real server, worker and store (the Kushiro example loaded).

The cycle is brought to the plan step through the Temporal client (the whole walk by CLI
is in ``test_cycle_walk``); from there every step is a CLI command.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from temporalio.client import Client

from contracts.cycle import cycle_workflow_id
from domain.commands import (
    CastVoteInput,
    CloseDiscussionInput,
    CloseVoteInput,
    Command,
    RecordMeetingInput,
    SubmitPolicyInput,
)
from domain.model import Ballot
from tests.cli.conftest import Cli, cli_environment
from tests.encryption import encrypting_converter
from tests.workflows.driver import send

COUNCIL = "kushiro-chuo"
YEAR = 2026
CHAIR = "kushiro-chuo-chair"
COORD_1, COORD_2 = "kushiro-chuo-coord-1", "kushiro-chuo-coord-2"
CHIEF = "kushiro-chief"
VOTERS = [CHAIR, *(f"kushiro-chuo-member-{i}" for i in range(1, 7)), COORD_1, COORD_2]
IN_COUNCIL = ("--council", COUNCIL, "--year", str(YEAR))


@pytest.fixture(scope="module")
async def cli(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cli]:
    async with cli_environment(tmp_path_factory.mktemp("tasks"), "tasks") as cli:
        yield cli


async def _to_coordinate(cli: Cli) -> None:
    await cli.ok("cycle", "start", *IN_COUNCIL)
    client = await Client.connect(
        cli.env["TEMPORAL_ADDRESS"], data_converter=encrypting_converter()
    )
    handle = client.get_workflow_handle(cycle_workflow_id(COUNCIL, YEAR))
    commands: list[Command] = [
        RecordMeetingInput(
            actor=CHAIR,
            held_on=date(YEAR, 4, 20),
            attendance=(CHAIR, COORD_1),
            minutes_public="熟議",
            vision_draft="ふるさとを愛する子ども",
        ),
        CloseDiscussionInput(actor=CHAIR),
        SubmitPolicyInput(actor="kushiro-chuo-principal", text="基本方針"),
        *[CastVoteInput(actor=v, ballot=Ballot.APPROVE) for v in VOTERS],
        CloseVoteInput(actor=CHAIR),
    ]
    for command in commands:
        await send(handle, command)
    await cli.ok(
        "plan", "submit", "--as", COORD_1, "--file", "examples/plan-kushiro.yaml", *IN_COUNCIL
    )


async def test_tasks_are_worked_through_by_cli_and_act_is_recorded(
    cli: Cli, tmp_path: Path
) -> None:
    imported = await cli.ok(
        "volunteer", "import", "examples/volunteers-kushiro.csv", "--municipality", "kushiro"
    )
    assert imported.stdout.startswith("取り込み: 新規 12 件、更新 0 件、変更なし 0 件、エラー 0 件")
    await _to_coordinate(cli)

    mine = (await cli.ok("task", "list", "--as", COORD_1, "--year", str(YEAR), "--json")).json()
    chiefs = (await cli.ok("task", "list", "--as", CHIEF, "--year", str(YEAR), "--json")).json()
    other = (await cli.ok("task", "list", "--as", "kushiro-kyoei-coord-1", "--json")).json()
    assert [t["title"] for t in mine] == ["ボランティアの募集", "保険の手配"] * 3
    assert {t["owner_id"] for t in mine} == {COORD_1, COORD_2}
    assert {t["task_id"] for t in chiefs} >= {t["task_id"] for t in mine}
    assert [t for t in other if t["council_id"] == COUNCIL] == []
    table = await cli.ok("task", "list", "--as", COORD_1, "--year", str(YEAR))
    assert "yomikikase-t1" in table.stdout and "中央小学校学校運営協議会" in table.stdout

    first, second, *rest = mine
    claimed = await cli.ok(
        "task", "claim", first["task_id"], "--as", first["owner_id"], *IN_COUNCIL
    )
    assert "タスクの引き受け" in claimed.stdout
    refused = await cli(
        "task", "reassign", second["task_id"], "--as", COORD_1, "--to", COORD_1, *IN_COUNCIL
    )
    assert refused.code == 3 and refused.stdout == ""
    assert refused.error_lines() == [
        f"{COORD_1} には「タスクの担当変更」の権限がありません"
        "（必要な役割: 教育委員会・統括コーディネーター）"
    ]
    new_owner = COORD_1 if second["owner_id"] == COORD_2 else COORD_2
    await cli.ok(
        "task", "reassign", second["task_id"], "--as", CHIEF, "--to", new_owner, *IN_COUNCIL
    )
    await cli.ok(
        "task",
        "waive",
        rest[0]["task_id"],
        "--as",
        CHIEF,
        "--reason",
        "市で一括加入済み",
        *IN_COUNCIL,
    )
    await cli.ok(
        "task",
        "complete",
        first["task_id"],
        "--as",
        first["owner_id"],
        "--outcome",
        "5名集まった",
        *IN_COUNCIL,
    )
    await cli.ok(
        "task", "complete", second["task_id"], "--as", new_owner, "--outcome", "済", *IN_COUNCIL
    )
    for task in rest[1:]:
        state = (
            await cli.ok(
                "task",
                "complete",
                task["task_id"],
                "--as",
                task["owner_id"],
                "--outcome",
                "済",
                *IN_COUNCIL,
                "--json",
            )
        ).json()
    assert state["step"] == "act"

    # kushiro-v008 registered 2024-04-01: expired by June 2026.
    expired = await cli(
        "activity", "record", "yomikikase", "--as", COORD_1, "--date", f"{YEAR}-06-10",
        "--children", "25", "--volunteers", "kushiro-v001,kushiro-v008", *IN_COUNCIL,
    )  # fmt: skip
    assert expired.code == 3
    assert expired.error_lines() == [
        "ボランティア kushiro-v008 の登録は 2026-04-01 に期限切れです（活動日 2026-06-10）。"
        "登録を更新してから記録してください"
    ]
    renewed = await cli.ok("volunteer", "renew", "kushiro-v008", "--on", f"{YEAR}-05-01")
    assert "有効期限 2028-05-01" in renewed.stdout
    await cli.ok(
        "activity", "record", "yomikikase", "--as", COORD_1, "--date", f"{YEAR}-06-10",
        "--children", "25", "--volunteers", "kushiro-v001,kushiro-v008", *IN_COUNCIL,
    )  # fmt: skip
    await cli.ok(
        "activity", "cancel", "mimamori", "--as", COORD_2, "--reason", "weather", *IN_COUNCIL
    )
    last = ("activity", "record", "kasaodori", "--as", COORD_1, "--date", f"{YEAR}-09-12")
    final = (await cli.ok(*last, "--children", "120", *IN_COUNCIL, "--json")).json()
    assert final["step"] == "evaluate"
    assert final["activity_records"]["yomikikase"]["volunteer_ids"] == [
        "kushiro-v001",
        "kushiro-v008",
    ]
    assert final["activity_records"]["mimamori"]["cancel_reason"] == "weather"


async def test_volunteer_registry_and_resource_list_commands(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    rows = [
        "登録番号,氏名,登録日",
        "kx-1,阿寒 一郎,2025-04-01",
        "kx-2,,2025-04-01",
        "kx-3,阿寒 三郎,昨日",
    ]
    bad.write_bytes("\r\n".join(rows).encode("shift_jis"))
    report = await cli.ok("volunteer", "import", str(bad), "--municipality", "kushiro")
    assert report.stdout.splitlines() == [
        "取り込み: 新規 1 件、更新 0 件、変更なし 0 件、エラー 2 件",
        "行 3: 氏名 が空です",
        "行 4: 登録日 '昨日' は日付ではありません（例: 2024-04-01）",
    ]
    added = await cli.ok(
        "volunteer", "add", "kx-9", "--municipality", "kushiro", "--name", "阿寒湖町内会",
        "--kind", "group", "--fields", "見守り,環境整備", "--registered", "2026-04-01", "--consent",
    )  # fmt: skip
    assert added.stdout.strip() == "ボランティア kx-9 を登録しました（有効期限 2028-04-01）"
    await cli.ok("volunteer", "withdraw", "kx-9", "--on", "2026-10-01")
    listed = (
        await cli.ok(
            "volunteer", "list", "--municipality", "kushiro", "--active-on", "2026-11-01", "--json"
        )
    ).json()
    ids = {v["id"] for v in listed}
    assert "kx-1" in ids and "kx-9" not in ids
    missing = await cli("volunteer", "renew", "nobody")
    assert missing.code == 1 and missing.error_lines() == [
        "ボランティア 'nobody' は登録されていません"
    ]
    assert (
        await cli.ok("resource", "list", "--municipality", "kushiro")
    ).stdout.strip() == "資源リストは空です"
    await cli.ok("load", "examples/asahikawa.yaml", "--yes")
    resources = (await cli.ok("resource", "list", "--municipality", "asahikawa", "--json")).json()
    assert len(resources) == 5 and resources[0]["municipality_id"] == "asahikawa"

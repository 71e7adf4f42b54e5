"""CLI commands of the coordinate and act steps: ``task list|claim|complete|reassign|waive``
and ``activity record|cancel``.

``task list`` reads the store (the tasks projected from every cycle the person may see:
their councils' as a coordinator, every council of the municipality as the chief
coordinator or the board). The other commands are updates of the council's cycle and
follow ``starter.cli_steps``: one confirming line, or the new state with ``--json``; a
refusal is one line on stderr and exit code 3.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

import typer

from domain.commands import (
    CancelActivityInput,
    ClaimTaskInput,
    CompleteTaskInput,
    ReassignTaskInput,
    RecordActivityInput,
    WaiveTaskInput,
)
from domain.refusals import Lang
from domain.tasks import CancelReason, TaskStatus
from i18n.catalogue import Texts
from starter.cli_auth import acting
from starter.cli_common import (
    CommandIdOption,
    CouncilOption,
    JsonOption,
    OnBehalfOption,
    YearOption,
    build,
    console,
    parse_date,
    print_json,
    say,
    session_of,
    settings,
    split_ids,
)
from starter.cli_steps import execute
from starter.render import SafeTable

#: This module's lines: the catalogue's ``"cli.tasks"`` context.
_LINES = Texts("cli.tasks")


def line(key: str, lang: Lang, **params: object) -> str:
    """One of this module's sentences in ``lang``."""
    return _LINES.text(key, lang, **params)


task_app = typer.Typer(help="連絡調整のタスク（ステップ4）", no_args_is_help=True)


@task_app.command("list")
def list_tasks(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option("--year", help="年度（省略時は全年度）")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="未完了のタスクのみ")] = False,
    as_json: JsonOption = False,
    on_behalf: OnBehalfOption = None,
) -> None:
    """見られるタスクを期限順に表示する（コーディネーターは自分の協議会、統括は全協議会）。"""
    actor = acting(on_behalf)
    from application import task_records

    lang = session_of(ctx).lang
    rows, names = task_records.tasks_for(settings(), actor, year, open_only)
    if as_json:
        print_json(rows)
        return
    if not rows:
        say(line("no_tasks", lang, person=actor))
        return
    table = SafeTable(show_header=True)
    for key in ("council", "year", "task", "activity", "title", "owner", "due", "status", "note"):
        table.add_column(line(key, lang), no_wrap=key not in ("title", "note"))
    for row in rows:
        owner = line("unassigned", lang) if row.owner_id is None else row.owner_id
        if row.owner_id in names:
            owner = f"{names[row.owner_id]} ({row.owner_id})"
        status = row.status.value
        if row.status is TaskStatus.OPEN and row.claimed:
            status = "open_claimed"
        table.add_row(
            row.council_name,
            str(row.fiscal_year),
            row.task_id,
            row.activity_title,
            row.title,
            owner,
            row.due_on.isoformat(),
            line(status, lang),
            row.outcome or row.waive_reason or "",
        )
    console().print(table)


TaskArgument = Annotated[str, typer.Argument(help="タスクID（例: yomikikase-t1）")]


@task_app.command("claim")
def claim_task(
    ctx: typer.Context,
    task_id: TaskArgument,
    council: CouncilOption,
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """未割当のタスクを引き受ける、または自分に割り当てられたタスクを引き受け済みにする。"""
    actor = acting(on_behalf)
    execute(
        ctx, council, year, build(ClaimTaskInput, actor=actor, task_id=task_id), as_json, command_id
    )


@task_app.command("complete")
def complete_task(
    ctx: typer.Context,
    task_id: TaskArgument,
    council: CouncilOption,
    outcome: Annotated[str, typer.Option("--outcome", help="結果（例: 公民館を予約済み）")],
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """タスクを完了する（担当者または統括コーディネーター）。最後のタスクで連絡調整が終わる。"""
    actor = acting(on_behalf)
    command = build(CompleteTaskInput, actor=actor, task_id=task_id, outcome=outcome)
    execute(ctx, council, year, command, as_json, command_id)


@task_app.command("reassign")
def reassign_task(
    ctx: typer.Context,
    task_id: TaskArgument,
    council: CouncilOption,
    new_owner: Annotated[str, typer.Option("--to", help="新しい担当コーディネーターのID")],
    reason: Annotated[str, typer.Option("--reason", help="理由")] = "",
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """タスクの担当を変更する（統括コーディネーターまたは教育委員会のみ）。"""
    actor = acting(on_behalf)
    command = build(
        ReassignTaskInput, actor=actor, task_id=task_id, new_owner=new_owner, reason=reason
    )
    execute(ctx, council, year, command, as_json, command_id)


@task_app.command("waive")
def waive_task(
    ctx: typer.Context,
    task_id: TaskArgument,
    council: CouncilOption,
    reason: Annotated[str, typer.Option("--reason", help="不要になった理由")],
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """タスクを不要にする（担当者・統括コーディネーター・教育委員会、理由つき）。"""
    actor = acting(on_behalf)
    command = build(WaiveTaskInput, actor=actor, task_id=task_id, reason=reason)
    execute(ctx, council, year, command, as_json, command_id)


activity_app = typer.Typer(help="活動の記録（ステップ5）", no_args_is_help=True)
ActivityArgument = Annotated[str, typer.Argument(help="計画の活動ID")]


@activity_app.command("record")
def record_activity(
    ctx: typer.Context,
    activity_id: ActivityArgument,
    council: CouncilOption,
    held_on: Annotated[str, typer.Option("--date", help="実施日 YYYY-MM-DD")],
    children: Annotated[int, typer.Option("--children", help="参加した子どもの人数")],
    volunteers: Annotated[
        str, typer.Option("--volunteers", help="参加したボランティアの登録番号（カンマ区切り）")
    ] = "",
    notes: Annotated[str, typer.Option("--notes", help="記録（様子・気づき）")] = "",
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """実施した活動を記録する。登録期限切れのボランティアは記録できない。"""
    actor = acting(on_behalf)
    day: date = parse_date(held_on)
    command = build(
        RecordActivityInput,
        actor=actor,
        activity_id=activity_id,
        held_on=day,
        children=children,
        volunteer_ids=split_ids(volunteers),
        notes=notes,
    )
    execute(ctx, council, year, command, as_json, command_id)


class CancelChoice(StrEnum):
    """Why an activity was cancelled, as typed on the command line."""

    WEATHER = "weather"
    DISASTER = "disaster"
    OTHER = "other"


@activity_app.command("cancel")
def cancel_activity(
    ctx: typer.Context,
    activity_id: ActivityArgument,
    council: CouncilOption,
    reason: Annotated[
        CancelChoice, typer.Option("--reason", help="weather（荒天）/ disaster（災害）/ other")
    ],
    notes: Annotated[str, typer.Option("--notes", help="補足")] = "",
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """活動が中止になったことを理由とともに記録する。"""
    actor = acting(on_behalf)
    command = build(
        CancelActivityInput,
        actor=actor,
        activity_id=activity_id,
        reason=CancelReason(reason.value),
        notes=notes,
    )
    execute(ctx, council, year, command, as_json, command_id)


def register(app: typer.Typer) -> None:
    """Add ``task``, ``activity``, ``volunteer`` and ``resource`` to ``app``."""
    from starter import volunteers_cli

    app.add_typer(task_app, name="task")
    app.add_typer(activity_app, name="activity")
    volunteers_cli.register(app)

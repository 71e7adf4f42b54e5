"""``task list|claim|complete|reassign|waive``: the coordinate step's tasks (step 4).

``task list`` reads the store (the tasks projected from every cycle the person may see);
the other commands are updates of the council's cycle (``starter.cli_send``).
"""

from __future__ import annotations

from typing import Annotated

import typer

from application.vocabulary import (
    ClaimTaskInput,
    CompleteTaskInput,
    Lang,
    ReassignTaskInput,
    TaskStatus,
    WaiveTaskInput,
)
from i18n.catalogue import Texts
from starter.cli_auth import acting, context
from starter.cli_common import (
    CommandIdOption,
    CouncilOption,
    JsonOption,
    OnBehalfOption,
    YearOption,
    build,
    console,
    print_json,
    say,
    session_of,
)
from starter.cli_render import SafeTable
from starter.cli_send import execute

#: This module's lines: the catalogue's ``"cli.tasks"`` context.
_LINES = Texts("cli.tasks")


def line(key: str, lang: Lang, **params: object) -> str:
    """One of this module's sentences in ``lang``."""
    return _LINES.text(key, lang, **params)


app = typer.Typer(help="連絡調整のタスク（ステップ4）", no_args_is_help=True)


@app.command("list")
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
    rows, names = task_records.tasks_for(context(), actor, year, open_only)
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


@app.command("claim")
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


@app.command("complete")
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


@app.command("reassign")
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


@app.command("waive")
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


def register(root: typer.Typer) -> None:
    """Add ``task`` to ``root``."""
    root.add_typer(app, name="task")

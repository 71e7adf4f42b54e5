"""``activity record|cancel``: record a held or cancelled activity (step 5)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

import typer

from application.vocabulary import CancelActivityInput, CancelReason, RecordActivityInput
from starter.cli_auth import acting
from starter.cli_common import (
    CommandIdOption,
    CouncilOption,
    JsonOption,
    OnBehalfOption,
    YearOption,
    build,
    parse_date,
    split_ids,
)
from starter.cli_send import execute

app = typer.Typer(help="活動の記録（ステップ5）", no_args_is_help=True)


ActivityArgument = Annotated[str, typer.Argument(help="計画の活動ID")]


@app.command("record")
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


@app.command("cancel")
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


def register(root: typer.Typer) -> None:
    """Add ``activity`` to ``root``."""
    root.add_typer(app, name="activity")

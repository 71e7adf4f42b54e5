"""``meeting`` and ``meeting postpone``: record a council meeting (date, attendance,
minutes, vision draft); postpone (延期) a called meeting to a later date."""

from __future__ import annotations

from typing import Annotated

import typer

from application.vocabulary import COMMAND_INPUTS, RecordMeetingInput
from starter.cli_auth import acting
from starter.cli_common import (
    CliError,
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

app = typer.Typer(help="会議の記録と延期", invoke_without_command=True)


@app.callback()
def meeting(
    ctx: typer.Context,
    council: Annotated[str | None, typer.Option("--council", help="協議会ID")] = None,
    held_on: Annotated[str | None, typer.Option("--date", help="開催日 YYYY-MM-DD")] = None,
    attendance: Annotated[
        str | None, typer.Option("--attendance", help="出席者ID（カンマ区切り）")
    ] = None,
    minutes: Annotated[str | None, typer.Option("--minutes", help="会議録（公開）")] = None,
    closed_minutes: Annotated[
        str, typer.Option("--closed-minutes", help="会議録（非公開部分）")
    ] = "",
    vision: Annotated[
        str | None, typer.Option("--vision", help="目指す子ども像（話し合いステップのみ）")
    ] = None,
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """会議を記録する（日付・出席者・会議録・目指す子ども像）。
    `meeting postpone` で招集した会議を延期する。"""
    options = (council, held_on, attendance, minutes, vision, year, on_behalf, command_id)
    if ctx.invoked_subcommand is not None:
        if any(v is not None for v in options) or closed_minutes or as_json:
            raise CliError("options_before_subcommand", group="meeting", sub=ctx.invoked_subcommand)
        return
    for option, value in (
        ("--council", council),
        ("--date", held_on),
        ("--attendance", attendance),
        ("--minutes", minutes),
    ):
        if value is None:
            raise CliError("missing_option", option=option)
    assert council is not None and held_on is not None and attendance is not None
    actor = acting(on_behalf)
    command = build(
        RecordMeetingInput,
        actor=actor,
        held_on=parse_date(held_on),
        attendance=split_ids(attendance),
        minutes_public=minutes,
        minutes_closed=closed_minutes,
        vision_draft=vision,
    )
    execute(ctx, council, year, command, as_json, command_id)


@app.command("postpone")
def postpone(
    ctx: typer.Context,
    call_id: Annotated[str, typer.Argument(help="招集ID（招集のページのアドレスの末尾）")],
    council: CouncilOption,
    held_on: Annotated[str, typer.Option("--date", help="新しい開催日 YYYY-MM-DD")],
    starts_at: Annotated[str, typer.Option("--time", help="新しい開始時刻 HH:MM（日本時間）")],
    place: Annotated[str, typer.Option("--place", help="場所")],
    reason: Annotated[str, typer.Option("--reason", help="延期の理由")],
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """招集した会議を、始まる前に後の日時へ延期する（会長、または代わりにコーディネーター）。
    招集した全員に知らせ、出欠の返信はそのまま残る。"""
    actor = acting(on_behalf)
    command = build(
        COMMAND_INPUTS["postpone_meeting"],
        actor=actor,
        call_id=call_id,
        held_on=parse_date(held_on),
        starts_at=starts_at,
        place=place,
        reason=reason,
    )
    execute(ctx, council, year, command, as_json, command_id)


def register(root: typer.Typer) -> None:
    """Add ``meeting`` to ``root``."""
    root.add_typer(app, name="meeting")

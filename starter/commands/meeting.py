"""``meeting``: record a council meeting (date, attendance, minutes, vision draft)."""

from __future__ import annotations

from typing import Annotated

import typer

from application.vocabulary import RecordMeetingInput
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


def meeting(
    ctx: typer.Context,
    council: CouncilOption,
    held_on: Annotated[str, typer.Option("--date", help="開催日 YYYY-MM-DD")],
    attendance: Annotated[str, typer.Option("--attendance", help="出席者ID（カンマ区切り）")],
    minutes: Annotated[str, typer.Option("--minutes", help="会議録（公開）")],
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
    """会議を記録する（日付・出席者・会議録・目指す子ども像）。"""
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


def register(root: typer.Typer) -> None:
    """Add ``meeting`` to ``root``."""
    root.command("meeting")(meeting)

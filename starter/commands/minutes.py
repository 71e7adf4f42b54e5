"""``minutes publish|correct``: publish a meeting's public minutes, or correct published
ones (the chair) — in the year, and after the year closed (the chair's duty outlives
the year's cycle: ``application.minutes``)."""

from __future__ import annotations

from typing import Annotated

import typer

from application import minutes
from application.texts import text
from application.vocabulary import CorrectMinutesInput, PublishMinutesInput
from starter.cli_auth import acting, context
from starter.cli_common import (
    CommandIdOption,
    CouncilOption,
    JsonOption,
    OnBehalfOption,
    YearOption,
    build,
    print_json,
    run_async,
    say,
    session_of,
    year_or_current,
)

app = typer.Typer(help="会議録の公開と訂正（年度の後も）", no_args_is_help=True)

NumberArgument = Annotated[int, typer.Argument(help="会議の回（第何回か）", min=1)]


def _done(ctx: typer.Context, result: minutes.MinutesResult, as_json: bool) -> None:
    if as_json:
        print_json(result)
        return
    lang = session_of(ctx).lang
    key = "minutes_published" if result.action == "publish_minutes" else "minutes_corrected"
    line = text(
        key, lang, number=result.meeting_number, version=result.version,
        council=result.council_id, year=result.fiscal_year,
    )  # fmt: skip
    if result.after_close:
        line += text("minutes_after_close", lang)
    say(line)


@app.command("publish")
def publish(
    ctx: typer.Context,
    number: NumberArgument,
    council: CouncilOption,
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """会議録（公開部分）を公開する。終了した年度でも行える（会長）。"""
    actor = acting(on_behalf)
    command = build(PublishMinutesInput, actor=actor, meeting_number=number)
    fiscal_year = year_or_current(year)
    result = run_async(minutes.give(context(), council, fiscal_year, command, command_id))
    _done(ctx, result, as_json)


@app.command("correct")
def correct(
    ctx: typer.Context,
    number: NumberArgument,
    council: CouncilOption,
    new_text: Annotated[str, typer.Option("--text", help="訂正後の会議録")],
    reason: Annotated[str, typer.Option("--reason", help="訂正の理由")],
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """公開した会議録を訂正する（新しい版を出す）。終了した年度でも行える（会長）。"""
    actor = acting(on_behalf)
    command = build(
        CorrectMinutesInput, actor=actor, meeting_number=number, text=new_text, reason=reason
    )
    fiscal_year = year_or_current(year)
    result = run_async(minutes.give(context(), council, fiscal_year, command, command_id))
    _done(ctx, result, as_json)


def register(root: typer.Typer) -> None:
    """Add ``minutes`` to ``root``."""
    root.add_typer(app, name="minutes")

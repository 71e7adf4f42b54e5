"""CLI commands for the board of education's hand on a cycle: move a step's deadline,
pause the cycle (disaster, school closure) and resume it."""

from __future__ import annotations

from typing import Annotated

import typer

from domain.base import Step
from domain.commands import PauseCycleInput, ResumeCycleInput, SetDeadlineInput
from starter.cli_auth import acting
from starter.cli_common import (
    CommandIdOption,
    CouncilOption,
    JsonOption,
    OnBehalfOption,
    YearOption,
    build,
    parse_date,
)
from starter.cli_steps import execute

deadline_app = typer.Typer(help="ステップの期限（教育委員会）", no_args_is_help=True)


@deadline_app.command("set")
def set_deadline(
    ctx: typer.Context,
    council: CouncilOption,
    step: Annotated[Step, typer.Option("--step", help="期限を変えるステップ")],
    due: Annotated[str, typer.Option("--due", help="新しい期限 YYYY-MM-DD")],
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """ステップの期限を変更する。リマインダーは新しい期限に従う（教育委員会）。"""
    actor = acting(on_behalf)
    command = build(SetDeadlineInput, actor=actor, step=step, due=parse_date(due))
    execute(ctx, council, year, command, as_json, command_id)


def pause(
    ctx: typer.Context,
    council: CouncilOption,
    reason: Annotated[str, typer.Option("--reason", help="一時停止の理由（全員に表示される）")],
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """サイクルを一時停止する。停止中のコマンドは理由とともに拒否される（教育委員会）。"""
    actor = acting(on_behalf)
    execute(
        ctx, council, year, build(PauseCycleInput, actor=actor, reason=reason), as_json, command_id
    )


def resume(
    ctx: typer.Context,
    council: CouncilOption,
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """一時停止したサイクルを再開する。未到来の期限は停止した期間だけ延びる（教育委員会）。"""
    actor = acting(on_behalf)
    execute(ctx, council, year, build(ResumeCycleInput, actor=actor), as_json, command_id)


def register(app: typer.Typer, cycle_app: typer.Typer) -> None:
    """Add ``deadline set`` to ``app`` and ``pause``/``resume`` to ``cycle``."""
    app.add_typer(deadline_app, name="deadline")
    cycle_app.command("pause")(pause)
    cycle_app.command("resume")(resume)

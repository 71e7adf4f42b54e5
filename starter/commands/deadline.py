"""``deadline set``: move a step's deadline (the board of education)."""

from __future__ import annotations

from typing import Annotated

import typer

from application.vocabulary import SetDeadlineInput, Step
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
from starter.cli_send import execute

app = typer.Typer(help="ステップの期限（教育委員会）", no_args_is_help=True)


@app.command("set")
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


def register(root: typer.Typer) -> None:
    """Add ``deadline`` to ``root``."""
    root.add_typer(app, name="deadline")

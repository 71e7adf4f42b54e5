"""``evaluate`` and ``evaluate close``: rate the aims and close the cycle (step 6)."""

from __future__ import annotations

from typing import Annotated

import typer

from application.vocabulary import AimRating, CloseCycleInput, EvaluateAimInput
from starter.cli_auth import acting
from starter.cli_common import (
    CliError,
    CommandIdOption,
    CouncilOption,
    JsonOption,
    OnBehalfOption,
    YearOption,
    build,
)
from starter.cli_send import execute

app = typer.Typer(help="ねらいの評価とサイクルの終了（ステップ6）", invoke_without_command=True)


@app.callback()
def evaluate_aim(
    ctx: typer.Context,
    council: Annotated[str | None, typer.Option("--council", help="協議会ID")] = None,
    on_behalf: OnBehalfOption = None,
    aim: Annotated[str | None, typer.Option("--aim", help="ねらいID")] = None,
    rating: Annotated[
        AimRating | None, typer.Option("--rating", help="met / partly / not_met")
    ] = None,
    comment: Annotated[str, typer.Option("--comment", help="評価のコメント")] = "",
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
) -> None:
    """ねらいを評価する（会長）。`evaluate close` でサイクルを終える。"""
    given = any(v is not None for v in (council, on_behalf, aim, rating, year)) or comment
    if ctx.invoked_subcommand is not None:
        if given or as_json:
            raise CliError(
                "options_before_subcommand", group="evaluate", sub=ctx.invoked_subcommand
            )
        return
    for option, value in (
        ("--council", council),
        ("--aim", aim),
        ("--rating", rating),
    ):
        if value is None:
            raise CliError("missing_option", option=option)
    assert council is not None and rating is not None
    actor = acting(on_behalf)
    command = build(EvaluateAimInput, actor=actor, aim_id=aim, rating=rating, comment=comment)
    execute(ctx, council, year, command, as_json, command_id)


@app.command("close")
def close_cycle(
    ctx: typer.Context,
    council: CouncilOption,
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """評価を締めくくり、この年度のサイクルを終える。次年度のサイクルが始まる（会長）。"""
    actor = acting(on_behalf)
    execute(ctx, council, year, build(CloseCycleInput, actor=actor), as_json, command_id)


def register(root: typer.Typer) -> None:
    """Add ``evaluate`` to ``root``."""
    root.add_typer(app, name="evaluate")

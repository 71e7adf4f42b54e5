"""``vote cast|close``: vote on the basic policy and close the vote (step 2)."""

from __future__ import annotations

from typing import Annotated

import typer

from application.vocabulary import Ballot, CastVoteInput, CloseVoteInput
from starter.cli_auth import acting
from starter.cli_common import (
    CommandIdOption,
    CouncilOption,
    JsonOption,
    OnBehalfOption,
    YearOption,
    build,
)
from starter.cli_send import execute

app = typer.Typer(help="基本方針の採決（ステップ2）", no_args_is_help=True)


@app.command("cast")
def cast_vote(
    ctx: typer.Context,
    ballot: Annotated[Ballot, typer.Argument(help="approve（賛成）または reject（反対）")],
    council: CouncilOption,
    comment: Annotated[str, typer.Option("--comment", help="意見")] = "",
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """採決中の基本方針に投票する（会長・委員）。"""
    actor = acting(on_behalf)
    command = build(CastVoteInput, actor=actor, ballot=ballot, comment=comment)
    execute(ctx, council, year, command, as_json, command_id)


@app.command("close")
def close_vote(
    ctx: typer.Context,
    council: CouncilOption,
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """採決を締め切る。可決なら計画へ、否決なら校長の再提出を待つ（会長）。"""
    actor = acting(on_behalf)
    execute(ctx, council, year, build(CloseVoteInput, actor=actor), as_json, command_id)


def register(root: typer.Typer) -> None:
    """Add ``vote`` to ``root``."""
    root.add_typer(app, name="vote")

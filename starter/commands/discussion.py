"""``discussion close``: end the discussion step (step 1)."""

from __future__ import annotations

import typer

from application.vocabulary import CloseDiscussionInput
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

app = typer.Typer(help="話し合い（ステップ1）", no_args_is_help=True)


@app.command("close")
def close_discussion(
    ctx: typer.Context,
    council: CouncilOption,
    year: YearOption = None,
    as_json: JsonOption = False,
    command_id: CommandIdOption = None,
    on_behalf: OnBehalfOption = None,
) -> None:
    """話し合いを終えて承認ステップへ進む（会長）。"""
    actor = acting(on_behalf)
    execute(ctx, council, year, build(CloseDiscussionInput, actor=actor), as_json, command_id)


def register(root: typer.Typer) -> None:
    """Add ``discussion`` to ``root``."""
    root.add_typer(app, name="discussion")

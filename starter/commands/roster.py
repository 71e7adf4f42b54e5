"""``roster sync``: send the store's rosters to the municipality's running cycles again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from starter.cli_auth import context, require_board
from starter.cli_common import (
    report_rosters,
    run_async,
    session_of,
)

if TYPE_CHECKING:
    pass


app = typer.Typer(help="実行中のサイクルの名簿。`roster sync` で名簿を再送する")


@app.command("sync")
def roster_sync(
    ctx: typer.Context,
    municipality: Annotated[str, typer.Option("--municipality", help="自治体ID")],
) -> None:
    """データベースの名簿を自治体の実行中のすべてのサイクルに送る（反映に失敗したとき）。"""
    from application import directory

    require_board(municipality)
    sent = run_async(directory.sync_rosters(context(), municipality))
    report_rosters(session_of(ctx).lang, sent)


def register(root: typer.Typer) -> None:
    """Add ``roster`` to ``root``."""
    root.add_typer(app, name="roster")

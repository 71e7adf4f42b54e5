"""``person erase``: erase a retired person's name and contacts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from application.texts import text
from starter.cli_auth import context, require_board
from starter.cli_common import (
    CliError,
    YesOption,
    report_rosters,
    run_async,
    say,
    session_of,
)

if TYPE_CHECKING:
    pass


app = typer.Typer(help="利用者の個人情報。`person erase` で退任者の氏名・連絡先を消去する")


@app.command("erase")
def person_erase(
    ctx: typer.Context,
    person: Annotated[str, typer.Option("--person", help="消去する人（またはボランティア）のID")],
    municipality: Annotated[str, typer.Option("--municipality", help="自治体ID")],
    yes: YesOption = False,
) -> None:
    """退任した人の氏名・連絡先を消去する（IDは記録に残り「削除済みの利用者」と表示）。"""
    from application import erasure

    if not yes:
        raise CliError("erase_unconfirmed")
    lang = session_of(ctx).lang
    require_board(municipality)
    done = run_async(erasure.erase_and_update_cycles(context(), municipality, person))
    say(
        text(
            "erased",
            lang,
            person=person,
            roles=done.erasure.roles_removed,
            notifications=done.erasure.notifications_cleared,
        )
    )
    report_rosters(lang, done.sent)


def register(root: typer.Typer) -> None:
    """Add ``person`` to ``root``."""
    root.add_typer(app, name="person")

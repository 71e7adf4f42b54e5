"""``inbox`` and ``inbox read``: the signed-in person's notifications."""

from __future__ import annotations

from typing import Annotated

import typer

from application.texts import text
from i18n.catalogue import Texts
from starter.cli_auth import acting, context
from starter.cli_common import (
    CliError,
    JsonOption,
    OnBehalfOption,
    console,
    print_json,
    say,
    session_of,
)
from starter.cli_render import SafeTable, local_time

#: The table's column titles: the catalogue's ``"cli.inbox"`` context.
_TITLES = Texts("cli.inbox")
_COLUMNS = (
    "column.id",
    "column.time",
    "column.council",
    "column.year",
    "column.subject",
    "column.read",
)

app = typer.Typer(
    help="通知の受信箱（サインインした本人の）。`inbox` で一覧、`inbox read 通知ID` で既読にする",
    invoke_without_command=True,
)


@app.callback()
def inbox(
    ctx: typer.Context,
    on_behalf: OnBehalfOption = None,
    unread: Annotated[bool, typer.Option("--unread", help="未読のみ")] = False,
    as_json: JsonOption = False,
) -> None:
    """通知の一覧を新しい順に表示する。"""
    if ctx.invoked_subcommand is not None:
        if on_behalf is not None or unread or as_json:
            raise CliError("options_before_subcommand", group="inbox", sub=ctx.invoked_subcommand)
        return
    actor = acting(on_behalf)
    lang = session_of(ctx).lang
    from application import inbox as inbox_of

    entries = inbox_of.inbox(context(), actor, unread)
    if as_json:
        print_json(list(entries))
        return
    if not entries:
        say(text("inbox_empty", lang))
        return
    table = SafeTable(show_header=True)
    for column in _COLUMNS:
        table.add_column(_TITLES.text(column, lang))
    for entry in entries:
        table.add_row(
            str(entry.id),
            local_time(entry.created_at),
            entry.council_id,
            str(entry.fiscal_year),
            entry.subject,
            local_time(entry.read_at) if entry.read_at is not None else "",
        )
    console().print(table)


@app.command("read")
def inbox_read(
    ctx: typer.Context,
    notification_id: Annotated[int, typer.Argument(help="通知ID")],
    on_behalf: OnBehalfOption = None,
) -> None:
    """通知を既読にする。"""
    actor = acting(on_behalf)
    from application import inbox as inbox_of

    inbox_of.mark_read(context(), actor, notification_id)
    say(text("marked_read", session_of(ctx).lang, id=notification_id))


def register(root: typer.Typer) -> None:
    """Add ``inbox`` to ``root``."""
    root.add_typer(app, name="inbox")

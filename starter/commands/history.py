"""CLI commands that read the store: ``history``, ``inbox``, and the ``demo`` entry
point (``load`` lives in ``starter.audit_cli``).

The store (SQLAlchemy and Alembic) and the demo's worker are imported inside the commands
that use them: that halves the start-up time of every command that only talks to Temporal.
"""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from application.texts import text
from starter.cli_auth import acting, principal
from starter.cli_common import (
    CliError,
    CouncilOption,
    JsonOption,
    OnBehalfOption,
    YearOption,
    console,
    print_json,
    say,
    session_of,
    settings,
)
from starter.render import SafeTable, history_table, local_time


def councils_of(municipality_id: str) -> list[str]:
    """Ids of the municipality's councils (for ``cycle start --municipality``)."""
    from application import records

    return records.councils_of(settings(), municipality_id)


def history(
    ctx: typer.Context,
    council: CouncilOption,
    year: Annotated[int | None, typer.Option("--year", help="年度（省略時は全年度）")] = None,
    as_json: JsonOption = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Excel用CSV（BOM付きUTF-8）で出力")] = False,
    raw: Annotated[
        bool,
        typer.Option(
            "--raw", help="Temporalのイベント履歴を1行1イベントで（--year 省略時は今年度）"
        ),
    ] = False,
) -> None:
    """受け付けたコマンドの記録（年度・ステップ・操作・実行者・日時）を表示する。"""
    lang = session_of(ctx).lang
    from application import board_reads
    from starter import board_cli

    board_cli.check_history_formats(as_json, as_csv, raw)
    if as_csv:
        board_cli.history_csv(council, year)
        return
    if raw:
        board_cli.history_raw(council, year)
        return
    shown_as: Literal["table", "json"] = "json" if as_json else "table"
    entries, names = board_reads.history(settings(), principal(), council, year, shown_as)
    if as_json:
        print_json(list(entries))
        return
    if not entries:
        say(text("history_empty", lang, council=council))
        return
    console().print(history_table(entries, names, lang))


inbox_app = typer.Typer(
    help="通知の受信箱（サインインした本人の）。`inbox` で一覧、`inbox read 通知ID` で既読にする",
    invoke_without_command=True,
)


@inbox_app.callback()
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
    from application import records

    entries = records.inbox(settings(), actor, unread)
    if as_json:
        print_json(list(entries))
        return
    if not entries:
        say(text("inbox_empty", lang))
        return
    ja = lang == "ja"
    table = SafeTable(show_header=True)
    for ja_title, en_title in (
        ("ID", "id"), ("日時（日本時間）", "time (JST)"), ("協議会", "council"),
        ("年度", "year"), ("件名", "subject"), ("既読", "read"),
    ):  # fmt: skip
        table.add_column(ja_title if ja else en_title)
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


@inbox_app.command("read")
def inbox_read(
    ctx: typer.Context,
    notification_id: Annotated[int, typer.Argument(help="通知ID")],
    on_behalf: OnBehalfOption = None,
) -> None:
    """通知を既読にする。"""
    actor = acting(on_behalf)
    from application import records

    records.mark_read(settings(), actor, notification_id)
    say(text("marked_read", session_of(ctx).lang, id=notification_id))


def demo(
    ctx: typer.Context,
    council: Annotated[
        str, typer.Option("--council", help="デモに使う協議会ID")
    ] = "kushiro-kushiro",
    year: YearOption = None,
) -> None:
    """釧路市のサンプルで、1年分のサイクルを最初から最後まで実行して見せる。"""
    from starter.demo import run_demo

    run_demo(council, year, session_of(ctx).lang)


def register(app: typer.Typer) -> None:
    """Add the store-facing commands to ``app``."""
    app.command("history")(history)
    app.add_typer(inbox_app, name="inbox")
    app.command("demo")(demo)

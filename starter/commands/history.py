"""``history``: the commands a council's cycle accepted (table, JSON, CSV, or the raw
Temporal event history).
"""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from application.texts import text
from starter.cli_auth import context
from starter.cli_board import BoardCliError, write_bytes
from starter.cli_common import (
    CouncilOption,
    JsonOption,
    console,
    print_json,
    run_async,
    say,
    session_of,
    year_or_current,
)
from starter.cli_render import history_table


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

    check_history_formats(as_json, as_csv, raw)
    if as_csv:
        history_csv(council, year)
        return
    if raw:
        history_raw(council, year)
        return
    shown_as: Literal["table", "json"] = "json" if as_json else "table"
    entries, names = board_reads.history(context(), council, year, shown_as)
    if as_json:
        print_json(list(entries))
        return
    if not entries:
        say(text("history_empty", lang, council=council))
        return
    console().print(history_table(entries, names, lang))


def history_csv(council: str, year: int | None) -> None:
    """``history --csv``: the audit trail as an Excel-ready CSV on stdout."""
    from application import board_reads

    write_bytes(board_reads.history_csv(context(), council, year))


def history_raw(council: str, year: int | None) -> None:
    """``history --raw``: the cycle's Temporal event history, one line per event."""
    from application import board_reads

    fiscal_year = year_or_current(year)
    lines = run_async(board_reads.raw_history(context(), council, fiscal_year))
    if lines is None:
        raise BoardCliError("no_history", council=council, year=fiscal_year)
    for line in lines:
        say(line)


def check_history_formats(as_json: bool, as_csv: bool, raw: bool) -> None:
    """At most one output format for ``history``."""
    if as_json + as_csv + raw > 1:
        raise BoardCliError("history_formats")


def register(root: typer.Typer) -> None:
    """Add ``history`` to ``root``."""
    root.command("history")(history)

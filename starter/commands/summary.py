"""``summary``: councils counted by step and overdue state, one line per municipality
(for the prefecture and the nation).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import JustifyMethod
from rich.table import Table

from application.texts import step_name
from application.vocabulary import STEP_ORDER, Lang, MunicipalitySummary
from starter.cli_auth import context
from starter.cli_board import board_text, print_rows, today_in_japan
from starter.cli_common import (
    JsonOption,
    YearOption,
    session_of,
    year_or_current,
)
from starter.cli_render import SafeTable

_SUMMARY_COLUMNS: tuple[str, ...] = (
    "column.prefecture",
    "column.municipality_id",
    "column.municipality",
    "column.councils",
    "column.not_started",
)


_SUMMARY_TAIL_COLUMNS: tuple[str, ...] = (
    "column.overdue",
    "column.paused",
    "column.with_overdue_tasks",
    "column.failed_notices",
)


def summary_table(rows: list[MunicipalitySummary], lang: Lang) -> Table:
    """The summary as a terminal table: one line per municipality, then the total."""
    table = SafeTable(show_header=True, show_footer=len(rows) > 1)
    columns = [
        *(board_text(key, lang) for key in _SUMMARY_COLUMNS),
        *(step_name(s, lang) for s in STEP_ORDER),
        *(board_text(key, lang) for key in _SUMMARY_TAIL_COLUMNS),
    ]
    numbers = [
        [r.councils, r.not_started, *r.by_step, r.overdue, r.paused, r.overdue_tasks,
         r.failed_notifications]
        for r in rows
    ]  # fmt: skip
    totals = [str(sum(column)) for column in zip(*numbers, strict=True)] if numbers else []
    footer = ["", "", board_text("total", lang), *totals]
    for position, (title, foot) in enumerate(zip(columns, footer, strict=True)):
        justify: JustifyMethod = "right" if position >= len(_SUMMARY_COLUMNS) - 2 else "left"
        table.add_column(title, footer=foot, justify=justify)
    for row, counts in zip(rows, numbers, strict=True):
        table.add_row(row.prefecture, row.municipality_id, row.municipality_name, *map(str, counts))
    return table


def summary(
    ctx: typer.Context,
    year: YearOption = None,
    prefecture: Annotated[
        str | None, typer.Option("--prefecture", help="この都道府県の自治体のみ")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """自治体ごとに協議会をステップ別・期限超過別に集計する（都道府県・全国向け）。"""
    from application import board_reads

    lang = session_of(ctx).lang
    fiscal_year = year_or_current(year)
    rows = board_reads.summary(
        context(), fiscal_year, today=today_in_japan(), prefecture=prefecture
    )
    empty = board_text("summary_empty", lang, year=fiscal_year)
    print_rows(rows, as_json, empty, lambda: summary_table(rows, lang))


def register(root: typer.Typer) -> None:
    """Add ``summary`` to ``root``."""
    root.command("summary")(summary)

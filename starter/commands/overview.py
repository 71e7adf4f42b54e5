"""``overview``: every council of a municipality, its step, days in it and overdue state
(for the board of education).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from application.texts import step_name
from application.vocabulary import Lang, OverviewRow, Step
from starter.cli_auth import context
from starter.cli_board import MunicipalityOption, board_text, print_rows, today_in_japan
from starter.cli_common import (
    JsonOption,
    YearOption,
    session_of,
    year_or_current,
)
from starter.cli_render import SafeTable

_OVERVIEW_COLUMNS: tuple[str, ...] = (
    "column.council_id",
    "column.council",
    "column.schools",
    "column.district",
    "column.step",
    "column.days_in_step",
    "column.due",
    "column.days_overdue",
    "column.overdue_tasks",
    "column.state",
    "column.failed_notices",
)


def overview_table(rows: list[OverviewRow], lang: Lang) -> Table:
    """The overview as a terminal table, one line per council in id order."""
    table = SafeTable(show_header=True)
    for key in _OVERVIEW_COLUMNS:
        table.add_column(board_text(key, lang))
    for row in rows:
        state = board_text("paused", lang, reason=row.paused_reason or "") if row.paused else ""
        table.add_row(
            row.council_id,
            row.council_name,
            "、".join(row.schools),
            "、".join(row.districts),
            board_text("not_started", lang) if row.step is None else step_name(row.step, lang),
            "" if row.days_in_step is None else str(row.days_in_step),
            "" if row.due_on is None else row.due_on.isoformat(),
            str(row.days_overdue) if row.days_overdue else "",
            str(row.overdue_tasks) if row.overdue_tasks else "",
            state,
            str(row.failed_notifications) if row.failed_notifications else "",
        )
    return table


def overview(
    ctx: typer.Context,
    municipality: MunicipalityOption,
    year: YearOption = None,
    district: Annotated[str | None, typer.Option("--district", help="中学校区ID")] = None,
    step: Annotated[Step | None, typer.Option("--step", help="このステップの協議会のみ")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="期限を過ぎた協議会のみ")] = False,
    as_json: JsonOption = False,
) -> None:
    """自治体の全協議会のステップ・滞在日数・期限超過を一覧する（教育委員会向け）。"""
    from application import board_reads

    lang = session_of(ctx).lang
    fiscal_year = year_or_current(year)
    rows = board_reads.overview(
        context(),
        municipality,
        fiscal_year,
        today=today_in_japan(),
        district=district,
        step=step,
        overdue_only=overdue,
    )
    empty = board_text("overview_empty", lang, municipality=municipality, year=fiscal_year)
    print_rows(rows, as_json, empty, lambda: overview_table(rows, lang))


def register(root: typer.Typer) -> None:
    """Add ``overview`` to ``root``."""
    root.command("overview")(overview)

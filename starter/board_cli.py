"""The board of education's commands: ``overview``, ``summary``, ``report``, and the
``--csv`` and ``--raw`` forms of ``history``.

Who may read what is the application's to decide (``application.board_reads``); each
command signs in, calls it with the principal, and renders. Everything but
``history --raw`` reads the store alone (the Temporal test server cannot
list workflows, and at national scale the store is the read model). ``--raw`` asks
Temporal for the cycle's event history and prints it one line per event, without the
payloads' personal content.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Protocol

import typer
from rich.console import JustifyMethod
from rich.table import Table

from application.texts import step_name
from domain.japan_time import JAPAN
from domain.model import Step
from domain.refusals import Lang
from i18n.catalogue import Texts
from starter.cli_auth import principal
from starter.cli_common import (
    CliError,
    JsonOption,
    YearOption,
    console,
    run_async,
    say,
    session_of,
    settings,
    year_or_current,
)
from starter.render import SafeTable, visible

if TYPE_CHECKING:
    # The store (SQLAlchemy) is imported inside the commands that use it, as in
    # ``cli_records``: commands that only talk to Temporal start faster.
    from store.board import OverviewRow
    from store.board_summary import MunicipalitySummary

#: This module's lines: the catalogue's ``"cli.board"`` context.
_TEXTS = Texts("cli.board")

_USAGE_KEYS = frozenset({"history_formats"})

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


def _text(key: str, lang: Lang, **params: object) -> str:
    return _TEXTS.text(key, lang, **params)


class BoardCliError(CliError):
    """A failure of a board command, explained in one line."""

    def __init__(self, key: str, **params: object) -> None:
        Exception.__init__(self, _text(key, "en", **params))
        self.key = key
        self.params = params

    @property
    def exit_code(self) -> int:
        """2 for options that exclude each other (a usage mistake), 1 otherwise."""
        return 2 if self.key in _USAGE_KEYS else 1

    def message(self, lang: Lang) -> str:
        """The one-line reason in ``lang``."""
        return _text(self.key, lang, **self.params)


class ReportFormat(StrEnum):
    """Formats of the yearly report."""

    CSV = "csv"
    MD = "md"


MunicipalityOption = Annotated[str, typer.Option("--municipality", help="自治体ID")]


def today_in_japan() -> date:
    """Today's date in Japan: the board's "today" is a Japanese calendar day."""
    return datetime.now(JAPAN).date()


def write_bytes(data: bytes) -> None:
    """Write ``data`` to stdout as it is (a CSV keeps its BOM and CRLF line ends)."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def overview_table(rows: list[OverviewRow], lang: Lang) -> Table:
    """The overview as a terminal table, one line per council in id order."""
    table = SafeTable(show_header=True)
    for key in _OVERVIEW_COLUMNS:
        table.add_column(_text(key, lang))
    for row in rows:
        state = _text("paused", lang, reason=row.paused_reason or "") if row.paused else ""
        table.add_row(
            row.council_id,
            row.council_name,
            "、".join(row.schools),
            "、".join(row.districts),
            _text("not_started", lang) if row.step is None else step_name(row.step, lang),
            "" if row.days_in_step is None else str(row.days_in_step),
            "" if row.due_on is None else row.due_on.isoformat(),
            str(row.days_overdue) if row.days_overdue else "",
            str(row.overdue_tasks) if row.overdue_tasks else "",
            state,
            str(row.failed_notifications) if row.failed_notifications else "",
        )
    return table


class _JsonRow(Protocol):
    def as_json(self) -> dict[str, Any]: ...


def _print_rows(
    rows: Sequence[_JsonRow], as_json: bool, empty: str, table: Callable[[], Table]
) -> None:
    """A board listing as JSON, as the one-line ``empty`` message, or as ``table()``."""
    if as_json:
        say(json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=2))
    elif not rows:
        say(empty)
    else:
        console().print(table())


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
        settings(),
        principal(),
        municipality,
        fiscal_year,
        today=today_in_japan(),
        district=district,
        step=step,
        overdue_only=overdue,
    )
    empty = _text("overview_empty", lang, municipality=municipality, year=fiscal_year)
    _print_rows(rows, as_json, empty, lambda: overview_table(rows, lang))


def summary_table(rows: list[MunicipalitySummary], lang: Lang) -> Table:
    """The summary as a terminal table: one line per municipality, then the total."""
    from store.board_summary import STEPS

    table = SafeTable(show_header=True, show_footer=len(rows) > 1)
    columns = [
        *(_text(key, lang) for key in _SUMMARY_COLUMNS),
        *(step_name(s, lang) for s in STEPS),
        *(_text(key, lang) for key in _SUMMARY_TAIL_COLUMNS),
    ]
    numbers = [
        [r.councils, r.not_started, *r.by_step, r.overdue, r.paused, r.overdue_tasks,
         r.failed_notifications]
        for r in rows
    ]  # fmt: skip
    totals = [str(sum(column)) for column in zip(*numbers, strict=True)] if numbers else []
    footer = ["", "", _text("total", lang), *totals]
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
        settings(), principal(), fiscal_year, today=today_in_japan(), prefecture=prefecture
    )
    empty = _text("summary_empty", lang, year=fiscal_year)
    _print_rows(rows, as_json, empty, lambda: summary_table(rows, lang))


def report(
    municipality: MunicipalityOption,
    year: YearOption = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="csv（Excel用、BOM付きUTF-8）または md")
    ] = ReportFormat.MD,
) -> None:
    """学校ごとの年間活動報告（会議回数・承認日・活動・参加者・評価）を出力する。"""
    from application import board_reads
    from reports.exports import report_csv, report_markdown

    fiscal_year = year_or_current(year)
    name, rows, anchors = board_reads.report(
        settings(), principal(), municipality, fiscal_year, output_format.value
    )
    if output_format is ReportFormat.CSV:
        write_bytes(report_csv(rows))
    else:
        sys.stdout.write(visible(report_markdown(rows, name, fiscal_year, anchors)))


def history_csv(council: str, year: int | None) -> None:
    """``history --csv``: the audit trail as an Excel-ready CSV on stdout."""
    from application import board_reads

    write_bytes(board_reads.history_csv(settings(), principal(), council, year))


def history_raw(council: str, year: int | None) -> None:
    """``history --raw``: the cycle's Temporal event history, one line per event."""
    from temporalio.service import RPCError, RPCStatusCode

    from application import board_reads, cycles
    from contracts.cycle import cycle_workflow_id
    from reports.temporal_history import history_lines

    fiscal_year = year_or_current(year)
    board_reads.may_read_raw_history(settings(), principal(), council)

    async def fetch() -> list[str]:
        client = await cycles.connect(settings())
        handle = client.get_workflow_handle(cycle_workflow_id(council, fiscal_year))
        try:
            history = await handle.fetch_history()
        except RPCError as exc:
            if exc.status is RPCStatusCode.NOT_FOUND:
                raise BoardCliError("no_history", council=council, year=fiscal_year) from exc
            raise
        return history_lines(history)

    for line in run_async(fetch()):
        say(line)


def check_history_formats(as_json: bool, as_csv: bool, raw: bool) -> None:
    """At most one output format for ``history``."""
    if as_json + as_csv + raw > 1:
        raise BoardCliError("history_formats")


def register(app: typer.Typer) -> None:
    """Add ``overview``, ``summary`` and ``report`` to ``app``."""
    app.command("overview")(overview)
    app.command("summary")(summary)
    app.command("report")(report)

"""``report``: the yearly activity report of a municipality's schools (Markdown or CSV)."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from starter.cli_auth import principal
from starter.cli_board import MunicipalityOption, write_bytes
from starter.cli_common import (
    YearOption,
    settings,
    year_or_current,
)
from starter.cli_render import visible

if TYPE_CHECKING:
    # The store (SQLAlchemy) is imported inside the commands that use it, as in
    # ``cli_records``: commands that only talk to Temporal start faster.
    pass


class ReportFormat(StrEnum):
    """Formats of the yearly report."""

    CSV = "csv"
    MD = "md"


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


def register(root: typer.Typer) -> None:
    """Add ``report`` to ``root``."""
    root.command("report")(report)

"""``report``: the yearly activity report of a municipality's schools (Markdown or CSV)."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from starter.cli_auth import context
from starter.cli_board import MunicipalityOption, write_bytes
from starter.cli_common import (
    YearOption,
    year_or_current,
)
from starter.cli_render import visible


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

    fiscal_year = year_or_current(year)
    document = board_reads.report(context(), municipality, fiscal_year, output_format.value)
    if isinstance(document, bytes):
        write_bytes(document)
    else:
        sys.stdout.write(visible(document))


def register(root: typer.Typer) -> None:
    """Add ``report`` to ``root``."""
    root.command("report")(report)

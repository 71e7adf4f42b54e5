"""The board dashboard's page reads, as use cases: each checks that who asks is the
board admin of the municipality (``require_board``), then reads in one transaction.
An unknown municipality or council raises ``store.NotFound`` (re-exported as
``application.vocabulary.NotFound``), which a page answers with 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

import store
from application import board_acts, wording
from application.context import Context
from application.dashboard import (
    DashboardCharts,
    DashboardPage,
    DashboardQuery,
    YearlyReportPage,
    council_rows,
    dashboard_charts,
    dashboard_page,
    failed_notices,
    yearly_report_page,
)
from application.permissions import require_board
from domain.events import Change
from domain.refusals import Lang
from store import console_auth
from store.board_summary import summary
from store.closed_minutes import acts_after_close, unpublished_minutes
from store.dashboard import district_choices

if TYPE_CHECKING:
    from store.board import OverviewRow
    from store.board_summary import MunicipalitySummary


@dataclass(frozen=True)
class DashboardView:
    """What the dashboard shows: the page of councils, the charts, the municipality's
    name, its districts (for the filter) and the failed notices per kind."""

    page: DashboardPage
    charts: DashboardCharts
    municipality_name: str
    districts: list[tuple[str, str]]
    failed: list[tuple[str, int]]


def dashboard_view(ctx: Context, query: DashboardQuery, today: date) -> DashboardView:
    """The dashboard of ``query``'s municipality and year."""
    municipality_id = query.municipality_id

    def read(session: Session) -> DashboardView:
        require_board(session, ctx.principal, municipality_id)
        return DashboardView(
            page=dashboard_page(session, query, today),
            charts=dashboard_charts(session, query, today),
            municipality_name=store.municipality_name(session, municipality_id),
            districts=district_choices(session, municipality_id),
            failed=failed_notices(session, municipality_id, query.fiscal_year),
        )

    return ctx.unit_of_work(read)


def report_view(ctx: Context, municipality_id: str, fiscal_year: int) -> YearlyReportPage:
    """The yearly report as the printable page shows it."""

    def read(session: Session) -> YearlyReportPage:
        require_board(session, ctx.principal, municipality_id)
        return yearly_report_page(session, municipality_id, fiscal_year)

    return ctx.unit_of_work(read)


def summary_view(
    ctx: Context, municipality_id: str, fiscal_year: int, today: date, national: bool
) -> list[MunicipalitySummary] | None:
    """The summary of the municipality's prefecture (every one when ``national``);
    ``None`` when the municipality has no row this year."""

    def read(session: Session) -> list[MunicipalitySummary] | None:
        require_board(session, ctx.principal, municipality_id)
        rows = summary(session, fiscal_year, today=today)
        prefecture = next(
            (r.prefecture for r in rows if r.municipality_id == municipality_id), None
        )
        if prefecture is None:
            return None
        return rows if national else [r for r in rows if r.prefecture == prefecture]

    return ctx.unit_of_work(read)


def council_municipality(ctx: Context, council_id: str) -> str | None:
    """The municipality of ``council_id`` (``None`` when unknown)."""
    return ctx.unit_of_work(lambda session: console_auth.council_municipality(session, council_id))


def council_view(
    ctx: Context, municipality_id: str, fiscal_year: int, council_id: str, today: date
) -> tuple[OverviewRow, list[board_acts.TimelineEntry]] | None:
    """One council's row on the dashboard and its history timeline (linked to the
    Temporal Web UI); ``None`` when the council is not on the municipality's list."""

    def read(session: Session) -> tuple[OverviewRow, list[board_acts.TimelineEntry]] | None:
        require_board(session, ctx.principal, municipality_id)
        query = DashboardQuery(municipality_id=municipality_id, fiscal_year=fiscal_year)
        row = next(
            (r for r in council_rows(session, query, today) if r.council_id == council_id), None
        )
        if row is None:
            return None
        ui = ctx.config.temporal_ui_url
        return row, board_acts.timeline(session, council_id, fiscal_year, ui)

    return ctx.unit_of_work(read)


@dataclass(frozen=True)
class HistoryLine:
    """One event of a council's history as the board reads it: when (Japan time), the
    sentence, and for IT staff the raw event (``None`` for an act after the year closed,
    which no workflow run recorded)."""

    at: datetime
    sentence: str
    raw: board_acts.TimelineEntry | None


def history_lines(
    ctx: Context,
    municipality_id: str,
    council_id: str,
    fiscal_year: int,
    entries: list[board_acts.TimelineEntry],
    lang: Lang,
) -> tuple[list[HistoryLine], list[tuple[int, date]]]:
    """The timeline ``entries`` as sentences, with the minutes published after the year
    closed in their place; and the meetings whose minutes are still unpublished."""

    def read(session: Session) -> tuple[list[HistoryLine], list[tuple[int, date]]]:
        require_board(session, ctx.principal, municipality_id)
        late = acts_after_close(session, council_id, fiscal_year)
        people = {e.actor for e in entries} | {a.actor for a in late}
        labels = wording.labels_of_year(session, council_id, fiscal_year, sorted(people))
        lines = [
            HistoryLine(
                at=e.at,
                sentence=wording.history_sentence(e.action, e.actor, e.changes, labels, lang),
                raw=e,
            )
            for e in entries
        ]
        for act in late:
            before = "draft" if act.version == 1 else f"v{act.version - 1}"
            change = Change(
                field=f"minutes:{act.meeting_number}", before=before, after=f"v{act.version}"
            )
            sentence = wording.history_sentence(
                act.action, act.actor, [change], labels, lang, after_close=True
            )
            lines.append(HistoryLine(at=act.at, sentence=sentence, raw=None))
        return lines, unpublished_minutes(session, council_id, fiscal_year)

    return ctx.unit_of_work(read)


def council_name_of(ctx: Context, council_id: str) -> str:
    """The council's name, as its confirmation pages say it (never its id)."""
    return ctx.unit_of_work(lambda session: store.council_name(session, council_id))

"""The board dashboard's data: every council of a municipality and year, filtered, sorted
and paged, with three charts and their tables; and the prefecture's view.

Built on the board's overview (``store.board.overview``: one query per municipality,
the same rows the CLI's ``overview`` prints) and summary (``store.board_summary``); the
page only renders what this returns. ``today`` is a date in Japan, passed in.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from application.charts import ChartData, bar_chart_svg, columns_with_line_svg
from domain.base import STEP_ORDER, Step
from domain.refusals import STEP_NAMES
from store.audit_anchor import take_anchors
from store.board import OverviewRow, municipality_name, overview
from store.board_summary import MunicipalitySummary, summary
from store.dashboard import ApprovalPoint, approval_points
from store.deliveries import FailureReason, failure_reasons
from store.yearly_report import ReportRow, yearly_report

#: Rows per page unless asked otherwise, and the most a page may hold.
PER_PAGE = 50
MAX_PER_PAGE = 200
#: The fiscal year's months in order, April first.
FISCAL_MONTHS: tuple[int, ...] = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


class SortKey(StrEnum):
    """What the council list can be sorted by."""

    COUNCIL = "council"
    NAME = "name"
    STEP = "step"
    DAYS_IN_STEP = "days_in_step"
    DUE = "due"
    DAYS_LATE = "days_late"
    OVERDUE_TASKS = "overdue_tasks"
    FAILED_NOTICES = "failed_notices"


class DashboardQuery(BaseModel):
    """The dashboard's filters, order and page, as the page's form sends them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    municipality_id: str = Field(min_length=1, max_length=64)
    fiscal_year: int = Field(ge=2000, le=2100)
    district: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    step: Step | None = None
    late_only: bool = False
    sort: SortKey = SortKey.COUNCIL
    descending: bool = False
    page: int = Field(default=1, ge=1, le=10_000)
    per_page: int = Field(default=PER_PAGE, ge=1, le=MAX_PER_PAGE)


class DashboardPage(BaseModel):
    """One page of the council list, and how many there are in all."""

    model_config = ConfigDict(frozen=True)

    query: DashboardQuery
    rows: tuple[OverviewRow, ...]
    total: int
    pages: int


def _step_rank(step: Step | None) -> int:
    return -1 if step is None else STEP_ORDER.index(step)


_SORTS = {
    SortKey.COUNCIL: lambda r: (r.council_id,),
    SortKey.NAME: lambda r: (r.council_name, r.council_id),
    SortKey.STEP: lambda r: (_step_rank(r.step), r.council_id),
    SortKey.DAYS_IN_STEP: lambda r: (r.days_in_step is None, r.days_in_step or 0, r.council_id),
    SortKey.DUE: lambda r: (r.due_on is None, r.due_on or date.min, r.council_id),
    SortKey.DAYS_LATE: lambda r: (r.days_overdue, r.council_id),
    SortKey.OVERDUE_TASKS: lambda r: (r.overdue_tasks, r.council_id),
    SortKey.FAILED_NOTICES: lambda r: (r.failed_notifications, r.council_id),
}


def cycle_path(council_id: str, fiscal_year: int) -> str:
    """The console's cycle page a dashboard row links to."""
    return f"/councils/{council_id}/{fiscal_year}"


def council_rows(session: Session, query: DashboardQuery, today: date) -> list[OverviewRow]:
    """Every council the filters keep, in the asked order. ``store.NotFound`` names an
    unknown municipality or district."""
    rows = overview(
        session,
        query.municipality_id,
        query.fiscal_year,
        today=today,
        district=query.district,
        step=query.step,
        overdue_only=query.late_only,
    )
    return sorted(rows, key=_SORTS[query.sort], reverse=query.descending)


def dashboard_page(session: Session, query: DashboardQuery, today: date) -> DashboardPage:
    """The page of councils ``query`` asks for (an empty page past the last one)."""
    rows = council_rows(session, query, today)
    start = (query.page - 1) * query.per_page
    return DashboardPage(
        query=query,
        rows=tuple(rows[start : start + query.per_page]),
        total=len(rows),
        pages=max(1, -(-len(rows) // query.per_page)),
    )


# --- charts -------------------------------------------------------------------------


def steps_chart(rows: list[OverviewRow]) -> ChartData:
    """Councils per step (and those without a cycle yet), in cycle order."""
    counts = Counter(row.step for row in rows)
    table = [("未開始", (counts[None],))] + [
        (STEP_NAMES.text(step.value, "ja"), (counts[step],)) for step in STEP_ORDER
    ]
    return ChartData(
        chart_id="chart-steps",
        title="ステップ別の協議会数",
        description=f"{len(rows)}協議会のステップごとの数",
        columns=("ステップ", "協議会数"),
        rows=tuple(table),
    )


def late_by_district_chart(rows: list[OverviewRow]) -> ChartData:
    """Late councils (their step past its due date) per 中学校区, most first; a council
    serving schools of two districts counts in both."""
    late = Counter(
        d for row in rows if row.days_overdue > 0 for d in row.districts or ("（なし）",)
    )
    ordered = sorted(late.items(), key=lambda item: (-item[1], item[0]))
    return ChartData(
        chart_id="chart-late-districts",
        title="中学校区別の期限超過の協議会数",
        description=f"期限を過ぎた協議会 {sum(1 for r in rows if r.days_overdue > 0)}",
        columns=("中学校区", "期限超過"),
        rows=tuple((district, (n,)) for district, n in ordered),
    )


def approvals_chart(points: list[ApprovalPoint]) -> tuple[ChartData, int | None, str]:
    """Policy approvals per month of the fiscal year, the running total, and how many of
    each month's came after their due date; with the month of the most common due date
    (the marker) and its label."""
    per_month: Counter[int] = Counter()
    late: Counter[int] = Counter()
    for point in points:
        if point.approved_on is not None:
            per_month[point.approved_on.month] += 1
            if point.due_on is not None and point.approved_on > point.due_on:
                late[point.approved_on.month] += 1
    running, table = 0, []
    for month in FISCAL_MONTHS:
        running += per_month[month]
        table.append((f"{month}月", (per_month[month], running, late[month])))
    dues = Counter(p.due_on for p in points if p.due_on is not None)
    due = dues.most_common(1)[0][0] if dues else None
    # The marker stands at the end of the due date's month.
    marker = None if due is None else FISCAL_MONTHS.index(due.month) + 1
    label = "" if due is None else f"期限 {due.month}月{due.day}日"
    chart = ChartData(
        chart_id="chart-approvals",
        title="基本方針の承認時期と期限",
        description=(
            f"{len(points)}協議会のうち承認 {running}、期限後の承認 {sum(late.values())}"
            + (f"。主な期限は{due.isoformat()}" if due else "")
        ),
        columns=("月", "承認数", "累計", "期限後"),
        rows=tuple(table),
    )
    return chart, marker, label


class DashboardCharts(BaseModel):
    """The three charts as SVG, each with its table."""

    model_config = ConfigDict(frozen=True)

    steps: ChartData
    steps_svg: str
    late_districts: ChartData
    late_districts_svg: str
    approvals: ChartData
    approvals_svg: str


def dashboard_charts(session: Session, query: DashboardQuery, today: date) -> DashboardCharts:
    """The charts of the councils ``query``'s filters keep (its order and page aside)."""
    rows = council_rows(session, query, today)
    kept = {row.council_id for row in rows}
    points = [
        p
        for p in approval_points(session, query.municipality_id, query.fiscal_year)
        if p.council_id in kept
    ]
    steps, late = steps_chart(rows), late_by_district_chart(rows)
    approvals, marker, label = approvals_chart(points)
    return DashboardCharts(
        steps=steps,
        steps_svg=bar_chart_svg(steps),
        late_districts=late,
        late_districts_svg=bar_chart_svg(late),
        approvals=approvals,
        approvals_svg=columns_with_line_svg(approvals, marker, label),
    )


def prefecture_view(
    session: Session, prefecture: str, fiscal_year: int, today: date
) -> list[MunicipalitySummary]:
    """Every municipality of ``prefecture`` counted (the CLI's ``summary``); raises
    ``store.NotFound`` when none is registered there."""
    return summary(session, fiscal_year, today=today, prefecture=prefecture)


class ReportTotals(BaseModel):
    """The yearly report's sums over its schools (a joint council counts once per school,
    as the report's rows do)."""

    model_config = ConfigDict(frozen=True)

    schools: int
    meetings_held: int
    policies_approved: int
    activities_planned: int
    activities_held: int
    children: int
    volunteers: int
    aims: int
    aims_met: int


class YearlyReportPage(BaseModel):
    """What the printable (A4) yearly report shows: the CLI's report rows and their sums."""

    model_config = ConfigDict(frozen=True)

    municipality_id: str
    municipality_name: str
    fiscal_year: int
    rows: tuple[ReportRow, ...]
    totals: ReportTotals
    #: The audit chains' heads when the report was made (``store.audit_anchor``): a
    #: printed copy a writer of the database cannot reach.
    anchors: tuple[str, ...] = ()


def yearly_report_page(
    session: Session, municipality_id: str, fiscal_year: int
) -> YearlyReportPage:
    """The yearly report of the municipality (``store.yearly_report``) with its totals;
    ``store.NotFound`` for an unknown municipality."""
    rows = yearly_report(session, municipality_id, fiscal_year)
    totals = ReportTotals(
        schools=len({r.school_id for r in rows}),
        meetings_held=sum(r.meetings_held for r in rows),
        policies_approved=sum(1 for r in rows if r.approved_on is not None),
        activities_planned=sum(r.activities_planned for r in rows),
        activities_held=sum(r.activities_held or 0 for r in rows),
        children=sum(r.children or 0 for r in rows),
        volunteers=sum(r.volunteers or 0 for r in rows),
        aims=sum(r.aims for r in rows),
        aims_met=sum(r.aims_met for r in rows),
    )
    return YearlyReportPage(
        municipality_id=municipality_id,
        municipality_name=municipality_name(session, municipality_id),
        fiscal_year=fiscal_year,
        rows=tuple(rows),
        totals=totals,
        anchors=tuple(a.line() for a in take_anchors(session, datetime.now(UTC))),
    )


def failed_notices(
    session: Session, municipality_id: str, fiscal_year: int
) -> list[tuple[str, int]]:
    """The year's notifications that could not be sent, as (reason, count) in the order of
    ``FailureReason``: the board's page says each reason in words."""
    counts = failure_reasons(session, municipality_id, fiscal_year)
    return [
        (reason.value, counts[reason.value]) for reason in FailureReason if counts.get(reason.value)
    ]

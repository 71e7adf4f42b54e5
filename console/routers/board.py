"""The board's dashboard pages (board admins of a municipality, after a passkey): the
council list with filters, order and pages; the three charts with their tables; the
yearly report (CSV and an A4 page); the prefecture's summary. The acts (remind, move a
due date, pause, resume) and a council's history are in ``console.board_acts``.

Each route checks the viewer is a board admin of the municipality (404 otherwise, the
same answer as for an unknown one), calls one function of ``application.dashboard`` and
renders what it returns.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from application import board_pages, board_reads, opinions, year_opening
from application.cycles import current_fiscal_year
from application.dashboard import (
    DashboardQuery,
    SortKey,
    cycle_path,
)
from application.vocabulary import STEP_ORDER, NotFound, Role, Step
from console.context import ConsoleContext, SignedInContext
from console.params import MAX_ROW_ID, Year, bounded_int
from console.web import PageNotFound, SignedIn, render, see_other, today

router = APIRouter()

#: The columns of the council list a person can sort by, in the table's order.
SORTABLE: tuple[tuple[SortKey, str], ...] = (
    (SortKey.NAME, "board_col_council"),
    (SortKey.STEP, "board_col_step"),
    (SortKey.DAYS_IN_STEP, "board_col_days_in_step"),
    (SortKey.DUE, "board_col_due"),
    (SortKey.DAYS_LATE, "board_col_days_late"),
    (SortKey.OVERDUE_TASKS, "board_col_overdue_tasks"),
    (SortKey.FAILED_NOTICES, "board_col_failed"),
)
#: The steps a filter (and a reminder) can name: the six working steps.
STEPS: tuple[Step, ...] = STEP_ORDER[:6]


def board_base(municipality_id: str, year: int) -> str:
    """The dashboard's path for a municipality and year."""
    return f"/board/{municipality_id}/{year}"


def board_admin(ctx: ConsoleContext, municipality_id: str) -> SignedIn:
    """The signed-in board admin of ``municipality_id``; ``PageNotFound`` for anyone else."""
    who = ctx.who
    if Role.BOARD_ADMIN not in who.viewer.staff_roles.get(municipality_id, frozenset()):
        raise PageNotFound()
    return who


def csv_download(content: bytes, filename: str) -> Response:
    """A CSV that Excel opens cleanly (the exports carry the BOM)."""
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _query(request: Request, municipality_id: str, year: int) -> DashboardQuery:
    params = request.query_params
    page = bounded_int(params.get("page", "1"), 1, MAX_ROW_ID)
    if page is None:
        raise PageNotFound()
    try:
        return DashboardQuery(
            municipality_id=municipality_id,
            fiscal_year=year,
            district=params.get("district") or None,
            step=params.get("step") or None,
            late_only=params.get("late") == "1",
            sort=params.get("sort") or SortKey.COUNCIL,
            descending=params.get("desc") == "1",
            page=page,
        )
    except ValidationError as exc:
        raise PageNotFound() from exc


def _link(query: DashboardQuery, **changes: Any) -> str:
    """The dashboard's URL with the current filters and some of them changed."""
    params: dict[str, Any] = {
        "district": query.district or "",
        "step": query.step.value if query.step else "",
        "late": "1" if query.late_only else "",
        "sort": query.sort.value,
        "desc": "1" if query.descending else "",
        "page": query.page,
    }
    params.update(changes)
    kept = "&".join(f"{k}={v}" for k, v in params.items() if v not in ("", None))
    return f"{board_base(query.municipality_id, query.fiscal_year)}?{kept}"


async def _switcher(
    ctx: ConsoleContext, municipality_id: str, year: int, suffix: str = ""
) -> dict[str, Any]:
    """The year switcher's context: the years with cycles, this one and the one shown,
    each linking to the same board page of that year."""
    found = await ctx.run(year_opening.fiscal_years, municipality_id)
    return {
        "years": sorted({*found, year}, reverse=True),
        "year": year,
        "municipality_id": municipality_id,
        "year_suffix": suffix,
    }


@router.get("/board", response_model=None)
async def my_board(request: Request, ctx: SignedInContext) -> Response:
    """The dashboard of the board admin's own municipality, this fiscal year."""
    who = ctx.who
    for municipality_id, roles in sorted(who.viewer.staff_roles.items()):
        if Role.BOARD_ADMIN in roles:
            return see_other(board_base(municipality_id, current_fiscal_year()))
    raise PageNotFound()


@router.get("/board/{municipality_id}/{year}", response_class=HTMLResponse)
async def dashboard(
    request: Request, ctx: SignedInContext, municipality_id: str, year: Year
) -> HTMLResponse:
    """The council list (filtered, sorted, paged), the charts and the remind form."""
    who = board_admin(ctx, municipality_id)
    query = _query(request, municipality_id, year)
    day = today()

    try:
        view = await ctx.run(board_pages.dashboard_view, query, day)
    except NotFound as exc:
        raise PageNotFound() from exc
    page, charts, failed = view.page, view.charts, view.failed
    this_year = current_fiscal_year()
    awaiting = await ctx.run(opinions.awaiting_answer, municipality_id)
    sort_links = {
        key.value: _link(
            query, sort=key.value, desc="1" if query.sort is key and not query.descending else "",
            page=1,
        )
        for key, _ in SORTABLE
    }  # fmt: skip
    context = {
        "q": query,
        "page": page,
        "charts": charts,
        "municipality_name": view.municipality_name,
        "base": board_base(municipality_id, year),
        "districts": view.districts,
        "steps": STEPS,
        "sortable": SORTABLE,
        "sort_links": sort_links,
        "prev_link": _link(query, page=query.page - 1) if query.page > 1 else None,
        "next_link": _link(query, page=query.page + 1) if query.page < page.pages else None,
        "cycle_path": cycle_path,
        "failed": failed,
        "failed_total": sum(count for _, count in failed),
        **await _switcher(ctx, municipality_id, year),
        # Opening the cycles of this year and the next (the confirmation page counts).
        "open_years": (this_year, this_year + 1),
        "opinions_awaiting": awaiting,
    }
    return render(request, "board.html", context, who=who)


@router.get("/board/{municipality_id}/{year}/report", response_class=HTMLResponse)
async def report_page(
    request: Request, ctx: SignedInContext, municipality_id: str, year: Year
) -> HTMLResponse:
    """The yearly report as a page that prints on A4."""
    who = board_admin(ctx, municipality_id)

    try:
        report = await ctx.run(board_pages.report_view, municipality_id, year)
    except NotFound as exc:
        raise PageNotFound() from exc
    context = {
        "report": report,
        "base": board_base(municipality_id, year),
        **await _switcher(ctx, municipality_id, year, "/report"),
    }
    return render(request, "board_report.html", context, who=who)


@router.get("/board/{municipality_id}/{year}/report.csv", response_model=None)
async def report_download(
    request: Request, ctx: SignedInContext, municipality_id: str, year: Year
) -> Response:
    """The yearly report as the CLI's ``report --format csv`` makes it (BOM, Excel-clean)."""
    board_admin(ctx, municipality_id)

    content = await ctx.run(board_reads.export_report_csv, municipality_id, year)
    return csv_download(content, f"report-{municipality_id}-{year}.csv")


@router.get("/board/{municipality_id}/{year}/summary", response_class=HTMLResponse)
async def summary_page(
    request: Request, ctx: SignedInContext, municipality_id: str, year: Year
) -> HTMLResponse:
    """The summary of the municipality's prefecture (``?scope=national``: every one)."""
    who = board_admin(ctx, municipality_id)
    national = request.query_params.get("scope") == "national"
    day = today()

    rows = await ctx.run(board_pages.summary_view, municipality_id, year, day, national)
    if rows is None:
        raise PageNotFound()
    context = {
        "rows": rows,
        "national": national,
        "steps": STEP_ORDER[:7],
        "base": board_base(municipality_id, year),
        **await _switcher(ctx, municipality_id, year, "/summary"),
    }
    return render(request, "board_summary.html", context, who=who)

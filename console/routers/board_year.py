"""The board's year: opening a fiscal year's cycles for every council of the
municipality (``/board/<m>/<year>/open``): a confirmation page stating how many cycles
will start, then one POST that starts them through ``application.year_opening`` (the
CLI's ``cycle start --municipality``). Each start is idempotent by its workflow id: a
second POST starts nothing twice and says so.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from application import year_opening
from application.errors import AppError
from application.vocabulary import NotFound
from console.context import SignedInContext
from console.messages import text
from console.params import Year
from console.routers.board import board_admin, board_base
from console.web import PageNotFound, form_of, lang_of, render

router = APIRouter()


@router.get("/board/{municipality_id}/{year}/open", response_class=HTMLResponse)
async def confirm_open(
    request: Request, ctx: SignedInContext, municipality_id: str, year: Year
) -> HTMLResponse:
    """Before opening the year: how many cycles will start, and the button."""
    who = board_admin(ctx, municipality_id)
    try:
        preview = await ctx.run(year_opening.opening_preview, municipality_id, year)
    except (NotFound, AppError) as exc:
        raise PageNotFound() from exc
    context = {"preview": preview, "base": board_base(municipality_id, year)}
    return render(request, "board_open_year.html", context, who=who)


@router.post("/board/{municipality_id}/{year}/open", response_class=HTMLResponse)
async def open_year(
    request: Request, ctx: SignedInContext, municipality_id: str, year: Year
) -> HTMLResponse:
    """Start the year's cycle of every council (those started already are left alone)."""
    who = board_admin(ctx, municipality_id)
    await form_of(request, who)
    report = await year_opening.open_year(ctx, municipality_id, year)
    lang = lang_of(request)
    done = text("board_open_done", lang, year=year, started=report.started,
                already=report.already)  # fmt: skip
    if report.failures:
        failed = AppError("start_failed", count=len(report.failures),
                          details="; ".join(report.failures))  # fmt: skip
        done = f"{done} {failed.message(lang)}"
    context = {"done_text": done, "back": board_base(municipality_id, year)}
    return render(request, "board_done.html", context, who=who)

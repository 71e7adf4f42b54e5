"""Volunteer requests (ボランティア依頼・募集) and the newsletter, for the council's staff.

- ``/councils/<c>/<y>/requests``: the year's requests with their fill (「3/5人 確定・
  2人 待ち」) and the form to make one for an activity of the plan.
- ``/councils/<c>/<y>/requests/<n>``: one request: fill, who stands where, whom to send
  it to (by skill, area, past participation), applications from the public page to
  accept, and the link that fills in the activity record.
- ``/requests?year=``: every request of the councils the asker supports (the chief).
- ``/councils/<c>/<y>/newsletter``: the newsletter's preview, and publishing it.

Routes parse, call ``application.volunteer_requests`` / ``application.newsletter``, render.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from application import newsletter
from application import volunteer_requests as use
from application.commands import CommandRefused
from application.errors import AppError
from application.vocabulary import JAPAN, NotFound
from console.context import ConsoleContext, SignedInContext
from console.cycle_view import CycleView, field_of, first_error, load_cycle
from console.messages import text
from console.params import Year, bounded_int
from console.web import PageNotFound, form_of, lang_of, render, see_other

router = APIRouter()


def _reason(request: Request, exc: Exception) -> str:
    lang = lang_of(request)
    if isinstance(exc, CommandRefused | AppError):
        return exc.message(lang)
    if isinstance(exc, ValidationError | ValueError):
        return text("bad_input", lang, detail=first_error(exc))
    return str(exc)


async def _list_page(
    request: Request, ctx: ConsoleContext, view: CycleView, error: str | None = None,
    form: dict[str, Any] | None = None, status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    try:
        rows = await ctx.run(use.list_requests, view.year, view.council_id)
    except AppError as exc:
        raise PageNotFound() from exc
    context = {"view": view, "rows": rows, "error": error, "form": form or {}}
    return render(request, "requests.html", context, who=ctx.who, status_code=status_code)


@router.get("/councils/{council_id}/{year}/requests", response_class=HTMLResponse)
async def requests_page(
    request: Request, council_id: str, year: Year, ctx: SignedInContext
) -> HTMLResponse:
    """The year's requests and the form to make one."""
    view = await load_cycle(request, ctx, council_id, year)
    return await _list_page(request, ctx, view)


def _new_request(view: CycleView, form: dict[str, Any]) -> use.NewRequest:
    start = field_of(form, "starts_at", 5)
    skills = [s.strip() for s in field_of(form, "skills", 300).split(",") if s.strip()]
    return use.NewRequest(
        council_id=view.council_id, fiscal_year=view.year,
        activity_id=field_of(form, "activity_id", 64), title=field_of(form, "title", 200),
        needed=bounded_int(field_of(form, "needed", 4), 1, 200) or 0,
        held_on=date.fromisoformat(field_of(form, "held_on", 10)),
        starts_at=time.fromisoformat(start) if start else None,
        place=field_of(form, "place", 200), skills=tuple(skills[:11]),
        reply_by=date.fromisoformat(field_of(form, "reply_by", 10)),
        notes=field_of(form, "notes", 1000), public=form.get("public") == "on",
    )  # fmt: skip


@router.post("/councils/{council_id}/{year}/requests/new", response_model=None)
async def create_request(
    request: Request, council_id: str, year: Year, ctx: SignedInContext
) -> Response:
    """Make a request; its page next."""
    form = await form_of(request, ctx.who)
    view = await load_cycle(request, ctx, council_id, year)
    try:
        made = await use.create_request(ctx, _new_request(view, form))
    except (ValueError, ValidationError, CommandRefused, AppError) as exc:
        return await _list_page(request, ctx, view, _reason(request, exc), form, 422)
    return see_other(f"{view.url}/requests/{made.number}")


async def _request_page(
    request: Request, ctx: ConsoleContext, view: CycleView, number: int,
    error: str | None = None, status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    key = use.key_of(view.council_id, view.year, number)
    query = request.query_params
    skill, area = query.get("skill", "")[:100], query.get("area", "")[:100]
    min_past = bounded_int(query.get("min_past", "0"), 0, 1000) or 0
    try:
        page = await ctx.run(use.request_page, key)
        people = await ctx.run(use.candidates, key, skill, area, min_past)
    except (NotFound, AppError) as exc:
        raise PageNotFound() from exc
    asked = {a.volunteer_id for a in page.answers}
    context = {
        "view": view, "page": page, "req": page.request, "error": error,
        "candidates": [c for c in people if c.volunteer_id not in asked],
        "filters": {"skill": skill, "area": area, "min_past": min_past},
        "url": f"{view.url}/requests/{number}",
        "answered_at": {a.volunteer_id: a.at.astimezone(JAPAN).strftime("%Y-%m-%d %H:%M")
                        for a in page.answers},
    }  # fmt: skip
    return render(request, "request.html", context, who=ctx.who, status_code=status_code)


@router.get("/councils/{council_id}/{year}/requests/{number}", response_class=HTMLResponse)
async def request_details(
    request: Request, council_id: str, year: Year, number: int, ctx: SignedInContext
) -> HTMLResponse:
    """One request with its fill rate."""
    view = await load_cycle(request, ctx, council_id, year)
    return await _request_page(request, ctx, view, number)


@router.post("/councils/{council_id}/{year}/requests/{number}/{act}", response_model=None)
async def request_act(
    request: Request, council_id: str, year: Year, number: int, act: str, ctx: SignedInContext
) -> Response:
    """send (to the checked volunteers), answer (by telephone), accept / decline an
    application."""
    form = await form_of(request, ctx.who)
    view = await load_cycle(request, ctx, council_id, year)
    key = use.key_of(view.council_id, view.year, number)
    command_id = field_of(form, "command_id", 100) or None
    try:
        if act == "send":
            chosen = form.get("volunteer_ids", [])
            ids = [chosen] if isinstance(chosen, str) else list(chosen)
            await use.send_request(ctx, key, [i[:64] for i in ids[:500]], command_id)
        elif act == "answer":
            reply = use.Reply(field_of(form, "reply", 10))
            await use.record_answer(ctx, key, field_of(form, "volunteer_id", 64), reply,
                                    command_id)  # fmt: skip
        elif act in ("accept", "decline"):
            application = bounded_int(field_of(form, "application_id", 10), 1, 2**31 - 1)
            if application is None:
                raise PageNotFound()
            await use.decide_application(ctx, key, application, act == "accept", command_id)
        else:
            raise PageNotFound()
    except (ValueError, ValidationError, CommandRefused, AppError) as exc:
        return await _request_page(request, ctx, view, number, _reason(request, exc), 409)
    except NotFound as exc:
        raise PageNotFound() from exc
    return see_other(f"{view.url}/requests/{number}?done={act}")


@router.get("/requests", response_class=HTMLResponse)
async def all_requests(request: Request, ctx: SignedInContext) -> HTMLResponse:
    """Every request of the councils the asker supports, this fiscal year or ``?year=``."""
    year = bounded_int(request.query_params.get("year", ""), 2000, 2100)
    fiscal_year = year or use.current_year(ctx)
    rows = await ctx.run(use.list_requests, fiscal_year)
    context = {"rows": rows, "year": fiscal_year}
    return render(request, "requests_all.html", context, who=ctx.who)


@router.get("/councils/{council_id}/{year}/newsletter", response_class=HTMLResponse)
async def newsletter_preview(
    request: Request, council_id: str, year: Year, ctx: SignedInContext
) -> HTMLResponse:
    """The newsletter as it would be published (``?message=`` previews the words)."""
    view = await load_cycle(request, ctx, council_id, year)
    message = request.query_params.get("message", "")[:601]
    error = None
    try:
        page = await ctx.run(newsletter.preview, view.council_id, view.year, message)
    except AppError as exc:
        error = exc.message(lang_of(request))
        page = await ctx.run(newsletter.preview, view.council_id, view.year, "")
    context = {"view": view, "letter": page, "message": message, "error": error,
               "preview": True}  # fmt: skip
    return render(request, "newsletter.html", context, who=ctx.who)


@router.post("/councils/{council_id}/{year}/newsletter", response_model=None)
async def newsletter_publish(
    request: Request, council_id: str, year: Year, ctx: SignedInContext
) -> Response:
    """Publish the previewed newsletter."""
    form = await form_of(request, ctx.who)
    view = await load_cycle(request, ctx, council_id, year)
    try:
        await ctx.run(
            newsletter.publish, view.council_id, view.year, field_of(form, "message", 600)
        )
    except AppError as exc:
        page = await ctx.run(newsletter.preview, view.council_id, view.year, "")
        context = {"view": view, "letter": page, "message": field_of(form, "message", 600),
                   "error": exc.message(lang_of(request)), "preview": True}  # fmt: skip
        return render(request, "newsletter.html", context, who=ctx.who, status_code=409)
    return see_other(f"/public/newsletters/{view.council_id}/{view.year}")

"""The school-evaluation survey: the council's page (``/councils/{c}/{y}/survey``: open
it, hand out its link and QR code, close it, screen comments, read the results), its
printable A4 sheet, and the answer page anyone with the link may use without signing in
(``/survey/{token}``), one answer per device (a cookie of its own, kept hashed)."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from application import surveys
from application.commands import CommandRefused
from application.cycle_reads import stored_states
from application.cycles import CycleError
from application.errors import AppError
from application.surveys import CloseSurveyInput, ScreenCommentInput, SurveyAnswer
from application.vocabulary import Step
from console.context import ConsoleContext, SignedInContext, VisitorContext
from console.cycle_view import field_of, first_error
from console.messages import text
from console.params import RowId, Year
from console.web import (
    PageNotFound,
    console_of,
    form_of,
    lang_of,
    render,
    see_other,
    set_cookie,
)

router = APIRouter()
DEVICE_COOKIE = "cs_survey_device"
#: The device cookie lasts a year: one survey a year.
DEVICE_MAX_AGE = 366 * 24 * 3600
OWN_QUESTIONS = 5
QUESTION_MAX = 500
COMMENT_MAX = 500
#: The four points of the scale, 4 first.
POINTS = (4, 3, 2, 1)


def _path(council_id: str, year: int) -> str:
    return f"/councils/{council_id}/{year}/survey"


def answer_link(request: Request, token: str) -> str:
    """The answer page's full address (the console's public base URL)."""
    return f"{console_of(request).settings.console_base_url.rstrip('/')}/survey/{token}"


async def _page(
    request: Request, ctx: ConsoleContext, council_id: str, year: int,
    template: str = "survey.html", error: str | None = None,
    form: dict[str, Any] | None = None, status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    try:
        view = await ctx.run(surveys.survey_view, council_id[:64], year)
        chair = view.is_chair if view else await ctx.run(surveys.is_chair, council_id[:64])
    except AppError as exc:
        raise PageNotFound() from exc
    link = answer_link(request, view.survey.link_token) if view else ""
    # The survey opens in the evaluate step only: no form where it could not work.
    state = (await stored_states(ctx, {council_id[:64]: year})).get(council_id[:64])
    context = {
        "may_open": chair and state is not None and state.step is Step.EVALUATE,
        "view": view,
        "url": _path(council_id, year),
        "cycle_url": f"/councils/{council_id}/{year}",
        "council_id": council_id,
        "year": year,
        "chair": chair,
        "link": link,
        "qr": surveys.qr_svg(link) if view else "",
        "points": POINTS,
        "own": range(1, OWN_QUESTIONS + 1),
        "error": error,
        "form": form or {},
    }
    return render(request, template, context, who=ctx.who, status_code=status_code)


@router.get("/councils/{council_id}/{year}/survey", response_class=HTMLResponse)
async def survey_page(
    request: Request, council_id: str, year: Year, ctx: SignedInContext
) -> HTMLResponse:
    """The survey of the year: open it, its link, its results, the comments."""
    return await _page(request, ctx, council_id, year)


@router.get("/councils/{council_id}/{year}/survey/sheet", response_class=HTMLResponse)
async def survey_sheet(
    request: Request, council_id: str, year: Year, ctx: SignedInContext
) -> HTMLResponse:
    """An A4 sheet with the QR code, to print with the letter home."""
    return await _page(request, ctx, council_id, year, "survey_sheet.html")


async def _done_or_refused(
    request: Request, ctx: ConsoleContext, council_id: str, year: int, form: dict[str, Any],
    work: Any,
) -> Response:  # fmt: skip
    lang = lang_of(request)
    try:
        await work
    except CommandRefused as refusal:
        return await _page(
            request, ctx, council_id, year, error=refusal.message(lang), form=form, status_code=409
        )
    except AppError as exc:
        return await _page(
            request, ctx, council_id, year, error=exc.message(lang), form=form, status_code=403
        )
    except CycleError as exc:
        error = text("unavailable", lang, detail=exc.message(lang))
        return await _page(request, ctx, council_id, year, error=error, form=form, status_code=503)
    return see_other(f"{_path(council_id, year)}?done=1")


@router.post("/councils/{council_id}/{year}/survey/open", response_model=None)
async def open_survey(
    request: Request, council_id: str, year: Year, ctx: SignedInContext
) -> Response:
    """The chair opens the survey with a closing date and the council's own questions."""
    who = ctx.who
    form = await form_of(request, who)
    own = tuple(
        q for n in range(1, OWN_QUESTIONS + 1) if (q := field_of(form, f"own_{n}", QUESTION_MAX))
    )
    try:
        closes_on = date.fromisoformat(field_of(form, "closes_on", 10))
    except ValueError:
        error = text("bad_input", lang_of(request), detail="closes_on: YYYY-MM-DD")
        return await _page(request, ctx, council_id, year, error=error, form=form, status_code=422)
    work = surveys.open_survey(ctx, council_id, year, closes_on, own, who.person_id)
    return await _done_or_refused(request, ctx, council_id, year, form, work)


@router.post("/councils/{council_id}/{year}/survey/close", response_model=None)
async def close_survey(
    request: Request, council_id: str, year: Year, ctx: SignedInContext
) -> Response:
    """The chair closes the survey before its date."""
    who = ctx.who
    form = await form_of(request, who)
    if field_of(form, "confirm", 1) != "1":
        error = text("confirm_needed", lang_of(request))
        return await _page(request, ctx, council_id, year, error=error, form=form, status_code=422)
    command = CloseSurveyInput(actor=who.person_id)
    command_id = str(form.get("command_id", "")) or None
    work = surveys.survey_command(ctx, council_id, year, command, command_id)
    return await _done_or_refused(request, ctx, council_id, year, form, work)


@router.post("/councils/{council_id}/{year}/survey/comments/{answer_id}", response_model=None)
async def screen_comment(
    request: Request, council_id: str, year: Year, answer_id: RowId, ctx: SignedInContext
) -> Response:
    """The chair shows a comment to the council, or hides it."""
    who = ctx.who
    form = await form_of(request, who)
    show = field_of(form, "show", 1) == "1"
    command = ScreenCommentInput(actor=who.person_id, answer_id=answer_id, show=show)
    command_id = str(form.get("command_id", "")) or None
    work = surveys.survey_command(ctx, council_id, year, command, command_id)
    return await _done_or_refused(request, ctx, council_id, year, form, work)


# --- the anonymous answer page -------------------------------------------------------


def _device(request: Request) -> str:
    return request.cookies.get(DEVICE_COOKIE, "")[:64] or secrets.token_urlsafe(24)


async def _answer_page(
    request: Request, ctx: ConsoleContext, token: str, error: str | None = None,
    form: dict[str, Any] | None = None, status_code: int = 200, thanks: bool = False,
) -> HTMLResponse:  # fmt: skip
    found = await ctx.run(surveys.survey_form, token)
    if found is None:
        raise PageNotFound()
    context = {"survey": found, "points": POINTS, "error": error, "form": form or {},
               "thanks": thanks}  # fmt: skip
    response = render(request, "survey_answer.html", context, who=None, status_code=status_code)
    device = _device(request)
    if request.cookies.get(DEVICE_COOKIE) != device:
        set_cookie(request, response, DEVICE_COOKIE, device, DEVICE_MAX_AGE)
    return response


@router.get("/survey/{token}", response_class=HTMLResponse)
async def answer_form(request: Request, token: str, ctx: VisitorContext) -> HTMLResponse:
    """The questions, on a four-point scale, and a comment box; no sign-in."""
    return await _answer_page(
        request, ctx, token[:64], thanks=request.query_params.get("done") == "1"
    )


@router.post("/survey/{token}", response_model=None)
async def answer(request: Request, token: str, ctx: VisitorContext) -> Response:
    """Keep the answer (once per device), then thank the respondent."""
    form = await form_of(request, None)
    token = token[:64]
    found = await ctx.run(surveys.survey_form, token)
    if found is None:
        raise PageNotFound()
    lang = lang_of(request)
    ratings = {}
    for key, _ in found.questions:
        raw = field_of(form, key, 1)
        if raw:
            ratings[key] = raw
    try:
        given = SurveyAnswer.model_validate(
            {"ratings": ratings, "comment": field_of(form, "comment", COMMENT_MAX)}
        )
    except ValidationError as exc:
        error = text("bad_input", lang, detail=first_error(exc))
        return await _answer_page(request, ctx, token, error, form, 422)
    device = _device(request)
    try:
        await ctx.run(surveys.answer_survey, token, device, given)
    except CommandRefused as refusal:
        return await _answer_page(request, ctx, token, refusal.message(lang), form, 409)
    response = see_other(f"/survey/{token}?done=1")
    set_cookie(request, response, DEVICE_COOKIE, device, DEVICE_MAX_AGE)
    return response

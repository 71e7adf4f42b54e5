"""A council's public minutes (``/councils/{council_id}/{year}/minutes``): each recorded
meeting's draft or published version, publishing (after a confirmation page,
``routers/confirm.py``) and correcting them (the chair) — in the year and after it:
``application.minutes`` sends to the cycle while the year is open and records the act
itself once the year is closed."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from application import cycles, minutes, wording
from application.public_pages import public_page_path
from application.vocabulary import CorrectMinutesInput, PublishMinutesInput, Role, Step
from console.context import ConsoleContext, SignedInContext
from console.cycle_view import CycleView, field_of, first_error, load_cycle
from console.messages import text
from console.params import RowId, Year, bounded_int
from console.web import PageNotFound, SignedIn, form_of, lang_of, render, see_other

router = APIRouter()


def _is_chair(view: CycleView, who: SignedIn) -> bool:
    return Role.CHAIR in view.state.roster.roles_of(who.person_id)


def _done(request: Request, view: CycleView) -> str | None:
    """The outcome of the act the page was redirected from, in words."""
    params = request.query_params
    number = bounded_int(params.get("number", ""), 1, 999)
    version = bounded_int(params.get("version", ""), 1, 999)
    lang = lang_of(request)
    if params.get("done") == "publish" and number is not None:
        return text("done_publish", lang, number=number)
    if params.get("done") == "correct" and number is not None and version is not None:
        return text("done_correct", lang, number=number, version=version)
    return None


async def _minutes_page(
    request: Request, ctx: ConsoleContext, view: CycleView, error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    who = ctx.who
    closed = view.state.step is Step.CLOSED
    versions: list[Any] = list(view.state.public_minutes)
    if closed:
        # After-close publications are the store's, not the completed workflow's.
        stored = await ctx.run(minutes.closed_year_minutes, view.council_id, view.year)
        versions = list(stored.year.published) if stored.year is not None else versions
        publishable, may_correct = stored.publishable, stored.may_correct
    published = {v.meeting_number: v for v in versions if v.corrected_at is None}
    if not closed:
        chair = _is_chair(view, who) and not view.state.paused
        publishable = frozenset(
            m.number for m in view.state.meetings
            if chair and m.number not in published and m.minutes_public.strip()
        )  # fmt: skip
        may_correct = chair
    context = {
        "view": view,
        "published": published,
        "publishable": publishable,
        "may_correct": may_correct,
        "closed": closed,
        "public_path": public_page_path(view.council_id, view.year),
        "error": error,
        "done_text": None if error else _done(request, view),
    }
    return render(request, "minutes.html", context, who=who, status_code=status_code)


@router.get("/councils/{council_id}/{year}/minutes", response_class=HTMLResponse)
async def minutes_page(
    request: Request, council_id: str, year: Year, ctx: SignedInContext
) -> HTMLResponse:
    """Each recorded meeting's public minutes: draft or published, and their versions."""
    view = await load_cycle(request, ctx, council_id, year)
    return await _minutes_page(request, ctx, view)


@router.post("/councils/{council_id}/{year}/minutes/{number}/{act}", response_model=None)
async def publish_or_correct(
    request: Request,
    council_id: str,
    year: Year,
    number: RowId,
    act: str,
    ctx: SignedInContext,
) -> Response:
    """Publish a meeting's public minutes, or correct published ones (the chair)."""
    who = ctx.who
    form = await form_of(request, who)
    view = await load_cycle(request, ctx, council_id, year)
    lang = lang_of(request)
    command: PublishMinutesInput | CorrectMinutesInput
    try:
        if act == "publish":
            command = PublishMinutesInput(actor=who.person_id, meeting_number=number)
        elif act == "correct":
            command = CorrectMinutesInput(
                actor=who.person_id, meeting_number=number,
                text=field_of(form, "text", 20000), reason=field_of(form, "reason", 1000),
            )  # fmt: skip
        else:
            raise PageNotFound()
    except ValidationError as exc:
        error = text("bad_input", lang, detail=first_error(exc))
        return await _minutes_page(request, ctx, view, error, 422)
    command_id = str(form.get("command_id", "")) or None
    try:
        done = await minutes.give(ctx, council_id, year, command, command_id)
    except cycles.CommandRefused as refusal:
        said = wording.named_refusal(refusal.code, refusal.params, view.labels(), lang)
        view = await load_cycle(request, ctx, council_id, year)
        return await _minutes_page(request, ctx, view, said, 409)
    except cycles.CycleError as exc:
        said = text("unavailable", lang, detail=exc.message(lang))
        return await _minutes_page(request, ctx, view, said, 503)
    query = f"done={act}&number={done.meeting_number}&version={done.version}"
    return see_other(f"{view.url}/minutes?{query}")

"""A council's public minutes (``/councils/{council_id}/{year}/minutes``): each recorded
meeting's draft or published version, publishing and correcting them (the chair)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from application.public_pages import public_page_path
from application.vocabulary import Command, CorrectMinutesInput, PublishMinutesInput, Role
from console.context import SignedInContext
from console.cycle_view import (
    CycleView,
    NotApplied,
    field_of,
    first_error,
    load_cycle,
    send_command,
)
from console.messages import text
from console.params import RowId, Year
from console.web import PageNotFound, SignedIn, form_of, lang_of, render, see_other

router = APIRouter()


def _is_chair(view: CycleView, who: SignedIn) -> bool:
    return Role.CHAIR in view.state.roster.roles_of(who.person_id)


async def _minutes_page(
    request: Request, who: SignedIn, view: CycleView, error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    published: dict[int, Any] = {}
    for version in view.state.public_minutes:
        if version.corrected_at is None:
            published[version.meeting_number] = version
    context = {
        "view": view,
        "published": published,
        "chair": _is_chair(view, who),
        "public_path": public_page_path(view.council_id, view.year),
        "error": error,
    }
    return render(request, "minutes.html", context, who=who, status_code=status_code)


@router.get("/councils/{council_id}/{year}/minutes", response_class=HTMLResponse)
async def minutes(
    request: Request, council_id: str, year: Year, ctx: SignedInContext
) -> HTMLResponse:
    """Each recorded meeting's public minutes: draft or published, and their versions."""
    who = ctx.who
    view = await load_cycle(request, ctx, council_id, year)
    return await _minutes_page(request, who, view)


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
    command: Command
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
        error = text("bad_input", lang_of(request), detail=first_error(exc))
        return await _minutes_page(request, who, view, error, 422)
    sent = await send_command(request, ctx, view, command, form)
    if isinstance(sent, NotApplied):
        refused = sent.message
        view = await load_cycle(request, ctx, council_id, year)
        return await _minutes_page(request, who, view, refused, 409)
    return see_other(f"{view.url}/minutes?{sent.done}")

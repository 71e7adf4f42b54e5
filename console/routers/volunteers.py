"""The 「ボランティア」 page of a municipality (``/volunteers/<municipality>``): the
registry with each registration's state (期限切れ marked), the register form, and per
volunteer a renew and a withdraw (retire) button. For those who keep the registry: the
board, the chief coordinator and the coordinators (404 for anyone else, as for an unknown
municipality).

Every act is a use case of ``application.volunteer_registry`` (the CLI's ``volunteer``
commands call the same), as the signed-in person; each form carries the command id made
when the page was drawn, so a form sent twice registers one volunteer.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from application import volunteer_registry
from application.errors import AppError
from application.vocabulary import NotFound, VolunteerEntry, VolunteerKind
from console.context import ConsoleContext, SignedInContext
from console.cycle_view import field_of, first_error
from console.messages import text
from console.web import PageNotFound, form_of, lang_of, render, see_other

router = APIRouter()

#: Bounds of the register form's fields (the entry model refuses one character more).
NAME_MAX = 200
FIELDS_MAX = 500
FIELD_MAX = 100
AVAILABILITY_MAX = 500
CONTACT_MAX = 320
#: What a done= link may say.
DONE = ("registered", "renewed", "withdrawn")
_SAFE_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


def _base(municipality_id: str) -> str:
    return f"/volunteers/{municipality_id}"


def _keeper(ctx: ConsoleContext, municipality_id: str) -> None:
    """Only the registry's keepers reach the page (404 for anyone else)."""
    if not volunteer_registry.may_keep(ctx.principal, municipality_id):
        raise PageNotFound()


async def _page(
    request: Request, ctx: ConsoleContext, municipality_id: str, error: str | None = None,
    form: dict[str, Any] | None = None, status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    try:
        page = await ctx.run(volunteer_registry.registry, municipality_id)
    except (NotFound, AppError) as exc:
        raise PageNotFound() from exc
    done = request.query_params.get("done", "")
    context = {
        "page": page,
        "base": _base(municipality_id),
        "error": error,
        "form": form or {},
        "done": done if done in DONE else "",
        "kinds": tuple(VolunteerKind),
    }
    return render(request, "volunteers.html", context, who=ctx.who, status_code=status_code)


@router.get("/volunteers", response_model=None)
async def my_registry(request: Request, ctx: SignedInContext) -> Response:
    """The registry of the signed-in keeper's municipality."""
    mine = volunteer_registry.registries_of(ctx.principal)
    if not mine:
        raise PageNotFound()
    return see_other(_base(mine[0]))


@router.get("/volunteers/{municipality_id}", response_class=HTMLResponse)
async def registry_page(
    request: Request, ctx: SignedInContext, municipality_id: str
) -> HTMLResponse:
    """The registry, its states and the register form."""
    _keeper(ctx, municipality_id)
    return await _page(request, ctx, municipality_id)


def _entry(form: dict[str, Any], today: date) -> VolunteerEntry:
    key = field_of(form, "command_id", 64)
    if _SAFE_ID.fullmatch(key) is None:
        raise ValueError("command_id")
    fields = field_of(form, "fields", FIELDS_MAX)
    raw_day = field_of(form, "registered_on", 10)
    contact = field_of(form, "contact", CONTACT_MAX)
    return VolunteerEntry(
        id=f"vol-{key}",
        name=field_of(form, "name", NAME_MAX),
        kind=VolunteerKind(field_of(form, "kind", 10) or "person"),
        fields_of_help=tuple(
            f.strip()[: FIELD_MAX + 1] for f in re.split(r"[,、，]", fields) if f.strip()
        ),
        availability=field_of(form, "availability", AVAILABILITY_MAX),
        contact=contact or None,
        registered_on=date.fromisoformat(raw_day) if raw_day else today,
        consent_to_contact=form.get("consent") == "1",
    )


@router.post("/volunteers/{municipality_id}/register", response_model=None)
async def register(request: Request, ctx: SignedInContext, municipality_id: str) -> Response:
    """Register a volunteer; on a refusal the page comes back with what was typed."""
    _keeper(ctx, municipality_id)
    form = await form_of(request, ctx.who)
    lang = lang_of(request)
    try:
        entry = _entry(form, ctx.today())
    except (ValueError, ValidationError) as exc:
        detail = first_error(exc) if isinstance(exc, ValidationError) else "registered_on"
        error = text("bad_input", lang, detail=detail)
        return await _page(request, ctx, municipality_id, error, form, 422)
    try:
        await ctx.run(volunteer_registry.register, municipality_id, entry)
    except AppError as exc:
        return await _page(request, ctx, municipality_id, exc.message(lang), form, 409)
    return see_other(f"{_base(municipality_id)}?done=registered")


async def _act(
    request: Request, ctx: ConsoleContext, municipality_id: str, volunteer_id: str, act: str
) -> Response:
    _keeper(ctx, municipality_id)
    await form_of(request, ctx.who)
    use_case = volunteer_registry.renew if act == "renewed" else volunteer_registry.withdraw
    try:
        await ctx.run(use_case, volunteer_id[:64], ctx.today(), municipality_id)
    except AppError as exc:
        if exc.key in ("volunteer_not_here", "role_needed"):
            raise PageNotFound() from exc
        return await _page(request, ctx, municipality_id, exc.message(lang_of(request)), None, 409)
    return see_other(f"{_base(municipality_id)}?done={act}")


@router.post("/volunteers/{municipality_id}/{volunteer_id}/renew", response_model=None)
async def renew(
    request: Request, ctx: SignedInContext, municipality_id: str, volunteer_id: str
) -> Response:
    """Renew the registration from today for two more years."""
    return await _act(request, ctx, municipality_id, volunteer_id, "renewed")


@router.post("/volunteers/{municipality_id}/{volunteer_id}/withdraw", response_model=None)
async def withdraw(
    request: Request, ctx: SignedInContext, municipality_id: str, volunteer_id: str
) -> Response:
    """Withdraw (retire) the registration from today."""
    return await _act(request, ctx, municipality_id, volunteer_id, "withdrawn")

"""Pages without sign-in for volunteers and residents:

- ``/r/<token>``: a volunteer's reply link from the request's e-mail: the request and two
  buttons, 参加できる / 参加できない (one tap sends; opening the link alone changes
  nothing, so a mail scanner that follows links answers for nobody).
- ``/public/requests/<municipality>``: the municipality's requests open for applications,
  each with a form (name, contact, consent to be contacted): the coordinator accepts it.
- ``/public/newsletters/<council>/<year>``: the published newsletter, one A4 page in print.

No page shows anyone's name or contact, except the newsletter's thanks to volunteers who
agreed to be named.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from application import newsletter
from application import volunteer_public as public
from application import volunteer_requests as use
from application.commands import CommandRefused, new_command_id
from application.errors import AppError
from application.vocabulary import NotFound
from console.context import VisitorContext
from console.cycle_view import field_of, first_error
from console.messages import text
from console.params import RowId, Year, bounded_int
from console.web import PageNotFound, form_of, lang_of, render, see_other

router = APIRouter()


async def _link_page(
    request: Request, ctx: VisitorContext, token: str, error: str | None = None,
    done: str = "", status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    try:
        page = await ctx.run(public.link_page, token)
    except (AppError, NotFound):
        context: dict[str, Any] = {
            "heading": "reply_link_invalid_title",
            "body": "reply_link_invalid",
        }
        return render(request, "message.html", context, status_code=404)
    context = {"page": page, "req": page.request, "token": token, "error": error, "done": done,
               "answer_id": new_command_id()}  # fmt: skip
    return render(request, "reply.html", context, status_code=status_code)


@router.get("/r/{token}", response_class=HTMLResponse)
async def reply_link(request: Request, ctx: VisitorContext, token: str) -> HTMLResponse:
    """The reply page of a volunteer's signed link."""
    done = request.query_params.get("done", "")
    return await _link_page(
        request, ctx, token[:200], done=done if done in ("can", "cannot") else ""
    )


@router.post("/r/{token}", response_model=None)
async def reply_by_link(request: Request, ctx: VisitorContext, token: str) -> Response:
    """The volunteer's one tap: 参加できる / 参加できない."""
    form = await form_of(request, None)
    token = token[:200]
    try:
        reply = use.Reply(field_of(form, "reply", 10))
        await public.answer_by_link(
            ctx,
            token,
            reply,
            form.get("name_public") == "on",
            field_of(form, "answer_id", 100) or new_command_id(),
        )
    except (ValueError, CommandRefused) as exc:
        lang = lang_of(request)
        reason = exc.message(lang) if isinstance(exc, CommandRefused) else str(exc)[:200]
        return await _link_page(request, ctx, token, reason, status_code=409)
    except (AppError, NotFound):
        return await _link_page(request, ctx, token)
    return see_other(f"/r/{token}?done={reply.value}")


async def _public_page(
    request: Request, ctx: VisitorContext, municipality_id: str, error: str | None = None,
    form: dict[str, Any] | None = None, applied_to: int | None = None, status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    rows = await ctx.run(public.public_requests, municipality_id)
    context = {"rows": rows, "municipality_id": municipality_id, "error": error,
               "form": form or {}, "applied_to": applied_to}  # fmt: skip
    return render(request, "apply.html", context, status_code=status_code)


@router.get("/public/requests/{municipality_id}", response_class=HTMLResponse)
async def public_requests(
    request: Request, ctx: VisitorContext, municipality_id: str
) -> HTMLResponse:
    """The requests open for applications (no personal data)."""
    applied = bounded_int(request.query_params.get("applied", ""), 1, 2**31 - 1)
    return await _public_page(request, ctx, municipality_id[:64], applied_to=applied)


@router.post("/public/requests/{municipality_id}/{request_id}", response_model=None)
async def apply(
    request: Request, ctx: VisitorContext, municipality_id: str, request_id: RowId
) -> Response:
    """An application: name, contact, consent to be contacted."""
    form = await form_of(request, None)
    municipality_id = municipality_id[:64]
    try:
        given = public.Application(
            name=field_of(form, "name", 100), contact=field_of(form, "contact", 320),
            message=field_of(form, "message", 500), consent=form.get("consent") == "on",
            name_public=form.get("name_public") == "on",
        )  # fmt: skip
        await ctx.run(public.apply_public, request_id, given)
    except ValidationError as exc:
        error = text("bad_input", lang_of(request), detail=first_error(exc))
        return await _public_page(
            request, ctx, municipality_id, error, form | {"for": request_id}, status_code=422
        )
    except (AppError, CommandRefused) as exc:
        error = exc.message(lang_of(request))
        return await _public_page(
            request, ctx, municipality_id, error, form | {"for": request_id}, status_code=409
        )
    except NotFound as exc:
        raise PageNotFound() from exc
    return see_other(f"/public/requests/{municipality_id}?applied={request_id}")


@router.get("/public/newsletters/{council_id}/{year}", response_class=HTMLResponse)
async def public_newsletter(
    request: Request, ctx: VisitorContext, council_id: str, year: Year
) -> HTMLResponse:
    """The published newsletter (one A4 page when printed)."""
    try:
        page = await ctx.run(newsletter.public_newsletter, council_id[:64], year)
    except NotFound as exc:
        raise PageNotFound() from exc
    context = {"letter": page, "preview": False, "municipality_link": None}
    return render(request, "newsletter.html", context)

"""Meeting calls (招集と出欠), below a cycle's page (the minutes: ``routers/minutes.py``).

- ``/councils/<c>/<y>/calls``: the calls of the year, and the chair's (or coordinator's)
  form to call a meeting.
- ``/councils/<c>/<y>/calls/<id>``: the call, the replies, who has not replied, the
  expected quorum, the reply form (``?answer=attend`` from the e-mail preselects a reply;
  nothing is sent until the person confirms), "record the meeting" pre-filled, and the
  forms of the commands declared once (``/do/<kind>``: postpone the meeting).

Every command goes through ``application.cycles.send`` as the signed-in person.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from application.cycle_reads import cycle_target, record_read
from application.errors import AppError
from application.meeting_calls import call_calendar, call_page
from application.my_page import call_read_receipts
from application.outcomes import CALL_ACTS, call_outcome
from application.vocabulary import (
    CALLER_ROLES,
    COMMAND_INPUTS,
    JAPAN,
    Answer,
    CallMeetingInput,
    NotFound,
    ReplyToCallInput,
    Role,
)
from console.context import ConsoleContext, SignedInContext
from console.cycle_view import (
    CycleView,
    NotApplied,
    field_of,
    find_cycle,
    first_error,
    load_cycle,
    send_command,
)
from console.messages import text
from console.params import Year
from console.web import (
    PageNotFound,
    SignedIn,
    console_of,
    form_of,
    lang_of,
    render,
    see_other,
)

router = APIRouter()

ANSWERS = tuple(Answer)


def _may_call(view: CycleView, who: SignedIn) -> bool:
    return bool(view.state.roster.roles_of(who.person_id) & CALLER_ROLES)


async def _calls_page(
    request: Request, who: SignedIn, view: CycleView, error: str | None = None,
    form: dict[str, Any] | None = None, status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    context = {
        "view": view,
        "calls": sorted(view.state.calls, key=lambda c: (c.held_on, c.starts_at), reverse=True),
        "may_call": _may_call(view, who),
        "error": error,
        "form": form or {},
    }
    return render(request, "calls.html", context, who=who, status_code=status_code)


@router.get("/councils/{council_id}/{year}/calls", response_class=HTMLResponse)
async def calls_list(
    request: Request, council_id: str, year: Year, ctx: SignedInContext
) -> HTMLResponse:
    """The year's meeting calls and the form to call one."""
    who = ctx.who
    view = await load_cycle(request, ctx, council_id, year)
    return await _calls_page(request, who, view)


@router.post("/councils/{council_id}/{year}/calls/new", response_model=None)
async def call_meeting(
    request: Request, council_id: str, year: Year, ctx: SignedInContext
) -> Response:
    """Call a meeting (chair, or coordinator on the chair's behalf)."""
    who = ctx.who
    form = await form_of(request, who)
    view = await load_cycle(request, ctx, council_id, year)
    call_id = f"call-{secrets.token_hex(4)}"
    try:
        command = CallMeetingInput(
            actor=who.person_id,
            call_id=call_id,
            held_on=date.fromisoformat(field_of(form, "held_on", 10)),
            starts_at=time.fromisoformat(field_of(form, "starts_at", 5)),
            place=field_of(form, "place", 200),
            agenda=field_of(form, "agenda", 4000),
            closed_part=field_of(form, "closed_part", 1000),
        )
    except (ValueError, ValidationError) as exc:
        detail = first_error(exc)
        error = text("bad_input", lang_of(request), detail=detail)
        return await _calls_page(request, who, view, error, form, 422)
    sent = await send_command(request, ctx, view, command, form)
    if isinstance(sent, NotApplied):
        refused = sent.message
        return await _calls_page(request, who, view, refused, form, 409)
    return see_other(f"{view.url}/calls/{call_id}?{sent.done}")


async def _call_view(
    request: Request, ctx: ConsoleContext, view: CycleView, call_id: str,
    error: str | None = None, status_code: int = 200, form: dict[str, Any] | None = None,
) -> HTMLResponse:  # fmt: skip
    who = ctx.who
    try:
        page = await console_of(request).db(
            lambda s: call_page(s, view.council_id, view.year, call_id)
        )
    except NotFound as exc:
        raise PageNotFound() from exc
    if view.closed_minutes and page.closed_part:
        # The page shows the call's closed part (非公開の部分): a read of personal data.
        target = f"{cycle_target(view.council_id, view.year)}/calls/{page.call_id}/closed-part"
        await ctx.run(record_read, target, request.url.path)
    mine = next((line for line in page.invitees if line.member_id == who.person_id), None)
    asked = request.query_params.get("answer", "")
    # Who sends calls and reminders sees who has read them (既読 4/7, with names).
    receipts = (
        await console_of(request).db(
            lambda s: call_read_receipts(s, view.council_id, view.year, page.call_id)
        )
        if _may_call(view, who)
        else None
    )
    # What the act just done did, in words read from the state after it.
    done = request.query_params.get("done", "")
    done_text = (
        call_outcome(done, view.state, page.call_id, who.person_id, lang_of(request))
        if done in CALL_ACTS or done in COMMAND_INPUTS
        else text("done_ok", lang_of(request))
        if done
        else None
    )
    context = {
        "done_text": done_text,
        "receipts": receipts,
        "view": view,
        "call": page,
        "mine": mine,
        "asked": asked if asked in {a.value for a in ANSWERS} else "",
        "answers": ANSWERS,
        "may_record": "record_meeting" in view.allowed,
        # Who may have attended: the invitees, and the coordinators who took part.
        "attendees": list(
            dict.fromkeys(
                [
                    *(line.member_id for line in page.invitees),
                    *view.state.roster.holders_of(Role.COORDINATOR),
                ]
            )
        ),
        "may_call": _may_call(view, who),
        "form": form or {},
        "error": error,
        "started": datetime.combine(page.held_on, page.starts_at, tzinfo=JAPAN)
        <= datetime.now(JAPAN),
    }
    return render(request, "call.html", context, who=who, status_code=status_code)


@router.get("/councils/{council_id}/{year}/calls/{call_id}/meeting.ics", response_model=None)
async def call_ics(
    request: Request, council_id: str, year: Year, call_id: str, ctx: SignedInContext
) -> Response:
    """The call as a calendar file (``.ics``) a phone's calendar opens."""
    try:
        content = await ctx.run(call_calendar, council_id, year, call_id[:64])
    except (NotFound, AppError) as exc:
        raise PageNotFound() from exc
    return Response(
        content,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="meeting.ics"'},
    )


@router.get("/councils/{council_id}/{year}/calls/{call_id}", response_class=HTMLResponse)
async def call_details(
    request: Request, council_id: str, year: Year, call_id: str, ctx: SignedInContext
) -> HTMLResponse:
    """The call with its replies; from the e-mail's one-click link, the reply preselected
    and waiting for the person's confirmation."""
    view = await load_cycle(request, ctx, council_id, year)
    return await _call_view(request, ctx, view, call_id[:64])


@router.post("/councils/{council_id}/{year}/calls/{call_id}/reply", response_model=None)
async def reply(
    request: Request, council_id: str, year: Year, call_id: str, ctx: SignedInContext
) -> Response:
    """Reply 出席 / 欠席 / 未定 with a comment (a later reply replaces the earlier one)."""
    who = ctx.who
    form = await form_of(request, who)
    # The state is read only when the form comes back (commands.py says why).
    target = await find_cycle(ctx, council_id, year)
    try:
        command = ReplyToCallInput(
            actor=who.person_id,
            call_id=call_id[:64],
            answer=field_of(form, "answer", 20),
            comment=field_of(form, "comment", 500),
        )
    except ValidationError as exc:
        error = text("bad_input", lang_of(request), detail=first_error(exc))
        view = await load_cycle(request, ctx, council_id, year)
        return await _call_view(request, ctx, view, call_id, error, 422)
    sent = await send_command(request, ctx, target, command, form)
    if isinstance(sent, NotApplied):
        view = await load_cycle(request, ctx, council_id, year)
        return await _call_view(request, ctx, view, call_id, sent.message, 409)
    return see_other(f"{target.url}/calls/{call_id}?{sent.done}")


#: The longest form field a declared command is built from (its model has the real bound).
_FIELD_LIMIT = 20_000


@router.post("/councils/{council_id}/{year}/calls/{call_id}/do/{kind}", response_model=None)
async def call_command(
    request: Request, council_id: str, year: Year, call_id: str, kind: str, ctx: SignedInContext
) -> Response:
    """A declared command on the call (a ``CommandInput`` with a ``call_id``, such as
    ``postpone_meeting``), built from the form's fields of the same names, as the
    signed-in person; the rules decide (docs/adding-a-command.md)."""
    model = COMMAND_INPUTS.get(kind)
    if model is None or "call_id" not in model.model_fields:
        raise PageNotFound()
    who = ctx.who
    form = await form_of(request, who)
    view = await load_cycle(request, ctx, council_id, year)
    given = {
        name: field_of(form, name, _FIELD_LIMIT)
        for name in model.model_fields
        if name in form and name not in ("kind", "actor", "call_id")
    }
    try:
        command = model.model_validate({**given, "actor": who.person_id, "call_id": call_id[:64]})
    except ValidationError as exc:
        error = text("bad_input", lang_of(request), detail=first_error(exc))
        return await _call_view(request, ctx, view, call_id, error, 422, form)
    sent = await send_command(request, ctx, view, command, form)
    if isinstance(sent, NotApplied):
        view = await load_cycle(request, ctx, council_id, year)
        return await _call_view(request, ctx, view, call_id, sent.message, 409, form)
    return see_other(f"{view.url}/calls/{call_id}?{sent.done}")

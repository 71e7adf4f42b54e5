"""Meeting calls (招集と出欠) and the chair's publishing of minutes, below a cycle's page.

- ``/councils/<c>/<y>/calls``: the calls of the year, and the chair's (or coordinator's)
  form to call a meeting.
- ``/councils/<c>/<y>/calls/<id>``: the call, the replies, who has not replied, the
  expected quorum, the reply form (``?answer=attend`` from the e-mail preselects a reply;
  nothing is sent until the person confirms), and "record the meeting" pre-filled.
- ``/councils/<c>/<y>/minutes``: each recorded meeting's public minutes, to publish or
  correct (the chair).

Every command goes through ``application.cycles.send`` as the signed-in person.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

import store
from application import cycles
from application.meeting_calls import call_page
from application.public_pages import public_page_path
from console.access_log import cycle_target, log_read
from console.messages import text
from console.pages import CycleView, load_cycle
from console.params import RowId, Year
from console.web import (
    PageNotFound,
    SignedIn,
    console_of,
    form_of,
    lang_of,
    render,
    see_other,
    signed_in,
)
from domain.base import Role
from domain.commands import Command
from domain.japan_time import JAPAN as JST
from domain.meeting_calls import (
    CALLER_ROLES,
    Answer,
    CallMeetingInput,
    CorrectMinutesInput,
    PublishMinutesInput,
    ReplyToCallInput,
)

router = APIRouter()

ANSWERS = tuple(Answer)


def _field(form: dict[str, Any], name: str, limit: int) -> str:
    value = form.get(name, "")
    return str(value[0] if isinstance(value, list) else value).strip()[: limit + 1]


def _may_call(view: CycleView, who: SignedIn) -> bool:
    return bool(view.state.roster.roles_of(who.person_id) & CALLER_ROLES)


def _is_chair(view: CycleView, who: SignedIn) -> bool:
    return Role.CHAIR in view.state.roster.roles_of(who.person_id)


async def _send(
    request: Request, view: CycleView, command: Command, form: dict[str, Any]
) -> str | None:
    """Send ``command``; the refusal's one line (or the trouble's) when it did not apply."""
    lang = lang_of(request)
    try:
        await cycles.send(
            console_of(request).temporal(), view.council_id, view.year, command,
            command_id=str(form.get("command_id", "")) or None,
        )  # fmt: skip
    except cycles.CommandRefused as refusal:
        return refusal.message(lang)
    except cycles.CycleError as exc:
        return text("unavailable", lang, detail=exc.message(lang))
    return None


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
async def calls_list(request: Request, council_id: str, year: Year) -> HTMLResponse:
    """The year's meeting calls and the form to call one."""
    who = await signed_in(request)
    view = await load_cycle(request, who, council_id, year)
    return await _calls_page(request, who, view)


@router.post("/councils/{council_id}/{year}/calls/new", response_model=None)
async def call_meeting(request: Request, council_id: str, year: Year) -> Response:
    """Call a meeting (chair, or coordinator on the chair's behalf)."""
    who = await signed_in(request)
    form = await form_of(request, who)
    view = await load_cycle(request, who, council_id, year)
    call_id = f"call-{secrets.token_hex(4)}"
    try:
        command = CallMeetingInput(
            actor=who.person_id,
            call_id=call_id,
            held_on=date.fromisoformat(_field(form, "held_on", 10)),
            starts_at=time.fromisoformat(_field(form, "starts_at", 5)),
            place=_field(form, "place", 200),
            agenda=_field(form, "agenda", 4000),
            closed_part=_field(form, "closed_part", 1000),
        )
    except (ValueError, ValidationError) as exc:
        detail = _first_error(exc)
        error = text("bad_input", lang_of(request), detail=detail)
        return await _calls_page(request, who, view, error, form, 422)
    refused = await _send(request, view, command, form)
    if refused is not None:
        return await _calls_page(request, who, view, refused, form, 409)
    return see_other(f"{view.url}/calls/{call_id}?done=1")


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc']) or 'form'}: {first['msg']}"
    return "held_on / starts_at: YYYY-MM-DD / HH:MM"


async def _call_view(
    request: Request, who: SignedIn, view: CycleView, call_id: str, error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    try:
        page = await console_of(request).db(
            lambda s: call_page(s, view.council_id, view.year, call_id)
        )
    except store.NotFound as exc:
        raise PageNotFound() from exc
    if view.closed_minutes and page.closed_part:
        # The page shows the call's closed part (非公開の部分): a read of personal data.
        target = f"{cycle_target(view.council_id, view.year)}/calls/{page.call_id}/closed-part"
        await log_read(request, who.person_id, target)
    mine = next((line for line in page.invitees if line.member_id == who.person_id), None)
    asked = request.query_params.get("answer", "")
    context = {
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
        "error": error,
        "started": datetime.combine(page.held_on, page.starts_at, tzinfo=JST) <= datetime.now(JST),
    }
    return render(request, "call.html", context, who=who, status_code=status_code)


@router.get("/councils/{council_id}/{year}/calls/{call_id}", response_class=HTMLResponse)
async def call_details(request: Request, council_id: str, year: Year, call_id: str) -> HTMLResponse:
    """The call with its replies; from the e-mail's one-click link, the reply preselected
    and waiting for the person's confirmation."""
    who = await signed_in(request)
    view = await load_cycle(request, who, council_id, year)
    return await _call_view(request, who, view, call_id[:64])


@router.post("/councils/{council_id}/{year}/calls/{call_id}/reply", response_model=None)
async def reply(request: Request, council_id: str, year: Year, call_id: str) -> Response:
    """Reply 出席 / 欠席 / 未定 with a comment (a later reply replaces the earlier one)."""
    who = await signed_in(request)
    form = await form_of(request, who)
    view = await load_cycle(request, who, council_id, year)
    try:
        command = ReplyToCallInput(
            actor=who.person_id,
            call_id=call_id[:64],
            answer=_field(form, "answer", 20),
            comment=_field(form, "comment", 500),
        )
    except ValidationError as exc:
        error = text("bad_input", lang_of(request), detail=_first_error(exc))
        return await _call_view(request, who, view, call_id, error, 422)
    refused = await _send(request, view, command, form)
    if refused is not None:
        return await _call_view(request, who, view, call_id, refused, 409)
    return see_other(f"{view.url}/calls/{call_id}?done=1")


# --- minutes: publish and correct ----------------------------------------------------


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
async def minutes(request: Request, council_id: str, year: Year) -> HTMLResponse:
    """Each recorded meeting's public minutes: draft or published, and their versions."""
    who = await signed_in(request)
    view = await load_cycle(request, who, council_id, year)
    return await _minutes_page(request, who, view)


@router.post("/councils/{council_id}/{year}/minutes/{number}/{act}", response_model=None)
async def publish_or_correct(
    request: Request, council_id: str, year: Year, number: RowId, act: str
) -> Response:
    """Publish a meeting's public minutes, or correct published ones (the chair)."""
    who = await signed_in(request)
    form = await form_of(request, who)
    view = await load_cycle(request, who, council_id, year)
    command: Command
    try:
        if act == "publish":
            command = PublishMinutesInput(actor=who.person_id, meeting_number=number)
        elif act == "correct":
            command = CorrectMinutesInput(
                actor=who.person_id, meeting_number=number,
                text=_field(form, "text", 20000), reason=_field(form, "reason", 1000),
            )  # fmt: skip
        else:
            raise PageNotFound()
    except ValidationError as exc:
        error = text("bad_input", lang_of(request), detail=_first_error(exc))
        return await _minutes_page(request, who, view, error, 422)
    refused = await _send(request, view, command, form)
    if refused is not None:
        view = await load_cycle(request, who, council_id, year)
        return await _minutes_page(request, who, view, refused, 409)
    return see_other(f"{view.url}/minutes?done=1")

"""A council's opinions (意見申出, ``/councils/{council_id}/{year}/opinions``): the chair
drafts one and closes its vote, members vote, the addressee (the board or the principal)
answers, and everyone on the council reads the answer. Each form is one use case of
``application.opinions``; a refusal shows the rules' one line with the typed values."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from application import opinions
from application.commands import CommandRefused
from application.cycles import CycleError
from application.errors import AppError
from application.opinions import (
    Addressee,
    AnswerOpinionInput,
    CloseOpinionVoteInput,
    DraftOpinionInput,
    OpinionBallotInput,
    OpinionCommand,
    OpinionSubject,
)
from application.vocabulary import Ballot, Role
from console.context import ConsoleContext, SignedInContext
from console.cycle_view import field_of, first_error
from console.messages import text
from console.params import RowId, Year
from console.web import PageNotFound, form_of, lang_of, render, see_other

router = APIRouter()
TEXT_MAX = 4000
TITLE_MAX = 200


def _path(council_id: str, year: int) -> str:
    return f"/councils/{council_id}/{year}/opinions"


async def _page(
    request: Request, ctx: ConsoleContext, council_id: str, year: int,
    error: str | None = None, form: dict[str, Any] | None = None, status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    try:
        page = await ctx.run(opinions.opinions_page, council_id[:64], year)
    except AppError as exc:
        raise PageNotFound() from exc
    roles = page.roles
    context = {
        "page": page,
        "url": _path(council_id, year),
        "cycle_url": f"/councils/{council_id}/{year}",
        "is_chair": Role.CHAIR in roles,
        "is_voter": bool(roles & {Role.CHAIR, Role.MEMBER}),
        "answers_for": {
            a.value for a, role in ((Addressee.BOARD, Role.BOARD_ADMIN),
                                    (Addressee.PRINCIPAL, Role.PRINCIPAL)) if role in roles
        },
        "addressees": list(Addressee),
        "subjects": list(OpinionSubject),
        "error": error,
        "form": form or {},
    }  # fmt: skip
    return render(request, "opinions.html", context, who=ctx.who, status_code=status_code)


@router.get("/councils/{council_id}/{year}/opinions", response_class=HTMLResponse)
async def opinions_page(
    request: Request, council_id: str, year: Year, ctx: SignedInContext
) -> HTMLResponse:
    """The council's opinions of the year, with their votes and answers."""
    return await _page(request, ctx, council_id, year)


async def _act(
    request: Request, ctx: ConsoleContext, council_id: str, year: int, form: dict[str, Any],
    number: int | None, command: DraftOpinionInput | OpinionCommand,
) -> Response:  # fmt: skip
    lang = lang_of(request)
    command_id = str(form.get("command_id", "")) or None
    try:
        if isinstance(command, DraftOpinionInput):
            await opinions.draft_opinion(ctx, council_id, year, command, command_id)
        else:
            assert number is not None
            await opinions.send_opinion_command(ctx, council_id, year, number, command, command_id)
    except CommandRefused as refusal:
        return await _page(request, ctx, council_id, year, refusal.message(lang), form, 409)
    except AppError as exc:
        return await _page(request, ctx, council_id, year, exc.message(lang), form, 403)
    except CycleError as exc:
        error = text("unavailable", lang, detail=exc.message(lang))
        return await _page(request, ctx, council_id, year, error, form, 503)
    return see_other(f"{_path(council_id, year)}?done=1")


@router.post("/councils/{council_id}/{year}/opinions/draft", response_model=None)
async def draft(request: Request, council_id: str, year: Year, ctx: SignedInContext) -> Response:
    """The chair drafts an opinion; the council's vote opens at once."""
    who = ctx.who
    form = await form_of(request, who)
    try:
        command = DraftOpinionInput(
            actor=who.person_id,
            addressee=Addressee(field_of(form, "addressee", 20)),
            subject=OpinionSubject(field_of(form, "subject", 20)),
            title=field_of(form, "title", TITLE_MAX),
            body=field_of(form, "body", TEXT_MAX),
        )
    except (ValidationError, ValueError) as exc:
        error = text("bad_input", lang_of(request), detail=first_error(exc))
        return await _page(request, ctx, council_id, year, error, form, 422)
    return await _act(request, ctx, council_id, year, form, None, command)


@router.post("/councils/{council_id}/{year}/opinions/{number}/{act}", response_model=None)
async def act(
    request: Request, council_id: str, year: Year, number: RowId, act: str, ctx: SignedInContext
) -> Response:
    """A ballot, the close of the vote, or the addressee's answer."""
    who = ctx.who
    form = await form_of(request, who)
    command: OpinionCommand
    try:
        if act == "vote":
            command = OpinionBallotInput(
                actor=who.person_id, ballot=Ballot(field_of(form, "ballot", 10))
            )
        elif act == "close":
            command = CloseOpinionVoteInput(actor=who.person_id)
        elif act == "answer" and field_of(form, "confirm", 1) != "1":
            error = text("confirm_needed", lang_of(request))
            return await _page(request, ctx, council_id, year, error, form, 422)
        elif act == "answer":
            command = AnswerOpinionInput(
                actor=who.person_id, answer=field_of(form, "answer", TEXT_MAX)
            )
        else:
            raise PageNotFound()
    except (ValidationError, ValueError) as exc:
        error = text("bad_input", lang_of(request), detail=first_error(exc))
        return await _page(request, ctx, council_id, year, error, form, 422)
    return await _act(request, ctx, council_id, year, form, number, command)

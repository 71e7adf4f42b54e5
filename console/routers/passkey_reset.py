"""The board's passkey reset (「パスキーのリセット」): a board admin, in a session a passkey
confirmed, sees who in the municipality has passkeys and removes a person's passkeys
after a confirmation page, so that person can enrol a first one again from an e-mail link
(a lost device). The reset ends the person's sessions, is an access-audit row in its own
transaction, and is mailed to the person."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import HTMLResponse, Response

from application import passkey_reset
from application.mail import send_mail
from console.context import SignedInContext
from console.messages import text
from console.routers.board import board_admin, board_base
from console.routers.passkeys import notice_time
from console.web import PageNotFound, console_of, form_of, now, render, see_other

router = APIRouter()
MAX_ID = 64


@router.get("/board/{municipality_id}/{year}/passkeys", response_class=HTMLResponse)
async def holders_page(
    request: Request, ctx: SignedInContext, municipality_id: str, year: int
) -> HTMLResponse:
    """Who in the municipality has passkeys, each with the way to reset them."""
    who = board_admin(ctx, municipality_id)
    holders = await ctx.run(passkey_reset.passkey_holders, municipality_id)
    context = {
        "holders": [h for h in holders if h.person_id != who.person_id],
        "base": board_base(municipality_id, year),
        "confirm": None,
        "done": request.query_params.get("done") == "1",
    }
    return render(request, "board_passkeys.html", context, who=who)


@router.get(
    "/board/{municipality_id}/{year}/passkeys/{person_id}/confirm", response_class=HTMLResponse
)
async def confirm_reset(
    request: Request, ctx: SignedInContext, municipality_id: str, year: int, person_id: str
) -> HTMLResponse:
    """The confirmation page: whose passkeys will go, and the button that removes them."""
    who = board_admin(ctx, municipality_id)
    target = person_id[:MAX_ID]

    try:
        name = await ctx.run(passkey_reset.reset_target, municipality_id, target)
    except passkey_reset.ResetNotAllowed as exc:
        raise PageNotFound() from exc
    context = {
        "holders": [],
        "base": board_base(municipality_id, year),
        "confirm": {"person_id": target, "name": name},
        "done": False,
    }
    return render(request, "board_passkeys.html", context, who=who)


@router.post("/board/{municipality_id}/{year}/passkeys/{person_id}/reset", response_model=None)
async def reset(
    request: Request,
    ctx: SignedInContext,
    background: BackgroundTasks,
    municipality_id: str,
    year: int,
    person_id: str,
) -> Response:
    """Remove the person's passkeys and end their sessions; audited, and mailed to them."""
    who = board_admin(ctx, municipality_id)
    await form_of(request, who)
    console = console_of(request)
    target = person_id[:MAX_ID]
    try:
        done = await ctx.run(passkey_reset.reset, municipality_id, target)
    except passkey_reset.ResetNotAllowed as exc:
        raise PageNotFound() from exc
    at = now()
    if done.address is not None:
        body = "\n\n".join(
            text("passkey_reset_mail_body", lang, at=notice_time(at), count=done.removed)
            for lang in ("ja", "en")
        )
        subject = text("passkey_reset_mail_subject", "ja")
        background.add_task(send_mail, console.settings, done.address, subject, body)
    return see_other(f"{board_base(municipality_id, year)}/passkeys?done=1")

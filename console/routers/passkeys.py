"""The passkey routes: the passkey page, the options of a ceremony, and its answer
(register a passkey, confirm the session with one, or sign in with one).

A person's first passkey may come from a session opened by an e-mail link (that is how
enrolment starts); another one needs a session an existing passkey confirmed, so a mail
link alone never adds a second factor (``identity.may_add_passkey``, checked again in the
registering transaction). Every registration is an access-audit row written in the same
transaction, and an e-mail to the person; every refused or malformed answer is a failed
sign-in row and a one-line 4xx answer.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from application import identity, passkeys, sign_in
from application.mail import send_mail
from application.vocabulary import JAPAN
from console.context import ConsoleContext, UnconfirmedContext, VisitorContext, client_of
from console.messages import text
from console.metrics import count_sign_in
from console.web import (
    CHALLENGE_COOKIE,
    SESSION_COOKIE,
    console_of,
    form_of,
    lang_of,
    now,
    render,
    safe_next,
    set_cookie,
    stay_options,
)

router = APIRouter()
#: The longest credential the browser's answer may carry (a passkey's is ~1 kB).
MAX_CREDENTIAL = 20000


@router.get("/passkey", response_class=HTMLResponse)
async def passkey_page(request: Request, ctx: UnconfirmedContext, next: str = "") -> HTMLResponse:
    """How many passkeys the person has; register one (the first, or another once the
    session is confirmed) and confirm the session with one (then on to ``next``)."""
    who = ctx.who
    count = await console_of(request).db(lambda s: identity.passkey_count(s, who.person_id))
    may_register = count == 0 or who.passkey_confirmed
    context = {"count": count, "may_register": may_register, "next": safe_next(next)}
    return render(request, "passkey.html", context, who=who)


def _refusal(request: Request, code: str, status_code: int) -> JSONResponse:
    """The one line the page shows for a refused passkey step."""
    return JSONResponse(
        {"ok": False, "message": text(code, lang_of(request))}, status_code=status_code
    )


async def _failed(ctx: ConsoleContext, person_id: str | None, code: str, purpose: str) -> None:
    await ctx.run(sign_in.record_failed_sign_in, code, {"purpose": purpose[:20]}, person_id)
    count_sign_in("passkey", succeeded=False)


@router.post("/passkey/options", response_model=None)
async def passkey_options(request: Request, ctx: VisitorContext) -> Response:
    """Start a ceremony: ``purpose`` is "login" (anyone), "register" or "confirm" (the
    signed-in person)."""
    form = await _json_form(request, ctx)
    console = console_of(request)
    rp = console.relying_party()
    purpose = str(form.get("purpose", ""))
    if purpose == "login":
        ceremony = await console.db(lambda s: identity.authentication_options(s, rp, None, now()))
    else:
        who = ctx.who
        try:
            if purpose == "register":
                ceremony = await console.db(
                    lambda s: identity.registration_options(s, rp, who.cookie, who.name, now())
                )
            else:
                ceremony = await console.db(
                    lambda s: identity.authentication_options(s, rp, who.person_id, now())
                )
        except identity.SignInError as exc:
            await _failed(ctx, who.person_id, exc.code, purpose)
            return _refusal(request, exc.code, 403)
    response = Response(ceremony.options_json, media_type="application/json")
    set_cookie(request, response, CHALLENGE_COOKIE, ceremony.challenge_id, 300)
    return response


@router.post("/passkey/verify", response_model=None)
async def passkey_verify(
    request: Request, ctx: VisitorContext, background: BackgroundTasks
) -> Response:
    """The browser's answer to a ceremony: keep a new passkey, confirm the session, or
    open a session; a failed sign-in row and a 4xx line for anything that does not
    verify, a malformed credential included."""
    form = await _json_form(request, ctx)
    console = console_of(request)
    rp = console.relying_party()
    challenge = request.cookies.get(CHALLENGE_COOKIE, "")
    credential = str(form.get("credential", ""))[:MAX_CREDENTIAL]
    purpose = str(form.get("purpose", ""))
    if purpose == "register":
        who = ctx.who
        return await _register(request, ctx, background, challenge, credential)
    try:
        person = await console.db(
            lambda s: identity.verify_passkey(s, rp, challenge, credential, now())
        )
    except identity.SignInError as exc:
        await _failed(ctx, None, exc.code, purpose)
        return _refusal(request, exc.code, 400)
    if purpose == "login":
        stay = stay_options(request, form.get("remember"))
        opened = await ctx.run(sign_in.sign_in_with_passkey, person, stay)
        count_sign_in("passkey", succeeded=True)
        # Back to the page the person was sent to, as after a mailed link.
        response = JSONResponse({"ok": True, "next": safe_next(str(form.get("next", "")))})
        set_cookie(request, response, SESSION_COOKIE, opened.cookie, opened.max_age)
        return response
    who = ctx.who
    if who.person_id != person:
        await _failed(ctx, None, "bad_passkey", "confirm")
        return _refusal(request, "bad_passkey", 400)
    await ctx.run(sign_in.confirm_with_passkey, person, who.cookie)
    count_sign_in("passkey_confirm", succeeded=True)
    return JSONResponse({"ok": True, "next": safe_next(str(form.get("next", "")))})


async def _register(
    request: Request,
    ctx: ConsoleContext,
    background: BackgroundTasks,
    challenge: str,
    credential: str,
) -> Response:
    """Keep the new passkey and its audit row in one transaction; then tell the person."""
    who = ctx.who
    console = console_of(request)
    rp = console.relying_party()
    try:
        made, count = await ctx.run(
            passkeys.add_passkey, rp, who.cookie, challenge, credential, who.passkey_confirmed
        )
    except identity.SignInError as exc:
        await _failed(ctx, who.person_id, exc.code, "register")
        return _refusal(request, exc.code, 403 if exc.code == "passkey_confirm_first" else 400)
    if made.address is not None:
        subject, body = _notice(now(), client_of(request), count)
        # After the answer, as the sign-in link is: the mail server never holds the page.
        background.add_task(send_mail, console.settings, made.address, subject, body)
    return JSONResponse({"ok": True, "next": "/passkey"})


def notice_time(at: datetime) -> str:
    """A moment as the passkey e-mails give it: Japan's date and time."""
    return at.astimezone(JAPAN).strftime("%Y-%m-%d %H:%M")


def _notice(at: datetime, client: str, count: int) -> tuple[str, str]:
    """The e-mail telling a person a passkey was added: Japanese, then English (the
    person may not read the language of whoever added it)."""
    when = notice_time(at)
    address = client.removeprefix("console@")
    subject = text("passkey_mail_subject", "ja")
    body = "\n\n".join(
        text("passkey_mail_body", lang, at=when, client=address, count=count)
        for lang in ("ja", "en")
    )
    return subject, body


async def _json_form(request: Request, ctx: ConsoleContext) -> dict[str, object]:
    """A passkey call: a form with the CSRF token of the session, or of the visitor."""
    return await form_of(request, ctx.session)

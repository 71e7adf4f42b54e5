"""Signing in and out (``/signin``, ``/signin/link``, ``/signout``), the home redirect
(``/``) and the language switch (``/lang/{code}``)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import HTMLResponse, Response

from application import identity, sign_in
from application.mail import send_mail
from console.context import UnconfirmedContext, VisitorContext
from console.messages import text
from console.metrics import count_sign_in
from console.web import (
    LANG_COOKIE,
    SESSION_COOKIE,
    console_of,
    form_of,
    lang_of,
    now,
    render,
    safe_next,
    see_other,
    set_cookie,
    stay_options,
)

router = APIRouter()


@router.get("/", response_model=None)
async def home(request: Request, ctx: VisitorContext) -> Response:
    return see_other("/me" if request.cookies.get(SESSION_COOKIE) else "/signin")


@router.get("/lang/{code}", response_model=None)
async def switch_language(
    request: Request, ctx: VisitorContext, code: str, next: str = "/me"
) -> Response:
    response = see_other(safe_next(next))
    set_cookie(request, response, LANG_COOKIE, "en" if code == "en" else "ja", 31536000)
    return response


@router.get("/signin", response_class=HTMLResponse)
async def sign_in_page(request: Request, ctx: VisitorContext, next: str = "") -> HTMLResponse:
    """The sign-in form; ``next`` is the page to return to (a path of this site only)."""
    return render(request, "signin.html", {"note": None, "next": safe_next(next)})


@router.post("/signin", response_class=HTMLResponse)
async def request_link(
    request: Request, ctx: VisitorContext, background: BackgroundTasks
) -> HTMLResponse:
    form = await form_of(request, None)
    email = str(form.get("email", ""))[: identity.MAX_EMAIL_LENGTH + 1]
    back = safe_next(str(form.get("next", "")))
    stay = "1" if str(form.get("remember", "")) == "1" else ""
    client = request.client.host if request.client else "unknown"
    console = console_of(request)
    lang = lang_of(request)
    kept = {"next": back, "email": email[: identity.MAX_EMAIL_LENGTH], "remember": stay}
    try:
        link = await console.db(lambda s: identity.request_link(s, email, client, now()))
    except identity.SignInError as exc:
        status = 429 if exc.code == "rate_limited" else 422
        return render(request, "signin.html", {"note": exc.code, **kept}, status_code=status)
    if link is not None:
        query = {"token": link.token, **({"next": back} if back != "/me" else {})}
        query.update({"stay": "1"} if stay else {})
        base = console.settings.console_base_url.rstrip("/")
        url = f"{base}/signin/link?{urlencode(query)}"
        subject = text("mail_subject", lang)
        body = text("mail_body", lang, link=url)
        # Sent after the answer: a known address must not answer slower than another.
        background.add_task(send_mail, console.settings, link.address, subject, body)
    return render(request, "signin.html", {"note": "link_sent", **kept})


@router.get("/signin/link", response_class=HTMLResponse)
async def confirm_link(
    request: Request, ctx: VisitorContext, token: str = "", next: str = "", stay: str = ""
) -> HTMLResponse:
    """The page the mailed link opens: one button spends it (with "stay signed in" as
    asked on the sign-in form, changeable here: the link may open on another device)."""
    # A GET spends nothing: mail scanners that open links must not burn them.
    context = {"token": token[:200], "next": safe_next(next), "remember": stay == "1"}
    return render(request, "link.html", context)


@router.post("/signin/link", response_model=None)
async def redeem_link(request: Request, ctx: VisitorContext) -> Response:
    form = await form_of(request, None)
    token = str(form.get("token", ""))[:200]
    back = safe_next(str(form.get("next", "")))
    try:
        opened = await ctx.run(
            sign_in.sign_in_with_link, token, stay_options(request, form.get("remember"))
        )
    except identity.SignInError:
        # Bad, expired or used: one reason, as the page says (audited by the use case).
        count_sign_in("link", succeeded=False)
        context = {"note": "bad_link", "next": back}
        return render(request, "signin.html", context, status_code=400)
    count_sign_in("link", succeeded=True)
    # Back to the page the person was sent to (a path of this site; else my page).
    response = see_other(back)
    set_cookie(request, response, SESSION_COOKIE, opened.cookie, opened.max_age)
    return response


@router.post("/signout", response_model=None)
async def sign_out(request: Request, ctx: UnconfirmedContext) -> Response:
    who = ctx.who
    await form_of(request, who)
    await console_of(request).db(lambda s: identity.sign_out(s, who.cookie, now()))
    response = see_other("/signin")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response

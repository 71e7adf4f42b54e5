"""The console application: sign-in (e-mail link, passkeys), sign-out, the language
switch, and the wiring of the page and command routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, BackgroundTasks, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

import store
from application import identity
from application.audit import AuditAction
from application.commands import new_command_id
from application.cycles import CycleError, connect
from application.mail import send_mail
from console import board, board_actions, calls, codec, commands, pages, passkeys, public, tokens
from console.access_log import log
from console.guard import BodyLimit, ProtectiveHeaders, protective_headers
from console.health import router as health_router
from console.messages import text
from console.metrics import RequestMetrics
from console.metrics import router as metrics_router
from console.passkey_reset import router as passkey_reset_router
from console.web import (
    HERE,
    LANG_COOKIE,
    SESSION_COOKIE,
    Console,
    ConsoleSettings,
    CsrfFailed,
    NotSignedIn,
    PageNotFound,
    PasskeyNeeded,
    console_of,
    form_of,
    lang_of,
    now,
    render,
    safe_next,
    see_other,
    set_cookie,
    signed_in,
)

SESSION_SECONDS = int(identity.SESSION_LIFETIME.total_seconds())


def create_app(settings: ConsoleSettings) -> FastAPI:
    """The console for ``settings``: migrates the store and connects to Temporal at start."""
    engine = store.make_engine(settings.resolved_database_url())
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    # Jinja2's i18n extension: templates ask ``{{ _("key") }}``; ``web.render`` hands
    # each page the ``gettext`` of the person's language.
    templates.env.add_extension("jinja2.ext.i18n")
    templates.env.globals["new_command_id"] = new_command_id
    console = Console(settings=settings, engine=engine, templates=templates)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store.migrate(settings.resolved_database_url())
        console.client = await connect(settings)
        yield
        engine.dispose()

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.console = console
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _handlers(app)
    # The body limit first (innermost of the two), so its 413 gets the protective headers.
    limits = {"/codec/": codec.MAX_BODY_BYTES}
    app.add_middleware(BodyLimit, default=settings.console_max_form_bytes, limits=limits)
    app.add_middleware(ProtectiveHeaders)
    # Outermost: counts and logs every answer, the middlewares' own 413s included.
    app.add_middleware(RequestMetrics)
    app.include_router(health_router)  # /healthz, /readyz (docs/operations.md)
    app.include_router(metrics_router)  # /metrics

    app.include_router(_auth_routes())
    app.include_router(passkeys.router)
    app.include_router(passkey_reset_router)
    app.include_router(pages.router)
    # Issue 15's pages: the board's dashboard, meeting calls and minutes, the public pages.
    for router in (board.router, board_actions.router, calls.router, public.router):
        app.include_router(router)
    app.include_router(commands.router)
    app.include_router(tokens.router)
    app.include_router(codec.router)
    return app


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def to_sign_in(request: Request, exc: NotSignedIn) -> Response:
        return see_other("/signin")

    @app.exception_handler(PasskeyNeeded)
    async def to_passkey(request: Request, exc: PasskeyNeeded) -> Response:
        return see_other("/passkey")

    @app.exception_handler(PageNotFound)
    async def not_found(request: Request, exc: PageNotFound) -> Response:
        return render(request, "message.html", {"heading": "not_found", "body": "not_found_body"},
                      status_code=404)  # fmt: skip

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed) -> Response:
        return render(request, "message.html", {"heading": "forbidden", "body": "csrf_failed"},
                      status_code=403)  # fmt: skip

    @app.exception_handler(CycleError)
    async def temporal_trouble(request: Request, exc: CycleError) -> Response:
        # Temporal or the worker did not answer: say so in one line, never a stack trace.
        detail = exc.message(lang_of(request))
        return render(request, "message.html",
                      {"heading": "unavailable_title", "body": None, "detail": detail},
                      status_code=503)  # fmt: skip

    @app.exception_handler(404)
    async def unknown_path(request: Request, exc: Exception) -> Response:
        return render(request, "message.html", {"heading": "not_found", "body": "not_found_body"},
                      status_code=404)  # fmt: skip

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError) -> Response:
        # A path id out of bounds names no page (404); a bad query or form value is 400,
        # naming the parameter (never its value).
        first = exc.errors()[0] if exc.errors() else {}
        where = [str(part) for part in first.get("loc", ())]
        if where[:1] == ["path"]:
            context: dict[str, object] = {"heading": "not_found", "body": "not_found_body"}
            return render(request, "message.html", context, status_code=404)
        detail = text("bad_parameter", lang_of(request), name=".".join(where[1:])[:60])
        context = {"heading": "bad_request", "body": None, "detail": detail}
        return render(request, "message.html", context, status_code=400)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        # Starlette sends this answer outside the middlewares: the headers are set here.
        response = PlainTextResponse(text("server_error", lang_of(request)), status_code=500)
        for name, value in protective_headers(request.url.path):
            response.headers[name] = value
        return response


def _auth_routes() -> APIRouter:
    router = APIRouter()

    @router.get("/", response_model=None)
    async def home(request: Request) -> Response:
        return see_other("/me" if request.cookies.get(SESSION_COOKIE) else "/signin")

    @router.get("/lang/{code}", response_model=None)
    async def switch_language(request: Request, code: str, next: str = "/me") -> Response:
        response = see_other(safe_next(next))
        set_cookie(request, response, LANG_COOKIE, "en" if code == "en" else "ja", 31536000)
        return response

    @router.get("/signin", response_class=HTMLResponse)
    async def sign_in_page(request: Request) -> HTMLResponse:
        return render(request, "signin.html", {"note": None})

    @router.post("/signin", response_class=HTMLResponse)
    async def request_link(request: Request, background: BackgroundTasks) -> HTMLResponse:
        form = await form_of(request, None)
        email = str(form.get("email", ""))[: identity.MAX_EMAIL_LENGTH + 1]
        client = request.client.host if request.client else "unknown"
        console = console_of(request)
        lang = lang_of(request)
        try:
            link = await console.db(lambda s: identity.request_link(s, email, client, now()))
        except identity.SignInError as exc:
            status = 429 if exc.code == "rate_limited" else 422
            return render(request, "signin.html", {"note": exc.code}, status_code=status)
        if link is not None:
            url = f"{console.settings.console_base_url.rstrip('/')}/signin/link?token={link.token}"
            subject = text("mail_subject", lang)
            body = text("mail_body", lang, link=url)
            # Sent after the answer: a known address must not answer slower than another.
            background.add_task(send_mail, console.settings, link.address, subject, body)
        return render(request, "signin.html", {"note": "link_sent"})

    @router.get("/signin/link", response_class=HTMLResponse)
    async def confirm_link(request: Request, token: str = "") -> HTMLResponse:
        # A GET spends nothing: mail scanners that open links must not burn them.
        return render(request, "link.html", {"token": token[:200]})

    @router.post("/signin/link", response_model=None)
    async def redeem_link(request: Request) -> Response:
        form = await form_of(request, None)
        token = str(form.get("token", ""))[:200]
        try:
            opened = await console_of(request).db(lambda s: identity.redeem_link(s, token, now()))
        except identity.SignInError:
            # Bad, expired or used: one reason, as the page says (the token is not kept).
            await log(request, None, AuditAction.SIGN_IN_FAILED, "console", {"reason": "bad_link"})
            return render(request, "signin.html", {"note": "bad_link"}, status_code=400)
        await log(request, opened.person_id, AuditAction.SIGN_IN, "console", {"method": "link"})
        response = see_other("/me")
        set_cookie(request, response, SESSION_COOKIE, opened.cookie, SESSION_SECONDS)
        return response

    @router.post("/signout", response_model=None)
    async def sign_out(request: Request) -> Response:
        who = await signed_in(request, allow_unconfirmed=True)
        await form_of(request, who)
        await console_of(request).db(lambda s: identity.sign_out(s, who.cookie, now()))
        response = see_other("/signin")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return router

"""The console application: the feature routers of ``console/routers/`` (each route
declares who asks through ``console.context``), the middlewares, and the answers to
errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from application import shared_store
from application.commands import new_command_id
from application.cycles import CycleError, connect
from application.errors import AppError
from console import health, metrics
from console.context import probe_context
from console.guard import BodyLimit, ControlCharacterPaths, ProtectiveHeaders, protective_headers
from console.messages import text
from console.metrics import RequestMetrics
from console.routers import (
    board,
    board_actions,
    board_year,
    calls,
    codec,
    commands,
    confirm,
    cycle,
    me,
    minutes,
    opinions,
    passkey_reset,
    passkeys,
    prints,
    public,
    requests,
    signin,
    surveys,
    tokens,
    volunteer_public,
    volunteers,
)
from console.routers import settings as my_settings
from console.web import (
    HERE,
    Console,
    ConsoleSettings,
    CsrfFailed,
    NotSignedIn,
    PageNotFound,
    PasskeyNeeded,
    date_filters,
    lang_of,
    render,
    see_other,
    sign_in_url,
)

#: The feature routers, each named after its URLs (``console/routers/``).
ROUTERS = (
    signin.router,
    passkeys.router,
    passkey_reset.router,
    me.router,
    cycle.router,
    calls.router,
    minutes.router,
    confirm.router,
    prints.router,
    opinions.router,
    surveys.router,
    board.router,
    board_actions.router,
    board_year.router,
    public.router,
    requests.router,
    volunteer_public.router,
    tokens.router,
    my_settings.router,
    codec.router,
    volunteers.router,
    # Last: ``/councils/{c}/{y}/{kind}`` must not shadow the pages' fixed paths.
    commands.router,
)


def create_app(settings: ConsoleSettings) -> FastAPI:
    """The console for ``settings``: migrates the store and connects to Temporal at start."""
    engine = shared_store.open_engine(settings.resolved_database_url())
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    # Jinja2's i18n extension: templates ask ``{{ _("key") }}``; ``web.render`` hands
    # each page the ``gettext`` of the person's language.
    templates.env.add_extension("jinja2.ext.i18n")
    templates.env.globals["new_command_id"] = new_command_id
    # Dates and times in words, in Japan time (``application.wording``), for every page.
    templates.env.filters.update(date_filters())
    console = Console(settings=settings, engine=engine, templates=templates)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        shared_store.migrate(settings.resolved_database_url())
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
    app.add_middleware(ControlCharacterPaths)
    app.add_middleware(ProtectiveHeaders)
    # Outermost: counts and logs every answer, the middlewares' own 413s included.
    app.add_middleware(RequestMetrics)
    # The probes and the metrics answer anyone, without reading the store: they say so.
    anyone = [Depends(probe_context)]
    app.include_router(health.router, dependencies=anyone)  # /healthz, /readyz
    app.include_router(metrics.router, dependencies=anyone)  # /metrics
    for router in ROUTERS:
        app.include_router(router)
    return app


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def to_sign_in(request: Request, exc: NotSignedIn) -> Response:
        # Back to the page asked for once signed in (a one-click reply from a notice).
        return see_other(sign_in_url(request))

    @app.exception_handler(PasskeyNeeded)
    async def to_passkey(request: Request, exc: PasskeyNeeded) -> Response:
        # Confirmed, the person goes on to the page they asked for.
        return see_other(sign_in_url(request, "/passkey"))

    @app.exception_handler(PageNotFound)
    async def not_found(request: Request, exc: PageNotFound) -> Response:
        return render(request, "message.html", {"heading": "not_found", "body": "not_found_body"},
                      status_code=404)  # fmt: skip

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed) -> Response:
        return render(request, "message.html", {"heading": "forbidden", "body": "csrf_failed"},
                      status_code=403)  # fmt: skip

    @app.exception_handler(AppError)
    async def refused(request: Request, exc: AppError) -> Response:
        # A use case said no (a role, a scope) where the page did not turn it into one of
        # its own: a one-line refusal, never a server error.
        detail = exc.message(lang_of(request))
        return render(request, "message.html",
                      {"heading": "forbidden", "body": None, "detail": detail},
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

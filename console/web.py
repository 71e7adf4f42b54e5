"""What every console route shares: settings, the store and Temporal, who is signed in,
CSRF, the language, and rendering a template."""

from __future__ import annotations

import asyncio
import ipaddress
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from pydantic import Field, field_validator
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from temporalio.client import Client

from application import identity, shared_store, wording
from application.console_reads import person_name
from application.permissions import load_viewer
from application.viewer import Viewer
from application.vocabulary import JAPAN, Lang
from config import Settings
from console.messages import CONSOLE, text

T = TypeVar("T")

SESSION_COOKIE = "cs_session"
ANON_CSRF_COOKIE = "cs_csrf"
CHALLENGE_COOKIE = "cs_webauthn"
LANG_COOKIE = "lang"
HERE = Path(__file__).resolve().parent


class ConsoleSettings(Settings):
    """The console's own settings on top of the shared ones (``CONSOLE_*``)."""

    console_host: str = "127.0.0.1"
    console_port: int = Field(default=8000, ge=1, le=65535)
    #: The Temporal Web UI origins allowed to call the codec endpoint (CORS), as JSON.
    codec_allowed_origins: list[str] = Field(
        default=["http://127.0.0.1:8233", "http://localhost:8233"], max_length=20
    )
    #: The reverse proxies (addresses or networks, as JSON) whose ``X-Forwarded-For`` and
    #: ``X-Forwarded-Proto`` the console believes. None by default: the client is the
    #: address that connected, whatever headers it sends (sign-in limits, the audit).
    console_trusted_proxies: list[str] = Field(default=[], max_length=20)
    #: The largest request body (bytes) of a form; larger is refused (413) unread.
    console_max_form_bytes: int = Field(default=1024 * 1024, ge=16 * 1024, le=64 * 1024 * 1024)
    #: How long ``/readyz`` waits for the store and for Temporal before answering 503.
    console_ready_timeout_seconds: float = Field(default=2.0, gt=0, le=30)

    @field_validator("console_trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"{entry[:60]!r} is not an IP address or network") from None
        return value


class NotSignedIn(Exception):
    """The request needs a signed-in person."""


class PasskeyNeeded(Exception):
    """The person must confirm the session with a passkey first."""


class PageNotFound(Exception):
    """Answer 404: unknown, or not the viewer's to see (the same answer on purpose)."""


class CsrfFailed(Exception):
    """A form came without the right CSRF token."""


@dataclass
class Console:
    """The running console: settings, the store, Temporal and the templates."""

    settings: ConsoleSettings
    engine: Engine
    templates: Jinja2Templates
    client: Client | None = None

    async def db(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one committed store session, off the event loop."""
        return await asyncio.to_thread(self.in_session, work)

    def in_session(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one committed store session, on this thread."""
        return shared_store.in_session(self.engine, work)

    async def read(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in a store session that only reads, off the event loop."""
        return await asyncio.to_thread(self.in_read_session, work)

    def in_read_session(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in a store session that only reads, on this thread."""
        return shared_store.in_read_session(self.engine, work)

    def temporal(self) -> Client:
        """The Temporal client (connected at start-up)."""
        if self.client is None:
            raise RuntimeError("the console is not connected to Temporal")
        return self.client

    @property
    def secure_cookies(self) -> bool:
        """Cookies are ``Secure`` when the console is served over https."""
        return self.settings.console_base_url.startswith("https://")

    def relying_party(self) -> identity.RelyingParty:
        """The passkey relying party: the host of ``CONSOLE_BASE_URL``."""
        parts = urlsplit(self.settings.console_base_url)
        origin = f"{parts.scheme}://{parts.netloc}"
        return identity.RelyingParty(
            rp_id=parts.hostname or "localhost", name=text("app_name", "ja"), origin=origin
        )


@dataclass(frozen=True)
class SignedIn:
    """The person of the request's session."""

    cookie: str
    person_id: str
    name: str
    csrf: str
    passkey_confirmed: bool
    viewer: Viewer


def console_of(request: Request) -> Console:
    """The console serving ``request``."""
    console: Console = request.app.state.console
    return console


def now() -> datetime:
    """The current time (UTC)."""
    return datetime.now(UTC)


def today() -> date:
    """Today in Japan: due dates are Japanese dates."""
    return datetime.now(JAPAN).date()


def lang_of(request: Request) -> Lang:
    """The language the person chose (Japanese unless they switched)."""
    return "en" if request.cookies.get(LANG_COOKIE) == "en" else "ja"


async def load_signed_in(request: Request) -> SignedIn | None:
    """The person of the request's session cookie, confirmed with a passkey or not;
    ``None`` without a live session. Routes ask ``console.context``'s dependencies."""
    cookie = request.cookies.get(SESSION_COOKIE)

    def load(session: Session) -> SignedIn | None:
        found = identity.current_session(session, cookie, now())
        if found is None or cookie is None:
            return None
        viewer = load_viewer(session, found.person_id)
        if viewer is None:
            return None
        name = person_name(session, found.person_id)
        return SignedIn(
            cookie=cookie,
            person_id=found.person_id,
            name=name,
            csrf=found.csrf_token,
            passkey_confirmed=found.passkey_confirmed,
            viewer=viewer,
        )

    # Only reads: every signed-in request asks this, and must not queue for the store's
    # write lock behind the worker's recording.
    return await console_of(request).read(load)


def anonymous_csrf(request: Request) -> str:
    """The CSRF token of a visitor not yet signed in (double-submit cookie)."""
    return request.cookies.get(ANON_CSRF_COOKIE) or secrets.token_urlsafe(24)


async def form_of(request: Request, who: SignedIn | None) -> dict[str, Any]:
    """The posted form, after checking its CSRF token; ``CsrfFailed`` otherwise."""
    form = await request.form()
    sent = str(form.get("csrf", ""))
    expected = who.csrf if who is not None else request.cookies.get(ANON_CSRF_COOKIE, "")
    # As bytes: compare_digest refuses str with non-ASCII characters (a TypeError, a 500).
    if not sent or not expected or not secrets.compare_digest(sent.encode(), expected.encode()):
        raise CsrfFailed()
    fields: dict[str, Any] = {}
    for key in form:
        values = form.getlist(key)
        fields[key] = [str(v) for v in values] if len(values) > 1 else str(values[0])
    return fields


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    who: SignedIn | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render ``template`` in the person's language, with CSRF and the language switch."""
    lang = lang_of(request)
    csrf = who.csrf if who is not None else anonymous_csrf(request)

    response = console_of(request).templates.TemplateResponse(
        request,
        template,
        {
            "gettext": CONSOLE.gettext(lang),
            "lang": lang,
            "who": who,
            "csrf": csrf,
            "path": request.url.path,
            **context,
        },
        status_code=status_code,
    )
    if who is None and request.cookies.get(ANON_CSRF_COOKIE) != csrf:
        set_cookie(request, response, ANON_CSRF_COOKIE, csrf, max_age=3600)
    return response


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    """Set a cookie the way the console always does: HttpOnly, SameSite=Lax, Secure
    over https."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=console_of(request).secure_cookies,
        path="/",
    )


def see_other(url: str) -> RedirectResponse:
    """Redirect after a form (POST, then GET): reloading never repeats the command."""
    return RedirectResponse(url, status_code=303)


#: The longest path (with its query) a sign-in returns to.
MAX_NEXT_LENGTH = 500


def safe_next(target: str | None) -> str:
    r"""A path of this site to go back to after signing in (or switching language);
    anything else becomes my page: another site ("https://x", "//x", "/\x"), a path
    with a control character or a backslash anywhere (browsers drop tabs and line breaks
    and read "\" as "/", so "/<tab>/x" is "//x"), or one too long."""
    if not target or len(target) > MAX_NEXT_LENGTH or not target.startswith("/"):
        return "/me"
    if any(ord(c) < 0x20 or c in "\\\x7f" for c in target) or target.startswith("//"):
        return "/me"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/me"
    return target


def stay_options(request: Request, remember: object) -> identity.StayOptions:
    """Whether the person asked to stay signed in on this device (the form's "remember"
    is "1"), and a few words naming the device."""
    device = identity.device_label(request.headers.get("user-agent"))
    return identity.StayOptions(remember=str(remember) == "1", device=device)


def sign_in_url(request: Request, page: str = "/signin") -> str:
    """Where a visitor who is not signed in is sent (``page``: the sign-in page, or the
    passkey step), with the page they asked for (path and query) to return to, unless
    that is my page."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    back = safe_next(target) if request.method == "GET" else "/me"
    return page if back == "/me" else f"{page}?{urlencode({'next': back})}"


def date_filters() -> dict[str, Callable[..., str]]:
    """The templates' date filters, in the page's language and Japan time:
    ``{{ d|day }}`` 12月20日（日）, ``{{ t|moment }}`` 12月20日（日）18:30,
    ``{{ d|official_day }}`` 令和8年12月20日（日）, ``{{ y|official_year }}`` 令和8年度."""

    @pass_context
    def day(context: Any, value: Any, with_year: bool = False) -> str:
        return wording.day(value, context.get("lang", "ja"), with_year)

    @pass_context
    def moment(context: Any, value: Any, with_year: bool = False) -> str:
        return wording.moment(value, context.get("lang", "ja"), with_year)

    return {
        "day": day,
        "moment": moment,
        "official_day": wording.official_day,
        "official_year": wording.official_year,
    }

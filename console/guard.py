"""What guards every answer of the console, below the routes: the protective headers
(on every page, refusals and errors included) and the request body limit (checked
before anything parses a body)."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The headers of every answer.
ALWAYS = (
    ("X-Content-Type-Options", "nosniff"),
    (
        "Content-Security-Policy",
        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
)
#: The headers of every page (static files may be cached).
PAGES = (("Cache-Control", "no-store"), ("Referrer-Policy", "no-referrer"))


def protective_headers(path: str) -> tuple[tuple[str, str], ...]:
    """The headers an answer to ``path`` carries."""
    # Pages carry personal data: never cached, never framed, no referrer.
    return ALWAYS if path.startswith("/static/") else PAGES + ALWAYS


def _replace(headers: Iterable[tuple[bytes, bytes]], path: str) -> list[tuple[bytes, bytes]]:
    ours = protective_headers(path)
    names = {name.lower().encode() for name, _ in ours}
    kept = [(k, v) for k, v in headers if k.lower() not in names]
    return kept + [(name.lower().encode(), value.encode()) for name, value in ours]


class ProtectiveHeaders:
    """ASGI middleware: the protective headers on every answer that passes through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": _replace(message.get("headers", []), path)}
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyTooLarge(Exception):
    """The request body went past its limit while it was being read."""


class BodyLimit:
    """ASGI middleware: a request body over its limit is refused with 413 before anything
    reads it (a declared ``Content-Length``), or as soon as the bytes read pass the limit
    (a chunked body); the rest is never read. ``limits`` maps path prefixes to their own
    limit; every other path gets ``default``."""

    def __init__(self, app: ASGIApp, default: int, limits: dict[str, int]) -> None:
        self.app = app
        self.default = default
        self.limits = limits

    def limit_for(self, path: str) -> int:
        """The body limit of ``path``."""
        for prefix, limit in self.limits.items():
            if path.startswith(prefix):
                return limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(str(scope.get("path", "")))
        for name, value in scope.get("headers", []):
            # uvicorn has already refused a malformed Content-Length (400).
            if name.lower() == b"content-length" and value.isdigit() and int(value) > limit:
                await _too_large(send, limit)
                return
        read = 0
        started = False

        async def counted() -> Message:
            nonlocal read
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > limit:
                    raise BodyTooLarge()
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if started:
                raise
            await _too_large(send, limit)


async def _too_large(send: Send, limit: int) -> None:
    body = (
        f"送信内容が大きすぎます（上限 {limit} バイト） / request body too large"
        f" (limit {limit} bytes)\n"
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                # The rest of the body is never read: the connection cannot be reused.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class ControlCharacterPaths:
    """ASGI middleware: a path with a control character (``%00``, a tab, a line break)
    names no page of this console and is answered 404 before any route sees it — no id
    with such a character exists, and PostgreSQL refuses NUL in a query."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse the request in one line, or pass it on."""
        path = str(scope.get("path", "")) if scope["type"] == "http" else ""
        if not any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
            await self.app(scope, receive, send)
            return
        body = "ページが見つかりません / page not found\n".encode()
        await send(
            {
                "type": "http.response.start",
                "status": 404,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

"""Calling an ASGI application in-process, one request at a time: what the fuzz needs of
an HTTP client (no cookies kept, no redirects followed), on the application's own loop."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from starlette.types import ASGIApp, Message

#: The client address of every in-process request: not loopback, so the fuzz never
#: counts against the sign-in limits of the tests that run the console over loopback.
CLIENT = "192.0.2.10"


@dataclass(frozen=True)
class Answer:
    """A response: status, headers (lower-case names) and body."""

    status: int
    headers: dict[str, str]
    body: bytes
    #: The exception the application raised after answering (a 500), if any.
    raised: str | None = None


async def call(
    app: ASGIApp,
    method: str,
    raw_path: str,
    query: str = "",
    headers: list[tuple[str, str]] | None = None,
    body: bytes = b"",
) -> Answer:
    """Send one request to ``app`` from ``CLIENT``; ``raw_path`` is percent-encoded."""
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote(raw_path),
        "raw_path": raw_path.encode("ascii"),
        "query_string": query.encode("ascii"),
        "root_path": "",
        "headers": [(b"host", b"localhost")]
        + [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers or []]
        + [(b"content-length", str(len(body)).encode())],
        "client": (CLIENT, 50000),
        "server": ("localhost", 80),
    }
    answered = asyncio.Event()
    sent_body = False
    status = 0
    response_headers: dict[str, str] = {}
    chunks: list[bytes] = []

    async def receive() -> Message:
        nonlocal sent_body
        if not sent_body:
            sent_body = True
            return {"type": "http.request", "body": body, "more_body": False}
        await answered.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            for key, value in message.get("headers", []):
                response_headers[key.decode("latin-1").lower()] = value.decode("latin-1")
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                answered.set()

    raised = None
    try:
        await app(scope, receive, send)
    except Exception as exc:  # a 500: its cause goes into the test's message
        raised = f"{type(exc).__name__}: {str(exc)[:200]}"
        status = status or 500
    answered.set()
    return Answer(status, response_headers, b"".join(chunks), raised)

"""The console's Prometheus metrics at ``/metrics`` and its access log.

Requests are counted and timed by route *template* (``/councils/{council_id}``), never
by raw path, so no id, e-mail address or token reaches a label; sign-ins are counted by
method and outcome, refusals (4xx answers but 404) by route and status. Every process
serves its own numbers: scrape each console process."""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("console.access")
# The ``*_created`` series double the output and tell nothing a scraper needs.
disable_created_metrics()  # type: ignore[no-untyped-call]  # untyped in prometheus_client

#: The console's own registry: its metrics first, then the process's (CPU, memory, files).
REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "console_requests",
    "HTTP requests answered, by route template",
    ["method", "route", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "console_request_duration_seconds",
    "Time to answer an HTTP request, by route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
SIGN_INS = Counter(
    "console_sign_ins", "Sign-ins, by method and outcome", ["method", "outcome"], registry=REGISTRY
)
REFUSALS = Counter(
    "console_refusals",
    "Requests refused (4xx other than 404), by route",
    ["route", "status"],
    registry=REGISTRY,
)
ProcessCollector(registry=REGISTRY)
#: The sign-in methods a label may name; anything else counts as ``other``.
SIGN_IN_METHODS = frozenset({"link", "passkey", "passkey_confirm", "token"})
#: The route label of a request that matched no route (a 404 for an unknown path).
UNMATCHED = "unmatched"

router = APIRouter()


@router.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    """This process's metrics in Prometheus' text format."""
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


def count_sign_in(method: object, succeeded: bool) -> None:
    """Count one sign-in (or failed attempt) by ``method`` (a fixed set of names)."""
    label = method if isinstance(method, str) and method in SIGN_IN_METHODS else "other"
    SIGN_INS.labels(method=label, outcome="ok" if succeeded else "failed").inc()


def route_template(scope: Scope, root_path: str = "") -> str:
    """The template of the route that served ``scope`` (set by the router); for a file
    under a mount (``/static``), the mount's path, which the router added to the scope's
    ``root_path`` (``root_path``: what it was before the request was routed)."""
    route: Any = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str) and path:
        return path
    mounted = str(scope.get("root_path", ""))
    if mounted.startswith(root_path) and len(mounted) > len(root_path):
        return mounted[len(root_path) :]
    return UNMATCHED


class RequestMetrics:
    """ASGI middleware: counts and times each HTTP request by route template and logs
    one access line (method, route, status, duration: never the path or query string,
    which may carry a sign-in token)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request, then record it."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        root_path = str(scope.get("root_path", ""))

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                # The server's time for this page (the browser shows it beside the
                # network's; the browser tests report the slowest page from it).
                spent = (time.perf_counter() - started) * 1000
                headers = list(message.get("headers", []))
                headers.append((b"server-timing", f"app;dur={spent:.1f}".encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self._record(scope, root_path, status, time.perf_counter() - started)

    @staticmethod
    def _record(scope: Scope, root_path: str, status: int, seconds: float) -> None:
        method = str(scope.get("method", "GET"))
        route = route_template(scope, root_path)
        if route == "/metrics":
            return  # the scraper's own requests would only add noise
        REQUESTS.labels(method=method, route=route, status=str(status)).inc()
        LATENCY.labels(method=method, route=route).observe(seconds)
        if 400 <= status < 500 and status != 404:
            REFUSALS.labels(route=route, status=str(status)).inc()
        access_log.info(
            "%s %s %d %.1fms",
            method,
            route,
            status,
            seconds * 1000,
            extra={
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 1),
            },
        )

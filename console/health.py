"""``/healthz`` (the process answers: liveness) and ``/readyz`` (the store and Temporal
answer within a short timeout: readiness; 503 with one line naming what does not)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from application.readiness import what_does_not_answer
from console.web import console_of

router = APIRouter()


@router.get("/healthz", include_in_schema=False)
async def healthz() -> PlainTextResponse:
    """200 while the process serves requests."""
    return PlainTextResponse("ok\n")


@router.get("/readyz", include_in_schema=False)
async def readyz(request: Request) -> PlainTextResponse:
    """200 when the store and Temporal answer; 503 and one line naming what does not."""
    console = console_of(request)
    timeout = console.settings.console_ready_timeout_seconds
    problem = await what_does_not_answer(console.engine, console.client, timeout)
    if problem is not None:
        return PlainTextResponse(f"not ready: {problem}\n", status_code=503)
    return PlainTextResponse("ok\n")

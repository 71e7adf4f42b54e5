"""The console's entries in the access audit: sign-ins, failed sign-ins and reads of
personal data (a cycle's closed minutes and volunteers' contacts, a meeting call's closed
part, a council's history on the board's timeline), each with the actor, the time and the
client's address."""

from __future__ import annotations

from fastapi import Request

from application.audit import Actor, AuditAction, Detail, record_in
from console.context import client_of, console_actor
from console.metrics import count_sign_in
from console.web import console_of

#: The actor of a failed sign-in: nobody is proven yet.
ANONYMOUS = "anonymous"


async def log(
    request: Request,
    person_id: str | None,
    action: AuditAction,
    target: str,
    detail: Detail | None = None,
) -> None:
    """Append one access-audit row for this request, in a transaction of its own."""
    actor = (
        console_actor(request, person_id)
        if person_id is not None
        else Actor(id=ANONYMOUS, client=client_of(request))
    )
    await console_of(request).db(lambda s: record_in(s, actor, action, target, detail))
    if action in (AuditAction.SIGN_IN, AuditAction.SIGN_IN_FAILED):
        count_sign_in((detail or {}).get("method", "link"), action is AuditAction.SIGN_IN)


async def log_read(request: Request, person_id: str, target: str) -> None:
    """Record that the page of this request shows the personal data ``target`` names."""
    await log(request, person_id, AuditAction.READ_PERSONAL_DATA, target,
              {"via": request.url.path[:200]})  # fmt: skip


def cycle_target(council_id: str, year: int) -> str:
    """The audit target of a council's cycle of ``year``; the parts are below it."""
    return f"councils/{council_id}/cycles/{year}"


async def log_cycle_reads(
    request: Request,
    person_id: str,
    council_id: str,
    year: int,
    closed_minutes: bool,
    contacts: bool,
) -> None:
    """Record what personal data a cycle page shows: closed minutes, volunteers'
    contacts (one row each; nothing when the page shows neither)."""
    target = cycle_target(council_id, year)
    if closed_minutes:
        await log_read(request, person_id, target + "/closed-minutes")
    if contacts:
        await log_read(request, person_id, target + "/volunteers")

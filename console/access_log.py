"""The console's sign-ins and failed sign-ins in the access audit, each with the actor,
the time and the client's address (reads of personal data are recorded by the use cases
that read them: ``application.cycle_reads``)."""

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

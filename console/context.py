"""Who asks the console: the one FastAPI dependency every route declares.

Each request builds one ``ConsoleContext`` (``application.context.Context`` plus the
console session the pages render with) from its session cookie: the principal proved
by ``Proof.SESSION`` or ``Proof.SESSION_PASSKEY`` (or an anonymous one for a visitor),
the console's shared engine as the unit of work and its shared Temporal client. A route
says which door it is with its dependency (spelt ``ctx: SignedInContext``,
``ctx: UnconfirmedContext``, ``ctx: VisitorContext`` in the routes)::

    ctx: ConsoleContext = Depends(signed_in_context)              # a signed-in person
    ctx: ConsoleContext = Depends(signed_in_context_unconfirmed)  # the passkey pages
    ctx: ConsoleContext = Depends(visitor_context)                # anyone (public, sign-in)
    dependencies=[Depends(probe_context)]                         # the probes, /metrics

``tests/console_static/test_routes_declare_principal.py`` fails for a route without one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from temporalio.client import Client

from application.actors import client_label, person_actor
from application.audit import Actor
from application.context import Context
from application.principal import Principal, Proof, anonymous
from config import Settings
from console.web import (
    SESSION_COOKIE,
    Console,
    NotSignedIn,
    PasskeyNeeded,
    SignedIn,
    console_of,
    load_signed_in,
)

T = TypeVar("T")


@dataclass(frozen=True)
class ConsoleContext(Context):
    """The ``Context`` of one console request, with the session it came with (``None``
    for a visitor nobody signed in)."""

    session: SignedIn | None = None

    async def run(self, use_case: Callable[..., T], *args: Any) -> T:
        """Call the (blocking) ``use_case(self, *args)`` off the event loop."""
        return await asyncio.to_thread(use_case, self, *args)

    @property
    def who(self) -> SignedIn:
        """The signed-in person's session (``NotSignedIn`` for a visitor)."""
        if self.session is None:
            raise NotSignedIn()
        return self.session


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def client_of(request: Request) -> str:
    """``console@<client address>`` for the audit (``application.actors``' format)."""
    return client_label("console", _address(request))


def console_actor(request: Request, person_id: str) -> Actor:
    """The audit actor of a person's console request, in the same format as the CLI's
    (``application.actors``); a route with a context has it as ``ctx.principal.actor``."""
    return person_actor(person_id, "console", _address(request))


def _context(console: Console, principal: Principal, session: SignedIn | None) -> ConsoleContext:
    def run_in_session(config: Settings, work: Callable[[Session], object]) -> object:
        # The console's own engine (one pool for every request), not one per call.
        return console.in_session(work)

    async def temporal_client() -> Client:
        return console.temporal()

    return ConsoleContext(
        principal=principal,
        config=console.settings,
        run_in_session=run_in_session,
        read_in_session=console.in_read_session,
        temporal_client=temporal_client,
        session=session,
    )


def _principal(request: Request, who: SignedIn) -> Principal:
    return Principal(
        actor=console_actor(request, who.person_id),
        viewer=who.viewer,
        # ``--as`` is the CLI's: no console page acts on someone else's behalf.
        may_act_on_behalf=False,
        proof=Proof.SESSION_PASSKEY if who.passkey_confirmed else Proof.SESSION,
    )


async def _session_context(request: Request, allow_unconfirmed: bool) -> ConsoleContext:
    console = console_of(request)
    who = await load_signed_in(request)
    if who is None:
        raise NotSignedIn()
    if who.viewer.needs_passkey and not who.passkey_confirmed and not allow_unconfirmed:
        raise PasskeyNeeded()
    return _context(console, _principal(request, who), who)


async def signed_in_context(request: Request) -> ConsoleContext:
    """A signed-in person's context; ``NotSignedIn`` (to the sign-in page) or, for board
    admins and chief coordinators whose session no passkey confirmed, ``PasskeyNeeded``."""
    return await _session_context(request, allow_unconfirmed=False)


async def signed_in_context_unconfirmed(request: Request) -> ConsoleContext:
    """A signed-in person's context, confirmed with a passkey or not (the passkey pages
    and signing out); ``NotSignedIn`` without a session."""
    return await _session_context(request, allow_unconfirmed=True)


async def visitor_context(request: Request) -> ConsoleContext:
    """Whoever asks: the signed-in person if the request carries a live session
    (confirmed or not), else an anonymous principal (public and sign-in pages)."""
    console = console_of(request)
    who = await load_signed_in(request) if request.cookies.get(SESSION_COOKIE) else None
    if who is None:
        return _context(console, anonymous(client_of(request)), None)
    return _context(console, _principal(request, who), who)


async def probe_context(request: Request) -> ConsoleContext:
    """An anonymous principal, whatever cookie comes: the probes and the metrics answer
    without reading the store (``/healthz`` must answer while the store does not)."""
    return _context(console_of(request), anonymous(client_of(request)), None)


#: The dependencies that give a route its principal (the static test looks for these).
PRINCIPAL_DEPENDENCIES = (
    signed_in_context,
    signed_in_context_unconfirmed,
    visitor_context,
    probe_context,
)

#: What a route declares: ``ctx: SignedInContext`` (and so on), one parameter.
SignedInContext = Annotated[ConsoleContext, Depends(signed_in_context)]
UnconfirmedContext = Annotated[ConsoleContext, Depends(signed_in_context_unconfirmed)]
VisitorContext = Annotated[ConsoleContext, Depends(visitor_context)]

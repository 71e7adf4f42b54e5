"""The console's one principal dependency (console/context.py) against the real store
and Temporal: the session cookie becomes the request's ``Context`` — the person's actor
in the audit's one format, ``Proof.SESSION`` or ``Proof.SESSION_PASSKEY``, the console's
own engine and Temporal client — a visitor an anonymous principal, and the redirects
(``NotSignedIn``, ``PasskeyNeeded``) stay where they were."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import text
from starlette.requests import Request

from application.principal import Proof
from console.context import (
    ConsoleContext,
    probe_context,
    signed_in_context,
    signed_in_context_unconfirmed,
    visitor_context,
)
from console.web import NotSignedIn, PasskeyNeeded, console_of
from tests.console_hardening.conftest import BOARD, CHAIR, HardeningEnv, Person

Dependency = Callable[[Request], Coroutine[Any, Any, ConsoleContext]]


def _request(app: FastAPI, who: Person | None) -> Request:
    headers = [(b"cookie", f"cs_session={who.cookie}".encode())] if who else []
    scope = {"type": "http", "app": app, "method": "GET", "path": "/me", "headers": headers,
             "client": ("127.0.0.9", 40000), "query_string": b""}  # fmt: skip
    return Request(scope)


def _ask(
    env: HardeningEnv, app: FastAPI, dependency: Dependency, who: Person | None
) -> ConsoleContext:
    return env.loop.run(dependency(_request(app, who)))


def test_a_session_is_a_person_proved_by_the_session(
    hardening_env: HardeningEnv, console_app: FastAPI
) -> None:
    chair = hardening_env.sign_in(CHAIR)
    ctx = _ask(hardening_env, console_app, signed_in_context, chair)
    assert ctx.principal.proof is Proof.SESSION
    assert ctx.who.cookie == chair.cookie
    person = ctx.principal.person_id
    assert person is not None and ctx.principal.actor.id == f"person:{person}"
    assert ctx.principal.actor.client == "console@127.0.0.9"
    assert not ctx.principal.may_act_on_behalf
    # The unit of work and Temporal are the console's own (one pool, one client).
    console = console_of(_request(console_app, chair))
    assert ctx.unit_of_work(lambda s: s.execute(text("SELECT 1")).scalar()) == 1
    assert hardening_env.loop.run(ctx.temporal()) is console.temporal()


def test_a_board_admin_needs_the_passkey_except_on_the_passkey_pages(
    hardening_env: HardeningEnv, console_app: FastAPI
) -> None:
    unconfirmed = hardening_env.sign_in(BOARD)
    with pytest.raises(PasskeyNeeded):
        _ask(hardening_env, console_app, signed_in_context, unconfirmed)
    ctx = _ask(hardening_env, console_app, signed_in_context_unconfirmed, unconfirmed)
    assert ctx.principal.proof is Proof.SESSION
    confirmed = hardening_env.sign_in(BOARD, passkey=True)
    ctx = _ask(hardening_env, console_app, signed_in_context, confirmed)
    assert ctx.principal.proof is Proof.SESSION_PASSKEY


def test_a_visitor_is_anonymous_and_signed_in_pages_send_them_to_sign_in(
    hardening_env: HardeningEnv, console_app: FastAPI
) -> None:
    with pytest.raises(NotSignedIn):
        _ask(hardening_env, console_app, signed_in_context, None)
    visitor = _ask(hardening_env, console_app, visitor_context, None)
    assert visitor.principal.proof is Proof.ANONYMOUS and visitor.session is None
    assert visitor.principal.actor.client == "console@127.0.0.9"
    # A signed-in person on a public page is still who they are...
    chair = hardening_env.sign_in(CHAIR)
    assert _ask(hardening_env, console_app, visitor_context, chair).principal.proof is Proof.SESSION
    # ...but the probes never read the store, whatever cookie comes.
    assert _ask(hardening_env, console_app, probe_context, chair).principal.is_anonymous

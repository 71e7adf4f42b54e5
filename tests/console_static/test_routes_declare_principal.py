"""Every console route declares who asks: its dependency tree holds one of
``console.context``'s principal dependencies (issue 20: one door). Static files are the
only exception; a route added without ``ctx: SignedInContext`` (or an unconfirmed or a
visitor's context) fails here."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from starlette.routing import Mount

from console.app import create_app
from console.context import PRINCIPAL_DEPENDENCIES
from console.web import ConsoleSettings


def _declares_principal(dependant: Dependant) -> bool:
    return any(
        sub.call in PRINCIPAL_DEPENDENCIES or _declares_principal(sub)
        for sub in dependant.dependencies
    )


def _app() -> FastAPI:
    # Building the app opens no connection: the store and Temporal wait for the lifespan.
    return create_app(ConsoleSettings(database_url="sqlite:///:memory:"))


def _routes(app: FastAPI) -> list[RouteContext]:
    # Each route as the app serves it: with the dependencies its router was included with.
    return list(iter_route_contexts(app.routes))


def _undeclared(app: FastAPI) -> list[str]:
    missing = []
    for route in _routes(app):
        if isinstance(route.original_route, Mount) and route.path == "/static":
            continue  # the static files: no person, no data
        if not isinstance(route.original_route, APIRoute):
            missing.append(f"{type(route.original_route).__name__} {route.path}")
        elif not _declares_principal(route.dependant):
            missing.append(f"{sorted(route.methods or ())} {route.path}")
    return missing


def test_every_route_declares_the_principal_dependency() -> None:
    app = _app()
    assert len(_routes(app)) > 40, "the console's routes were not found"
    assert _undeclared(app) == []


def test_a_route_without_it_fails() -> None:
    app = _app()

    @app.get("/unguarded")
    async def unguarded() -> str:
        return "nobody asked who"

    assert _undeclared(app) == ["['GET'] /unguarded"]

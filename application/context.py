"""The one argument every use case takes first: who asks and what they may use.

A use case is a function ``def act(ctx: Context, given: SomeInput) -> Result`` (or
``async def``): it checks the permission for ``ctx.principal`` (``application.permissions``,
derived from ``domain``'s rules), does the work through ``ctx.unit_of_work`` and
``ctx.temporal``, and writes its own audit row with ``ctx.principal.actor``. The faces
(``starter/``, ``console/``) only build a ``Context`` — the CLI from its token, the console
through one FastAPI dependency from the session cookie — then parse, call and render.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TypeVar

from sqlalchemy.orm import Session
from temporalio.client import Client

from application.cycles import connect
from application.principal import Principal
from application.records import with_session
from config import Settings
from domain.japan_time import JAPAN

T = TypeVar("T")


def utc_now() -> datetime:
    """The wall clock, in UTC (the default clock of a context)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Context:
    """Who asks (``principal``), the settings, the unit of work, the Temporal client and
    the clock, for one request or one CLI run."""

    principal: Principal
    config: Settings
    #: Runs ``work`` in one committed store transaction (``application.records``'
    #: ``with_session`` unless a face shares an engine of its own).
    run_in_session: Callable[[Settings, Callable[[Session], object]], object] | None = None
    #: Runs ``work`` in a session that only reads (``store.read_scope``); ``None``: the
    #: unit of work (a face without a read-only session of its own).
    read_in_session: Callable[[Callable[[Session], object]], object] | None = None
    #: Connects (or hands out the shared) Temporal client; ``None``: connect on first use.
    temporal_client: Callable[[], Awaitable[Client]] | None = None
    clock: Callable[[], datetime] = field(default=utc_now)

    def unit_of_work(self, work: Callable[[Session], T]) -> T:
        """``work`` in one committed store transaction; store errors become one-line
        ``AppError``s."""
        if self.run_in_session is not None:
            result = self.run_in_session(self.config, work)
            return result  # type: ignore[return-value]  # the runner returns work's value
        return with_session(self.config, work)

    def read(self, work: Callable[[Session], T]) -> T:
        """``work`` in a session that only reads: it must not write (on SQLite it neither
        waits for nor holds up a writer)."""
        if self.read_in_session is not None:
            result = self.read_in_session(work)
            return result  # type: ignore[return-value]  # the runner returns work's value
        return self.unit_of_work(work)

    async def temporal(self) -> Client:
        """The Temporal client (speaking encrypted pydantic payloads)."""
        if self.temporal_client is not None:
            return await self.temporal_client()
        return await connect(self.config)

    def now(self) -> datetime:
        """The context's current time (UTC)."""
        return self.clock()

    def today(self) -> date:
        """Today in Japan: due dates and fiscal years are Japanese dates."""
        return self.clock().astimezone(JAPAN).date()

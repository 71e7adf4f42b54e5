"""``python -m worker --check``: exits 0 when the worker's Temporal server and store
answer, 1 with one line naming what does not. For docker compose's healthcheck and a
Kubernetes exec probe (readiness); the metrics port (worker/telemetry.py) is the liveness
probe. The console's ``/readyz`` asks the same two questions
(``application.readiness.what_does_not_answer``)."""

from __future__ import annotations

import asyncio

from temporalio.client import Client

from application.readiness import CHECK_TIMEOUT_SECONDS, what_does_not_answer
from config import Settings, settings_error
from store.db import make_engine


async def check(settings: Settings, within: float = CHECK_TIMEOUT_SECONDS) -> str | None:
    """The worker's readiness: ``None`` when its store and Temporal server answer."""
    engine = make_engine(settings.resolved_database_url())
    try:
        try:
            client: Client | None = await asyncio.wait_for(
                Client.connect(settings.temporal_address, namespace=settings.temporal_namespace),
                within,
            )
        except Exception:  # refused or timed out: named below as not connected
            client = None
        return await what_does_not_answer(engine, client, within)
    finally:
        engine.dispose()


def check_exit_code() -> int:
    """Run ``check`` with the settings from the environment; print one line; 0 or 1."""
    try:
        settings = Settings()
    except Exception as exc:
        from pydantic import ValidationError

        message = settings_error(exc) if isinstance(exc, ValidationError) else str(exc)
        print(f"worker check: settings error: {message}")
        return 1
    problem = asyncio.run(check(settings))
    print(f"worker check: {problem or 'ok'}")
    return 0 if problem is None else 1

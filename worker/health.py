"""``python -m worker --check``: exits 0 when the worker's Temporal server and store
answer, 1 with one line naming what does not. For docker compose's healthcheck and a
Kubernetes exec probe (readiness); the metrics port (worker/telemetry.py) is the liveness
probe. The console's ``/readyz`` asks the same two questions (``what_does_not_answer``)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import Engine, text
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest
from temporalio.client import Client

from config import Settings, settings_error
from store.db import make_engine

#: How long each question may take before it counts as no answer.
CHECK_TIMEOUT_SECONDS = 3.0


def _store_answers(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


async def store_problem(engine: Engine, within: float = CHECK_TIMEOUT_SECONDS) -> str | None:
    """``None`` when the store answers ``SELECT 1`` within ``within`` seconds; else one line."""
    try:
        await asyncio.wait_for(asyncio.to_thread(_store_answers, engine), within)
    except TimeoutError:
        return f"store: no answer within {within:g} s"
    except Exception as exc:  # any driver error: the store does not answer
        return f"store: {type(exc).__name__}"
    return None


async def temporal_problem(client: Client, within: float = CHECK_TIMEOUT_SECONDS) -> str | None:
    """``None`` when the Temporal frontend answers within ``within`` seconds; else one line."""
    try:
        await client.workflow_service.get_system_info(
            GetSystemInfoRequest(), timeout=timedelta(seconds=within)
        )
    except Exception as exc:  # an RPC error or a timeout: Temporal does not answer
        return f"temporal: {type(exc).__name__}"
    return None


async def what_does_not_answer(
    engine: Engine, client: Client | None, within: float = CHECK_TIMEOUT_SECONDS
) -> str | None:
    """``None`` when the store and Temporal both answer; else one line naming each that
    does not (never a URL or a password)."""
    temporal = (
        "temporal: not connected" if client is None else await temporal_problem(client, within)
    )
    problems = [p for p in (await store_problem(engine, within), temporal) if p is not None]
    return "; ".join(problems) or None


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

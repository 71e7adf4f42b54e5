"""Do the store and Temporal answer? The two questions of the console's ``/readyz`` and
of ``python -m worker --check`` (worker/health.py), asked within a short timeout; the
answer names what does not answer in one line (never a URL or a password)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import Engine, text
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest
from temporalio.client import Client

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

"""Helpers of the volunteer request tests: a context for the use cases, volunteers in
the registry, and a request made through the use case."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from temporalio.client import Client

import store
from application.audit import Actor
from application.context import Context, utc_now
from application.principal import Principal, Proof
from config import Settings
from domain.japan_time import JAPAN
from store.volunteers import VolunteerEntry


def operator_context(
    engine: Engine,
    task_queue: str = "unused",
    client: Client | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Context:
    """The local operator's context on ``engine`` (and ``client``'s Temporal)."""

    def run_in_session(config: Settings, work: Callable[[Session], object]) -> object:
        with store.session_scope(engine) as session:
            return work(session)

    async def temporal() -> Client:
        assert client is not None
        return client

    temporal_client: Callable[[], Awaitable[Client]] | None = temporal if client else None
    principal = Principal(
        actor=Actor(id="local:test", client="test"), viewer=None,
        may_act_on_behalf=False, proof=Proof.LOCAL_OPERATOR,
    )  # fmt: skip
    return Context(
        principal=principal, config=Settings(task_queue=task_queue),
        run_in_session=run_in_session, temporal_client=temporal_client,
        clock=clock or utc_now,
    )  # fmt: skip


def register_volunteers(
    engine: Engine, municipality_id: str, prefix: str, count: int, registered_on: date
) -> list[str]:
    """``count`` volunteers ``<prefix>-1``..., agreeing to be contacted; their ids."""
    ids = [f"{prefix}-{n}" for n in range(1, count + 1)]
    with store.session_scope(engine) as session:
        for number, volunteer_id in enumerate(ids, start=1):
            store.upsert_volunteer(
                session, municipality_id,
                VolunteerEntry(id=volunteer_id, name=f"試験 ボランティア{number}",
                               fields_of_help=("読み聞かせ",), availability="平日 桜町",
                               contact=f"{volunteer_id}@example.invalid",
                               registered_on=registered_on, consent_to_contact=True),
                today=registered_on,
            )  # fmt: skip
    return ids


def japan_day(moment: datetime, days: int = 0) -> date:
    """The Japanese date ``days`` after ``moment``."""
    return (moment.astimezone(JAPAN) + timedelta(days=days)).date()

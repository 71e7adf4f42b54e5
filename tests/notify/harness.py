"""Driving a notify-city cycle on the time-skipping server and watching what arrives."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import SecretStr
from sqlalchemy import Engine
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

import store
from contracts.cycle import STATE_QUERY, CycleInput, cycle_workflow_id
from domain.commands import CloseDiscussionInput, RecordMeetingInput
from domain.model import CycleState, Step
from store.deliveries import PENDING, SENDING
from tests.notify.loopback import SmtpSink, WebhookSink
from tests.workflows.driver import send, wait_open
from workflows.council_cycle import CouncilCycleWorkflow

SECRET = SecretStr("notify-city-master-secret")
COUNCIL = "notifycity-c1"
#: A fiscal year ahead of the test server's clock (which starts at the real now).
YEAR = 2027
CHAIR_MAIL = "chair@notify.example.jp"
PRINCIPAL_MAIL = "principal@notify.example.jp"
CHIEF_MAIL = "chief@notify.example.jp"


@dataclass
class Harness:
    """The environment, the store and the two loopback receivers of one test."""

    env: WorkflowEnvironment
    engine: Engine
    smtp: SmtpSink
    hook: WebhookSink
    queue: str

    async def open_at_approve(self, council: str = COUNCIL) -> WorkflowHandle[Any, Any]:
        """Start the council's cycle and take it through discuss to approve."""
        handle = await self.env.client.start_workflow(
            CouncilCycleWorkflow.run,
            CycleInput(council_id=council, fiscal_year=YEAR),
            id=cycle_workflow_id(council, YEAR),
            task_queue=self.queue,
        )
        await wait_open(handle)
        await send(
            handle,
            RecordMeetingInput(
                actor="n-chair",
                held_on=date(YEAR, 4, 20),
                attendance=("n-chair", "n-m1"),
                minutes_public="目指す子ども像について熟議した",
                vision_draft="地域とともに学ぶ子ども",
            ),
        )
        state = await send(handle, CloseDiscussionInput(actor="n-chair"))
        assert state.step is Step.APPROVE
        # The principal hears of discuss and of approve opening: both notices are queued.
        await wait_until(lambda: self.inbox_templates("n-principal", council).count(
            "step_opened") == 2)  # fmt: skip
        return handle

    def inbox_templates(self, person: str, council: str = COUNCIL) -> list[str]:
        """Templates of ``person``'s inbox messages of the cycle, oldest first."""
        with store.session_scope(self.engine) as session:
            rows = store.inbox(session, person)
        return [r.template for r in reversed(rows) if (r.council_id, r.fiscal_year) == (
            council, YEAR)]  # fmt: skip

    async def state(self, handle: WorkflowHandle[Any, Any]) -> CycleState:
        result: CycleState = await handle.query(STATE_QUERY, result_type=CycleState)
        return result

    async def sleep_until(self, moment: datetime) -> None:
        """Skip the server's clock forward to ``moment`` (never backwards)."""
        now = await self.env.get_current_time()
        if moment > now:
            await self.env.sleep(moment - now)

    async def settle(self, council: str = COUNCIL, within: float = 20) -> None:
        """Wait (in real time, the server's clock standing still) until every queued
        delivery of the cycle is sent or failed."""

        def settled() -> bool:
            with store.session_scope(self.engine) as session:
                rows = store.deliveries(session, council, YEAR)
            return all(r.status not in (PENDING, SENDING) for r in rows)

        await wait_until(settled, within)

    def mail_events(self, address: str) -> list[str]:
        """The ``X-CS-Event`` of each e-mail ``address`` received, in order."""
        return [str(m["X-CS-Event"]) for m in self.smtp.received() if m["To"] == address]

    def hook_events(self, person: str) -> list[str]:
        """The event of each webhook call ``person`` received, in order."""
        return [c.payload["event"] for c in self.hook.received() if c.path == f"/{person}"]


async def wait_until(condition: Callable[[], bool], within: float = 20) -> None:
    """Poll ``condition`` in real time; fail after ``within`` seconds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    while not condition():
        if loop.time() > end:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(0.05)


def minute_after(moment: datetime) -> datetime:
    """Just after ``moment``: alerts fire on the minute."""
    return moment + timedelta(minutes=1)

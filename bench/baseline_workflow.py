"""The baseline: a bare workflow with the cycle's shape and none of its domain logic.

It opens with two activities and some notify activities (on the notification queue, as
the engine's), then serves one update per
command; each update awaits one activity (the record) and starts the notify activities
the engine would start for that command. The closing update ends the run, which then
waits for its notifications and starts next year's workflow as an abandoned child, as the
engine does. The benchmark's numbers are the engine's cost relative to this.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel, ConfigDict

    from contracts.cycle import notification_queue
    from contracts.retry_policies import NOTIFY_RETRY, RECORD_RETRY, STORE_TIMEOUT

BASELINE_WORKFLOW = "BenchBaselineWorkflow"
OPENED_QUERY = "opened"
ADVANCE_UPDATE = "advance"
LOAD, OPENED, RECORD, NOTIFY = "bench_load", "bench_opened", "bench_record", "bench_notify"


class BaselineInput(BaseModel):
    """How many notify activities opening starts, and whether closing opens a child."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    opening_notices: int
    open_child: bool


class AdvanceInput(BaseModel):
    """One command's worth of work: notify activities to start; ``closes`` ends the run."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    notices: int
    closes: bool = False


class NoopInput(BaseModel):
    """The argument of every baseline activity."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str


@workflow.defn(name=BASELINE_WORKFLOW)
class BaselineWorkflow:
    """The cycle's Temporal skeleton without its rules, store or notifications."""

    def __init__(self) -> None:
        self._opened = False
        self._closed = False
        self._updates = 0
        self._notifications: list[asyncio.Future[None]] = []

    @workflow.run
    async def run(self, data: BaselineInput) -> int:
        """Open, serve updates until one closes, then open the next year's child."""
        for name in (LOAD, OPENED):
            await workflow.execute_activity(
                name,
                NoopInput(key=name),
                start_to_close_timeout=STORE_TIMEOUT,
                retry_policy=RECORD_RETRY,
            )
        self._notify(data.opening_notices)
        self._opened = True
        await workflow.wait_condition(lambda: self._closed)
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self._notifications:
            await asyncio.gather(*self._notifications)
        if data.open_child:
            await workflow.start_child_workflow(
                BaselineWorkflow.run,
                BaselineInput(opening_notices=data.opening_notices, open_child=False),
                id=f"{workflow.info().workflow_id}/next",
                parent_close_policy=workflow.ParentClosePolicy.ABANDON,
            )
        return self._updates

    @workflow.query(name=OPENED_QUERY)
    def opened(self) -> bool | None:
        """``None`` while opening, as the cycle's state query answers."""
        return True if self._opened else None

    @workflow.update(name=ADVANCE_UPDATE)
    async def advance(self, data: AdvanceInput) -> int:
        """Record (one local activity, as the cycle records its events), start the
        notifications, maybe close."""
        self._updates += 1
        seq = self._updates
        await workflow.execute_local_activity(
            RECORD,
            NoopInput(key=str(seq)),
            start_to_close_timeout=STORE_TIMEOUT,
            retry_policy=RECORD_RETRY,
        )
        self._notify(data.notices)
        if data.closes:
            self._closed = True
        return seq

    @advance.validator
    def _check_advance(self, data: AdvanceInput) -> None:
        if not self._opened or self._closed:
            raise ApplicationError("not open", non_retryable=True)

    def _notify(self, count: int) -> None:
        for _ in range(count):
            self._notifications.append(
                workflow.start_activity(
                    NOTIFY,
                    NoopInput(key="notify"),
                    task_queue=notification_queue(workflow.info().task_queue),
                    start_to_close_timeout=timedelta(minutes=2),
                    schedule_to_close_timeout=timedelta(days=3),
                    retry_policy=NOTIFY_RETRY,
                )
            )


if __name__ == "__main__":  # pragma: no cover - the sandbox re-imports workflow modules
    raise SystemExit("this module defines a workflow; run `python -m bench.baseline` instead")

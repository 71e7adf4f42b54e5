"""The daily audit anchor: every day at 07:00 Japan time the audit chains' heads
(``store.audit_anchor``) go to the inbox of every board admin, and out on their e-mail or
webhook through the usual outbox (``workflows.delivery``), so that a copy nobody with the
database can reach is taken every day.

Deterministic: the only clock is ``workflow.now()`` and the only waits are timers. Durable:
a day's mail is one activity (keyed by person and day, so a retry sends nothing twice) and
its deliveries retry for days like every notice. After ``DAYS_PER_RUN`` days the workflow
continues as new, so its history stays small. The worker starts it (``worker.daily_jobs``);
a second start finds it running and leaves it.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contracts.activities import NotifyResult
    from contracts.audit_anchor import (
        AUDIT_ANCHOR_WORKFLOW,
        PUBLISH_AUDIT_ANCHOR,
        AuditAnchorInput,
        PublishAnchorInput,
    )
    from contracts.cycle import notification_queue
    from contracts.retry_policies import ANCHOR_RETRY
    from domain.japan_time import JAPAN
    from workflows.delivery import deliver_all

#: When the day's anchor is mailed: before the office opens.
SEND_AT = time(7, 0)
#: Days per run before continuing as new.
DAYS_PER_RUN = 31


def next_send_time(now: datetime) -> datetime:
    """The first ``SEND_AT`` (Japan time) strictly after ``now``."""
    local = now.astimezone(JAPAN)
    due = datetime.combine(local.date(), SEND_AT, tzinfo=JAPAN)
    return due if due > local else due + timedelta(days=1)


@workflow.defn(name=AUDIT_ANCHOR_WORKFLOW)
class AuditAnchorWorkflow:
    """Mail the audit anchors to the board admins once a day, for ever."""

    @workflow.run
    async def run(self, data: AuditAnchorInput) -> None:
        """Wait for each day's ``SEND_AT``, mail that day's anchors, then go on."""
        deliveries: list[asyncio.Task[None]] = []
        for _ in range(DAYS_PER_RUN):
            now = workflow.now()
            due = next_send_time(now)
            await workflow.sleep(due - now)
            queued = workflow.start_activity(
                PUBLISH_AUDIT_ANCHOR,
                PublishAnchorInput(day=due.astimezone(JAPAN).date().isoformat()),
                task_queue=notification_queue(workflow.info().task_queue),
                start_to_close_timeout=timedelta(minutes=1),
                # A day late is no longer that day's anchor: the next day's takes over.
                schedule_to_close_timeout=timedelta(hours=23),
                retry_policy=ANCHOR_RETRY,
                result_type=NotifyResult,
            )
            # Deliveries retry for up to three days: they run beside the next days.
            deliveries.append(asyncio.create_task(deliver_all(queued)))
            deliveries = [task for task in deliveries if not task.done()]
        await asyncio.gather(*deliveries)
        workflow.continue_as_new(data)


if __name__ == "__main__":
    raise SystemExit("a workflow module, not a program: run python -m worker")

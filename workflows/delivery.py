"""Delivering a notice on outside channels (e-mail, webhook), from inside the cycle
workflow. Runs beside the cycle: the cycle never waits for a channel.

``notify`` has written the inbox and the outbox rows in one transaction and returned their
keys; each row is delivered by its own ``deliver`` activity, retried with backoff for up to
three days; when every retry is spent the row is recorded as failed (shown in the
overview). See docs/notifications.md for why a retry never sends twice.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from contracts.activities import (
        DELIVER,
        RECORD_DELIVERY_FAILED,
        DeliverInput,
        DeliveryFailedInput,
        NotifyResult,
    )
    from contracts.cycle import notification_queue
    from contracts.retry_policies import NOTIFY_RETRY, RECORD_RETRY

#: Give up on a delivery (and record it failed) after this long.
DELIVERY_WINDOW = timedelta(days=3)


async def deliver_all(queued: workflow.ActivityHandle[NotifyResult]) -> None:
    """Once the inbox and the outbox are written, deliver each outbox row."""
    try:
        result = await queued
    except ActivityError as failed:
        # Three days of retries could not write the inbox: say so, but the cycle goes on.
        workflow.logger.error("notification not recorded: %s", failed.cause or failed)
        return
    await asyncio.gather(*(deliver(key, result.attempt_timeout) for key in result.deliveries))


async def deliver(delivery_key: str, attempt_timeout: timedelta) -> None:
    """Deliver one outbox row; record it as failed when every retry is spent."""
    try:
        await workflow.execute_activity(
            DELIVER,
            DeliverInput(delivery_key=delivery_key),
            task_queue=notification_queue(workflow.info().task_queue),
            # From the worker's senders: long enough that attempts never overlap.
            start_to_close_timeout=attempt_timeout,
            schedule_to_close_timeout=DELIVERY_WINDOW,
            retry_policy=NOTIFY_RETRY,
        )
    except ActivityError as failed:
        cause = failed.cause or failed
        await workflow.execute_activity(
            RECORD_DELIVERY_FAILED,
            DeliveryFailedInput(
                delivery_key=delivery_key,
                reason=f"再試行を打ち切りました (gave up retrying): {cause}",
            ),
            task_queue=notification_queue(workflow.info().task_queue),
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RECORD_RETRY,
        )

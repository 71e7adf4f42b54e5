"""Delivering the outbox: one activity attempt sends one row on one channel.

Exactly-once as far as our side can make it:

* ``notify`` wrote the row in the inbox's transaction; ``deliver`` claims it
  (``pending``/``sending`` → ``sending``, attempt counted) in a short transaction of its own,
  sends, and records ``sent`` in another short transaction straight after the receiver
  accepted. A retried or replayed ``deliver`` of a ``sent`` row sends nothing.
* The one window left: the worker dies (or the database is unreachable) after the receiver
  accepted and before ``sent`` is recorded. The next attempt then sends again. Both copies
  carry the same delivery id (``Message-ID`` / ``X-CS-Delivery``), so the receiver can drop
  the second; the attempt that takes over an unfinished one logs that it does.
* A zombie attempt (one that overran its start-to-close timeout) could overlap its retry;
  the senders' socket timeouts are kept well below the activity's timeout so that an
  attempt cannot still be talking to the receiver when the next one starts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Engine
from temporalio import activity
from temporalio.exceptions import ApplicationError

import store
from activities.channels import Senders, SendFailed, Undeliverable
from activities.ics import with_calendar
from contracts.activities import (
    DELIVER,
    RECORD_DELIVERY_FAILED,
    Channel,
    DeliverInput,
    DeliveryFailedInput,
)


class DeliveryOutcome(StrEnum):
    """What one ``deliver`` call ended with (a retryable failure raises instead)."""

    SENT = "sent"
    ALREADY_DONE = "already_done"  # sent or failed before (or no address now): nothing sent
    FAILED = "failed"  # the receiver refused for good; recorded


class DeliveryActivities:
    """``deliver`` and ``record_delivery_failed``, bound to the store and the senders."""

    def __init__(self, engine: Engine, senders: Senders) -> None:
        self._engine = engine
        self._senders = senders

    @activity.defn(name=DELIVER)
    def deliver(self, data: DeliverInput) -> DeliveryOutcome:
        """Send one outbox row unless it was sent (or failed) already."""
        with store.session_scope(self._engine) as session:
            job = store.claim_delivery(session, data.delivery_key, datetime.now(UTC))
        if job is None:
            return DeliveryOutcome.ALREADY_DONE
        if job.after_unfinished_attempt:
            activity.logger.warning(
                "delivery %s: the previous attempt ended without an outcome; sending again "
                "with the same id %s",
                job.delivery_key,
                job.delivery_id,
            )
        if job.meeting_call_id is not None and job.channel is Channel.EMAIL:
            # A meeting call's e-mail carries the call as a calendar file.
            with store.session_scope(self._engine) as session:
                job = with_calendar(session, job, self._senders.console_base_url or "")
        try:
            self._senders.for_channel(job.channel).send(job)
        except Undeliverable as impossible:
            with store.session_scope(self._engine) as session:
                store.mark_delivery_failed(
                    session, job.delivery_key, str(impossible), impossible.reason
                )
            # No attempt can ever succeed: fail the activity without a retry (a retried
            # ValueError here once kept hundreds of deliveries "sending" for days).
            raise ApplicationError(
                str(impossible), type="Undeliverable", non_retryable=True
            ) from impossible
        except SendFailed as failed:
            with store.session_scope(self._engine) as session:
                if failed.permanent:
                    store.mark_delivery_failed(
                        session, job.delivery_key, str(failed), failed.reason
                    )
                    return DeliveryOutcome.FAILED
                store.record_delivery_error(session, job.delivery_key, str(failed))
            # Retryable: Temporal backs off and tries again until schedule-to-close.
            raise ApplicationError(str(failed), type="SendFailed") from failed
        with store.session_scope(self._engine) as session:
            store.mark_delivery_sent(session, job.delivery_key, datetime.now(UTC))
        return DeliveryOutcome.SENT

    @activity.defn(name=RECORD_DELIVERY_FAILED)
    def record_delivery_failed(self, data: DeliveryFailedInput) -> bool:
        """Every retry is spent: mark the row failed (``False`` if it was sent after all)."""
        with store.session_scope(self._engine) as session:
            return store.mark_delivery_failed(session, data.delivery_key, data.reason)

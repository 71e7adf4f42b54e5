"""Activities of the council cycle: every side effect the workflow asks for.

They are synchronous (SQLAlchemy is synchronous here) and run on the worker's thread
pool. Each is idempotent by a business key, so a retry, a replay or a worker killed
between the write and the completion never leaves a second row or sends twice.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine
from temporalio import activity
from temporalio.exceptions import ApplicationError

import store
from activities.channels import Senders
from activities.templates import render_notice
from contracts.activities import (
    LOAD_COUNCIL,
    NOTIFY,
    RECORD_CYCLE_OPENED,
    RECORD_EVENT,
    CouncilSetup,
    LoadCouncilInput,
    NotifyInput,
    NotifyResult,
    RecordCycleOpenedInput,
    RecordEventInput,
)
from store.errors import NotFound


def notification_key(data: NotifyInput, recipient_id: str) -> str:
    """The business key of one notice to one person: council, year, event, template, who.

    A hand-sent reminder is keyed by person and day instead, so that a person on several
    councils gets at most one a day whatever the board sends."""
    reminded_on = data.notice.params.get("reminded_on")
    if reminded_on:
        return f"manual-reminder/{recipient_id}/{reminded_on}"
    if data.key_scope:
        return f"{data.key_scope}/{data.event_seq}/{data.notice.template}/{recipient_id}"
    return (
        f"{data.council_id}/{data.fiscal_year}/{data.event_seq}/"
        f"{data.notice.template}/{recipient_id}"
    )


class CycleActivities:
    """The cycle's activities, bound to one database engine and the outside channels
    this worker can deliver on (``notify`` queues deliveries only for those)."""

    def __init__(self, engine: Engine, senders: Senders | None = None) -> None:
        self._engine = engine
        self._senders = senders or Senders()

    @activity.defn(name=LOAD_COUNCIL)
    def load_council(self, data: LoadCouncilInput) -> CouncilSetup:
        """Read the council's roster (ids and roles) and vote rule."""
        try:
            with store.session_scope(self._engine) as session:
                return store.council_setup(session, data.council_id)
        except NotFound as missing:
            # Retrying cannot make an unknown council appear: fail the cycle clearly.
            raise ApplicationError(str(missing), type="NotFound", non_retryable=True) from None

    @activity.defn(name=RECORD_CYCLE_OPENED)
    def record_cycle_opened(self, data: RecordCycleOpenedInput) -> bool:
        """Create the cycle's row; ``False`` when it already existed."""
        with store.session_scope(self._engine) as session:
            return store.record_cycle_opened(session, data)

    @activity.defn(name=RECORD_EVENT)
    def record_event(self, data: RecordEventInput) -> bool:
        """Record an accepted command; ``False`` when it was recorded before."""
        with store.session_scope(self._engine) as session:
            return store.record_event(session, data)

    @activity.defn(name=NOTIFY)
    def notify(self, data: NotifyInput) -> NotifyResult:
        """Put the notice in each recipient's inbox and, in the same transaction, queue it
        on each outside channel they want (the outbox). Returns the outbox keys for the
        workflow to deliver; a retry finds everything in place and returns the same keys."""
        now = datetime.now(UTC)
        # One key per person, in the notice's order (a person named twice gets one).
        keys = {r: notification_key(data, r) for r in data.notice.recipients}
        with store.session_scope(self._engine) as session:
            council = store.council_name(session, data.council_id)
            message = render_notice(
                data.notice.template,
                data.notice.params,
                council,
                base_url=self._senders.console_base_url,
            )
            new = store.deliver_to_inboxes(session, data, keys, message.subject, message.body)
            outbox = store.enqueue_all_deliveries(
                session, list(keys.values()), self._senders.enabled, now
            )
        return NotifyResult(
            inbox_new=len(new),
            deliveries=tuple(outbox),
            attempt_timeout=self._senders.attempt_timeout,
        )

"""The daily audit anchor's activity: the chains' heads into every board admin's inbox
and outbox, in one transaction (``workflows.audit_anchor`` then delivers the outbox)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine
from temporalio import activity

import store
from activities.channels import Senders
from contracts.activities import NotifyInput, NotifyResult
from contracts.audit_anchor import (
    AUDIT_ANCHOR_TEMPLATE,
    PUBLISH_AUDIT_ANCHOR,
    PublishAnchorInput,
)
from domain.events import Notice
from domain.japan_time import fiscal_year_of
from store.audit_anchor import take_anchors
from store.audit_anchor_mail import anchor_message, board_admins_by_municipality


class AuditAnchorActivities:
    """``publish_audit_anchor``, bound to the store and the outside channels."""

    def __init__(self, engine: Engine, senders: Senders) -> None:
        self._engine = engine
        self._senders = senders

    @activity.defn(name=PUBLISH_AUDIT_ANCHOR)
    def publish_audit_anchor(self, data: PublishAnchorInput) -> NotifyResult:
        """File the day's anchors in every board admin's inbox and queue them on their
        channels. Keyed by person and day: a retry (or a second run the same day) finds
        the notices in place and returns the same outbox keys."""
        now = datetime.now(UTC)
        day = date.fromisoformat(data.day)
        fiscal_year = fiscal_year_of(day)
        new = 0
        keys: list[str] = []
        with store.session_scope(self._engine) as session:
            subject, body = anchor_message(data.day, take_anchors(session, now))
            for group in board_admins_by_municipality(session):
                notice = NotifyInput(
                    council_id=group.council_id,
                    fiscal_year=fiscal_year,
                    event_seq=0,
                    step="audit",
                    notice=Notice(template=AUDIT_ANCHOR_TEMPLATE, recipients=group.people),
                )
                mine = {p: f"audit-anchor/{data.day}/{p}" for p in group.people}
                new += len(store.deliver_to_inboxes(session, notice, mine, subject, body))
                keys += [k for k in mine.values() if k not in keys]
            outbox = store.enqueue_all_deliveries(session, keys, self._senders.enabled, now)
        activity.logger.info("audit anchor of %s: %d new notices", data.day, new)
        return NotifyResult(
            inbox_new=new, deliveries=tuple(outbox), attempt_timeout=self._senders.attempt_timeout
        )

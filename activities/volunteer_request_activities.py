"""Activities of the volunteer request workflow: write its state to the store, and file
and send its notices to volunteers.

A notice is filed once per (request version, kind, volunteer), so a retried activity
never tells anyone twice what it filed before; it is e-mailed to a volunteer who agreed
to be contacted and gave an address, with their signed reply links for an invitation,
when the worker has e-mail; otherwise it stays filed as ``no_channel`` (the coordinator's
page shows it, and the coordinator calls).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import Engine
from temporalio import activity

from activities.channels import Senders, SendFailed
from config.payload_keys import PayloadKeys
from config.reply_links import sign
from contracts.activities import Channel
from contracts.volunteer_requests import (
    NOTIFY_VOLUNTEERS,
    RECORD_REQUEST,
    NotifyVolunteersInput,
    RecordRequestInput,
)
from domain.volunteer_requests import NoticeKind
from i18n.catalogue import Texts
from store import session_scope
from store import volunteer_requests as requests
from store.deliveries import DeliveryJob

NOTICE_TEXTS = Texts("request_notice")
_NAMESPACE = uuid.UUID("0b0f6f7e-4a7a-4d0c-8b7e-5f0c8e2b1a93")


class RequestActivities:
    """``record_volunteer_request`` and ``notify_volunteers``, bound to the store, the
    senders and the keys that sign reply links."""

    def __init__(self, engine: Engine, senders: Senders, keys: PayloadKeys | None) -> None:
        self._engine = engine
        self._senders = senders
        self._keys = keys

    @activity.defn(name=RECORD_REQUEST)
    def record_volunteer_request(self, data: RecordRequestInput) -> bool:
        """Write the request's state (a newer version already there wins)."""
        with session_scope(self._engine) as session:
            return requests.record_state(session, data.state, data.at)

    @activity.defn(name=NOTIFY_VOLUNTEERS)
    def notify_volunteers(self, data: NotifyVolunteersInput) -> int:
        """File the notices and send those that can be sent; how many were sent."""
        with session_scope(self._engine) as session:
            jobs = requests.file_notices(
                session, data.request_key, data.version, data.kind, data.volunteer_ids, data.at
            )
            view = requests.request_view(session, data.request_key) if jobs else None
        sent = 0
        for job in jobs:
            if self._senders.email is None or job.address is None or view is None:
                self._mark(job.notice_id, requests.NO_CHANNEL, None)
                continue
            try:
                self._senders.email.send(self._message(job, view))
            except SendFailed as failed:
                if not failed.permanent:
                    raise
                self._mark(job.notice_id, requests.FAILED, None)
                continue
            self._mark(job.notice_id, requests.SENT, datetime.now(UTC))
            sent += 1
        return sent

    def _mark(self, notice_id: int, status: str, at: datetime | None) -> None:
        with session_scope(self._engine) as session:
            requests.mark_notice(session, notice_id, status, at)

    def _message(self, job: requests.NoticeJob, view: requests.RequestView) -> DeliveryJob:
        when = view.held_on.isoformat() + (f" {view.starts_at}" if view.starts_at else "")
        body = NOTICE_TEXTS.text(
            f"{job.kind.value}.body", "ja", name=job.name, title=view.title, when=when,
            place=view.place or "—", reply_by=view.reply_by.isoformat(),
        )  # fmt: skip
        if job.kind is NoticeKind.INVITED and self._keys is not None:
            token = sign(self._keys, view.request_id, job.volunteer_id)
            base = self._senders.console_base_url.rstrip("/")
            body += "\n\n" + NOTICE_TEXTS.text("links", "ja", link=f"{base}/r/{token}")
        key = f"{view.key}/{job.notice_id}"
        return DeliveryJob(
            delivery_key=key, delivery_id=str(uuid.uuid5(_NAMESPACE, key)),
            channel=Channel.EMAIL, council_id="", council_name="", fiscal_year=view.fiscal_year,
            step="coordinate", template=f"volunteer_request_{job.kind.value}",
            recipient_id=job.volunteer_id, address=job.address or "",
            subject=NOTICE_TEXTS.text(f"{job.kind.value}.subject", "ja", title=view.title),
            body=body, attempt=1, after_unfinished_attempt=False,
        )  # fmt: skip

"""Webhooks: a JSON POST signed with HMAC-SHA256, the base for LINE or Slack bridges.

Request::

    POST <the person's webhook_url>
    Content-Type: application/json; charset=utf-8
    X-CS-Delivery:  <delivery id: the same on every retry of one delivery>
    X-CS-Timestamp: <unix seconds when this attempt was made>
    X-CS-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">

    {"delivery_id": ..., "timestamp": ..., "event": "reminder", "council_id": ...,
     "council_name": ..., "fiscal_year": 2027, "step": "approve", "recipient_id": ...,
     "subject": ..., "body": ...}

Verifying (what a bridge must do; ``verify_signature`` below does it):

1. Compute HMAC-SHA256 over ``X-CS-Timestamp + "." + raw body bytes`` with the person's
   key, compare it with the hex after ``sha256=`` in constant time.
2. Refuse timestamps more than 5 minutes away from your clock (replays).
3. Keep the ``X-CS-Delivery`` ids you have handled (a few days are enough) and ignore a
   repeat: a retry after a lost answer sends the same id again.

Keys: each person's key is derived from ``WEBHOOK_SECRET`` as
``hex(HMAC-SHA256(WEBHOOK_SECRET, "webhook:" + person_id))`` (``person_key``), so one
person's bridge cannot forge messages to another's, and nothing per person is stored.
Any 2xx answer is success; 408, 429 and 5xx are retried; other answers (and redirects,
which are not followed) fail the delivery for good. A failure's text names the recipient's
id, never the URL: a bridge's URL often carries its token, and these texts reach the logs
and ``deliveries.last_error``.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from activities.channels import SendFailed, Undeliverable
from activities.templates import console_link
from config import Settings
from config.redaction import redact
from domain.webhook_targets import is_loopback_host, refusal_of, refusal_of_address
from store.deliveries import DeliveryJob, FailureReason

SIGNATURE_TOLERANCE_SECONDS = 300
_RETRYABLE_STATUS = frozenset({408, 429})


def person_key(master: SecretStr, person_id: str) -> bytes:
    """The signing key of ``person_id``'s webhook, derived from the master secret."""
    digest = hmac.new(
        master.get_secret_value().encode(), f"webhook:{person_id}".encode(), hashlib.sha256
    )
    return digest.hexdigest().encode()


def signature(key: bytes, timestamp: str, body: bytes) -> str:
    """The ``X-CS-Signature`` value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(key, timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify_signature(
    key: bytes, timestamp: str, body: bytes, header: str, now: float | None = None
) -> bool:
    """Whether ``header`` signs ``body`` at ``timestamp`` with ``key``, within 5 minutes."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - sent) > SIGNATURE_TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(signature(key, timestamp, body), header)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        # A redirected POST would turn into a GET or leak the signature elsewhere.
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


@dataclass(frozen=True)
class WebhookSender:
    """Posts deliveries to each person's webhook URL, signed with their key."""

    secret: SecretStr
    timeout: float = 15.0
    #: ``CONSOLE_BASE_URL``: the payload's ``link`` is the page where the person acts.
    console_base_url: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> WebhookSender | None:
        """The sender ``WEBHOOK_*`` describes; ``None`` without ``WEBHOOK_SECRET``."""
        if settings.webhook_secret is None:
            return None
        return cls(
            secret=settings.webhook_secret,
            timeout=settings.webhook_timeout_seconds,
            console_base_url=settings.console_base_url,
        )

    def request(self, job: DeliveryJob, now: float) -> urllib.request.Request:
        """The signed request for ``job`` made at ``now`` (unix seconds)."""
        timestamp = str(int(now))
        payload = {
            "delivery_id": job.delivery_id,
            "timestamp": int(now),
            "event": job.template,
            "council_id": job.council_id,
            "council_name": job.council_name,
            "fiscal_year": job.fiscal_year,
            "step": job.step,
            "recipient_id": job.recipient_id,
            "subject": job.subject,
            "body": job.body,
        }
        if self.console_base_url:
            payload["link"] = console_link(
                self.console_base_url, job.council_id, job.fiscal_year, job.template
            )
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        key = person_key(self.secret, job.recipient_id)
        return urllib.request.Request(
            job.address,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "council-cycle-webhook/1",
                "X-CS-Delivery": job.delivery_id,
                "X-CS-Timestamp": timestamp,
                "X-CS-Signature": signature(key, timestamp, body),
            },
        )

    def send(self, job: DeliveryJob) -> None:
        """Post ``job``; ``SendFailed`` (permanent for a 4xx answer or a target that is
        not allowed) when not accepted."""
        check_target(job.address)
        try:
            with _OPENER.open(self.request(job, time.time()), timeout=self.timeout) as answer:
                status = answer.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except ValueError:
            # A malformed URL (a control character, no host): no attempt can send it.
            # Its text quotes the URL, a bridge's secret: neither shown nor chained.
            raise Undeliverable(
                f"webhook of {job.recipient_id}: the URL is not valid",
                FailureReason.BAD_ADDRESS,
            ) from None
        except OSError as exc:
            raise SendFailed(f"webhook of {job.recipient_id}: {redact(str(exc))}") from exc
        if 200 <= status < 300:
            return
        permanent = status < 500 and status not in _RETRYABLE_STATUS
        raise SendFailed(f"webhook of {job.recipient_id}: HTTP {status}", permanent)


def check_target(url: str) -> None:
    """Refuse (permanently, without naming the URL) a target that is not https to a
    public host or loopback, judged on the URL and on every address its host resolves
    to now: the file was checked when loaded, but a name can come to point inside."""
    reason = refusal_of(url)
    host = urllib.parse.urlsplit(url).hostname if reason is None else None
    if host is not None and not is_loopback_host(host):
        try:
            resolved = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except OSError:
            resolved = []  # the post itself will fail and be retried
        for *_, sockaddr in resolved:
            reason = refusal_of_address(ipaddress.ip_address(str(sockaddr[0]).split("%")[0]))
            if reason is not None:
                break
    if reason is not None:
        raise SendFailed(f"webhook target refused: {reason}", permanent=True)

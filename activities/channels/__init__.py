"""Outside channels: e-mail over SMTP and signed webhooks.

Each sender sends one ``DeliveryJob`` or raises ``SendFailed``; ``permanent`` says that
trying again cannot help (a refused address, a 4xx answer), so the delivery is recorded as
failed at once instead of being retried for days. ``Undeliverable`` is the failure found
before anything is sent (an address or a header that cannot be written): the activity
records it and fails without a retry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from contracts.activities import Channel
from store.deliveries import DeliveryJob, FailureReason

#: Network round trips one attempt may need (connect, EHLO, STARTTLS, AUTH, MAIL, RCPT,
#: DATA and the end of data); a webhook needs fewer.
ROUND_TRIPS = 8


class SendFailed(Exception):
    """A delivery attempt failed; ``permanent`` when retrying cannot help, ``reason``
    saying why for the board when it is."""

    def __init__(
        self,
        message: str,
        permanent: bool = False,
        reason: FailureReason = FailureReason.REFUSED,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.reason = reason


class Undeliverable(SendFailed):
    """The delivery can never be sent as it is (found before any connection): a bad
    address, a message that cannot be built. The message names no address or text."""

    def __init__(self, message: str, reason: FailureReason) -> None:
        super().__init__(message, permanent=True, reason=reason)


class Sender(Protocol):
    """Sends one delivery on one channel, each network operation bounded by ``timeout``."""

    @property
    def timeout(self) -> float:
        """Seconds any one network operation (connect, read, write) may take."""
        ...

    def send(self, job: DeliveryJob) -> None:
        """Hand ``job`` to the receiver; return only once it has accepted it."""
        ...


@dataclass(frozen=True)
class Senders:
    """The outside channels configured on this worker; a missing one is switched off."""

    email: Sender | None = None
    webhook: Sender | None = None
    #: ``CONSOLE_BASE_URL``: messages that ask for an answer link to its console page.
    console_base_url: str = ""

    @property
    def attempt_timeout(self) -> timedelta:
        """How long one delivery attempt may take: an SMTP session is a handful of round
        trips, each bounded by the sender's timeout. The activity's start-to-close timeout
        is this, so a retry never starts while an earlier attempt may still be sending."""
        timeouts = [s.timeout for s in (self.email, self.webhook) if s is not None]
        return timedelta(seconds=ROUND_TRIPS * max(timeouts, default=30.0) + 10)

    @property
    def enabled(self) -> frozenset[Channel]:
        """Channels that have a sender."""
        return frozenset(
            channel
            for channel, sender in ((Channel.EMAIL, self.email), (Channel.WEBHOOK, self.webhook))
            if sender is not None
        )

    def for_channel(self, channel: Channel) -> Sender:
        """The sender of ``channel``; ``SendFailed`` (permanent) when it is switched off."""
        sender = self.email if channel is Channel.EMAIL else self.webhook
        if sender is None:
            raise SendFailed(
                f"channel {channel} is not configured on this worker",
                permanent=True,
                reason=FailureReason.CHANNEL_OFF,
            )
        return sender

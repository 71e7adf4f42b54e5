"""Outside channels: e-mail over SMTP and signed webhooks.

Each sender sends one ``DeliveryJob`` or raises ``SendFailed``; ``permanent`` says that
trying again cannot help (a refused address, a 4xx answer), so the delivery is recorded as
failed at once instead of being retried for days.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from activities.inputs import Channel
from store.deliveries import DeliveryJob


class SendFailed(Exception):
    """A delivery attempt failed; ``permanent`` when retrying cannot help."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Sender(Protocol):
    """Sends one delivery on one channel."""

    def send(self, job: DeliveryJob) -> None:
        """Hand ``job`` to the receiver; return only once it has accepted it."""
        ...


@dataclass(frozen=True)
class Senders:
    """The outside channels configured on this worker; a missing one is switched off."""

    email: Sender | None = None
    webhook: Sender | None = None

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
            raise SendFailed(f"channel {channel} is not configured on this worker", permanent=True)
        return sender

"""Outgoing mail of the console (sign-in links): through the e-mail channel when SMTP is
configured, else written as ``.eml`` files under ``DATA_DIR/mail/`` so that the embedded
default works offline (open the file, follow the link)."""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from activities.channels.email import SmtpSender
from config import Settings
from config.private_files import MAIL_FOLDER, private_dir, write_private_file
from contracts.activities import Channel
from store.deliveries import DeliveryJob

_LOG = logging.getLogger(__name__)


def mail_folder(settings: Settings) -> Path:
    """Where mail goes when no SMTP server is configured."""
    return settings.data_dir / MAIL_FOLDER


def send_mail(settings: Settings, to: str, subject: str, body: str) -> Path | None:
    """Send one message; the ``.eml`` file written, or ``None`` when it went by SMTP.

    Raises ``activities.channels.SendFailed`` when the SMTP server does not take it.
    """
    message_id = f"console-{secrets.token_hex(8)}"
    sender = SmtpSender.from_settings(settings)
    if sender is not None:
        sender.send(
            DeliveryJob(
                delivery_key=message_id,
                delivery_id=message_id,
                channel=Channel.EMAIL,
                council_id="",
                council_name="",
                fiscal_year=0,
                step="",
                template="console_mail",
                recipient_id="",
                address=to,
                subject=subject,
                body=body,
                attempt=1,
                after_unfinished_attempt=False,
            )
        )
        return None
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message.set_content(body)
    folder = mail_folder(settings)
    # A sign-in link is a key to the account: the folder 0700, each file 0600, even
    # when the folder was made wider by someone else before.
    for directory in (settings.data_dir, folder):
        if private_dir(directory):
            _LOG.warning("%s was readable by other users; now 0700", directory)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{message_id}.eml"
    write_private_file(path, bytes(message))
    return path

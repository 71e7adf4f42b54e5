"""E-mail over SMTP: plain, STARTTLS or implicit TLS (SSL), with optional login.

Every message carries a ``Message-ID`` derived from the delivery key (and the same id in
``X-CS-Delivery``), so that the one duplicate our outbox cannot rule out (a crash after
the server accepted the message and before we recorded it) is recognisable downstream.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from dataclasses import dataclass
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Literal

from pydantic import SecretStr

from activities.channels import SendFailed, Undeliverable
from activities.templates import console_link
from config import Settings
from domain.text_rules import forbidden_character
from store.deliveries import DeliveryJob, FailureReason

SmtpMode = Literal["plain", "starttls", "ssl"]

# One address: no spaces, exactly one @, something on both sides.
_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+")
# What may not stand in a header's text: line breaks (a new header line), other
# controls and the bidi overrides. Replaced by a space: the subject stays readable.
_NOT_IN_HEADER = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")


def header_text(value: str) -> str:
    """``value`` as one header line: every run of control characters becomes a space.

    A council name written before names were checked may hold CR/LF; the subject that
    quotes it must still be one line, not a failure of every message that names it."""
    return " ".join(_NOT_IN_HEADER.sub(" ", value).split())


def check_address(address: str) -> str:
    """``address`` when it is one plain e-mail address; ``Undeliverable`` (naming no
    address: it is personal data) when no attempt could ever send to it."""
    if forbidden_character(address, multiline=False) is not None or not _ADDRESS.fullmatch(address):
        raise Undeliverable(
            "宛先のメールアドレスが正しくありません (the e-mail address is not valid)",
            FailureReason.BAD_ADDRESS,
        )
    return address


@dataclass(frozen=True)
class SmtpSender:
    """Sends deliveries as e-mail through one SMTP server."""

    host: str
    port: int
    mode: SmtpMode
    from_address: str
    username: str | None = None
    password: SecretStr | None = None
    ca_file: Path | None = None
    timeout: float = 30.0
    #: ``CONSOLE_BASE_URL``: each message ends with the link to the page where one acts.
    console_base_url: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpSender | None:
        """The sender ``SMTP_*`` describes; ``None`` when ``SMTP_HOST`` is not set."""
        if settings.smtp_host is None:
            return None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            mode=settings.smtp_mode,
            from_address=settings.smtp_from,
            username=settings.smtp_username,
            password=settings.smtp_password,
            ca_file=settings.smtp_ca_file,
            timeout=settings.smtp_timeout_seconds,
            console_base_url=settings.console_base_url,
        )

    def message(self, job: DeliveryJob) -> EmailMessage:
        """The e-mail for ``job``: UTF-8, with ids stable across attempts.

        ``Undeliverable`` when it cannot be written: a bad address, or a header the
        e-mail library refuses even after ``header_text``."""
        address = check_address(job.address)
        try:
            return self._build(job, address)
        except (ValueError, TypeError, MessageError) as exc:
            # The library's message may quote the header (a name): only its kind is kept.
            raise Undeliverable(
                f"メールを組み立てられません (the message cannot be built: {type(exc).__name__})",
                FailureReason.BAD_MESSAGE,
            ) from None

    def _build(self, job: DeliveryJob, address: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.from_address
        msg["To"] = address
        msg["Subject"] = header_text(job.subject)
        msg["Date"] = formatdate(localtime=False, usegmt=True)
        domain = self.from_address.rpartition("@")[2] or "council-cycle.invalid"
        msg["Message-ID"] = f"<{job.delivery_id}@{domain}>"
        msg["X-CS-Delivery"] = job.delivery_id
        msg["X-CS-Event"] = header_text(job.template)
        body = job.body
        if self.console_base_url and job.council_id:
            link = console_link(
                self.console_base_url, job.council_id, job.fiscal_year, job.template
            )
            body = f"{body}\n\n{link}"
        msg.set_content(body)
        if job.calendar is not None:
            # The call as a calendar file: a phone's mail app offers to add it.
            msg.add_attachment(
                job.calendar,
                maintype="text",
                subtype="calendar",
                filename="meeting.ics",
                params={"method": "PUBLISH"},
            )
        return msg

    def send(self, job: DeliveryJob) -> None:
        """Send ``job``; ``SendFailed`` (permanent for a 5xx answer) when it cannot."""
        message = self.message(job)
        try:
            with self._connect() as smtp:
                if self.username is not None:
                    password = self.password.get_secret_value() if self.password else ""
                    smtp.login(self.username, password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            permanent = all(500 <= code < 600 for code in codes)
            raise SendFailed(f"SMTP refused the recipient: {codes}", permanent) from exc
        except smtplib.SMTPResponseException as exc:
            # 5xx is the server's final word (bad login, message refused); 4xx is "later".
            permanent = 500 <= exc.smtp_code < 600
            raw = exc.smtp_error
            detail = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
            raise SendFailed(f"SMTP {exc.smtp_code}: {detail}", permanent) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise SendFailed(f"SMTP {self.host}:{self.port}: {exc}") from exc

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context(
            cafile=str(self.ca_file) if self.ca_file is not None else None
        )
        if self.mode == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.mode == "starttls":
            try:
                smtp.starttls(context=context)
            except BaseException:
                smtp.close()
                raise
        return smtp

"""Settings for every process (worker, CLI, embedded server), read from the environment."""

from __future__ import annotations

import ipaddress
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The worker's defaults (see worker/main.py for why slots outnumber threads, and why
#: the store has only four threads).
DEFAULT_ACTIVITY_THREADS = 4
DEFAULT_ACTIVITY_SLOTS = 128
DEFAULT_NOTIFY_THREADS = 8


class WorkerRole(StrEnum):
    """What one worker process serves (``WORKER_ROLE``)."""

    #: The cycle workflow, its activities and the notification activities: one process.
    ALL = "all"
    #: Only the cycle workflow (its decisions; no database work).
    WORKFLOWS = "workflows"
    #: Only the activities: the store, the notifications and the outside channels.
    ACTIVITIES = "activities"


class Settings(BaseSettings):
    """Environment-driven settings. Unset values fall back to the embedded defaults."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    task_queue: str = "council-cycle"
    data_dir: Path = Path(".data")
    # Optional: defaults to a SQLite file in ``data_dir``. A secret because a PostgreSQL
    # URL may carry a password.
    database_url: SecretStr | None = Field(default=None)
    # Payload encryption (config/payload_keys.py): every key that may decrypt, as
    # ``id:base64key,...``, and the id of the one that encrypts. Unset: the key file in
    # ``data_dir`` that the embedded launcher creates.
    payload_keys: SecretStr | None = None
    payload_key_id: str | None = Field(default=None, max_length=64)

    # E-mail (``SMTP_*``). Without ``SMTP_HOST`` nobody gets e-mail: inbox (and webhook) only.
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    # Plain SMTP sends passwords and personal data in clear: only to a loopback server
    # (a local relay or a test server), or with ``SMTP_ALLOW_PLAIN=true`` said out loud.
    smtp_mode: Literal["plain", "starttls", "ssl"] = "starttls"
    smtp_allow_plain: bool = False
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "noreply@council-cycle.invalid"
    # A CA bundle to trust for STARTTLS/SSL (a municipality's own CA); system CAs otherwise.
    smtp_ca_file: Path | None = None
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)
    # Webhooks (``WEBHOOK_*``). Without a secret no webhook is sent: unsigned is not an option.
    # Each person's signing key is derived from this one (see activities/channels/webhook.py).
    webhook_secret: SecretStr | None = None
    webhook_timeout_seconds: float = Field(default=15.0, gt=0)

    # The worker (``WORKER_*``): threads for the cycle's store activities, activity tasks
    # held at once (more than the threads: they wait in the worker, first come first
    # served; see worker/main.py), and threads for notifications on their own queue. On
    # PostgreSQL the worker's connection pool holds one connection per thread.
    worker_activity_threads: int = Field(default=DEFAULT_ACTIVITY_THREADS, ge=1, le=256)
    worker_activity_slots: int = Field(default=DEFAULT_ACTIVITY_SLOTS, ge=1, le=4096)
    worker_notify_threads: int = Field(default=DEFAULT_NOTIFY_THREADS, ge=1, le=256)
    # One process serves everything by default. Two processes on the same task queue, one
    # with ``workflows`` and one with ``activities``, give the workflows' decisions and the
    # store's writes an interpreter (and a core) each: in one process they take turns.
    worker_role: WorkerRole = WorkerRole.ALL

    # Operations (docs/operations.md): ``LOG_FORMAT=json`` writes one JSON object per log
    # line; ``WORKER_METRICS_ADDRESS`` (host:port) serves the SDK's Prometheus metrics
    # from the worker (off when unset; ``python -m embedded`` picks a free port).
    log_format: Literal["text", "json"] = "text"
    worker_metrics_address: str | None = Field(default=None, max_length=100)

    # Where people reach the web console (``CONSOLE_BASE_URL``): notification e-mails and
    # webhooks link to pages under it. ``localhost`` (not 127.0.0.1) so passkeys work.
    console_base_url: str = "http://localhost:8000"

    # The Temporal Web UI (``TEMPORAL_UI_URL``): the board's history links each event to
    # the workflow run it came from, for IT staff.
    temporal_ui_url: str = "http://localhost:8233"

    @model_validator(mode="after")
    def _slots_cover_threads(self) -> Settings:
        if self.worker_activity_slots < self.worker_activity_threads:
            raise ValueError(
                f"WORKER_ACTIVITY_SLOTS ({self.worker_activity_slots}) must be at least "
                f"WORKER_ACTIVITY_THREADS ({self.worker_activity_threads})"
            )
        return self

    @model_validator(mode="after")
    def _plain_smtp_only_to_loopback(self) -> Settings:
        if (
            self.smtp_host is not None
            and self.smtp_mode == "plain"
            and not self.smtp_allow_plain
            and not is_loopback_host(self.smtp_host)
        ):
            raise ValueError(
                f"SMTP_MODE=plain sends in clear to {self.smtp_host}: use starttls or ssl,"
                " or set SMTP_ALLOW_PLAIN=true"
            )
        return self

    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL to use: ``DATABASE_URL`` or ``sqlite:///<data_dir>/cycle.db``."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite:///{self.data_dir / 'cycle.db'}"


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` is this machine (``localhost`` or a loopback address)."""
    if host.strip().lower() in {"localhost", "localhost."}:
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def settings_error(exc: ValidationError) -> str:
    """A settings error in one line, naming the environment variable that is wrong."""
    first = exc.errors()[0]
    name = "_".join(str(part) for part in first["loc"]).upper()
    more = f" (+{exc.error_count() - 1})" if exc.error_count() > 1 else ""
    return f"{name + ': ' if name else ''}{first['msg']}{more}"


def get_settings() -> Settings:
    """Read settings from the environment now (not cached: tests change the environment)."""
    return Settings()

"""Settings for every process (worker, CLI, embedded server), read from the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


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

    # E-mail (``SMTP_*``). Without ``SMTP_HOST`` nobody gets e-mail: inbox (and webhook) only.
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_mode: Literal["plain", "starttls", "ssl"] = "plain"
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

    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL to use: ``DATABASE_URL`` or ``sqlite:///<data_dir>/cycle.db``."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite:///{self.data_dir / 'cycle.db'}"


def get_settings() -> Settings:
    """Read settings from the environment now (not cached: tests change the environment)."""
    return Settings()

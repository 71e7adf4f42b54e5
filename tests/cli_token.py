"""Signing the in-process CLI in: the tests that call ``starter.cli.run`` act as the
local operator, with the token the embedded launcher would write."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import store
from application.access_tokens import create_local


def local_token(database_url: str) -> str:
    """A fresh local operator token in the (migrated) store at ``database_url``."""
    store.migrate(database_url)
    engine = store.make_engine(database_url)
    try:
        with store.session_scope(engine) as session:
            return create_local(session, datetime.now(UTC))
    finally:
        engine.dispose()


def sign_in_locally(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    """Set ``CS_TOKEN`` to a local operator token for the CLI run in this process."""
    monkeypatch.setenv("CS_TOKEN", local_token(database_url))

"""The worker's threads, held activity tasks and database connections come from settings."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy.pool import QueuePool

from config import Settings, WorkerRole, settings_error
from store.db import make_engine


def test_worker_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKER_ACTIVITY_THREADS", "4")
    monkeypatch.setenv("WORKER_ACTIVITY_SLOTS", "40")
    monkeypatch.setenv("WORKER_NOTIFY_THREADS", "2")
    settings = Settings()
    assert (
        settings.worker_activity_threads,
        settings.worker_activity_slots,
        settings.worker_notify_threads,
    ) == (4, 40, 2)


def test_fewer_slots_than_threads_is_refused_with_both_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WORKER_ACTIVITY_THREADS", "32")
    monkeypatch.setenv("WORKER_ACTIVITY_SLOTS", "8")
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert "WORKER_ACTIVITY_SLOTS (8) must be at least WORKER_ACTIVITY_THREADS (32)" in str(
        refused.value
    )
    monkeypatch.setenv("WORKER_NOTIFY_THREADS", "0")
    with pytest.raises(ValidationError, match="worker_notify_threads"):
        Settings()


def test_a_postgresql_pool_holds_one_connection_per_thread(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the pool is PostgreSQL's; SQLite serialises writers itself")
    for connections, kept, overflow in ((6, 6, 0), (24, 10, 14), (40, 10, 30)):
        engine = make_engine(database_url, connections=connections)
        try:
            pool = engine.pool
            assert isinstance(pool, QueuePool)
            assert (pool.size(), pool._max_overflow) == (kept, overflow)
        finally:
            engine.dispose()
    with pytest.raises(ValueError, match="connections must be at least 1, not 0"):
        make_engine(database_url, connections=0)


def test_the_worker_role_is_read_and_a_wrong_one_is_named_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().worker_role is WorkerRole.ALL
    monkeypatch.setenv("WORKER_ROLE", "activities")
    assert Settings().worker_role is WorkerRole.ACTIVITIES
    monkeypatch.setenv("WORKER_ROLE", "store")
    with pytest.raises(ValidationError) as refused:
        Settings()
    message = settings_error(refused.value)
    assert message == "WORKER_ROLE: Input should be 'all', 'workflows' or 'activities'"

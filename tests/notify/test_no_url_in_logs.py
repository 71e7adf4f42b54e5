"""A failing webhook leaves its URL nowhere: not in the worker's log (the Temporal SDK logs
every failed attempt, traceback included) and not in ``deliveries.last_error``. A bridge's
URL often carries its token, so it is a secret."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import pytest

import store
from config.redaction import RedactingFilter, redact
from tests.notify.harness import COUNCIL, YEAR, Harness, wait_until


def _webhook_rows(harness: Harness) -> list[store.DeliveryRow]:
    with store.session_scope(harness.engine) as session:
        return [r for r in store.deliveries(session, COUNCIL, YEAR) if r.channel == "webhook"]


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every captured record as a handler would write it, tracebacks included."""
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


async def test_a_webhook_answering_500_logs_and_stores_no_url(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    harness.hook.status = 500
    handle = await harness.open_at_approve()
    # Two failed attempts of one webhook delivery at least: each is logged by the SDK.
    await wait_until(lambda: any(r.attempts >= 2 for r in _webhook_rows(harness)))
    await handle.terminate("test done")

    logged = _logged(caplog)
    assert "HTTP 500" in logged  # the failures were logged, so the search below means something
    host_port = urlsplit(harness.hook.url).netloc
    assert harness.hook.url not in logged and host_port not in logged
    assert "/n-chair" not in logged
    errors = [r.last_error or "" for r in _webhook_rows(harness) if r.last_error]
    assert errors and all("HTTP 500" in e for e in errors)
    assert not any(host_port in e or "/n-" in e for e in errors)


def test_a_redacting_handler_removes_urls_from_messages_and_tracebacks() -> None:
    secret_url = "https://hooks.example.jp/services/T0KEN/secret?x=1"
    assert redact(f"posting to {secret_url}: refused") == "posting to [URL]: refused"
    assert redact("postgresql+psycopg://cycle:pw@db:5432/cycle") == "[URL]"
    try:
        raise ValueError(f"unknown url type: '{secret_url}'")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.WARNING, __file__, 1, "failed for %s", (secret_url,), exc_info=None
        )
        import sys

        record.exc_info = sys.exc_info()
    assert RedactingFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "T0KEN" not in text and "failed for [URL]" in text and "ValueError" in text

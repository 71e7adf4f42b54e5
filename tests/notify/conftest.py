"""Fixtures of the notification tests: loopback receivers, a fresh time-skipping server per
test (each test owns its clock), the notify-city municipality and a worker on the real store
with real senders."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

import store
from activities.channels import Senders
from activities.channels.email import SmtpSender
from activities.channels.webhook import WebhookSender
from tests.encryption import encrypting_converter
from tests.notify.harness import SECRET, Harness
from tests.notify.loopback import SmtpSink, WebhookSink
from tests.workflows.conftest import FIXTURES, test_server_path
from worker.main import serving


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def hook() -> Iterator[WebhookSink]:
    sink = WebhookSink(SECRET).start()
    yield sink
    sink.stop()


def load_notifycity(engine: Engine, webhook_url: str, tmp_path: Path) -> None:
    """Load the notify-city file with its webhook URLs pointing at ``webhook_url``."""
    text = (FIXTURES / "notifycity.yaml").read_text(encoding="utf-8")
    path = tmp_path / "notifycity.yaml"
    path.write_text(text.replace("WEBHOOK/", f"{webhook_url}/"), encoding="utf-8")
    with store.session_scope(engine) as session:
        store.load_municipality(session, store.read_municipality_file(path))


@pytest.fixture
def notify_engine(clean_engine: Engine, hook: WebhookSink, tmp_path: Path) -> Engine:
    load_notifycity(clean_engine, hook.url, tmp_path)
    return clean_engine


@pytest.fixture
async def env() -> AsyncIterator[WorkflowEnvironment]:
    environment = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=test_server_path(), data_converter=encrypting_converter()
    )
    async with environment:
        yield environment


def senders_for(smtp: SmtpSink) -> Senders:
    return Senders(
        email=SmtpSender(
            host="127.0.0.1",
            port=smtp.port,
            mode="plain",
            from_address="cycle@notify.example.jp",
            timeout=5,
        ),
        webhook=WebhookSender(SECRET, timeout=5),
    )


@pytest.fixture
def queue() -> str:
    return f"notify-{uuid.uuid4().hex[:8]}"


@pytest.fixture
async def harness(
    env: WorkflowEnvironment,
    notify_engine: Engine,
    smtp: SmtpSink,
    hook: WebhookSink,
    queue: str,
) -> AsyncIterator[Harness]:
    """Everything running: a worker with the real activities and real senders."""
    async with serving(env.client, queue, notify_engine, senders_for(smtp), threads=4):
        yield Harness(env, notify_engine, smtp, hook, queue)

"""The daily audit anchor, on the time-skipping test server with the real store and a
loopback SMTP server: a day after the worker starts it, every board admin has the
chains' heads in the inbox and by e-mail (through the usual outbox), the line the same
``audit anchor`` prints and ``audit verify --anchor`` checks; a second start leaves the
running job alone, and the next day brings the next day's anchor."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import Engine, select
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

import store
from application.audit import Actor, AuditAction, record_in
from contracts.audit_anchor import AUDIT_ANCHOR_TEMPLATE
from domain.japan_time import JAPAN
from store.audit_anchor import check_anchor, parse_anchors, take_anchors
from store.models import Notification
from tests.audit.conftest import AuditCity
from tests.encryption import encrypting_converter
from tests.notify.conftest import senders_for
from tests.notify.loopback import SmtpSink
from tests.workflows import conftest as workflow_fixtures
from worker.daily_jobs import start_daily_anchor
from worker.main import serving
from workflows.audit_anchor import next_send_time

OPERATOR = Actor(id="cli:tester", client="cli@test")


@pytest.fixture
async def env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of this test's own: the job runs for ever, and its clock
    must not be anyone else's."""
    environment = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=workflow_fixtures.test_server_path(),
        data_converter=encrypting_converter(),
    )
    async with environment:
        yield environment


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


async def _mail_count(smtp: SmtpSink, count: int) -> list[EmailMessage]:
    for _ in range(200):
        received = smtp.received()
        if len(received) >= count:
            return received
        await asyncio.sleep(0.1)
    raise AssertionError(f"{len(smtp.received())} mails arrived, expected {count}")


def test_the_send_time_is_the_next_seven_oclock_in_japan() -> None:
    before = datetime(2026, 12, 6, 21, 59, tzinfo=UTC)  # 06:59 JST on the 7th
    assert next_send_time(before) == datetime(2026, 12, 7, 7, 0, tzinfo=JAPAN)
    assert next_send_time(datetime(2026, 12, 6, 22, 0, tzinfo=UTC)) == datetime(
        2026, 12, 8, 7, 0, tzinfo=JAPAN
    )


async def test_the_board_admins_get_the_anchor_every_day(
    env: WorkflowEnvironment, clean_engine: Engine, auditcity: AuditCity, smtp: SmtpSink
) -> None:
    engine = clean_engine
    with store.session_scope(engine) as session:
        store.load_municipality(session, store.read_municipality_file(auditcity.original()))
        for i in range(3):
            record_in(session, OPERATOR, AuditAction.EXPORT, f"councils/c{i}/history")
    queue = f"anchor-{uuid.uuid4().hex[:8]}"
    async with serving(env.client, queue, engine, senders_for(smtp), threads=2):
        handle = await start_daily_anchor(env.client, queue)
        again = await start_daily_anchor(env.client, queue)
        assert again.id == handle.id
        assert (await again.describe()).run_id == (await handle.describe()).run_id
        await env.sleep(timedelta(days=1))
        [mail] = await _mail_count(smtp, 1)
        with store.session_scope(engine) as session:
            [head, _] = take_anchors(session, datetime.now(UTC))
        assert mail["To"] == f"board-{auditcity.s}@ac.example.jp"
        assert mail["X-CS-Event"] == AUDIT_ANCHOR_TEMPLATE
        body = mail.get_content()
        mailed = parse_anchors(body)
        assert [(a.table, a.seq, a.sha256) for a in mailed] == [
            ("access_audit", head.seq, head.sha256),
            ("directory_audit", 0, "0" * 64),
        ]
        with store.session_scope(engine) as session:
            assert all(check_anchor(session, a) is None for a in mailed)
            inbox = session.scalars(
                select(Notification).where(Notification.recipient_id == auditcity.board)
            ).all()
        assert [n.template for n in inbox] == [AUDIT_ANCHOR_TEMPLATE]
        assert head.line().split(" at=")[0] in inbox[0].body

        await env.sleep(timedelta(days=1))  # the next day: the next day's anchor
        first, second = await _mail_count(smtp, 2)
        assert first["Subject"] != second["Subject"] and "監査記録の照合値" in second["Subject"]
        await handle.terminate("test over")
        assert (await handle.describe()).status == WorkflowExecutionStatus.TERMINATED

"""A meeting call through the real workflow on the time-skipping server, with the real
store and senders: three invitees reply, the fourth is reminded two days before (once),
the meeting is recorded with attendance pre-filled from the replies; then its minutes are
published, corrected, and the public page shows both versions and never the closed part."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

import store
from activities.channels import Senders
from application.meeting_calls import call_page
from application.public_pages import public_index_page, public_page
from contracts.cycle import CycleInput, cycle_workflow_id
from domain.commands import Command, RecordMeetingInput
from domain.japan_time import JAPAN
from domain.meeting_calls import (
    Answer,
    CallMeetingInput,
    CorrectMinutesInput,
    PublishMinutesInput,
    ReplyToCallInput,
)
from domain.model import CycleState
from store.meeting_calls import calls
from tests.encryption import encrypting_converter
from tests.notify.conftest import senders_for
from tests.notify.harness import CHAIR_MAIL, COUNCIL, YEAR, Harness, minute_after, wait_until
from tests.notify.loopback import SmtpSink, WebhookSink
from tests.workflows.driver import wait_open
from worker.main import serving
from workflows.council_cycle import CouncilCycleWorkflow

CONSOLE = "https://console.example.jp"
HELD_ON = date(YEAR, 4, 15)
CLOSED = "個別の児童の支援について（非公開）"


@pytest.fixture
async def call_harness(
    env: WorkflowEnvironment, notify_engine: Engine, smtp: SmtpSink, hook: WebhookSink, queue: str
) -> AsyncIterator[Harness]:
    """The notify-city worker, its messages linking below ``CONSOLE``."""
    plain = senders_for(smtp)
    senders = Senders(email=plain.email, webhook=plain.webhook, console_base_url=CONSOLE)
    async with serving(env.client, queue, notify_engine, senders, threads=4):
        yield Harness(env, notify_engine, smtp, hook, queue)


async def _send(harness: Harness, handle: WorkflowHandle[Any, Any], command: Command) -> CycleState:
    """Send ``command``; return the state after it, queried (what an update answers is
    not this test's subject)."""
    # The clock stands still while an update is answered: no alarm fires in between.
    with harness.env.auto_time_skipping_disabled():
        await handle.execute_update(command.kind, command)
    return await harness.state(handle)


def _jst(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour=hour), tzinfo=JAPAN)


async def open_in_early_april(harness: Harness) -> WorkflowHandle[Any, Any]:
    """The cycle, opened in early April of its year: a call then lies in its fiscal year,
    before any deadline alert of discuss (due 30 April)."""
    await harness.sleep_until(_jst(date(YEAR, 4, 2), 9))
    handle = await harness.env.client.start_workflow(
        CouncilCycleWorkflow.run,
        CycleInput(council_id=COUNCIL, fiscal_year=YEAR),
        id=cycle_workflow_id(COUNCIL, YEAR),
        task_queue=harness.queue,
    )
    await wait_open(handle)
    return handle


async def test_a_call_answered_by_three_one_reminded_once_then_recorded_and_published(
    call_harness: Harness,
) -> None:
    harness = call_harness
    handle = await open_in_early_april(harness)
    call = CallMeetingInput(
        actor="n-coord",  # the coordinator, on the chair's behalf
        call_id="2027-04-15",
        held_on=HELD_ON,
        starts_at=time(18, 30),
        place="第一小学校 図書室",
        agenda="目指す子ども像について熟議",
        closed_part="個別の児童の支援",
    )
    state = await _send(harness, handle, call)
    assert state.calls[0].invitees == ("n-chair", "n-m1", "n-m2", "n-principal")

    for who, answer in (("n-chair", Answer.ATTEND), ("n-m1", Answer.ATTEND),
                        ("n-principal", Answer.ABSENT)):  # fmt: skip
        reply = ReplyToCallInput(actor=who, call_id=call.call_id, answer=answer, comment="承知")
        state = await _send(harness, handle, reply)

    # Every invitee got the call; the chair's e-mail links to the reply page.
    await wait_until(lambda: "meeting_call" in harness.inbox_templates("n-m2"))
    await wait_until(lambda: "meeting_call" in harness.mail_events(CHAIR_MAIL))
    [mail] = [m for m in harness.smtp.received() if m["X-CS-Event"] == "meeting_call"
              and m["To"] == CHAIR_MAIL]  # fmt: skip
    link = f"{CONSOLE}/councils/{COUNCIL}/{YEAR}/calls/2027-04-15"
    body = mail.get_body(("plain",))  # the call's .ics travels beside it
    assert body is not None and link in body.get_content()
    with store.session_scope(harness.engine) as session:
        page = call_page(session, COUNCIL, YEAR, call.call_id)
    assert [(i.member_id, i.answer_ja) for i in page.invitees] == [
        ("n-chair", "出席"), ("n-m1", "出席"), ("n-m2", "未回答"), ("n-principal", "欠席"),
    ]  # fmt: skip
    # Voters: the chair and two members; two attend, more than half.
    assert (page.quorum.eligible, page.quorum.attending, page.quorum.met) == (3, 2, True)

    # Two days before, 09:00 JST: only the one without a reply is reminded.
    await harness.sleep_until(minute_after(_jst(HELD_ON - timedelta(days=2), 9)))
    await wait_until(lambda: "meeting_call_reminder" in harness.inbox_templates("n-m2"))
    # A day later, nothing more: the reminder went once.
    await harness.sleep_until(_jst(HELD_ON - timedelta(days=1), 12))
    await harness.settle()
    assert harness.inbox_templates("n-m2").count("meeting_call_reminder") == 1
    for other in ("n-chair", "n-m1", "n-principal"):
        assert "meeting_call_reminder" not in harness.inbox_templates(other)

    # After the meeting: the record starts from the call, attendance pre-filled.
    await harness.sleep_until(_jst(HELD_ON, 21))
    with store.session_scope(harness.engine) as session:
        draft = call_page(session, COUNCIL, YEAR, call.call_id).record_draft
    assert draft.attendance == ("n-chair", "n-m1") and draft.held_on == HELD_ON
    record = RecordMeetingInput(
        actor="n-chair",
        held_on=draft.held_on,
        attendance=draft.attendance,
        minutes_public="目指す子ども像について熟議した。",
        minutes_closed=CLOSED,
        vision_draft="地域とともに学ぶ子ども",
    )
    state = await _send(harness, handle, record)
    assert state.meetings[0].attendance == ("n-chair", "n-m1")
    with store.session_scope(harness.engine) as session:
        [recorded] = calls(session, COUNCIL, YEAR)
    assert recorded.reminded_at is not None and len(recorded.replies) == 3

    # Draft until published; then corrected by a new version that keeps the old one.
    with store.session_scope(harness.engine) as session:
        assert public_page(session, COUNCIL, YEAR).meetings == ()
    await _send(harness, handle, PublishMinutesInput(actor="n-chair", meeting_number=1))
    fix = CorrectMinutesInput(
        actor="n-chair", meeting_number=1, text="目指す子ども像について熟議した（訂正）。",
        reason="日付の誤り",
    )  # fmt: skip
    await _send(harness, handle, fix)
    with store.session_scope(harness.engine) as session:
        page_model = public_page(session, COUNCIL, YEAR)
        index = public_index_page(session, "notifycity", YEAR)
    [meeting] = page_model.meetings
    assert meeting.current.text == "目指す子ども像について熟議した（訂正）。"
    assert meeting.current.reason == "日付の誤り" and not meeting.current.corrected
    [old] = meeting.corrected
    assert old.text == "目指す子ども像について熟議した。" and old.corrected_by_version == 2
    assert (
        CLOSED not in page_model.model_dump_json() and "n-chair" not in page_model.model_dump_json()
    )
    [entry] = [e for e in index.councils if e.council_id == COUNCIL]
    assert entry.published_meetings == 1 and entry.path == f"/public/councils/{COUNCIL}/{YEAR}"
    await handle.terminate("test done")
    # The reminder's timer and every call update replay to the same decisions.
    replayer = Replayer(workflows=[CouncilCycleWorkflow], data_converter=encrypting_converter())
    replay = await replayer.replay_workflow(await handle.fetch_history())
    assert replay.replay_failure is None

"""The issue's "must show": late approvals chased by e-mail and webhook in order and once
each; a moved deadline moves its reminders; a paused cycle is silent and resumes with its
deadlines shifted. Time-skipping server, real worker, real store, loopback receivers."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, datetime, time, timedelta
from functools import partial

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

import store
from domain.commands import PauseCycleInput, ResumeCycleInput, SetDeadlineInput, SubmitPolicyInput
from domain.deadlines import alerts_for, shift
from domain.japan_time import JAPAN
from domain.model import Step
from tests.notify.harness import (
    CHAIR_MAIL,
    CHIEF_MAIL,
    COUNCIL,
    PRINCIPAL_MAIL,
    YEAR,
    Harness,
    minute_after,
    wait_until,
)
from tests.workflows.driver import send

LATE = ["reminder", "reminder", "overdue", "escalation_chief", "escalation_board"]


async def test_a_late_approval_is_chased_in_order_once_each_by_mail_and_webhook(
    harness: Harness,
) -> None:
    handle = await harness.open_at_approve()
    with store.session_scope(harness.engine) as session:
        rules = store.council_setup(session, COUNCIL).deadline_rules
    due = date(YEAR, 5, 31)
    assert (await harness.state(handle)).due_dates[Step.APPROVE] == due
    await harness.settle()

    alerts = alerts_for(Step.APPROVE, due, rules)
    assert [a.kind.value for a in alerts] == LATE
    for number, alert in enumerate(alerts, start=1):
        await harness.sleep_until(minute_after(alert.at))
        # Each alert arrives before the clock moves on: the order is the alerts' order.
        await wait_until(partial(_chair_has_late, harness, number))
        await harness.settle()

    assert _late(harness.mail_events(CHAIR_MAIL)) == LATE
    # Escalations reach only the chair, the chief coordinator and the board.
    assert _late(harness.mail_events(PRINCIPAL_MAIL)) == LATE[:3]
    assert _late(harness.hook_events("n-chair")) == LATE
    assert harness.mail_events(CHIEF_MAIL) == ["escalation_chief"]
    assert harness.hook_events("n-board") == ["escalation_board"]
    assert all(call.verified for call in harness.hook.received())
    # Once each: no delivery id reached either receiver twice.
    mail_ids = Counter(str(m["Message-ID"]) for m in harness.smtp.received())
    hook_ids = Counter(c.delivery_id for c in harness.hook.received())
    assert max(mail_ids.values()) == 1 and max(hook_ids.values()) == 1
    reminders = [m for m in harness.smtp.received() if m["To"] == CHAIR_MAIL]
    subjects = [str(m["Subject"]) for m in reminders if m["X-CS-Event"] == "reminder"]
    assert ["あと7日" in subjects[0], "あと1日" in subjects[1]] == [True, True]
    assert all("通知市立第一小学校学校運営協議会" in s for s in subjects)
    # Preferences: n-m2 switched e-mail off and n-m1 has no address: inbox only.
    assert not any(m["To"] == "m2@notify.example.jp" for m in harness.smtp.received())
    with store.session_scope(harness.engine) as session:
        assert [n.template for n in store.inbox(session, "n-m2")] == ["step_opened"]
        assert store.failed_deliveries_count(session, COUNCIL, YEAR) == 0
    await handle.terminate("test done")


def _chair_has_late(harness: Harness, count: int) -> bool:
    return len(_late(harness.mail_events(CHAIR_MAIL))) == count


def _late(events: list[str]) -> list[str]:
    return [e for e in events if e in LATE]


async def test_moving_the_deadline_moves_the_reminders(harness: Harness) -> None:
    handle = await harness.open_at_approve()
    moved = date(YEAR, 6, 30)
    await send(handle, SetDeadlineInput(actor="n-board", step=Step.APPROVE, due=moved))
    old_reminder = alerts_for(Step.APPROVE, date(YEAR, 5, 31), (await harness.state(handle))
                              .deadline_rules)[0]  # fmt: skip
    await harness.sleep_until(minute_after(old_reminder.at))
    await harness.settle()
    assert (await harness.state(handle)).alerts_sent == []
    assert _late(harness.mail_events(CHAIR_MAIL)) == []

    first = alerts_for(Step.APPROVE, moved, (await harness.state(handle)).deadline_rules)[0]
    assert first.at.astimezone(JAPAN).date() == date(YEAR, 6, 23)
    await harness.sleep_until(minute_after(first.at))
    await wait_until(lambda: _late(harness.mail_events(CHAIR_MAIL)) == ["reminder"])
    [reminder] = [m for m in harness.smtp.received() if m["X-CS-Event"] == "reminder"
                  and m["To"] == CHAIR_MAIL]  # fmt: skip
    assert "2027年6月30日（水）" in str(reminder["Subject"])
    await handle.terminate("test done")


async def test_a_paused_cycle_sends_nothing_and_resumes_with_its_deadlines_shifted(
    harness: Harness,
) -> None:
    handle = await harness.open_at_approve()
    await harness.sleep_until(minute_after(_jst(date(YEAR, 5, 20))))
    paused = await send(handle, PauseCycleInput(actor="n-board", reason="台風による臨時休校"))
    assert paused.paused is not None
    await wait_until(lambda: "paused" in harness.mail_events(CHAIR_MAIL))
    await harness.settle()
    mail_before, hooks_before = len(harness.smtp.received()), len(harness.hook.received())

    # Past the 7- and 1-day reminders, the due date and the first escalation.
    await harness.sleep_until(minute_after(_jst(date(YEAR, 6, 9))))
    await asyncio.sleep(0.5)  # real time for anything that would wrongly fire to arrive
    assert (await harness.state(handle)).alerts_sent == []
    assert (len(harness.smtp.received()), len(harness.hook.received())) == (
        mail_before,
        hooks_before,
    )
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await send(handle, SubmitPolicyInput(actor="n-principal", text="基本方針"))
    assert isinstance(refused.value.cause, ApplicationError)
    assert "台風による臨時休校" in refused.value.cause.message

    resumed = await send(handle, ResumeCycleInput(actor="n-board"))
    with store.session_scope(harness.engine) as session:
        resumed_at = store.history(session, COUNCIL, YEAR)[-1].at
    expected = shift({Step.APPROVE: date(YEAR, 5, 31)}, [Step.APPROVE],
                     resumed_at - paused.paused.since)[Step.APPROVE]  # fmt: skip
    assert expected - date(YEAR, 5, 31) >= timedelta(days=20)
    assert resumed.due_dates[Step.APPROVE] == expected
    assert resumed.due_dates[Step.EVALUATE] == date(YEAR + 1, 3, 31) + (
        expected - date(YEAR, 5, 31)
    )

    first = alerts_for(Step.APPROVE, expected, resumed.deadline_rules)[0]
    await harness.sleep_until(minute_after(first.at))
    await wait_until(lambda: _late(harness.mail_events(CHAIR_MAIL)) == ["reminder"])
    [reminder] = [m for m in harness.smtp.received() if m["X-CS-Event"] == "reminder"
                  and m["To"] == CHAIR_MAIL]  # fmt: skip
    assert f"{expected.year}年{expected.month}月{expected.day}日" in str(reminder["Subject"])
    await handle.terminate("test done")


def _jst(day: date) -> datetime:
    return datetime.combine(day, time(hour=9), tzinfo=JAPAN)

"""Postponing a called meeting (延期) through the real workflow on the time-skipping
server, with the real store and senders: the first command served by the workflow's one
generic update (``postpone_meeting`` has no update of its own). Every invitee is told,
the replies stay, the reminder moves to two days before the new date, and the refusals
(earlier date, wrong role, meeting begun) leave the call as it was."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.worker import Replayer

import store
from activities.ics import TOKYO, call_ics, call_uid
from application.meeting_calls import call_page
from domain.commands import Command
from domain.meeting_calls import Answer, CallMeetingInput, PostponeMeetingInput, ReplyToCallInput
from tests.encryption import encrypting_converter
from tests.notify.harness import CHAIR_MAIL, COUNCIL, YEAR, Harness, minute_after, wait_until
from tests.notify.test_meeting_call_ics import _event
from tests.notify.test_meeting_calls import _jst, _send, call_harness, open_in_early_april
from workflows.council_cycle import CouncilCycleWorkflow

__all__ = ["call_harness"]  # the fixture, shared with the call's own test

HELD_ON = date(YEAR, 4, 15)
NEW_DAY = date(YEAR, 4, 22)


async def _refused(harness: Harness, handle: WorkflowHandle[Any, Any], command: Command) -> str:
    """Send ``command``, which must be refused; its refusal code."""
    with (
        harness.env.auto_time_skipping_disabled(),
        pytest.raises(WorkflowUpdateFailedError) as failed,
    ):
        await handle.execute_update(command.kind, command)
    cause = failed.value.cause
    assert isinstance(cause, ApplicationError)
    code: str = cause.details[0]["code"]
    return code


def _postpone(actor: str, day: date, starts_at: time = time(18, 30)) -> PostponeMeetingInput:
    return PostponeMeetingInput(
        actor=actor,
        call_id="spring",
        held_on=day,
        starts_at=starts_at,
        place="第一小学校 体育館",
        reason="台風の接近のため",
    )


async def test_a_postponed_meeting_tells_everyone_keeps_replies_and_moves_the_reminder(
    call_harness: Harness,
) -> None:
    harness = call_harness
    handle = await open_in_early_april(harness)
    call = CallMeetingInput(actor="n-chair", call_id="spring", held_on=HELD_ON,
                            starts_at=time(18, 30), place="図書室", agenda="熟議")  # fmt: skip
    await _send(harness, handle, call)
    for who, answer in (("n-chair", Answer.ATTEND), ("n-m1", Answer.ABSENT)):
        await _send(harness, handle, ReplyToCallInput(actor=who, call_id="spring", answer=answer))

    # Refused, and nothing moves: an earlier day, a member who did not call it.
    assert await _refused(harness, handle, _postpone("n-chair", HELD_ON - timedelta(days=1)))
    assert await _refused(harness, handle, _postpone("n-chair", HELD_ON)) == "postpone_not_later"
    assert await _refused(harness, handle, _postpone("n-m1", NEW_DAY)) == "role_required"
    assert (await harness.state(handle)).calls[0].held_on == HELD_ON

    state = await _send(harness, handle, _postpone("n-chair", NEW_DAY))
    [moved] = state.calls
    assert (moved.held_on, moved.place) == (NEW_DAY, "第一小学校 体育館")
    assert [(r.member_id, r.answer) for r in moved.replies] == [
        ("n-chair", Answer.ATTEND),
        ("n-m1", Answer.ABSENT),
    ]
    # Every invitee is told, by inbox and e-mail, with the new date and the reason.
    told = set(moved.invitees)
    await wait_until(
        lambda: all("meeting_call_postponed" in harness.inbox_templates(who) for who in told)
    )
    await wait_until(lambda: "meeting_call_postponed" in harness.mail_events(CHAIR_MAIL))
    [mail] = [m for m in harness.smtp.received() if m["X-CS-Event"] == "meeting_call_postponed"
              and m["To"] == CHAIR_MAIL]  # fmt: skip
    text = mail.get_body(("plain",))
    assert text is not None
    body = text.get_content()
    assert f"{NEW_DAY.isoformat()} 18:30" in body and "台風の接近のため" in body
    # Its calendar file, like the call page's download, moves the same event (same UID,
    # a higher SEQUENCE) to the new date and place.
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    attached = _event(part.get_payload(decode=True))
    with store.session_scope(harness.engine) as session:
        download = _event(call_ics(session, COUNCIL, YEAR, "spring"))
    for event in (attached, download):
        assert str(event["uid"]) == call_uid(COUNCIL, YEAR, "spring")
        assert event["sequence"] == 1 and str(event["location"]) == "第一小学校 体育館"
        assert event.decoded("dtstart") == datetime.combine(NEW_DAY, time(18, 30), TOKYO)
    # The store's call page shows the new date and place, the replies as they were.
    with store.session_scope(harness.engine) as session:
        page = call_page(session, COUNCIL, YEAR, "spring")
    assert (page.held_on, page.place, page.reminded_at) == (NEW_DAY, "第一小学校 体育館", None)
    assert [(i.member_id, i.answer_ja) for i in page.invitees][:2] == [
        ("n-chair", "出席"),
        ("n-m1", "欠席"),
    ]

    # Two days before the old date: no reminder. Two days before the new one: those
    # without a reply are reminded, once.
    await harness.sleep_until(minute_after(_jst(HELD_ON - timedelta(days=2), 9)))
    await harness.settle()
    assert "meeting_call_reminder" not in harness.inbox_templates("n-m2")
    await harness.sleep_until(minute_after(_jst(NEW_DAY - timedelta(days=2), 9)))
    await wait_until(lambda: "meeting_call_reminder" in harness.inbox_templates("n-m2"))
    assert "meeting_call_reminder" not in harness.inbox_templates("n-chair")

    # Once the meeting has begun it is no longer postponed.
    await harness.sleep_until(_jst(NEW_DAY, 19))
    late = _postpone("n-chair", NEW_DAY + timedelta(days=7))
    assert await _refused(harness, handle, late) == "call_started"

    await handle.terminate("test done")
    # The generic update replays to the same decisions.
    replayer = Replayer(workflows=[CouncilCycleWorkflow], data_converter=encrypting_converter())
    replay = await replayer.replay_workflow(await handle.fetch_history())
    assert replay.replay_failure is None

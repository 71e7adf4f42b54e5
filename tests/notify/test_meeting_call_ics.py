"""The calendar file of a meeting call: the call's e-mail carries it (loopback SMTP, the
real workflow and worker), a phone's calendar reads it with the right Japan-time start,
and a later file for the same call (a postponement) keeps its ``UID`` and raises its
``SEQUENCE``."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from icalendar import Calendar, Component

from activities.ics import call_uid, meeting_call_ics
from contracts.cycle import CycleInput, cycle_workflow_id
from domain.japan_time import JAPAN
from domain.meeting_calls import CallMeetingInput
from tests.notify.harness import CHAIR_MAIL, COUNCIL, YEAR, Harness, wait_until
from tests.workflows.driver import wait_open
from workflows.council_cycle import CouncilCycleWorkflow

TOKYO = ZoneInfo("Asia/Tokyo")


def _event(data: object) -> Component:
    assert isinstance(data, bytes)
    [event] = Calendar.from_ical(data).walk("VEVENT")
    return event


async def test_the_call_mail_carries_an_ics_with_the_japan_time_start(harness: Harness) -> None:
    await harness.sleep_until(datetime(YEAR, 4, 2, 9, tzinfo=JAPAN))
    handle = await harness.env.client.start_workflow(
        CouncilCycleWorkflow.run,
        CycleInput(council_id=COUNCIL, fiscal_year=YEAR),
        id=cycle_workflow_id(COUNCIL, YEAR),
        task_queue=harness.queue,
    )
    await wait_open(handle)
    call = CallMeetingInput(
        actor="n-chair",
        call_id="call-ics",
        held_on=date(YEAR, 4, 15),
        starts_at=time(18, 30),
        place="第一小学校 図書室",
        agenda="目指す子ども像について熟議",
        closed_part="個別の児童の支援",
    )
    with harness.env.auto_time_skipping_disabled():
        await handle.execute_update(call.kind, call)
    await wait_until(lambda: "meeting_call" in harness.mail_events(CHAIR_MAIL))
    [mail] = [m for m in harness.smtp.received() if m["X-CS-Event"] == "meeting_call"
              and m["To"] == CHAIR_MAIL]  # fmt: skip
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "meeting.ics"
    event = _event(part.get_payload(decode=True))
    start = event.decoded("dtstart")
    assert start == datetime(YEAR, 4, 15, 18, 30, tzinfo=TOKYO)
    assert start.astimezone(UTC) == datetime(YEAR, 4, 15, 9, 30, tzinfo=UTC)
    assert event["dtstart"].params["TZID"] == "Asia/Tokyo"
    assert str(event["uid"]) == call_uid(COUNCIL, YEAR, "call-ics")
    assert str(event["summary"]).endswith("会議") and str(event["location"]) == call.place
    # Nothing of the agenda or the closed part travels in the calendar.
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    text = payload.decode("utf-8")
    assert call.closed_part not in text and call.agenda not in text


def test_a_postponed_call_keeps_its_uid_and_raises_its_sequence() -> None:
    def made(day: date, at: time, sequence: int = 0) -> bytes:
        return meeting_call_ics(
            council_id="c1",
            council_name="第一小学校学校運営協議会",
            fiscal_year=2027,
            call_id="call-1",
            held_on=day,
            starts_at=at,
            place="図書室",
            stamp=datetime(2027, 4, 2, tzinfo=UTC),
            sequence=sequence,
        )

    first = _event(made(date(2027, 4, 15), time(18, 30)))
    later = _event(made(date(2027, 4, 22), time(19), sequence=1))
    assert first["uid"] == later["uid"]
    assert (first["sequence"], later["sequence"]) == (0, 1)
    assert later.decoded("dtstart") == datetime(2027, 4, 22, 19, tzinfo=TOKYO)
    # The same call makes the same bytes: the file is stable.
    assert made(date(2027, 4, 15), time(18, 30)) == made(date(2027, 4, 15), time(18, 30))

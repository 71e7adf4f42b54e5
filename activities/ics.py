"""A meeting call as an iCalendar file (``.ics``) that a phone's calendar opens.

The same file is the call page's download and the call e-mail's attachment. It names
the council's meeting, its start in Japan time (``TZID=Asia/Tokyo``, with the zone's
definition inside), its place and the page to reply on; never the agenda, the closed
part or anyone's name. The ``UID`` is the call's business key (council, year, call), so
a calendar that imported the call once replaces it when a later file for the same call
comes with a higher ``SEQUENCE`` (after a postponement, say).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from domain.meeting_calls import reply_path
from store.deliveries import DeliveryJob
from store.meeting_calls import calls
from store.models import Council

#: The calendar's zone: every call's time is Japan time.
TOKYO = ZoneInfo("Asia/Tokyo")
#: How long a meeting is put in the calendar (the call names no end).
MEETING_LENGTH = timedelta(hours=2)
#: The product that made the file (RFC 5545 ``PRODID``).
PRODID = "-//council-cycle//meeting call//JA"
#: The templates whose e-mails carry the call's ``.ics``.
CALENDAR_TEMPLATES = frozenset({"meeting_call", "meeting_call_reminder", "meeting_call_postponed"})


def call_uid(council_id: str, fiscal_year: int, call_id: str) -> str:
    """The call's stable ``UID``: its business key, no personal data."""
    return f"{call_id}.{fiscal_year}.{council_id}@council-cycle"


def meeting_call_ics(
    *,
    council_id: str,
    council_name: str,
    fiscal_year: int,
    call_id: str,
    held_on: date,
    starts_at: time,
    place: str,
    stamp: datetime,
    sequence: int = 0,
    base_url: str = "",
) -> bytes:
    """The ``.ics`` of one call. ``stamp`` is when the call (or its last change) was
    made: the file is the same bytes every time it is made from the same call."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", call_uid(council_id, fiscal_year, call_id))
    event.add("sequence", sequence)
    event.add("dtstamp", stamp.astimezone(UTC))
    start = datetime.combine(held_on, starts_at, tzinfo=TOKYO)
    event.add("dtstart", start)
    event.add("dtend", start + MEETING_LENGTH)
    event.add("summary", f"{council_name} 会議")
    event.add("location", place)
    link = f"{base_url.rstrip('/')}{reply_path(council_id, fiscal_year, call_id)}"
    event.add("description", f"出欠の返信: {link}")
    if base_url:
        event.add("url", link)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    made: bytes = calendar.to_ical()
    return made


def call_ics(
    session: Session, council_id: str, fiscal_year: int, call_id: str, base_url: str = ""
) -> bytes | None:
    """The ``.ics`` of the council's call ``call_id`` as it stands (after a postponement:
    the new date, time and place, the same ``UID``, ``SEQUENCE`` the number of
    postponements); ``None`` when there is none."""
    view = next((c for c in calls(session, council_id, fiscal_year) if c.call_id == call_id), None)
    if view is None:
        return None
    council = session.get_one(Council, council_id)
    return meeting_call_ics(
        council_id=council_id,
        council_name=council.name,
        fiscal_year=fiscal_year,
        call_id=view.call_id,
        held_on=view.held_on,
        starts_at=view.starts_at,
        place=view.place,
        stamp=view.postponed_at or view.called_at,
        sequence=view.postponements,
        base_url=base_url,
    )


def with_calendar(session: Session, job: DeliveryJob, base_url: str = "") -> DeliveryJob:
    """``job`` with its call's ``.ics`` when it is a call (or its reminder) by e-mail."""
    if job.meeting_call_id is None or job.template not in CALENDAR_TEMPLATES:
        return job
    found = call_ics(session, job.council_id, job.fiscal_year, job.meeting_call_id, base_url)
    return job if found is None else job.model_copy(update={"calendar": found})

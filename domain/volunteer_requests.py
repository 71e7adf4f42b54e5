"""Volunteer requests (ボランティア依頼・募集): the rules, pure.

A school asks for volunteers for one activity of the plan; the coordinator turns that
into a request (how many, when, where, what skills, a reply deadline), sends it to chosen
registered volunteers and/or publishes it on the municipality's public page. Volunteers
answer 参加できる / できない; the first ``needed`` who can come are confirmed, the rest
wait in the order they answered. A confirmed volunteer who drops out makes room for the
first one waiting. At the reply deadline the request closes (no new 参加できる); the day
before the activity, at 09:00 JST, the confirmed volunteers are reminded; cancelling the
activity tells the confirmed and the waiting volunteers.

Volunteers appear here by registry id only: names and contacts stay in the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from domain.base import Frozen
from domain.japan_time import JAPAN
from domain.refusals import Refusal
from domain.text_rules import MultiLineStr, OneLineStr

#: The hour (JST) the reminder goes out the day before the activity.
REMIND_HOUR = 9
#: Bounds of a request.
NEEDED_MAX = 200
TITLE_MAX = 200
PLACE_MAX = 200
SKILL_MAX = 100
SKILLS_MAX = 10
NOTES_MAX = 1000
INVITED_MAX = 500

VolunteerId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
CouncilId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]


def request_key(council_id: str, fiscal_year: int, number: int) -> str:
    """The business key (and workflow id) of a council's ``number``-th request of the
    year: ``volunteer-request/<council>/<year>/<n>``. No personal data."""
    return f"volunteer-request/{council_id}/{fiscal_year}/{number}"


def council_of_request_key(key: str) -> str | None:
    """The council whose request ``key`` is; ``None`` for any other id."""
    parts = key.split("/")
    if len(parts) != 4 or parts[0] != "volunteer-request":
        return None
    _, council_id, year, number = parts
    if not council_id or not year.isdigit() or not number.isdigit():
        return None
    return council_id


class Reply(StrEnum):
    """A volunteer's answer."""

    CAN = "can"  # 参加できる
    CANNOT = "cannot"  # 参加できない


class Place(StrEnum):
    """Where a volunteer stands on a request."""

    INVITED = "invited"  # 依頼済み・未回答
    CONFIRMED = "confirmed"  # 確定
    WAITING = "waiting"  # 待ち
    DECLINED = "declined"  # 不参加


class Status(StrEnum):
    """A request's state."""

    OPEN = "open"  # 募集中
    CLOSED = "closed"  # 締切
    CANCELLED = "cancelled"  # 中止
    DONE = "done"  # 終了 (the activity's day is over)


class NoticeKind(StrEnum):
    """What a volunteer is told."""

    INVITED = "invited"  # 依頼
    CONFIRMED = "confirmed"  # 参加確定
    WAITING = "waiting"  # 待ち
    PROMOTED = "promoted"  # 待ちから確定
    REMINDER = "reminder"  # 前日のお知らせ
    CANCELLED = "cancelled"  # 中止


class RequestSpec(Frozen):
    """What the coordinator asks for."""

    council_id: CouncilId
    fiscal_year: int = Field(ge=2000, le=2200)
    number: int = Field(ge=1, le=100_000)
    activity_id: str = Field(min_length=1, max_length=64)
    title: OneLineStr = Field(min_length=1, max_length=TITLE_MAX)
    needed: int = Field(ge=1, le=NEEDED_MAX)
    held_on: date
    starts_at: time | None = None
    place: OneLineStr = Field(default="", max_length=PLACE_MAX)
    skills: tuple[Annotated[OneLineStr, Field(min_length=1, max_length=SKILL_MAX)], ...] = Field(
        default=(), max_length=SKILLS_MAX
    )
    reply_by: date
    notes: MultiLineStr = Field(default="", max_length=NOTES_MAX)
    public: bool = False

    @property
    def key(self) -> str:
        """The request's business key."""
        return request_key(self.council_id, self.fiscal_year, self.number)


class Answer(Frozen):
    """One volunteer's standing on a request."""

    volunteer_id: str
    place: Place
    at: datetime


class RequestState(Frozen):
    """A request and every volunteer's standing, in the order they answered."""

    spec: RequestSpec
    status: Status = Status.OPEN
    answers: tuple[Answer, ...] = ()
    reminded: bool = False
    #: Bumped on every change: the store keeps the newest only.
    version: int = 0

    def of(self, place: Place) -> tuple[str, ...]:
        """The volunteers at ``place``, in order."""
        return tuple(a.volunteer_id for a in self.answers if a.place is place)

    def place_of(self, volunteer_id: str) -> Place | None:
        """Where ``volunteer_id`` stands, if anywhere."""
        return next((a.place for a in self.answers if a.volunteer_id == volunteer_id), None)


@dataclass(frozen=True)
class Notice:
    """Tell ``volunteer_ids`` about the request (``kind``)."""

    kind: NoticeKind
    volunteer_ids: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    """A rule's result: the new state and whom to tell what."""

    state: RequestState
    notices: tuple[Notice, ...] = ()


def close_at(spec: RequestSpec) -> datetime:
    """When the request stops taking 参加できる: the end of the reply day, in Japan."""
    return datetime.combine(spec.reply_by + timedelta(days=1), time(0), JAPAN)


def remind_at(spec: RequestSpec) -> datetime:
    """When the confirmed volunteers are reminded: 09:00 JST the day before."""
    return datetime.combine(spec.held_on - timedelta(days=1), time(REMIND_HOUR), JAPAN)


def over_at(spec: RequestSpec) -> datetime:
    """When the activity's day is over (the request's work is done)."""
    return datetime.combine(spec.held_on + timedelta(days=1), time(0), JAPAN)


def open_request(spec: RequestSpec, now: datetime) -> RequestState:
    """A new request; ``Refusal`` when its reply deadline is after the activity or has
    passed already."""
    if spec.reply_by > spec.held_on:
        raise Refusal(
            "request_reply_after_activity",
            reply_by=spec.reply_by.isoformat(),
            held_on=spec.held_on.isoformat(),
        )
    if now >= close_at(spec):
        raise Refusal("request_deadline_passed", reply_by=spec.reply_by.isoformat())
    return RequestState(spec=spec)


def _with(state: RequestState, answers: Iterable[Answer], **changes: object) -> RequestState:
    return state.model_copy(
        update={"answers": tuple(answers), "version": state.version + 1, **changes}
    )


def invite(state: RequestState, volunteer_ids: Sequence[str], now: datetime) -> Change:
    """Send the request to ``volunteer_ids``; those asked or answered before are left
    alone. ``Refusal`` when the request no longer takes answers."""
    _must_be_open(state)
    known = {a.volunteer_id for a in state.answers}
    new = tuple(dict.fromkeys(v for v in volunteer_ids if v not in known))
    if len(known) + len(new) > INVITED_MAX:
        raise Refusal("request_too_many_invited", limit=str(INVITED_MAX))
    if not new:
        return Change(state)
    added = [Answer(volunteer_id=v, place=Place.INVITED, at=now) for v in new]
    return Change(_with(state, (*state.answers, *added)), (Notice(NoticeKind.INVITED, new),))


def answer(state: RequestState, volunteer_id: str, reply: Reply, now: datetime) -> Change:
    """Record ``volunteer_id``'s reply. 参加できる confirms while places are free and
    waits after that; it is refused once the request closed. できない is taken until
    the activity (a confirmed volunteer dropping out makes room for the first waiting)."""
    if state.status in (Status.CANCELLED, Status.DONE):
        raise Refusal("request_not_open")
    current = state.place_of(volunteer_id)
    if reply is Reply.CAN:
        _must_be_open(state)
        if current in (Place.CONFIRMED, Place.WAITING):
            return Change(state)
        others = [a for a in state.answers if a.volunteer_id != volunteer_id]
        place = (
            Place.CONFIRMED if len(state.of(Place.CONFIRMED)) < state.spec.needed else Place.WAITING
        )
        kind = NoticeKind.CONFIRMED if place is Place.CONFIRMED else NoticeKind.WAITING
        new = Answer(volunteer_id=volunteer_id, place=place, at=now)
        return Change(_with(state, (*others, new)), (Notice(kind, (volunteer_id,)),))
    if current is Place.DECLINED:
        return Change(state)
    others = [a for a in state.answers if a.volunteer_id != volunteer_id]
    declined = Answer(volunteer_id=volunteer_id, place=Place.DECLINED, at=now)
    answers = [*others, declined]
    notices: tuple[Notice, ...] = ()
    waiting = [a for a in answers if a.place is Place.WAITING]
    if current is Place.CONFIRMED and waiting:
        first = waiting[0]
        answers = [
            a.model_copy(update={"place": Place.CONFIRMED}) if a is first else a for a in answers
        ]
        notices = (Notice(NoticeKind.PROMOTED, (first.volunteer_id,)),)
    return Change(_with(state, answers), notices)


def cancel(state: RequestState) -> Change:
    """The activity is cancelled: the confirmed and the waiting volunteers are told."""
    if state.status in (Status.CANCELLED, Status.DONE):
        return Change(state)
    told = state.of(Place.CONFIRMED) + state.of(Place.WAITING)
    cancelled = _with(state, state.answers, status=Status.CANCELLED)
    return Change(cancelled, (Notice(NoticeKind.CANCELLED, told),) if told else ())


def next_timer(state: RequestState) -> datetime | None:
    """The next moment the request must act by itself; ``None`` once it is finished."""
    if state.status in (Status.CANCELLED, Status.DONE):
        return None
    moments = [over_at(state.spec)]
    if state.status is Status.OPEN:
        moments.append(close_at(state.spec))
    if not state.reminded:
        moments.append(remind_at(state.spec))
    return min(moments)


def on_time(state: RequestState, now: datetime) -> Change:
    """What the clock does at ``now``: close at the deadline, remind the confirmed the
    day before at 09:00 JST (once), finish when the activity's day is over."""
    if state.status in (Status.CANCELLED, Status.DONE):
        return Change(state)
    spec = state.spec
    notices: list[Notice] = []
    updates: dict[str, object] = {}
    if state.status is Status.OPEN and now >= close_at(spec):
        updates["status"] = Status.CLOSED
    if not state.reminded and now >= remind_at(spec):
        updates["reminded"] = True
        confirmed = state.of(Place.CONFIRMED)
        if confirmed and now < over_at(spec):
            notices.append(Notice(NoticeKind.REMINDER, confirmed))
    if now >= over_at(spec):
        updates["status"] = Status.DONE
    if not updates:
        return Change(state)
    return Change(_with(state, state.answers, **updates), tuple(notices))


def _must_be_open(state: RequestState) -> None:
    if state.status is not Status.OPEN:
        raise Refusal("request_not_open")


@dataclass(frozen=True)
class Fill:
    """How far a request is filled: 「3/5人 確定・2人 待ち」."""

    confirmed: int
    needed: int
    waiting: int
    invited: int
    declined: int

    @property
    def full(self) -> bool:
        """Whether every place is taken."""
        return self.confirmed >= self.needed

    @property
    def percent(self) -> int:
        """Confirmed as a share of the places (0-100)."""
        return min(100, round(100 * self.confirmed / self.needed)) if self.needed else 100


def fill_of(needed: int, places: Iterable[Place]) -> Fill:
    """The fill of a request needing ``needed`` whose volunteers stand at ``places``."""
    listed = list(places)
    return Fill(
        confirmed=listed.count(Place.CONFIRMED),
        needed=needed,
        waiting=listed.count(Place.WAITING),
        invited=listed.count(Place.INVITED),
        declined=listed.count(Place.DECLINED),
    )


@dataclass(frozen=True)
class Candidate:
    """A registered volunteer as the coordinator chooses whom to ask."""

    volunteer_id: str
    fields_of_help: tuple[str, ...]
    availability: str
    past_activities: int
    may_contact: bool


def choose(
    candidates: Iterable[Candidate],
    skill: str = "",
    area: str = "",
    min_past: int = 0,
) -> tuple[str, ...]:
    """The volunteers to ask: who agreed to be contacted, help with ``skill`` (part of a
    field of help), name ``area`` in their availability, and came at least ``min_past``
    times; those who came most often first."""
    skill, area = skill.strip(), area.strip()
    chosen = [
        c
        for c in candidates
        if c.may_contact
        and (not skill or any(skill in f for f in c.fields_of_help))
        and (not area or area in c.availability)
        and c.past_activities >= min_past
    ]
    chosen.sort(key=lambda c: (-c.past_activities, c.volunteer_id))
    return tuple(c.volunteer_id for c in chosen)

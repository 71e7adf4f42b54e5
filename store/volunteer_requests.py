"""Volunteer requests in the store: the workflow's projection of each request, the
notices filed for volunteers, applications from the public page, and the reads of the
coordinator's and the chief's pages.

Names and contacts come from ``volunteers`` (and, until decided, the application) only;
requests refer to volunteers by id.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from domain.volunteer_requests import (
    Candidate,
    Fill,
    NoticeKind,
    Place,
    RequestSpec,
    RequestState,
    Status,
    fill_of,
)
from store.errors import NotFound
from store.models import Council
from store.task_models import ActivityRecordVolunteer, Volunteer
from store.volunteer_request_models import (
    RequestAnswerRow,
    RequestNoticeRow,
    VolunteerRequestRow,
)

PENDING, SENT, NO_CHANNEL, FAILED = "pending", "sent", "no_channel", "failed"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class AnswerLine(_Model):
    """A volunteer on a request, with their name (for the coordinator only)."""

    volunteer_id: str
    name: str
    place: Place
    at: datetime


class RequestView(_Model):
    """A request as the coordinator's pages show it."""

    request_id: int
    key: str
    council_id: str
    fiscal_year: int
    number: int
    activity_id: str
    title: str
    needed: int
    held_on: date
    starts_at: str | None
    place: str
    skills: tuple[str, ...]
    reply_by: date
    notes: str
    public: bool
    status: Status
    reminded: bool
    fill: Fill


class NoticeJob(_Model):
    """One notice to send now: to whom (only when they agreed to be contacted)."""

    notice_id: int
    request_id: int
    volunteer_id: str
    kind: NoticeKind
    name: str
    address: str | None


class NoticeLine(_Model):
    """A filed notice (tests and the coordinator's page)."""

    volunteer_id: str
    kind: NoticeKind
    created_at: datetime
    status: str


def request_row(session: Session, key: str) -> VolunteerRequestRow:
    """The row of request ``key``; ``NotFound`` if there is none."""
    row = session.scalar(select(VolunteerRequestRow).where(VolunteerRequestRow.request_key == key))
    if row is None:
        raise NotFound("その依頼はありません")
    return row


def next_number(session: Session, council_id: str, fiscal_year: int) -> int:
    """The number the council's next request of the year takes."""
    highest = session.scalar(
        select(func.max(VolunteerRequestRow.number)).where(
            VolunteerRequestRow.council_id == council_id,
            VolunteerRequestRow.fiscal_year == fiscal_year,
        )
    )
    return (highest or 0) + 1


def insert_request(session: Session, spec: RequestSpec, created_by: str, at: datetime) -> int:
    """Write a new request (before its workflow starts); its row id."""
    if session.get(Council, spec.council_id) is None:
        raise NotFound(f"協議会 '{spec.council_id}' は登録されていません")
    row = VolunteerRequestRow(
        request_key=spec.key, created_by=created_by, created_at=at, updated_at=at,
        status=Status.OPEN.value, reminded=False, version=-1, **_spec_columns(spec),
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row.id


def _spec_columns(spec: RequestSpec) -> dict[str, Any]:
    return {
        "council_id": spec.council_id,
        "fiscal_year": spec.fiscal_year,
        "number": spec.number,
        "activity_id": spec.activity_id,
        "title": spec.title,
        "needed": spec.needed,
        "held_on": spec.held_on,
        "starts_at": None if spec.starts_at is None else spec.starts_at.strftime("%H:%M"),
        "place": spec.place,
        "skills": list(spec.skills),
        "reply_by": spec.reply_by,
        "notes": spec.notes,
        "public": spec.public,
    }


def record_state(session: Session, state: RequestState, at: datetime) -> bool:
    """Write the workflow's state unless a newer version is there; whether it wrote."""
    row = request_row(session, state.spec.key)
    if row.version >= state.version:
        return False
    for name, value in _spec_columns(state.spec).items():
        setattr(row, name, value)
    row.status, row.reminded, row.version, row.updated_at = (
        state.status.value, state.reminded, state.version, at,
    )  # fmt: skip
    session.execute(delete(RequestAnswerRow).where(RequestAnswerRow.request_id == row.id))
    for position, answer in enumerate(state.answers):
        session.add(
            RequestAnswerRow(
                request_id=row.id, volunteer_id=answer.volunteer_id,
                place=answer.place.value, position=position, at=answer.at,
            )
        )  # fmt: skip
    return True


def file_notices(
    session: Session, key: str, version: int, kind: NoticeKind, ids: tuple[str, ...], at: datetime
) -> list[NoticeJob]:
    """File one notice per volunteer (once per version and kind) and return those still
    to send, with the address of each volunteer who agreed to be contacted."""
    row = request_row(session, key)
    for volunteer_id in ids:
        exists = session.scalar(
            select(RequestNoticeRow.id).where(
                RequestNoticeRow.request_id == row.id, RequestNoticeRow.version == version,
                RequestNoticeRow.kind == kind.value, RequestNoticeRow.volunteer_id == volunteer_id,
            )
        )  # fmt: skip
        if exists is None:
            session.add(
                RequestNoticeRow(
                    request_id=row.id, volunteer_id=volunteer_id, version=version,
                    kind=kind.value, created_at=at, status=PENDING, sent_at=None,
                )
            )  # fmt: skip
    session.flush()
    pending = session.execute(
        select(RequestNoticeRow, Volunteer)
        .join(Volunteer, Volunteer.id == RequestNoticeRow.volunteer_id)
        .where(
            RequestNoticeRow.request_id == row.id, RequestNoticeRow.version == version,
            RequestNoticeRow.kind == kind.value, RequestNoticeRow.status == PENDING,
        )
        .order_by(RequestNoticeRow.id)
    ).all()  # fmt: skip
    return [
        NoticeJob(
            notice_id=notice.id, request_id=row.id, volunteer_id=v.id, kind=kind, name=v.name,
            address=v.contact if v.consent_to_contact and v.contact else None,
        )
        for notice, v in pending
    ]  # fmt: skip


def mark_notice(session: Session, notice_id: int, status: str, at: datetime | None) -> None:
    """Record what became of one notice."""
    notice = session.get(RequestNoticeRow, notice_id)
    if notice is not None and notice.status == PENDING:
        notice.status, notice.sent_at = status, at


def notices(session: Session, key: str) -> list[NoticeLine]:
    """Every notice of a request, oldest first."""
    row = request_row(session, key)
    found = session.scalars(
        select(RequestNoticeRow)
        .where(RequestNoticeRow.request_id == row.id)
        .order_by(RequestNoticeRow.id)
    )
    return [
        NoticeLine(volunteer_id=n.volunteer_id, kind=NoticeKind(n.kind), created_at=n.created_at,
                   status=n.status)
        for n in found
    ]  # fmt: skip


def _view(session: Session, row: VolunteerRequestRow) -> RequestView:
    places = session.scalars(
        select(RequestAnswerRow.place).where(RequestAnswerRow.request_id == row.id)
    )
    return RequestView(
        request_id=row.id, key=row.request_key, council_id=row.council_id,
        fiscal_year=row.fiscal_year, number=row.number, activity_id=row.activity_id,
        title=row.title, needed=row.needed, held_on=row.held_on, starts_at=row.starts_at,
        place=row.place, skills=tuple(row.skills), reply_by=row.reply_by, notes=row.notes,
        public=row.public, status=Status(row.status), reminded=row.reminded,
        fill=fill_of(row.needed, (Place(p) for p in places)),
    )  # fmt: skip


def request_view(session: Session, key: str) -> RequestView:
    """One request; ``NotFound`` if there is none."""
    return _view(session, request_row(session, key))


def request_by_id(session: Session, request_id: int) -> RequestView:
    """One request by its row id; ``NotFound`` if there is none."""
    row = session.get(VolunteerRequestRow, request_id)
    if row is None:
        raise NotFound("その依頼はありません")
    return _view(session, row)


def requests_of(session: Session, council_ids: list[str], fiscal_year: int) -> list[RequestView]:
    """The requests of these councils in ``fiscal_year``, by council and number."""
    rows = session.scalars(
        select(VolunteerRequestRow)
        .where(
            VolunteerRequestRow.council_id.in_(council_ids),
            VolunteerRequestRow.fiscal_year == fiscal_year,
        )
        .order_by(VolunteerRequestRow.council_id, VolunteerRequestRow.number)
    )
    return [_view(session, row) for row in rows]


def answers(session: Session, key: str) -> list[AnswerLine]:
    """Every volunteer on a request with their name, in the order they answered."""
    row = request_row(session, key)
    found = session.execute(
        select(RequestAnswerRow, Volunteer.name)
        .join(Volunteer, Volunteer.id == RequestAnswerRow.volunteer_id)
        .where(RequestAnswerRow.request_id == row.id)
        .order_by(RequestAnswerRow.position)
    ).all()
    return [
        AnswerLine(volunteer_id=a.volunteer_id, name=name, place=Place(a.place), at=a.at)
        for a, name in found
    ]


def public_requests(session: Session, municipality_id: str) -> list[RequestView]:
    """The municipality's published requests still taking applications."""
    rows = session.scalars(
        select(VolunteerRequestRow)
        .join(Council, Council.id == VolunteerRequestRow.council_id)
        .where(
            Council.municipality_id == municipality_id,
            VolunteerRequestRow.public.is_(True),
            VolunteerRequestRow.status == Status.OPEN.value,
        )
        .order_by(VolunteerRequestRow.held_on, VolunteerRequestRow.id)
    )
    return [_view(session, row) for row in rows]


def open_requests_for_activity(
    session: Session, council_id: str, fiscal_year: int, activity_id: str
) -> list[str]:
    """The keys of the activity's requests that are not finished."""
    return list(
        session.scalars(
            select(VolunteerRequestRow.request_key).where(
                VolunteerRequestRow.council_id == council_id,
                VolunteerRequestRow.fiscal_year == fiscal_year,
                VolunteerRequestRow.activity_id == activity_id,
                VolunteerRequestRow.status.in_((Status.OPEN.value, Status.CLOSED.value)),
            )
        )
    )


def confirmed_for_activity(
    session: Session, council_id: str, fiscal_year: int, activity_id: str
) -> tuple[date | None, tuple[str, ...]]:
    """The day and the confirmed volunteers of the activity's requests (the activity
    record form is filled in from them)."""
    rows = session.scalars(
        select(VolunteerRequestRow)
        .where(
            VolunteerRequestRow.council_id == council_id,
            VolunteerRequestRow.fiscal_year == fiscal_year,
            VolunteerRequestRow.activity_id == activity_id,
            VolunteerRequestRow.status != Status.CANCELLED.value,
        )
        .order_by(VolunteerRequestRow.number)
    ).all()
    held_on = rows[0].held_on if rows else None
    ids = session.scalars(
        select(RequestAnswerRow.volunteer_id)
        .where(
            RequestAnswerRow.request_id.in_([r.id for r in rows]),
            RequestAnswerRow.place == Place.CONFIRMED.value,
        )
        .order_by(RequestAnswerRow.request_id, RequestAnswerRow.position)
    )
    return held_on, tuple(dict.fromkeys(ids))


def candidates(session: Session, municipality_id: str, on: date) -> list[Candidate]:
    """The municipality's volunteers registered on ``on``, with how often each came."""
    came = Counter(
        session.scalars(
            select(ActivityRecordVolunteer.volunteer_id)
            .join(Volunteer, Volunteer.id == ActivityRecordVolunteer.volunteer_id)
            .where(Volunteer.municipality_id == municipality_id)
        )
    )
    found = session.scalars(
        select(Volunteer).where(Volunteer.municipality_id == municipality_id).order_by(Volunteer.id)
    )
    return [
        Candidate(
            volunteer_id=v.id, fields_of_help=tuple(v.fields_of_help),
            availability=v.availability, past_activities=came[v.id],
            may_contact=v.consent_to_contact,
        )
        for v in found
        if v.registered_on <= on < v.expires_on and (v.withdrawn_on is None or v.withdrawn_on > on)
    ]  # fmt: skip


def municipality_of_council(session: Session, council_id: str) -> str:
    """The council's municipality; ``NotFound`` if the council is unknown."""
    council = session.get(Council, council_id)
    if council is None:
        raise NotFound(f"協議会 '{council_id}' は登録されていません")
    return council.municipality_id


def all_requests(session: Session, fiscal_year: int) -> list[RequestView]:
    """Every council's requests of ``fiscal_year`` (the local operator's list)."""
    rows = session.scalars(
        select(VolunteerRequestRow)
        .where(VolunteerRequestRow.fiscal_year == fiscal_year)
        .order_by(VolunteerRequestRow.council_id, VolunteerRequestRow.number)
    )
    return [_view(session, row) for row in rows]


def standing(session: Session, request_id: int, volunteer_id: str) -> str | None:
    """Where one volunteer stands on a request (``Place`` value), if anywhere."""
    return session.scalar(
        select(RequestAnswerRow.place).where(
            RequestAnswerRow.request_id == request_id, RequestAnswerRow.volunteer_id == volunteer_id
        )
    )


def volunteer_names(session: Session, volunteer_ids: list[str]) -> dict[str, str]:
    """The registry names of ``volunteer_ids`` (for staff pages)."""
    found = session.execute(
        select(Volunteer.id, Volunteer.name).where(Volunteer.id.in_(volunteer_ids))
    )
    return {volunteer_id: name for volunteer_id, name in found}

"""Minutes published or corrected after the year closed, and the names a person reads in
place of a cycle's ids.

A closed year's workflow has completed and takes no more updates, yet publishing the
minutes is the chair's duty that often falls after the year. Such an act is recorded
here, not in ``audit_events`` (that table is exactly the workflow's accepted commands:
``cycle restore`` replays it and the doctor compares it with the engine). Each act is one
row of ``closed_year_minutes`` — who, when, which meeting, which version — keyed by the
command id (a form sent twice, a CLI retried: recorded once), plus the published version
in ``public_minutes``, the same table the public page reads; both in one transaction.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from domain.base import Step
from domain.meeting_calls import MinutesVersion
from domain.model import Meeting
from store._rows import insert_new
from store.meeting_calls import MeetingCallRow, PublicMinutesRow
from store.models import (
    ID,
    SHORT,
    TZ_DATETIME,
    AimRow,
    Base,
    Council,
    Cycle,
    MeetingRow,
    PlanActivityRow,
)
from store.task_models import TaskRow, Volunteer

#: The longest command id (Temporal's update id has the same bound).
COMMAND_ID_LENGTH = 100


class ClosedYearMinutesRow(Base):
    """One publication or correction of minutes made after the year closed."""

    __tablename__ = "closed_year_minutes"
    __table_args__ = (UniqueConstraint("command_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    command_id: Mapped[str] = mapped_column(String(COMMAND_ID_LENGTH))
    action: Mapped[str] = mapped_column(SHORT)
    meeting_number: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(ID)
    at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    reason: Mapped[str] = mapped_column(Text)


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True)


class ClosedYearAct(_Row):
    """A recorded after-close act, as its command id finds it again."""

    command_id: str
    action: str
    meeting_number: int
    version: int
    actor: str
    at: datetime


class YearMinutes(_Row):
    """What the rules need of a year's minutes: where the cycle stands, its meetings
    and every published version (the cycle's and the after-close ones)."""

    cycle_id: int
    step: Step
    meetings: tuple[Meeting, ...]
    published: tuple[MinutesVersion, ...]


def year_minutes(session: Session, council_id: str, fiscal_year: int) -> YearMinutes | None:
    """The year's meetings and published minutes as the store holds them; ``None`` when
    the year was never opened."""
    cycle = session.scalar(
        select(Cycle).where(Cycle.council_id == council_id, Cycle.fiscal_year == fiscal_year)
    )
    if cycle is None:
        return None
    meetings = session.scalars(
        select(MeetingRow).where(MeetingRow.cycle_id == cycle.id).order_by(MeetingRow.number)
    )
    versions = session.scalars(
        select(PublicMinutesRow)
        .where(PublicMinutesRow.cycle_id == cycle.id)
        .order_by(PublicMinutesRow.meeting_number, PublicMinutesRow.version)
    )
    return YearMinutes(
        cycle_id=cycle.id,
        step=Step(cycle.step),
        meetings=tuple(
            Meeting(
                number=m.number,
                step=Step(m.step),
                held_on=m.held_on,
                attendance=tuple(m.attendance),
                minutes_public=m.minutes_public,
            )
            for m in meetings
        ),
        published=tuple(
            MinutesVersion(
                meeting_number=v.meeting_number,
                version=v.version,
                text=v.text,
                published_by=v.published_by,
                published_at=v.published_at,
                reason=v.reason,
                corrected_at=v.corrected_at,
            )
            for v in versions
        ),
    )


def find_act(session: Session, command_id: str) -> ClosedYearAct | None:
    """The after-close act recorded under ``command_id``, if any."""
    row = session.scalar(
        select(ClosedYearMinutesRow).where(ClosedYearMinutesRow.command_id == command_id)
    )
    if row is None:
        return None
    return ClosedYearAct(
        command_id=row.command_id,
        action=row.action,
        meeting_number=row.meeting_number,
        version=row.version,
        actor=row.actor,
        at=row.at,
    )


def record_act(
    session: Session,
    year: YearMinutes,
    command_id: str,
    action: str,
    new: MinutesVersion,
    corrected: MinutesVersion | None,
) -> bool:
    """Record an after-close publication or correction; False, changing nothing, when
    ``command_id`` was recorded already (by a retry, or a concurrent request)."""
    held_on = next(m.held_on for m in year.meetings if m.number == new.meeting_number)
    act = {
        "cycle_id": year.cycle_id,
        "command_id": command_id,
        "action": action,
        "meeting_number": new.meeting_number,
        "version": new.version,
        "actor": new.published_by,
        "at": new.published_at,
        "reason": new.reason,
    }
    key = [ClosedYearMinutesRow.command_id]
    if not insert_new(
        session, ClosedYearMinutesRow, [act], key=key, returning=ClosedYearMinutesRow.id
    ):
        return False
    if corrected is not None:
        session.execute(
            update(PublicMinutesRow)
            .where(
                PublicMinutesRow.cycle_id == year.cycle_id,
                PublicMinutesRow.meeting_number == corrected.meeting_number,
                PublicMinutesRow.version == corrected.version,
            )
            .values(corrected_at=corrected.corrected_at, corrected_by_version=new.version)
        )
    # The (cycle, meeting, version) key refuses a second first version made concurrently
    # under another command id: the transaction fails and nothing of it stays.
    session.add(
        PublicMinutesRow(
            cycle_id=year.cycle_id,
            meeting_number=new.meeting_number,
            version=new.version,
            held_on=held_on,
            text=new.text,
            published_by=new.published_by,
            published_at=new.published_at,
            reason=new.reason,
            corrected_at=None,
            corrected_by_version=None,
        )
    )
    session.flush()
    return True


def acts_after_close(session: Session, council_id: str, fiscal_year: int) -> list[ClosedYearAct]:
    """Every after-close act of the year, in the order made (the history lists them)."""
    rows = session.scalars(
        select(ClosedYearMinutesRow)
        .join(Cycle, Cycle.id == ClosedYearMinutesRow.cycle_id)
        .where(Cycle.council_id == council_id, Cycle.fiscal_year == fiscal_year)
        .order_by(ClosedYearMinutesRow.at, ClosedYearMinutesRow.id)
    )
    return [
        ClosedYearAct(
            command_id=r.command_id,
            action=r.action,
            meeting_number=r.meeting_number,
            version=r.version,
            actor=r.actor,
            at=r.at,
        )
        for r in rows
    ]


def unpublished_minutes(
    session: Session, council_id: str, fiscal_year: int
) -> list[tuple[int, date]]:
    """The year's recorded meetings whose public minutes are not published yet (number,
    date): what the board asks the council about."""
    year = year_minutes(session, council_id, fiscal_year)
    return [] if year is None else unpublished_in(year)


def unpublished_in(year: YearMinutes) -> list[tuple[int, date]]:
    """``year``'s recorded meetings with public minutes not published yet (number, date)."""
    done = {v.meeting_number for v in year.published}
    return [
        (m.number, m.held_on)
        for m in year.meetings
        if m.number not in done and m.minutes_public.strip()
    ]


class CycleLabels(_Row):
    """The names a person reads in place of a cycle's ids: activities, aims, tasks,
    volunteers and the dates of its meeting calls."""

    activities: dict[str, str]
    aims: dict[str, str]
    tasks: dict[str, str]
    volunteers: dict[str, str]
    calls: dict[str, date]


def cycle_labels(session: Session, council_id: str, fiscal_year: int) -> CycleLabels:
    """The labels of the council's cycle of ``fiscal_year`` (empty when never opened)."""
    cycle_id = session.scalar(
        select(Cycle.id).where(Cycle.council_id == council_id, Cycle.fiscal_year == fiscal_year)
    )
    if cycle_id is None:
        return CycleLabels(activities={}, aims={}, tasks={}, volunteers={}, calls={})
    activities = session.execute(
        select(PlanActivityRow.activity_id, PlanActivityRow.title).where(
            PlanActivityRow.cycle_id == cycle_id
        )
    )
    aims = session.execute(select(AimRow.aim_id, AimRow.text).where(AimRow.cycle_id == cycle_id))
    tasks = session.execute(
        select(TaskRow.task_id, TaskRow.title).where(TaskRow.cycle_id == cycle_id)
    )
    calls = session.execute(
        select(MeetingCallRow.call_id, MeetingCallRow.held_on).where(
            MeetingCallRow.cycle_id == cycle_id
        )
    )
    municipality = select(Council.municipality_id).where(Council.id == council_id)
    volunteers = session.execute(
        select(Volunteer.id, Volunteer.name).where(
            Volunteer.municipality_id == municipality.scalar_subquery()
        )
    )
    return CycleLabels(
        activities=dict(activities.tuples().all()),
        aims=dict(aims.tuples().all()),
        tasks=dict(tasks.tuples().all()),
        volunteers=dict(volunteers.tuples().all()),
        calls=dict(calls.tuples().all()),
    )

"""Tables of the coordinate and act steps: the volunteer registry and community resource
list (system of record), and the tasks and activity records projected from the cycle.

Volunteers' names and contacts live only in ``volunteers`` (like people in ``people``);
the cycle and its projections refer to volunteers by id.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.models import ID, NAME, SHORT, TZ_DATETIME, Base


class Volunteer(Base):
    """A registered volunteer (a person or a group) of a municipality. Registration lasts
    two years: ``expires_on`` is the first day it no longer holds."""

    __tablename__ = "volunteers"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipalities.id"), index=True)
    name: Mapped[str] = mapped_column(NAME)
    kind: Mapped[str] = mapped_column(SHORT)
    fields_of_help: Mapped[list[Any]] = mapped_column(JSON)
    availability: Mapped[str] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(320))
    registered_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    consent_to_contact: Mapped[bool] = mapped_column(Boolean)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)


class CommunityResource(Base):
    """An entry of the community resource list (地域人材・資源リスト): what a company,
    group or facility can offer the children."""

    __tablename__ = "resources"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipalities.id"), index=True)
    name: Mapped[str] = mapped_column(NAME)
    kind: Mapped[str] = mapped_column(String(64))
    contact: Mapped[str | None] = mapped_column(String(320))
    notes: Mapped[str] = mapped_column(Text)


class TaskRow(Base):
    """A coordination task of a cycle, as the workflow last decided it."""

    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("cycle_id", "task_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))
    task_id: Mapped[str] = mapped_column(String(80))
    activity_id: Mapped[str] = mapped_column(ID)
    title: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[str | None] = mapped_column(ID, index=True)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(SHORT)
    claimed: Mapped[bool] = mapped_column(Boolean)
    outcome: Mapped[str | None] = mapped_column(Text)
    waive_reason: Mapped[str | None] = mapped_column(Text)
    closed_by: Mapped[str | None] = mapped_column(ID)
    closed_at: Mapped[datetime | None] = mapped_column(TZ_DATETIME)
    # The event that last changed it: an older event recorded late must not win.
    event_seq: Mapped[int] = mapped_column(Integer)


class ActivityRecordRow(Base):
    """What became of one planned activity: held (with attendance) or cancelled."""

    __tablename__ = "activity_records"
    __table_args__ = (UniqueConstraint("cycle_id", "activity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))
    activity_id: Mapped[str] = mapped_column(ID)
    outcome: Mapped[str] = mapped_column(SHORT)
    held_on: Mapped[date | None] = mapped_column(Date)
    children: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(SHORT)
    recorded_by: Mapped[str] = mapped_column(ID)
    recorded_at: Mapped[datetime] = mapped_column(TZ_DATETIME)


class ActivityRecordVolunteer(Base):
    """A registered volunteer who came to a held activity."""

    __tablename__ = "activity_record_volunteers"

    record_id: Mapped[int] = mapped_column(ForeignKey("activity_records.id"), primary_key=True)
    volunteer_id: Mapped[str] = mapped_column(
        ForeignKey("volunteers.id"), primary_key=True, index=True
    )

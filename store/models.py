"""The SQL schema: the system of record for municipalities and councils, and the read model
of every council's cycles (projected from the audit events).

Ids given by municipalities (municipality, district, school, council, person) are string
primary keys; everything else has a surrogate integer key. Personal data (names and
contacts) lives only in ``people``: every other table refers to people by id.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp, stored and returned in UTC on every database.

    PostgreSQL keeps the zone (timestamptz); SQLite drops it, so values are converted to
    UTC before writing and marked as UTC when read back. Naive values are refused: a time
    without a zone is a bug upstream.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} given; pass an aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


ID = String(64)
SHORT = String(32)
NAME = String(200)
TZ_DATETIME = UTCDateTime()

# Named constraints keep migrations reproducible across SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The one declarative base of the store."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# --- system of record: who and where ------------------------------------------------


class Municipality(Base):
    """A city, town or village (市町村) and the vote rule its councils follow."""

    __tablename__ = "municipalities"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(NAME)
    prefecture: Mapped[str] = mapped_column(String(50))
    vote_rule: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The fields of ``DeadlineRules`` the municipality sets; ``None``: the engine's defaults.
    deadline_rules: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # ``domain.opinions.OpinionRules`` (the answer period of opinions); ``None``: defaults.
    opinion_rules: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class District(Base):
    """A junior-high-school district (中学校区), possibly a model district for a term."""

    __tablename__ = "districts"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipalities.id"), index=True)
    name: Mapped[str] = mapped_column(NAME)
    model_from_year: Mapped[int | None] = mapped_column(Integer)
    model_to_year: Mapped[int | None] = mapped_column(Integer)
    model_budget_yen: Mapped[int | None] = mapped_column(Integer)


class School(Base):
    """A school of the municipality."""

    __tablename__ = "schools"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipalities.id"), index=True)
    district_id: Mapped[str | None] = mapped_column(ForeignKey("districts.id"), index=True)
    name: Mapped[str] = mapped_column(NAME)


class Council(Base):
    """A school council (学校運営協議会); may serve several schools (合同)."""

    __tablename__ = "councils"
    # The board's overview reads a municipality's councils in id order: the index gives
    # that order, so no sort of tens of thousands of rows.
    __table_args__ = (Index("ix_councils_municipality_id_id", "municipality_id", "id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipalities.id"))
    name: Mapped[str] = mapped_column(NAME)
    designated_on: Mapped[date | None] = mapped_column(Date)
    # Only the fields of ``DeadlineRules`` this council changes; ``None`` when none.
    deadline_overrides: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class CouncilSchool(Base):
    """Which schools a council serves."""

    __tablename__ = "council_schools"

    council_id: Mapped[str] = mapped_column(ForeignKey("councils.id"), primary_key=True)
    school_id: Mapped[str] = mapped_column(ForeignKey("schools.id"), primary_key=True, index=True)


class Person(Base):
    """A person and their contacts: the only table holding personal data."""

    __tablename__ = "people"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipalities.id"), index=True)
    name: Mapped[str] = mapped_column(NAME)
    kana: Mapped[str | None] = mapped_column(NAME)
    email: Mapped[str | None] = mapped_column(String(320))
    # ``domain.email_keys.email_key(email)``: one address, one person, across every
    # municipality (the sign-in link finds the person by it). NULL without an address, and
    # for addresses the 0010 migration found held by several people (see docs/privacy.md).
    email_key: Mapped[str | None] = mapped_column(String(320), unique=True, index=True)
    webhook_url: Mapped[str | None] = mapped_column(String(2000))
    # Channel preferences; the inbox is always on. Without an address a channel stays off.
    notify_email: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    notify_webhook: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class CouncilMember(Base):
    """One role of one person on one council; ``position`` keeps the file's order."""

    __tablename__ = "council_members"
    __table_args__ = (UniqueConstraint("council_id", "person_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[str] = mapped_column(ForeignKey("councils.id"))
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(SHORT)
    position: Mapped[int] = mapped_column(Integer)


class MunicipalityStaff(Base):
    """A chief coordinator or board administrator: on the roster of every council."""

    __tablename__ = "municipality_staff"
    __table_args__ = (UniqueConstraint("municipality_id", "person_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[str] = mapped_column(ForeignKey("municipalities.id"))
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(SHORT)
    position: Mapped[int] = mapped_column(Integer)


# --- read model: the cycles, projected from accepted commands ------------------------


class Cycle(Base):
    """One council's cycle for one fiscal year."""

    __tablename__ = "cycles"
    __table_args__ = (UniqueConstraint("council_id", "fiscal_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[str] = mapped_column(ForeignKey("councils.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    step: Mapped[str] = mapped_column(SHORT, index=True)
    step_opened_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    started_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    closed_at: Mapped[datetime | None] = mapped_column(TZ_DATETIME)
    workflow_id: Mapped[str] = mapped_column(String(200))
    run_id: Mapped[str] = mapped_column(String(100))
    carried_over: Mapped[list[Any]] = mapped_column(JSON)
    vision: Mapped[str | None] = mapped_column(Text)
    approved_on: Mapped[date | None] = mapped_column(Date)
    # The due date of the current step, copied from ``cycle_due_dates`` whenever the step
    # or its date changes: the board's overview reads it without joining every date.
    due_on: Mapped[date | None] = mapped_column(Date)
    # Set by pause_cycle, cleared by resume_cycle: the board sees who is on hold and why.
    paused_since: Mapped[datetime | None] = mapped_column(TZ_DATETIME)
    paused_reason: Mapped[str | None] = mapped_column(Text)
    # The event that last wrote each group of projected columns (0: the cycle's opening).
    # A group is written only by a newer event, so events recorded in any order leave the
    # row as the latest of them says: step (with step_opened_at and closed_at), vision,
    # approved_on, and the pause (paused_since and paused_reason).
    step_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    vision_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    approved_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pause_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class CycleDueDate(Base):
    """The due date of one step of one cycle, as the workflow last set it: from the
    deadline rules when the cycle opened, moved by set_deadline and resume_cycle."""

    __tablename__ = "cycle_due_dates"

    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), primary_key=True)
    step: Mapped[str] = mapped_column(SHORT, primary_key=True)
    due_on: Mapped[date] = mapped_column(Date)
    # The event that set it (0: the cycle's opening), so a late-recorded older change
    # never replaces a newer date.
    event_seq: Mapped[int] = mapped_column(Integer)


class MeetingRow(Base):
    """A council meeting as recorded."""

    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("cycle_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))
    number: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(SHORT)
    held_on: Mapped[date] = mapped_column(Date)
    attendance: Mapped[list[Any]] = mapped_column(JSON)
    attendance_count: Mapped[int] = mapped_column(Integer)
    minutes_public: Mapped[str] = mapped_column(Text)
    minutes_closed: Mapped[str] = mapped_column(Text)
    vision_draft: Mapped[str | None] = mapped_column(Text)


class PolicyVersionRow(Base):
    """One submission of the basic school-management policy and, once closed, its tally."""

    __tablename__ = "policy_versions"
    __table_args__ = (UniqueConstraint("cycle_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    submitted_by: Mapped[str] = mapped_column(ID)
    submitted_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    status: Mapped[str] = mapped_column(SHORT)
    approve: Mapped[int | None] = mapped_column(Integer)
    reject: Mapped[int | None] = mapped_column(Integer)
    eligible: Mapped[int | None] = mapped_column(Integer)
    cast: Mapped[int | None] = mapped_column(Integer)
    closed_at: Mapped[datetime | None] = mapped_column(TZ_DATETIME)


class VoteRow(Base):
    """A member's current ballot on a policy version; a changed vote updates the row."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("cycle_id", "version", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))
    version: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[str] = mapped_column(ID)
    ballot: Mapped[str] = mapped_column(SHORT)
    comment: Mapped[str] = mapped_column(Text)
    cast_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    # The event that cast it: a late-recorded older vote must not replace a newer one.
    event_seq: Mapped[int] = mapped_column(Integer)


class PlanActivityRow(Base):
    """An activity of the submitted plan; ``roles`` is the list of {party, duty}."""

    __tablename__ = "plan_activities"
    __table_args__ = (UniqueConstraint("cycle_id", "activity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))
    activity_id: Mapped[str] = mapped_column(ID)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(64))
    planned_on: Mapped[date] = mapped_column(Date)
    roles: Mapped[list[Any]] = mapped_column(JSON)


class AimRow(Base):
    """An aim (ねらい) of a planned activity."""

    __tablename__ = "aims"
    __table_args__ = (UniqueConstraint("cycle_id", "aim_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))
    activity_id: Mapped[str] = mapped_column(ID)
    aim_id: Mapped[str] = mapped_column(ID)
    text: Mapped[str] = mapped_column(Text)


class EvaluationRow(Base):
    """The council's latest judgement of one aim."""

    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("cycle_id", "aim_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))
    aim_id: Mapped[str] = mapped_column(ID)
    rating: Mapped[str] = mapped_column(SHORT)
    comment: Mapped[str] = mapped_column(Text)
    # ``by`` and ``at`` are SQL keywords; the columns say what they hold instead.
    evaluated_by: Mapped[str] = mapped_column(ID)
    evaluated_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    event_seq: Mapped[int] = mapped_column(Integer)


class AuditEvent(Base):
    """One accepted command, as the workflow decided it. Never updated."""

    __tablename__ = "audit_events"
    __table_args__ = (
        UniqueConstraint("council_id", "fiscal_year", "seq"),
        Index("ix_audit_events_council_id_at", "council_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[str] = mapped_column(ForeignKey("councils.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    action: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(ID)
    at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    step_before: Mapped[str] = mapped_column(SHORT)
    step_after: Mapped[str] = mapped_column(SHORT)
    changes: Mapped[list[Any]] = mapped_column(JSON)
    command: Mapped[dict[str, Any]] = mapped_column(JSON)
    workflow_id: Mapped[str] = mapped_column(String(200))
    run_id: Mapped[str] = mapped_column(String(100))


class Notification(Base):
    """A message delivered to a person's inbox (and the record of other channels)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_recipient_id_read_at", "recipient_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    business_key: Mapped[str] = mapped_column(String(400), unique=True)
    council_id: Mapped[str] = mapped_column(ForeignKey("councils.id"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(SHORT)
    event_seq: Mapped[int] = mapped_column(Integer)
    template: Mapped[str] = mapped_column(String(64))
    recipient_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    channel: Mapped[str] = mapped_column(SHORT, default="inbox", server_default="inbox")
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    read_at: Mapped[datetime | None] = mapped_column(TZ_DATETIME)


class Delivery(Base):
    """The outbox: one notification on one outside channel (e-mail or webhook).

    ``pending`` → ``sending`` (an attempt is under way, or died under way) → ``sent`` or
    ``failed`` (permanent). ``delivery_key`` is the notification's business key plus the
    channel; the receiver sees a stable id derived from it.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_council_id_fiscal_year_status", "council_id", "fiscal_year", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_key: Mapped[str] = mapped_column(String(420), unique=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"), index=True)
    channel: Mapped[str] = mapped_column(SHORT)
    council_id: Mapped[str] = mapped_column(ForeignKey("councils.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    recipient_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    status: Mapped[str] = mapped_column(SHORT)
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: ``failed`` only: why, as a ``store.deliveries.FailureReason`` (the board reads it).
    failure_reason: Mapped[str | None] = mapped_column(SHORT)
    created_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    attempted_at: Mapped[datetime | None] = mapped_column(TZ_DATETIME)
    sent_at: Mapped[datetime | None] = mapped_column(TZ_DATETIME)

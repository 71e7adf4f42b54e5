"""Tables of volunteer requests (ボランティア依頼・募集) and the coordinator's newsletter
(コーディネーター通信).

A request's row and its volunteers' standing are the workflow's projection (the newest
version wins); notices are an outbox of what each volunteer was told. Applications from
the public page hold the applicant's name and contact only until the coordinator decides
(accepted: copied to the registry; declined: blanked).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.models import ID, NAME, SHORT, TZ_DATETIME, Base


class VolunteerRequestRow(Base):
    """A request, as its workflow last recorded it."""

    __tablename__ = "volunteer_requests"
    __table_args__ = (UniqueConstraint("council_id", "fiscal_year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_key: Mapped[str] = mapped_column(String(160), unique=True)
    council_id: Mapped[str] = mapped_column(ForeignKey("councils.id"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    activity_id: Mapped[str] = mapped_column(ID)
    title: Mapped[str] = mapped_column(NAME)
    needed: Mapped[int] = mapped_column(Integer)
    held_on: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[str | None] = mapped_column(String(5))
    place: Mapped[str] = mapped_column(String(200))
    skills: Mapped[list[Any]] = mapped_column(JSON)
    reply_by: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(SHORT)
    reminded: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(ID)
    created_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    updated_at: Mapped[datetime] = mapped_column(TZ_DATETIME)


class RequestAnswerRow(Base):
    """Where one volunteer stands on a request (asked, confirmed, waiting, declined)."""

    __tablename__ = "volunteer_request_answers"

    request_id: Mapped[int] = mapped_column(ForeignKey("volunteer_requests.id"), primary_key=True)
    volunteer_id: Mapped[str] = mapped_column(
        ForeignKey("volunteers.id"), primary_key=True, index=True
    )
    place: Mapped[str] = mapped_column(SHORT)
    position: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(TZ_DATETIME)


class RequestNoticeRow(Base):
    """One notice to one volunteer (the outbox): filed once per (version, kind)."""

    __tablename__ = "volunteer_request_notices"
    __table_args__ = (UniqueConstraint("request_id", "version", "kind", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("volunteer_requests.id"), index=True)
    volunteer_id: Mapped[str] = mapped_column(ForeignKey("volunteers.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(SHORT)
    created_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    # pending, sent, no_channel (no e-mail configured or no address/consent), failed
    status: Mapped[str] = mapped_column(SHORT)
    sent_at: Mapped[datetime | None] = mapped_column(TZ_DATETIME)


class VolunteerApplicationRow(Base):
    """An application from the public page by someone not (known to be) registered."""

    __tablename__ = "volunteer_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("volunteer_requests.id"), index=True)
    name: Mapped[str | None] = mapped_column(NAME)
    contact: Mapped[str | None] = mapped_column(String(320))
    message: Mapped[str] = mapped_column(Text)
    name_public: Mapped[bool] = mapped_column(Boolean)
    # pending, accepted, declined
    status: Mapped[str] = mapped_column(SHORT)
    applied_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    decided_at: Mapped[datetime | None] = mapped_column(TZ_DATETIME)
    volunteer_id: Mapped[str | None] = mapped_column(ID)


class NameConsentRow(Base):
    """A volunteer agreed that their name may be printed in the newsletter."""

    __tablename__ = "volunteer_name_consents"

    volunteer_id: Mapped[str] = mapped_column(ForeignKey("volunteers.id"), primary_key=True)
    given_at: Mapped[datetime] = mapped_column(TZ_DATETIME)


class NewsletterRow(Base):
    """A council's published newsletter for a year: what the coordinator previewed."""

    __tablename__ = "newsletters"
    __table_args__ = (UniqueConstraint("council_id", "fiscal_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[str] = mapped_column(ForeignKey("councils.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_by: Mapped[str] = mapped_column(ID)
    published_at: Mapped[datetime] = mapped_column(TZ_DATETIME)

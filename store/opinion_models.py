"""Tables of the council's opinions (意見申出) and its school-evaluation survey.

An opinion's row is reserved by the use case that starts its workflow (its number and the
command id that asked for it, so a repeated draft never makes a second opinion) and then
follows the workflow's state. A survey's row is written when its workflow opens it; its
answers are written straight here by the public answer page (anonymous, one per device:
``device`` is a hash of the device's cookie, never the cookie itself).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.models import ID, NAME, SHORT, TZ_DATETIME, Base

WORKFLOW_ID = String(200)


class OpinionRow(Base):
    """One opinion of a council, as its workflow last recorded it."""

    __tablename__ = "council_opinions"
    __table_args__ = (UniqueConstraint("council_id", "fiscal_year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_id: Mapped[str] = mapped_column(WORKFLOW_ID, unique=True)
    command_id: Mapped[str] = mapped_column(String(100), unique=True)
    council_id: Mapped[str] = mapped_column(ForeignKey("councils.id"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    addressee: Mapped[str] = mapped_column(SHORT)
    subject: Mapped[str] = mapped_column(SHORT)
    title: Mapped[str] = mapped_column(NAME)
    body: Mapped[str] = mapped_column(Text)
    #: ``drafting`` until the workflow records it, then ``domain.opinions.OpinionStatus``.
    status: Mapped[str] = mapped_column(SHORT, index=True)
    drafted_by: Mapped[str] = mapped_column(ID)
    drafted_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    approve: Mapped[int | None] = mapped_column(Integer)
    reject: Mapped[int | None] = mapped_column(Integer)
    eligible: Mapped[int | None] = mapped_column(Integer)
    sent_at: Mapped[datetime | None] = mapped_column(TZ_DATETIME)
    answer_due: Mapped[date | None] = mapped_column(Date)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(ID)
    answered_at: Mapped[datetime | None] = mapped_column(TZ_DATETIME)
    alerts_sent: Mapped[list[Any]] = mapped_column(JSON, default=list)
    seq: Mapped[int] = mapped_column(Integer, default=0)


class SurveyRow(Base):
    """A council's school-evaluation survey of one fiscal year."""

    __tablename__ = "surveys"
    __table_args__ = (UniqueConstraint("council_id", "fiscal_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_id: Mapped[str] = mapped_column(WORKFLOW_ID, unique=True)
    council_id: Mapped[str] = mapped_column(ForeignKey("councils.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    link_token: Mapped[str] = mapped_column(String(64), unique=True)
    questions: Mapped[list[Any]] = mapped_column(JSON)
    opened_by: Mapped[str] = mapped_column(ID)
    opened_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    closes_at: Mapped[datetime] = mapped_column(TZ_DATETIME)
    closed_at: Mapped[datetime | None] = mapped_column(TZ_DATETIME)


class SurveyAnswerRow(Base):
    """One anonymous answer: a point (1–4) per question answered, and a comment the
    chair screens (``pending`` → ``shown`` or ``hidden``)."""

    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("survey_id", "device"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    device: Mapped[str] = mapped_column(String(64))
    ratings: Mapped[dict[str, Any]] = mapped_column(JSON)
    comment: Mapped[str] = mapped_column(Text, default="")
    comment_status: Mapped[str] = mapped_column(SHORT)
    answered_at: Mapped[datetime] = mapped_column(TZ_DATETIME)

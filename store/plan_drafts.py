"""Plan drafts: what a coordinator typed into the plan form and saved before submitting
it, one draft per council and fiscal year (the last save wins). Submitting the plan
drops the draft. The fields are kept as the form had them (names to texts), so the form
opens again exactly as it was left."""

from __future__ import annotations

import json
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.models import ID, TZ_DATETIME, Base

#: The most a draft may hold (characters of its JSON): ten activities of bounded fields.
DRAFT_MAX_CHARS = 200_000


class PlanDraftRow(Base):
    """The saved plan form of one council's year."""

    __tablename__ = "plan_drafts"
    __table_args__ = (UniqueConstraint("council_id", "fiscal_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[str] = mapped_column(ID, ForeignKey("councils.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    fields: Mapped[str] = mapped_column(Text)
    saved_by: Mapped[str] = mapped_column(String(64))
    saved_at: Mapped[datetime] = mapped_column(TZ_DATETIME)


class PlanDraft(NamedTuple):
    """A saved plan form: its fields, who saved it and when."""

    fields: dict[str, str]
    saved_by: str
    saved_at: datetime


def save_plan_draft(
    session: Session,
    council_id: str,
    fiscal_year: int,
    fields: dict[str, str],
    saved_by: str,
    at: datetime,
) -> None:
    """Keep ``fields`` as the draft of the council's plan for ``fiscal_year`` (replacing
    an earlier one); a ``ValueError`` when they are longer than ``DRAFT_MAX_CHARS``."""
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    if len(text) > DRAFT_MAX_CHARS:
        raise ValueError(f"draft longer than {DRAFT_MAX_CHARS} characters")
    row = session.execute(
        select(PlanDraftRow).where(
            PlanDraftRow.council_id == council_id, PlanDraftRow.fiscal_year == fiscal_year
        )
    ).scalar_one_or_none()
    if row is None:
        session.add(
            PlanDraftRow(
                council_id=council_id, fiscal_year=fiscal_year, fields=text,
                saved_by=saved_by, saved_at=at,
            )
        )  # fmt: skip
        return
    row.fields, row.saved_by, row.saved_at = text, saved_by, at


def plan_draft(session: Session, council_id: str, fiscal_year: int) -> PlanDraft | None:
    """The saved draft of the council's plan for ``fiscal_year``, if there is one."""
    row = session.execute(
        select(PlanDraftRow).where(
            PlanDraftRow.council_id == council_id, PlanDraftRow.fiscal_year == fiscal_year
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    loaded = json.loads(row.fields)
    fields = {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
    return PlanDraft(fields=fields, saved_by=row.saved_by, saved_at=row.saved_at)


def drop_plan_draft(session: Session, council_id: str, fiscal_year: int) -> None:
    """Forget the draft (the plan was submitted)."""
    session.execute(
        delete(PlanDraftRow).where(
            PlanDraftRow.council_id == council_id, PlanDraftRow.fiscal_year == fiscal_year
        )
    )

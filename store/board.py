"""The board of education's overview: where every council of a municipality stands.

One row per council for one fiscal year, read from the store alone (the Temporal test
server cannot list workflows, and at national scale listing workflows is the wrong tool).
Two queries whatever the number of councils: one for the councils and their cycles, one
for the schools they serve.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from domain.model import Step
from store.errors import NotFound
from store.models import Council, CouncilSchool, Cycle, CycleDueDate, District, Municipality, School

JAPAN = ZoneInfo("Asia/Tokyo")


class OverviewRow(BaseModel):
    """One council's cycle as the board sees it. ``step`` is ``None`` when the council
    has no cycle for the year yet; ``days_overdue`` is 0 unless the current step is late.
    While a cycle is paused its clock stands still: lateness is counted up to the pause."""

    model_config = ConfigDict(frozen=True)

    council_id: str
    council_name: str
    fiscal_year: int
    schools: tuple[str, ...]
    districts: tuple[str, ...]
    step: Step | None
    step_opened_at: datetime | None
    days_in_step: int | None
    due_on: date | None
    days_overdue: int
    paused: bool
    paused_since: datetime | None
    paused_reason: str | None
    # Filled by the notification channels once failed deliveries are recorded.
    failed_notifications: int = 0


def japan_date(moment: datetime) -> date:
    """The calendar date in Japan of an aware timestamp."""
    return moment.astimezone(JAPAN).date()


def overview(
    session: Session,
    municipality_id: str,
    year: int,
    *,
    today: date,
    district: str | None = None,
    step: Step | None = None,
    overdue_only: bool = False,
) -> list[OverviewRow]:
    """Every council of the municipality with its cycle of ``year``, by council id.

    ``district`` keeps the councils serving a school of that 中学校区; ``step`` the cycles
    at that step; ``overdue_only`` the cycles whose current step is past its due date on
    ``today`` (a date in Japan). ``NotFound`` names an unknown municipality or district.
    """
    if session.get(Municipality, municipality_id) is None:
        raise NotFound(f"自治体 '{municipality_id}' は登録されていません")
    if district is not None:
        found = session.get(District, district)
        if found is None or found.municipality_id != municipality_id:
            raise NotFound(f"中学校区 '{district}' は自治体 '{municipality_id}' にありません")
    query = (
        select(
            Council.id,
            Council.name,
            Cycle.step,
            Cycle.step_opened_at,
            Cycle.paused_since,
            Cycle.paused_reason,
            CycleDueDate.due_on,
        )
        .outerjoin(Cycle, and_(Cycle.council_id == Council.id, Cycle.fiscal_year == year))
        .outerjoin(
            CycleDueDate,
            and_(CycleDueDate.cycle_id == Cycle.id, CycleDueDate.step == Cycle.step),
        )
        .where(Council.municipality_id == municipality_id)
        .order_by(Council.id)
    )
    if district is not None:
        query = query.where(Council.id.in_(_councils_in_district(district)))
    if step is not None:
        query = query.where(Cycle.step == step.value)
    if overdue_only:
        # A superset (a paused cycle's clock stopped earlier); refined below.
        query = query.where(CycleDueDate.due_on < today)
    places = _schools_and_districts(session, municipality_id, district)
    rows = [
        _row(record, year, today, places.get(record[0], ((), ())))
        for record in session.execute(query)
    ]
    return [r for r in rows if r.days_overdue > 0] if overdue_only else rows


def _councils_in_district(district: str) -> Any:
    return (
        select(CouncilSchool.council_id)
        .join(School, School.id == CouncilSchool.school_id)
        .where(School.district_id == district)
    )


def _schools_and_districts(
    session: Session, municipality_id: str, district: str | None
) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """School names and district names of each council, in school-id order."""
    query = (
        select(CouncilSchool.council_id, School.name, District.name)
        .join(School, School.id == CouncilSchool.school_id)
        .outerjoin(District, District.id == School.district_id)
        .join(Council, Council.id == CouncilSchool.council_id)
        .where(Council.municipality_id == municipality_id)
        .order_by(CouncilSchool.council_id, CouncilSchool.school_id)
    )
    if district is not None:
        query = query.where(CouncilSchool.council_id.in_(_councils_in_district(district)))
    schools: dict[str, list[str]] = defaultdict(list)
    districts: dict[str, dict[str, None]] = defaultdict(dict)
    for council_id, school_name, district_name in session.execute(query):
        schools[council_id].append(school_name)
        if district_name is not None:
            districts[council_id][district_name] = None
    return {c: (tuple(names), tuple(districts[c])) for c, names in schools.items()}


def _row(
    record: Any, year: int, today: date, places: tuple[tuple[str, ...], tuple[str, ...]]
) -> OverviewRow:
    council_id, name, step, opened_at, paused_since, paused_reason, due_on = record
    schools, districts = places
    current = None if step is None else Step(step)
    # The clock of a paused cycle stops at the pause; resuming moves the due dates on.
    clock = today if paused_since is None else min(today, japan_date(paused_since))
    late = 0
    if due_on is not None and current is not Step.CLOSED:
        late = max(0, (clock - due_on).days)
    # model_construct: every value comes typed from the store, and validating tens of
    # thousands of rows would cost more than the query itself.
    return OverviewRow.model_construct(
        council_id=council_id,
        council_name=name,
        fiscal_year=year,
        schools=schools,
        districts=districts,
        step=current,
        step_opened_at=opened_at,
        days_in_step=None if opened_at is None else (today - japan_date(opened_at)).days,
        due_on=due_on,
        days_overdue=late,
        paused=paused_since is not None,
        paused_since=paused_since,
        paused_reason=paused_reason,
        failed_notifications=0,
    )

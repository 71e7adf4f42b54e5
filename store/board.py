"""The board of education's overview: where every council of a municipality stands.

One row per council for one fiscal year, read from the store alone (the Temporal test
server cannot list workflows, and at national scale listing workflows is the wrong tool).
One query whatever the number of councils: the councils in index order, their cycle of
the year (which carries its current due date and pause), and the names of the schools
and districts they serve aggregated by the database.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from domain.japan_time import japan_date
from domain.model import Step
from domain.tasks import TaskStatus
from store.deliveries import FAILED
from store.errors import NotFound
from store.models import (
    Council,
    CouncilSchool,
    Cycle,
    Delivery,
    District,
    Municipality,
    School,
)
from store.task_models import TaskRow

# Joins names in one SQL aggregate; a control character no name contains.
_SEPARATOR = "\x1f"


class OverviewRow(NamedTuple):
    """One council's cycle as the board sees it. ``step`` is ``None`` when the council
    has no cycle for the year yet; ``days_overdue`` is 0 unless the current step is late.
    While a cycle is paused its clock stands still: lateness is counted up to the pause.

    A named tuple, not a pydantic model: a national overview builds tens of thousands of
    them and every value already comes typed from the store. ``as_json`` gives the
    stable JSON form.
    """

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
    # Coordination tasks still open after their due date.
    overdue_tasks: int = 0
    # Filled by the notification channels once failed deliveries are recorded.
    failed_notifications: int = 0

    def as_json(self) -> dict[str, Any]:
        """The row as JSON-ready values (ISO dates, step names, lists)."""
        return {
            **self._asdict(),
            "schools": list(self.schools),
            "districts": list(self.districts),
            "step": None if self.step is None else self.step.value,
            "step_opened_at": _iso(self.step_opened_at),
            "due_on": _iso(self.due_on),
            "paused_since": _iso(self.paused_since),
        }


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


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
    places = _places(municipality_id)
    late_tasks = _overdue_tasks(municipality_id, year, today)
    failed = _failed_deliveries(municipality_id, year)
    query = (
        select(
            Council.id,
            Council.name,
            places.c.schools,
            places.c.districts,
            Cycle.step,
            Cycle.step_opened_at,
            Cycle.paused_since,
            Cycle.paused_reason,
            Cycle.due_on,
            late_tasks.c.n,
            failed.c.n,
        )
        .outerjoin(places, places.c.council_id == Council.id)
        .outerjoin(Cycle, and_(Cycle.council_id == Council.id, Cycle.fiscal_year == year))
        .outerjoin(late_tasks, late_tasks.c.cycle_id == Cycle.id)
        .outerjoin(failed, failed.c.council_id == Council.id)
        .where(Council.municipality_id == municipality_id)
        .order_by(Council.id)
    )
    if district is not None:
        query = query.where(Council.id.in_(_councils_in_district(district)))
    if step is not None:
        query = query.where(Cycle.step == step.value)
    if overdue_only:
        # A superset (a paused cycle's clock stopped earlier); refined below.
        query = query.where(or_(Cycle.due_on < today, late_tasks.c.n > 0))
    # Core execution: the ORM's row processing costs more than the query on a national
    # overview, and these are plain columns, not entities.
    records = session.connection().execute(query).all()
    rows = [_row(record, year, today) for record in records]
    if overdue_only:
        return [r for r in rows if r.days_overdue > 0 or r.overdue_tasks > 0]
    return rows


def municipality_name(session: Session, municipality_id: str) -> str:
    """The municipality's name; ``NotFound`` if it is unknown."""
    found = session.get(Municipality, municipality_id)
    if found is None:
        raise NotFound(f"自治体 '{municipality_id}' は登録されていません")
    return found.name


def _councils_in_district(district: str) -> Any:
    return (
        select(CouncilSchool.council_id)
        .join(School, School.id == CouncilSchool.school_id)
        .where(School.district_id == district)
    )


def _overdue_tasks(municipality_id: str, year: int, today: date) -> Any:
    """Per cycle of the municipality's year: its coordination tasks open past their due
    date (only cycles that have some)."""
    return (
        select(TaskRow.cycle_id, func.count().label("n"))
        .join(Cycle, Cycle.id == TaskRow.cycle_id)
        .join(Council, Council.id == Cycle.council_id)
        .where(
            Council.municipality_id == municipality_id,
            Cycle.fiscal_year == year,
            TaskRow.status == TaskStatus.OPEN.value,
            TaskRow.due_on < today,
        )
        .group_by(TaskRow.cycle_id)
        .subquery()
    )


def _failed_deliveries(municipality_id: str, year: int) -> Any:
    """Per council of the municipality: deliveries of the year that failed for good."""
    return (
        select(Delivery.council_id, func.count().label("n"))
        .join(Council, Council.id == Delivery.council_id)
        .where(
            Council.municipality_id == municipality_id,
            Delivery.fiscal_year == year,
            Delivery.status == FAILED,
        )
        .group_by(Delivery.council_id)
        .subquery()
    )


def _places(municipality_id: str) -> Any:
    """Per council of the municipality: its schools' names and their districts' names,
    each joined into one string by the database (one row per council, not per school)."""
    return (
        select(
            CouncilSchool.council_id,
            func.aggregate_strings(School.name, _SEPARATOR).label("schools"),
            func.aggregate_strings(District.name, _SEPARATOR).label("districts"),
        )
        .join(School, School.id == CouncilSchool.school_id)
        .outerjoin(District, District.id == School.district_id)
        .join(Council, Council.id == CouncilSchool.council_id)
        .where(Council.municipality_id == municipality_id)
        .group_by(CouncilSchool.council_id)
        .subquery()
    )


def _names(joined: str | None) -> tuple[str, ...]:
    if not joined:
        return ()
    if _SEPARATOR not in joined:  # one school, one district: by far the common case
        return (joined,)
    # The aggregate's order is the database's; sorted, the row is the same on both.
    return tuple(sorted(set(joined.split(_SEPARATOR))))


_STEPS = {step.value: step for step in Step}


def _row(record: Any, year: int, today: date) -> OverviewRow:
    (council_id, name, schools, districts, step, opened_at, paused_since, reason, due_on) = record[
        :9
    ]
    tasks, failed = record[9], record[10]
    current = None if step is None else _STEPS[step]
    # The clock of a paused cycle stops at the pause; resuming moves the due dates on.
    clock = today if paused_since is None else min(today, japan_date(paused_since))
    late = 0
    if due_on is not None and current is not Step.CLOSED:
        late = max(0, (clock - due_on).days)
    return OverviewRow(
        council_id=council_id,
        council_name=name,
        fiscal_year=year,
        schools=_names(schools),
        districts=_names(districts),
        step=current,
        step_opened_at=opened_at,
        days_in_step=None if opened_at is None else (today - japan_date(opened_at)).days,
        due_on=due_on,
        days_overdue=late,
        paused=paused_since is not None,
        paused_since=paused_since,
        paused_reason=reason,
        overdue_tasks=tasks or 0,
        failed_notifications=failed or 0,
    )

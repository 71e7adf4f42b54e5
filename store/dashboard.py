"""The board dashboard's reads beyond the overview (``store.board``): policy approvals
against their due dates, how many councils and people a bulk reminder would reach, and
the Temporal run of each audit event.

The overview itself (one row per council, with its filters) is ``store.board.overview``;
the prefecture's counts are ``store.board_summary.summary``. Nothing here repeats them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import NamedTuple

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from domain.base import STEP_OWNERS, Step
from domain.japan_time import JAPAN, japan_date
from store.errors import NotFound
from store.models import (
    AuditEvent,
    Council,
    CouncilMember,
    Cycle,
    CycleDueDate,
    District,
    Municipality,
    MunicipalityStaff,
)


class ApprovalPoint(NamedTuple):
    """One cycle's policy approval (``None``: not yet) and the approve step's due date."""

    council_id: str
    approved_on: date | None
    due_on: date | None


def approval_points(session: Session, municipality_id: str, year: int) -> list[ApprovalPoint]:
    """Every cycle of the municipality's ``year``: when its policy was approved, and when
    the approve step was due (as the cycle last set it), by council id."""
    _require_municipality(session, municipality_id)
    rows = session.connection().execute(
        select(Cycle.council_id, Cycle.approved_on, CycleDueDate.due_on)
        .join(Council, Council.id == Cycle.council_id)
        .outerjoin(
            CycleDueDate,
            and_(CycleDueDate.cycle_id == Cycle.id, CycleDueDate.step == Step.APPROVE.value),
        )
        .where(Council.municipality_id == municipality_id, Cycle.fiscal_year == year)
        .order_by(Cycle.council_id)
    )
    return [ApprovalPoint(*row) for row in rows]


class RemindReach(NamedTuple):
    """Who a reminder of every council waiting at ``step`` would reach, before it is
    sent. ``council_ids`` are the councils it goes to; the others are counted by why they
    are left out (the cycle's rules skip them the same way)."""

    step: Step
    council_ids: tuple[str, ...]
    people: int
    paused: int
    reminded_today: int


def remind_reach(
    session: Session, municipality_id: str, year: int, step: Step, now: datetime
) -> RemindReach:
    """How many councils of the municipality wait at ``step`` in ``year`` and would be
    reminded now (not paused, not reminded at that step today in Japan), and how many
    different people that reaches (the step's owners; a person on several councils hears
    once a day). Read from the store, whose roster is today's: a cycle keeps the roster
    it opened with, so the count is the store's best knowledge, not a promise."""
    _require_municipality(session, municipality_id)
    at_step = (
        session.connection()
        .execute(
            select(Cycle.id, Cycle.council_id, Cycle.paused_since)
            .join(Council, Council.id == Cycle.council_id)
            .where(
                Council.municipality_id == municipality_id,
                Cycle.fiscal_year == year,
                Cycle.step == step.value,
            )
            .order_by(Cycle.council_id)
        )
        .all()
    )
    day_start = _japan_midnight(now)
    reminded = set(
        session.connection()
        .execute(
            select(AuditEvent.cycle_id).where(
                AuditEvent.cycle_id.in_([row.id for row in at_step]),
                AuditEvent.action == "remind",
                AuditEvent.at >= day_start,
                AuditEvent.step_before == step.value,
            )
        )
        .scalars()
    )
    paused = [row for row in at_step if row.paused_since is not None]
    chosen = [row for row in at_step if row.paused_since is None and row.id not in reminded]
    councils = tuple(row.council_id for row in chosen)
    roles = [role.value for role in STEP_OWNERS[step]]
    people: set[str] = set()
    if councils:
        people.update(
            session.connection()
            .execute(
                select(CouncilMember.person_id).where(
                    CouncilMember.council_id.in_(councils), CouncilMember.role.in_(roles)
                )
            )
            .scalars()
        )
        people.update(
            session.connection()
            .execute(
                select(MunicipalityStaff.person_id).where(
                    MunicipalityStaff.municipality_id == municipality_id,
                    MunicipalityStaff.role.in_(roles),
                )
            )
            .scalars()
        )
    return RemindReach(
        step=step,
        council_ids=councils,
        people=len(people),
        paused=len(paused),
        reminded_today=len([row for row in at_step if row.id in reminded]),
    )


class EventRun(NamedTuple):
    """The Temporal run an audit event came from."""

    workflow_id: str
    run_id: str


def event_runs(session: Session, council_id: str, year: int) -> dict[int, EventRun]:
    """The workflow run of each of the cycle's audit events, by sequence number."""
    rows = session.connection().execute(
        select(AuditEvent.seq, AuditEvent.workflow_id, AuditEvent.run_id).where(
            AuditEvent.council_id == council_id, AuditEvent.fiscal_year == year
        )
    )
    return {seq: EventRun(workflow_id, run_id) for seq, workflow_id, run_id in rows}


def _require_municipality(session: Session, municipality_id: str) -> None:
    if session.get(Municipality, municipality_id) is None:
        raise NotFound(f"自治体 '{municipality_id}' は登録されていません")


def _japan_midnight(now: datetime) -> datetime:
    """The start of ``now``'s day in Japan, as an aware UTC time."""
    return datetime.combine(japan_date(now), time(), tzinfo=JAPAN).astimezone(UTC)


def district_choices(session: Session, municipality_id: str) -> list[tuple[str, str]]:
    """The municipality's 中学校区 as (id, name), by name: the dashboard's filter."""
    found = session.execute(
        select(District.id, District.name)
        .where(District.municipality_id == municipality_id)
        .order_by(District.name, District.id)
    )
    return [(row.id, row.name) for row in found]

"""The yearly activity report per school, as boards ask councils for it (seed 000's
municipal summary sheets): meetings held, approval of the basic policy, activities, who
took part, and how far the aims were met.

A school served by a joint council (合同) shows that council's figures; a school served
by two councils has one row for each.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from domain.model import AimRating, Step
from domain.tasks import ActivityOutcome
from store.errors import NotFound
from store.models import (
    AimRow,
    Council,
    CouncilSchool,
    Cycle,
    District,
    EvaluationRow,
    MeetingRow,
    Municipality,
    PlanActivityRow,
    School,
)
from store.opinion_models import SurveyAnswerRow, SurveyRow
from store.task_models import ActivityRecordRow, ActivityRecordVolunteer


class ReportRow(BaseModel):
    """One school's line of the yearly report.

    ``activities_held``, ``children`` and ``volunteers`` (registered volunteers who came,
    counted per activity: 延べ) are ``None`` until the act step has recorded at least one
    activity (held or cancelled) for the cycle: the report says "not recorded" rather
    than a misleading zero. ``activities_cancelled`` counts the recorded cancellations.
    """

    model_config = ConfigDict(frozen=True)

    school_id: str
    school_name: str
    district: str | None
    council_id: str
    council_name: str
    joint_council: bool
    fiscal_year: int
    step: Step | None
    meetings_held: int
    approved_on: date | None
    activities_planned: int
    activities_held: int | None = None
    activities_cancelled: int = 0
    children: int | None = None
    volunteers: int | None = None
    aims: int
    aims_met: int
    aims_partly: int
    aims_not_met: int
    #: The school-evaluation survey: answers, and the mean point (1–4) of every rating
    #: given; ``None`` when the council opened no survey that year.
    survey_answers: int | None = None
    survey_mean: float | None = None

    @property
    def aims_unrated(self) -> int:
        """Aims of the plan the council has not evaluated (yet)."""
        return self.aims - self.aims_met - self.aims_partly - self.aims_not_met


def yearly_report(session: Session, municipality_id: str, year: int) -> list[ReportRow]:
    """Every school of the municipality with its council's figures for ``year``, by
    school then council. A council without a cycle that year shows zeros and no step.
    ``NotFound`` if the municipality is unknown."""
    if session.get(Municipality, municipality_id) is None:
        raise NotFound(f"自治体 '{municipality_id}' は登録されていません")
    schools_per_council = (
        select(CouncilSchool.council_id, func.count().label("n"))
        .group_by(CouncilSchool.council_id)
        .subquery()
    )
    query = (
        select(
            School.id,
            School.name,
            District.name,
            Council.id,
            Council.name,
            schools_per_council.c.n,
            Cycle.id,
            Cycle.step,
            Cycle.approved_on,
        )
        .join(CouncilSchool, CouncilSchool.school_id == School.id)
        .join(Council, Council.id == CouncilSchool.council_id)
        .join(schools_per_council, schools_per_council.c.council_id == Council.id)
        .outerjoin(District, District.id == School.district_id)
        .outerjoin(Cycle, and_(Cycle.council_id == Council.id, Cycle.fiscal_year == year))
        .where(School.municipality_id == municipality_id)
        .order_by(School.id, Council.id)
    )
    records = list(session.execute(query))
    cycle_ids = (
        select(Cycle.id)
        .join(Council, Council.id == Cycle.council_id)
        .where(Council.municipality_id == municipality_id, Cycle.fiscal_year == year)
    )
    meetings = _count_by_cycle(session, MeetingRow.cycle_id, cycle_ids)
    planned = _count_by_cycle(session, PlanActivityRow.cycle_id, cycle_ids)
    aims = _count_by_cycle(session, AimRow.cycle_id, cycle_ids)
    ratings = _ratings_by_cycle(session, cycle_ids)
    outcomes = _outcomes_by_cycle(session, cycle_ids)
    surveyed = survey_figures(session, municipality_id, year)
    rows = []
    for school_id, school, district, council_id, council, n, cycle_id, step, approved in records:
        rated = ratings.get(cycle_id, Counter()) if cycle_id is not None else Counter()
        acted = outcomes.get(cycle_id) if cycle_id is not None else None
        rows.append(
            ReportRow(
                school_id=school_id,
                school_name=school,
                district=district,
                council_id=council_id,
                council_name=council,
                joint_council=n > 1,
                fiscal_year=year,
                step=None if step is None else Step(step),
                meetings_held=meetings.get(cycle_id, 0),
                approved_on=approved,
                activities_planned=planned.get(cycle_id, 0),
                activities_held=None if acted is None else acted.held,
                activities_cancelled=0 if acted is None else acted.cancelled,
                children=None if acted is None else acted.children,
                volunteers=None if acted is None else acted.volunteers,
                aims=aims.get(cycle_id, 0),
                aims_met=rated[AimRating.MET.value],
                aims_partly=rated[AimRating.PARTLY.value],
                aims_not_met=rated[AimRating.NOT_MET.value],
                survey_answers=surveyed[council_id][0] if council_id in surveyed else None,
                survey_mean=surveyed[council_id][1] if council_id in surveyed else None,
            )
        )
    return rows


def _count_by_cycle(
    session: Session, column: InstrumentedAttribute[int], cycle_ids: Select[int]
) -> dict[int, int]:
    query = select(column, func.count()).where(column.in_(cycle_ids)).group_by(column)
    return {cycle_id: count for cycle_id, count in session.execute(query)}


def _ratings_by_cycle(session: Session, cycle_ids: Select[int]) -> dict[int, Counter[str]]:
    query = (
        select(EvaluationRow.cycle_id, EvaluationRow.rating, func.count())
        .where(EvaluationRow.cycle_id.in_(cycle_ids))
        .group_by(EvaluationRow.cycle_id, EvaluationRow.rating)
    )
    found: dict[int, Counter[str]] = {}
    for cycle_id, rating, count in session.execute(query):
        found.setdefault(cycle_id, Counter())[rating] = count
    return found


class _Outcomes(NamedTuple):
    held: int
    cancelled: int
    children: int
    volunteers: int


def _outcomes_by_cycle(session: Session, cycle_ids: Select[int]) -> dict[int, _Outcomes]:
    """Per cycle with activity records: held and cancelled activities, children and
    registered volunteers (延べ) at the held ones."""
    came = (
        select(
            ActivityRecordVolunteer.record_id,
            func.count().label("volunteers"),
        )
        .group_by(ActivityRecordVolunteer.record_id)
        .subquery()
    )
    held = ActivityRecordRow.outcome == ActivityOutcome.HELD.value
    query = (
        select(
            ActivityRecordRow.cycle_id,
            func.count().filter(held),
            func.count().filter(ActivityRecordRow.outcome == ActivityOutcome.CANCELLED.value),
            func.coalesce(func.sum(ActivityRecordRow.children).filter(held), 0),
            func.coalesce(func.sum(came.c.volunteers).filter(held), 0),
        )
        .outerjoin(came, came.c.record_id == ActivityRecordRow.id)
        .where(ActivityRecordRow.cycle_id.in_(cycle_ids))
        .group_by(ActivityRecordRow.cycle_id)
    )
    return {
        cycle_id: _Outcomes(held_n, cancelled_n, int(children), int(volunteers))
        for cycle_id, held_n, cancelled_n, children, volunteers in session.execute(query)
    }


def survey_figures(
    session: Session, municipality_id: str, year: int
) -> dict[str, tuple[int, float | None]]:
    """Per council that opened a survey in ``year``: its answers, and the mean point of
    every rating they gave (``None`` without a rating)."""
    opened = session.execute(
        select(SurveyRow.council_id, SurveyAnswerRow.ratings)
        .join(Council, Council.id == SurveyRow.council_id)
        .outerjoin(SurveyAnswerRow, SurveyAnswerRow.survey_id == SurveyRow.id)
        .where(Council.municipality_id == municipality_id, SurveyRow.fiscal_year == year)
    )
    answers: Counter[str] = Counter()
    points: dict[str, list[int]] = {}
    for council_id, ratings in opened:
        given = points.setdefault(council_id, [])
        if ratings is not None:
            answers[council_id] += 1
            given.extend(int(p) for p in ratings.values())
    return {
        council_id: (answers[council_id], round(sum(given) / len(given), 2) if given else None)
        for council_id, given in points.items()
    }

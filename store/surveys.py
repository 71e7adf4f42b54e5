"""The store's side of the school-evaluation survey: the survey row its workflow writes,
the anonymous answers the public page writes (one per device), and the results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contracts.opinions import RecordSurveyInput
from domain.japan_time import JAPAN
from domain.surveys import CommentStatus, QuestionResult, SurveyQuestion, tally_answers
from store.opinion_models import SurveyAnswerRow, SurveyRow


@dataclass(frozen=True)
class Survey:
    """A survey as the pages need it."""

    id: int
    council_id: str
    fiscal_year: int
    link_token: str
    questions: tuple[SurveyQuestion, ...]
    closes_at: datetime
    closed_at: datetime | None

    @property
    def closes_on(self) -> date:
        """The last day answers are taken (in Japan)."""
        return (self.closes_at.astimezone(JAPAN) - timedelta(days=1)).date()


@dataclass(frozen=True)
class Comment:
    """One respondent's comment and whether the chair has screened it."""

    answer_id: int
    text: str
    status: str


@dataclass(frozen=True)
class SurveyResults:
    """The counts per question and the comments."""

    answers: int
    questions: tuple[QuestionResult, ...]
    comments: tuple[Comment, ...]

    def of(self, key: str) -> QuestionResult | None:
        """The result of the question ``key`` (``aim:<id>`` for an aim)."""
        return next((q for q in self.questions if q.key == key), None)

    def shown(self) -> tuple[Comment, ...]:
        """The comments the chair let through."""
        return tuple(c for c in self.comments if c.status == CommentStatus.SHOWN)


def _survey(row: SurveyRow) -> Survey:
    questions = tuple(SurveyQuestion.model_validate(q) for q in row.questions)
    return Survey(
        row.id, row.council_id, row.fiscal_year, row.link_token, questions, row.closes_at,
        row.closed_at,
    )  # fmt: skip


def record_survey(session: Session, data: RecordSurveyInput) -> bool:
    """Write what the survey's workflow says: the row when it opens, its closing, the
    chair's screening. ``False`` when nothing changed (a retried activity)."""
    row = session.scalar(select(SurveyRow).where(SurveyRow.workflow_id == data.workflow_id))
    state = data.state
    changed = False
    if row is None:
        if data.opened is None:
            return False
        row = SurveyRow(
            workflow_id=data.workflow_id, council_id=state.council_id,
            fiscal_year=state.fiscal_year, link_token=data.opened.link_token,
            questions=[q.model_dump(mode="json") for q in data.opened.questions],
            opened_by=state.opened_by, opened_at=state.opened_at,
            closes_at=state.closes_at, closed_at=state.closed_at,
        )  # fmt: skip
        session.add(row)
        session.flush()
        changed = True
    if row.closed_at is None and state.closed_at is not None:
        row.closed_at = state.closed_at
        changed = True
    if state.screened:
        answers = session.scalars(
            select(SurveyAnswerRow).where(
                SurveyAnswerRow.survey_id == row.id,
                SurveyAnswerRow.id.in_(list(state.screened)),
            )
        )
        for answer in answers:
            status = CommentStatus.SHOWN if state.screened[answer.id] else CommentStatus.HIDDEN
            if answer.comment_status != status.value:
                answer.comment_status = status.value
                changed = True
    session.flush()
    return changed


def survey_of(session: Session, council_id: str, fiscal_year: int) -> Survey | None:
    """The council's survey of the year, if it was opened."""
    row = session.scalar(
        select(SurveyRow).where(
            SurveyRow.council_id == council_id, SurveyRow.fiscal_year == fiscal_year
        )
    )
    return None if row is None else _survey(row)


def survey_by_token(session: Session, link_token: str) -> Survey | None:
    """The survey the link ``link_token`` opens, if any."""
    row = session.scalar(select(SurveyRow).where(SurveyRow.link_token == link_token))
    return None if row is None else _survey(row)


def add_answer(
    session: Session,
    survey_id: int,
    device: str,
    ratings: dict[str, int],
    comment: str,
    at: datetime,
) -> bool:
    """Keep one answer; ``False`` (nothing written) when this device answered already."""
    if session.scalar(
        select(SurveyAnswerRow.id).where(
            SurveyAnswerRow.survey_id == survey_id, SurveyAnswerRow.device == device
        )
    ):
        return False
    try:
        with session.begin_nested():
            session.add(
                SurveyAnswerRow(
                    survey_id=survey_id,
                    device=device,
                    ratings=ratings,
                    comment=comment,
                    comment_status=CommentStatus.PENDING.value,
                    answered_at=at,
                )
            )
    except IntegrityError:
        return False  # the same device, at the same moment, on another console process
    return True


def results(session: Session, survey: Survey) -> SurveyResults:
    """The counts per question and point, and every comment with its screening."""
    rows = list(
        session.scalars(
            select(SurveyAnswerRow)
            .where(SurveyAnswerRow.survey_id == survey.id)
            .order_by(SurveyAnswerRow.id)
        )
    )
    return SurveyResults(
        answers=len(rows),
        questions=tally_answers(survey.questions, (r.ratings for r in rows)),
        comments=tuple(Comment(r.id, r.comment, r.comment_status) for r in rows if r.comment),
    )

"""The school-evaluation survey (学校関係者評価アンケート) of the evaluate step.

The chair opens it from the year's aims (each aim a question on a four-point scale) plus
a few questions of the council's own, with a closing date; parents and residents answer
without signing in, through the council's link, once per device; the chair screens the
free comments before anyone else reads them. Pure: no clock, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from enum import IntEnum, StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from domain.base import Frozen, Role, Step
from domain.japan_time import JAPAN
from domain.limits import AimText, not_blank
from domain.model import Roster
from domain.refusals import Refusal
from domain.text_rules import MULTI_LINE

#: A respondent's free comment; personal data only if they write it, so it is short.
SURVEY_COMMENT_MAX = 500
#: The council's own questions beside the aims.
OWN_QUESTIONS_MAX = 5
#: Questions in one survey (aims of the year's plan plus the council's own).
QUESTIONS_MAX = 60
#: The longest a survey stays open.
OPEN_DAYS_MAX = 120

SurveyComment = Annotated[
    str, Field(max_length=SURVEY_COMMENT_MAX), AfterValidator(not_blank), MULTI_LINE
]
ActorId = Annotated[str, Field(min_length=1, max_length=64)]


class Scale(IntEnum):
    """The four-point scale (4: そう思う … 1: そう思わない)."""

    AGREE = 4
    RATHER_AGREE = 3
    RATHER_DISAGREE = 2
    DISAGREE = 1


class CommentStatus(StrEnum):
    """Whether the chair has screened a comment."""

    PENDING = "pending"
    SHOWN = "shown"
    HIDDEN = "hidden"


class SurveyQuestion(Frozen):
    """One question: an aim of the year's plan, or one of the council's own."""

    key: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.:-]+$")
    text: AimText


class OpenSurveyInput(Frozen):
    """The chair opens the year's survey (the start input of its workflow)."""

    kind: Literal["open_survey"] = "open_survey"
    actor: ActorId
    council_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    fiscal_year: int = Field(ge=2000, le=2200)
    closes_on: date
    questions: tuple[SurveyQuestion, ...] = Field(min_length=1, max_length=QUESTIONS_MAX)
    link_token: str = Field(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


class CloseSurveyInput(Frozen):
    """The chair closes the survey before its date."""

    kind: Literal["close_survey"] = "close_survey"
    actor: ActorId


class ScreenCommentInput(Frozen):
    """The chair shows or hides one comment."""

    kind: Literal["screen_comment"] = "screen_comment"
    actor: ActorId
    answer_id: int = Field(ge=1)
    show: bool


class SurveyState(BaseModel):
    """The survey's lifecycle as its workflow knows it (the answers live in the store)."""

    model_config = ConfigDict(extra="forbid")

    council_id: str
    fiscal_year: int
    closes_at: datetime
    opened_by: str
    opened_at: datetime
    chairs: tuple[str, ...]
    closed_at: datetime | None = None
    screened: dict[int, bool] = Field(default_factory=dict)


class SurveyAnswer(BaseModel):
    """One respondent's answer: a rating per question (or none), and a comment. Input
    only (never in a workflow's state), so not one of the shared value objects."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ratings: dict[str, Scale] = Field(default_factory=dict, max_length=QUESTIONS_MAX)
    comment: SurveyComment = ""


def closing_moment(closes_on: date) -> datetime:
    """The end of ``closes_on`` in Japan: answers are taken through that whole day."""
    return datetime.combine(closes_on + timedelta(days=1), time(0), tzinfo=JAPAN)


def questions_from_aims(
    aims: Iterable[tuple[str, str]], own: Sequence[str]
) -> tuple[SurveyQuestion, ...]:
    """The questions: each aim (id, text) in plan order, then the council's own."""
    if len(own) > OWN_QUESTIONS_MAX:
        raise Refusal("too_many_items", field="own_questions", limit=str(OWN_QUESTIONS_MAX))
    asked = [SurveyQuestion(key=f"aim:{aim_id}", text=text) for aim_id, text in aims]
    asked += [SurveyQuestion(key=f"own:{n}", text=text) for n, text in enumerate(own, 1)]
    if not asked:
        raise Refusal("survey_no_questions")
    return tuple(asked)


def check_open(data: OpenSurveyInput, roster: Roster, step: Step, today: date) -> None:
    """``Refusal`` unless the chair opens it in the evaluate step with a date ahead."""
    check_opener(data.actor, roster, step)
    if not today <= data.closes_on <= today + timedelta(days=OPEN_DAYS_MAX):
        raise Refusal("survey_bad_closing", limit=str(OPEN_DAYS_MAX))


def check_opener(actor: str, roster: Roster, step: Step) -> None:
    """``Refusal`` unless ``actor`` chairs the council and the cycle is at evaluate
    (checked first: before the questions are built from the year's aims)."""
    if Role.CHAIR not in roster.roles_of(actor):
        raise Refusal("survey_chair_only")
    if step is not Step.EVALUATE:
        raise Refusal("wrong_step", current=step.value, action="open_survey", expected="evaluate")


def new_survey(data: OpenSurveyInput, roster: Roster, at: datetime) -> SurveyState:
    """The survey's state as it opens."""
    return SurveyState(
        opened_at=at,
        council_id=data.council_id,
        fiscal_year=data.fiscal_year,
        closes_at=closing_moment(data.closes_on),
        opened_by=data.actor,
        chairs=roster.holders_of(Role.CHAIR),
    )


def decide_survey(
    state: SurveyState, command: CloseSurveyInput | ScreenCommentInput, at: datetime
) -> SurveyState:
    """The survey after ``command``; ``Refusal`` (unchanged) when it may not be."""
    if command.actor not in state.chairs:
        raise Refusal("survey_chair_only")
    draft = state.model_copy(deep=True)
    if isinstance(command, CloseSurveyInput):
        if draft.closed_at is not None:
            raise Refusal("survey_closed")
        draft.closed_at = at
    else:
        draft.screened[command.answer_id] = command.show
    return draft


def close_at_date(state: SurveyState, at: datetime) -> SurveyState:
    """The survey closed by its date (the workflow's timer)."""
    if state.closed_at is not None:
        return state
    return state.model_copy(update={"closed_at": at})


def check_answer(
    answer: SurveyAnswer,
    questions: Sequence[SurveyQuestion],
    closes_at: datetime,
    closed: bool,
    now: datetime,
) -> None:
    """``Refusal`` unless the survey takes answers now and every rating is a question's."""
    if closed or now >= closes_at:
        raise Refusal("survey_closed")
    keys = {q.key for q in questions}
    unknown = [k for k in answer.ratings if k not in keys]
    if unknown:
        raise Refusal("survey_unknown_question")
    if not answer.ratings and not answer.comment:
        raise Refusal("survey_empty_answer")


class QuestionResult(Frozen):
    """The counts of one question, by point of the scale (4 … 1), and how many answered."""

    key: str
    text: str
    counts: tuple[int, int, int, int]
    answered: int

    @property
    def average(self) -> float | None:
        """The mean point (1–4), or ``None`` without answers."""
        if not self.answered:
            return None
        total = sum(p * c for p, c in zip((4, 3, 2, 1), self.counts, strict=True))
        return round(total / self.answered, 2)


def tally_answers(
    questions: Sequence[SurveyQuestion], answers: Iterable[Mapping[str, int]]
) -> tuple[QuestionResult, ...]:
    """The counts per question and point of the scale."""
    counts = {q.key: [0, 0, 0, 0] for q in questions}
    for ratings in answers:
        for key, point in ratings.items():
            if key in counts and 1 <= point <= 4:
                counts[key][4 - point] += 1
    return tuple(
        QuestionResult(
            key=q.key,
            text=q.text,
            counts=(counts[q.key][0], counts[q.key][1], counts[q.key][2], counts[q.key][3]),
            answered=sum(counts[q.key]),
        )
        for q in questions
    )


def survey_workflow_id(council_id: str, fiscal_year: int) -> str:
    """The business key of a council's survey of one year. No personal data."""
    return f"council-survey/{council_id}/{fiscal_year}"

"""The rules of the school-evaluation survey, decided without Temporal."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from domain.base import Role, Step
from domain.model import Roster, RosterEntry
from domain.refusals import Refusal
from domain.surveys import (
    SURVEY_COMMENT_MAX,
    CloseSurveyInput,
    OpenSurveyInput,
    ScreenCommentInput,
    SurveyAnswer,
    check_answer,
    check_open,
    closing_moment,
    decide_survey,
    new_survey,
    questions_from_aims,
    tally_answers,
)

ROSTER = Roster(
    entries=(
        RosterEntry(member_id="chair", roles=(Role.CHAIR,)),
        RosterEntry(member_id="m1", roles=(Role.MEMBER,)),
    )
)
TODAY = date(2027, 2, 1)
QUESTIONS = questions_from_aims(
    [("reading-1", "本に親しむ"), ("patrol-1", "安全に登下校する")], ["学校は地域に開かれている"]
)
OPEN = OpenSurveyInput(
    actor="chair", council_id="c1", fiscal_year=2026, closes_on=date(2027, 2, 20),
    questions=QUESTIONS, link_token="t" * 22,
)  # fmt: skip


def test_questions_are_the_year_s_aims_then_the_council_s_own() -> None:
    assert [q.key for q in QUESTIONS] == ["aim:reading-1", "aim:patrol-1", "own:1"]
    with pytest.raises(Refusal) as caught:
        questions_from_aims([], [])
    assert caught.value.code == "survey_no_questions"


def test_only_the_chair_opens_it_in_evaluate_with_a_closing_date_ahead() -> None:
    check_open(OPEN, ROSTER, Step.EVALUATE, TODAY)
    for data, step, code in [
        (OPEN.model_copy(update={"actor": "m1"}), Step.EVALUATE, "survey_chair_only"),
        (OPEN, Step.ACT, "wrong_step"),
        (
            OPEN.model_copy(update={"closes_on": date(2027, 1, 31)}),
            Step.EVALUATE,
            "survey_bad_closing",
        ),
    ]:
        with pytest.raises(Refusal) as caught:
            check_open(data, ROSTER, step, TODAY)
        assert caught.value.code == code


def test_answers_are_taken_through_the_closing_day_in_japan_and_not_after() -> None:
    closes_at = closing_moment(date(2027, 2, 20))
    assert closes_at == datetime(2027, 2, 20, 15, 0, tzinfo=UTC)
    answer = SurveyAnswer(ratings={"aim:reading-1": 4}, comment="")
    check_answer(answer, QUESTIONS, closes_at, False, datetime(2027, 2, 20, 14, 59, tzinfo=UTC))
    for closed, now in [(False, closes_at), (True, datetime(2027, 2, 10, tzinfo=UTC))]:
        with pytest.raises(Refusal) as caught:
            check_answer(answer, QUESTIONS, closes_at, closed, now)
        assert caught.value.code == "survey_closed"
    with pytest.raises(Refusal) as caught:
        check_answer(SurveyAnswer(ratings={"aim:other": 1}), QUESTIONS, closes_at, False, TODAY_AT)
    assert caught.value.code == "survey_unknown_question"
    with pytest.raises(Refusal) as caught:
        check_answer(SurveyAnswer(), QUESTIONS, closes_at, False, TODAY_AT)
    assert caught.value.code == "survey_empty_answer"


TODAY_AT = datetime(2027, 2, 1, tzinfo=UTC)


def test_comments_and_points_are_bounded() -> None:
    with pytest.raises(ValidationError):
        SurveyAnswer(comment="あ" * (SURVEY_COMMENT_MAX + 1))
    with pytest.raises(ValidationError):
        SurveyAnswer(ratings={"aim:reading-1": 5})


def test_counts_per_question_and_point() -> None:
    results = tally_answers(QUESTIONS, [{"aim:reading-1": 4}, {"aim:reading-1": 3, "own:1": 1}, {}])
    reading = results[0]
    assert (reading.counts, reading.answered, reading.average) == ((1, 1, 0, 0), 2, 3.5)
    assert results[1].answered == 0 and results[1].average is None
    assert results[2].counts == (0, 0, 0, 1)


def test_the_chair_closes_early_and_screens_comments() -> None:
    state = new_survey(OPEN, ROSTER, TODAY_AT)
    with pytest.raises(Refusal) as caught:
        decide_survey(state, CloseSurveyInput(actor="m1"), TODAY_AT)
    assert caught.value.code == "survey_chair_only"
    closed = decide_survey(state, CloseSurveyInput(actor="chair"), TODAY_AT)
    assert closed.closed_at == TODAY_AT and state.closed_at is None
    with pytest.raises(Refusal) as caught:
        decide_survey(closed, CloseSurveyInput(actor="chair"), TODAY_AT)
    assert caught.value.code == "survey_closed"
    screened = decide_survey(
        closed, ScreenCommentInput(actor="chair", answer_id=3, show=True), TODAY_AT
    )
    assert screened.screened == {3: True}

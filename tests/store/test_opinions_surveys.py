"""The store's side of opinions and surveys, on SQLite and PostgreSQL alike (set
``TEST_DATABASE_URL``): a draft reserves its number once per command id, an opinion's row
follows its events and never goes back, the board's count and the public page read it;
a survey takes one answer per device and counts them per question and point."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

import store
from contracts.opinions import RecordOpinionInput, RecordSurveyInput
from domain.model import Ballot
from domain.opinions import (
    Addressee,
    CloseOpinionVoteInput,
    DraftOpinionInput,
    OpinionBallotInput,
    OpinionDecision,
    OpinionRules,
    OpinionSubject,
    decide_opinion,
    new_opinion,
    opinion_workflow_id,
)
from domain.surveys import (
    OpenSurveyInput,
    ScreenCommentInput,
    decide_survey,
    new_survey,
    questions_from_aims,
    survey_workflow_id,
)
from store.opinions import (
    awaiting_answer,
    opinion_setup,
    opinions,
    public_opinions,
    reserve_opinion,
)
from store.opinions import record_opinion as record
from store.surveys import add_answer, record_survey, results, survey_by_token, survey_of
from tests.board.support import load_testcity

COUNCIL = "testcity-c1"
AT = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)


def draft(subject: OpinionSubject = OpinionSubject.SCHOOL_OPERATION) -> DraftOpinionInput:
    return DraftOpinionInput(
        actor="t-chair", addressee=Addressee.PRINCIPAL, subject=subject,
        title="図書室の開館時間", body="放課後も開けてください。",
    )  # fmt: skip


@pytest.fixture
def testcity(clean_engine: Engine) -> Engine:
    load_testcity(clean_engine)
    return clean_engine


def _sent(engine: Engine, number: int, subject: OpinionSubject) -> list[OpinionDecision]:
    with store.session_scope(engine) as session:
        setup = opinion_setup(session, COUNCIL)
    decisions = [new_opinion(COUNCIL, 2026, number, draft(subject), setup.roster, AT)]
    for who in ("t-chair", "t-m1", "t-m2"):
        ballot = OpinionBallotInput(actor=who, ballot=Ballot.APPROVE)
        decisions.append(decide_opinion(decisions[-1].state, ballot, AT))
    decisions.append(
        decide_opinion(decisions[-1].state, CloseOpinionVoteInput(actor="t-chair"), AT)
    )
    return decisions


def test_a_draft_reserves_its_number_once_per_command_id(testcity: Engine) -> None:
    with store.session_scope(testcity) as session:
        assert reserve_opinion(session, COUNCIL, 2026, "cmd-a", draft(), AT) == (1, True)
        assert reserve_opinion(session, COUNCIL, 2026, "cmd-a", draft(), AT) == (1, False)
        assert reserve_opinion(session, COUNCIL, 2026, "cmd-b", draft(), AT) == (2, True)
        assert reserve_opinion(session, COUNCIL, 2027, "cmd-c", draft(), AT) == (1, True)
        assert [o.status for o in opinions(session, COUNCIL, 2026)] == ["drafting", "drafting"]


def test_the_row_follows_the_events_and_never_goes_back(testcity: Engine) -> None:
    decisions = _sent(testcity, 1, OpinionSubject.SCHOOL_OPERATION)
    workflow_id = opinion_workflow_id(COUNCIL, 2026, 1)
    with store.session_scope(testcity) as session:
        reserve_opinion(session, COUNCIL, 2026, "cmd-1", draft(), AT)
    with store.session_scope(testcity) as session:
        for decision in decisions:
            data = RecordOpinionInput(
                workflow_id=workflow_id, state=decision.state, event=decision.event
            )
            assert record(session, data)
        # A retried (or late) older event changes nothing.
        first = decisions[0]
        again = RecordOpinionInput(workflow_id=workflow_id, state=first.state, event=first.event)
        assert not record(session, again)
    with store.session_scope(testcity) as session:
        [row] = opinions(session, COUNCIL, 2026)
        assert (row.status, row.approve, row.reject, row.eligible) == ("sent", 3, 0, 4)
        assert row.answer_due == date(2026, 7, 1)
        assert awaiting_answer(session, "testcity")[0] == 1
        assert [o.number for o in public_opinions(session, COUNCIL, 2026)] == [1]


def test_staff_appointments_never_reach_the_public_page(testcity: Engine) -> None:
    decisions = _sent(testcity, 1, OpinionSubject.STAFF_APPOINTMENTS)
    with store.session_scope(testcity) as session:
        last = decisions[-1]
        record(session, RecordOpinionInput(workflow_id=opinion_workflow_id(COUNCIL, 2026, 1),
                                           state=last.state, event=last.event))  # fmt: skip
        assert [o.status for o in opinions(session, COUNCIL, 2026)] == ["sent"]
        assert public_opinions(session, COUNCIL, 2026) == []


def test_the_municipality_sets_the_answer_period(testcity: Engine) -> None:
    with store.session_scope(testcity) as session:
        assert opinion_setup(session, COUNCIL).rules == OpinionRules()
        municipality = session.get_one(store.models.Municipality, "testcity")
        municipality.opinion_rules = {"answer_days": 14}
    with store.session_scope(testcity) as session:
        assert opinion_setup(session, COUNCIL).rules.answer_days == 14


def _open_survey(engine: Engine) -> int:
    data = OpenSurveyInput(
        actor="t-chair", council_id=COUNCIL, fiscal_year=2026, closes_on=date(2027, 2, 20),
        questions=questions_from_aims([("reading-1", "本に親しむ")], ["開かれた学校"]),
        link_token="tok" + "x" * 20,
    )  # fmt: skip
    with store.session_scope(engine) as session:
        roster = opinion_setup(session, COUNCIL).roster
    state = new_survey(data, roster, AT)
    with store.session_scope(engine) as session:
        assert record_survey(
            session,
            RecordSurveyInput(
                workflow_id=survey_workflow_id(COUNCIL, 2026), state=state, opened=data
            ),
        )
    with store.session_scope(engine) as session:
        found = survey_by_token(session, data.link_token)
        assert found is not None and found.closes_on == date(2027, 2, 20)
        return found.id


def test_one_answer_per_device_counted_per_question_and_point(testcity: Engine) -> None:
    survey_id = _open_survey(testcity)
    later = AT + timedelta(days=1)
    with store.session_scope(testcity) as session:
        assert add_answer(session, survey_id, "device-a", {"aim:reading-1": 4}, "ありがとう", later)
        assert not add_answer(session, survey_id, "device-a", {"aim:reading-1": 1}, "", later)
        assert add_answer(
            session, survey_id, "device-b", {"aim:reading-1": 3, "own:1": 2}, "", later
        )
    with store.session_scope(testcity) as session:
        survey = survey_of(session, COUNCIL, 2026)
        assert survey is not None
        counted = results(session, survey)
    assert counted.answers == 2
    reading = counted.of("aim:reading-1")
    assert reading is not None and reading.counts == (1, 1, 0, 0)
    assert [(c.text, c.status) for c in counted.comments] == [("ありがとう", "pending")]
    assert counted.shown() == ()


def test_the_chair_s_screening_is_written_to_the_answers(testcity: Engine) -> None:
    survey_id = _open_survey(testcity)
    with store.session_scope(testcity) as session:
        add_answer(session, survey_id, "device-a", {}, "見守りに感謝", AT)
        survey = survey_of(session, COUNCIL, 2026)
        assert survey is not None
        [comment] = results(session, survey).comments
        roster = opinion_setup(session, COUNCIL).roster
    state = new_survey(
        OpenSurveyInput(
            actor="t-chair", council_id=COUNCIL, fiscal_year=2026, closes_on=date(2027, 2, 20),
            questions=survey.questions, link_token=survey.link_token,
        ), roster, AT,
    )  # fmt: skip
    screened = decide_survey(
        state, ScreenCommentInput(actor="t-chair", answer_id=comment.answer_id, show=True), AT
    )
    with store.session_scope(testcity) as session:
        data = RecordSurveyInput(workflow_id=survey_workflow_id(COUNCIL, 2026), state=screened)
        assert record_survey(session, data)
        assert not record_survey(session, data)
        assert [c.text for c in results(session, survey).shown()] == ["見守りに感謝"]


def test_the_yearly_report_carries_the_survey(testcity: Engine) -> None:
    survey_id = _open_survey(testcity)
    with store.session_scope(testcity) as session:
        add_answer(session, survey_id, "device-a", {"aim:reading-1": 4, "own:1": 3}, "", AT)
        add_answer(session, survey_id, "device-b", {"aim:reading-1": 2}, "", AT)
        rows = store.yearly_report(session, "testcity", 2026)
    figures = {(r.council_id, r.survey_answers, r.survey_mean) for r in rows}
    assert figures == {(COUNCIL, 2, 3.0), ("testcity-c2", None, None)}

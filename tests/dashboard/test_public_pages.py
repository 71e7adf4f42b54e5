"""The public page model from the store: drafts stay hidden, a published version is only
corrected by a new one that keeps the old visible, and the closed part never appears."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

import store
from application.public_pages import public_index_page, public_page
from domain.commands import Command, RecordMeetingInput
from domain.meeting_calls import CorrectMinutesInput, PublishMinutesInput
from tests.board.support import apply
from tests.dashboard.conftest import YEAR, Dash, jst

CLOSED = "非公開：個別の児童の支援について"


def _record_second_meeting(dash: Dash) -> None:
    command = RecordMeetingInput(
        actor="dash-chair1", held_on=date(YEAR, 6, 1), attendance=("dash-chair1", "dash-m1"),
        minutes_public="地域の見守りについて協議した。", minutes_closed=CLOSED,
    )  # fmt: skip
    dash.states[1] = apply(dash.engine, dash.states[1], command, jst(date(YEAR, 6, 1), 20))


def _page(dash: Dash) -> str:
    with store.session_scope(dash.engine) as session:
        return public_page(session, "dash-c1", YEAR).model_dump_json()


def test_a_draft_is_not_public_until_the_chair_publishes_it(dash: Dash) -> None:
    _record_second_meeting(dash)
    with store.session_scope(dash.engine) as session:
        before = public_page(session, "dash-c1", YEAR)
    assert before.meetings == ()
    assert before.policy is not None and before.policy.approved_on == date(YEAR, 5, 20)
    assert [r.meetings_held for r in before.report] == [2]
    publish = PublishMinutesInput(actor="dash-chair1", meeting_number=2)
    dash.states[1] = apply(dash.engine, dash.states[1], publish, jst(date(YEAR, 6, 2)))
    with store.session_scope(dash.engine) as session:
        after = public_page(session, "dash-c1", YEAR)
    [meeting] = after.meetings
    assert (meeting.meeting_number, meeting.held_on) == (2, date(YEAR, 6, 1))
    assert meeting.current.text == "地域の見守りについて協議した。" and meeting.corrected == ()
    assert CLOSED not in _page(dash)


def test_a_correction_keeps_the_old_version_visible_as_corrected(dash: Dash) -> None:
    _record_second_meeting(dash)
    steps: list[Command] = [
        PublishMinutesInput(actor="dash-chair1", meeting_number=2),
        CorrectMinutesInput(actor="dash-chair1", meeting_number=2,
                            text="地域の見守りと挨拶運動について協議した。", reason="議題の漏れ"),
        CorrectMinutesInput(actor="dash-chair1", meeting_number=2,
                            text="地域の見守りと挨拶運動について協議した（第2回）。",
                            reason="回数の追記"),
    ]  # fmt: skip
    for day, command in enumerate(steps, start=2):
        dash.states[1] = apply(dash.engine, dash.states[1], command, jst(date(YEAR, 6, day)))
    with store.session_scope(dash.engine) as session:
        [meeting] = public_page(session, "dash-c1", YEAR).meetings
        index = public_index_page(session, "dashcity", YEAR)
    assert meeting.current.version == 3 and meeting.current.reason == "回数の追記"
    assert [(v.version, v.corrected, v.corrected_by_version) for v in meeting.corrected] == [
        (2, True, 3), (1, True, 2),
    ]  # fmt: skip
    assert meeting.corrected[1].text == "地域の見守りについて協議した。"
    assert CLOSED not in _page(dash)
    entries = {e.council_id: e for e in index.councils}
    assert entries["dash-c1"].published_meetings == 1
    assert entries["dash-c1"].policy_approved_on == date(YEAR, 5, 20)
    assert entries["dash-c2"].published_meetings == 0 and entries["dash-c6"].schools == (
        "ダッシュ市立第6小学校",
    )


def test_an_unknown_council_or_municipality_is_not_found(dash_engine: Engine) -> None:
    with store.session_scope(dash_engine) as session:
        with pytest.raises(store.NotFound):
            public_page(session, "nowhere", YEAR)
        with pytest.raises(store.NotFound):
            public_index_page(session, "nowhere", YEAR)

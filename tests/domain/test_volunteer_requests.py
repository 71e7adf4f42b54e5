"""The volunteer request rules (domain.volunteer_requests), tested directly."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from domain.japan_time import JAPAN
from domain.refusals import Refusal
from domain.volunteer_requests import (
    Candidate,
    NoticeKind,
    Place,
    Reply,
    RequestSpec,
    RequestState,
    Status,
    answer,
    cancel,
    choose,
    close_at,
    council_of_request_key,
    fill_of,
    invite,
    next_timer,
    on_time,
    open_request,
    remind_at,
)

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)


def spec(needed: int = 2, **changes: object) -> RequestSpec:
    values: dict[str, object] = {
        "council_id": "c1", "fiscal_year": 2026, "number": 1, "activity_id": "a1",
        "title": "読み聞かせ", "needed": needed, "held_on": date(2026, 6, 20),
        "starts_at": time(10), "place": "図書室", "reply_by": date(2026, 6, 10),
    }  # fmt: skip
    return RequestSpec.model_validate(values | changes)


def opened(needed: int = 2) -> RequestState:
    return open_request(spec(needed), NOW)


def test_key_is_a_business_key_and_reads_back() -> None:
    assert spec().key == "volunteer-request/c1/2026/1"
    assert council_of_request_key(spec().key) == "c1"
    assert council_of_request_key("council-cycle/c1/2026") is None


def test_reply_deadline_after_the_activity_or_past_is_refused() -> None:
    with pytest.raises(Refusal) as late:
        open_request(spec(reply_by=date(2026, 6, 21)), NOW)
    assert late.value.code == "request_reply_after_activity"
    with pytest.raises(Refusal) as past:
        open_request(spec(), datetime(2026, 6, 10, 15, 0, tzinfo=UTC))  # 00:00 JST on 11 June
    assert past.value.code == "request_deadline_passed"


def test_fill_then_waiting_list_then_a_drop_out_promotes_the_first_waiting() -> None:
    state = invite(opened(2), ["v1", "v2", "v3", "v4"], NOW).state
    kinds = []
    for volunteer in ("v1", "v2", "v3", "v4"):
        change = answer(state, volunteer, Reply.CAN, NOW)
        state = change.state
        kinds.append(change.notices[0].kind)
    assert kinds == [NoticeKind.CONFIRMED, NoticeKind.CONFIRMED, NoticeKind.WAITING,
                     NoticeKind.WAITING]  # fmt: skip
    assert state.of(Place.CONFIRMED) == ("v1", "v2")
    assert state.of(Place.WAITING) == ("v3", "v4")
    change = answer(state, "v1", Reply.CANNOT, NOW)
    assert change.state.of(Place.CONFIRMED) == ("v2", "v3")
    assert change.state.of(Place.WAITING) == ("v4",)
    assert [(n.kind, n.volunteer_ids) for n in change.notices] == [(NoticeKind.PROMOTED, ("v3",))]
    fill = fill_of(2, (a.place for a in change.state.answers))
    assert (fill.confirmed, fill.needed, fill.waiting, fill.declined) == (2, 2, 1, 1)


def test_the_same_answer_twice_changes_nothing() -> None:
    state = answer(opened(), "v1", Reply.CAN, NOW).state
    again = answer(state, "v1", Reply.CAN, NOW)
    assert again.state is state and again.notices == ()


def test_deadline_closes_then_no_new_yes_but_a_drop_out_is_taken() -> None:
    state = answer(opened(1), "v1", Reply.CAN, NOW).state
    state = answer(state, "v2", Reply.CAN, NOW).state
    assert next_timer(state) == close_at(state.spec)
    closed = on_time(state, close_at(state.spec)).state
    assert closed.status is Status.CLOSED
    with pytest.raises(Refusal) as refused:
        answer(closed, "v3", Reply.CAN, close_at(state.spec))
    assert refused.value.code == "request_not_open"
    dropped = answer(closed, "v1", Reply.CANNOT, close_at(state.spec))
    assert dropped.state.of(Place.CONFIRMED) == ("v2",)


def test_reminder_the_day_before_at_nine_japan_time_to_the_confirmed_only() -> None:
    state = answer(opened(1), "v1", Reply.CAN, NOW).state
    state = answer(state, "v2", Reply.CAN, NOW).state
    state = on_time(state, close_at(state.spec)).state
    assert remind_at(state.spec) == datetime(2026, 6, 19, 9, 0, tzinfo=JAPAN)
    assert next_timer(state) == remind_at(state.spec)
    assert on_time(state, remind_at(state.spec) - timedelta(seconds=1)).notices == ()
    change = on_time(state, remind_at(state.spec))
    assert [(n.kind, n.volunteer_ids) for n in change.notices] == [(NoticeKind.REMINDER, ("v1",))]
    assert on_time(change.state, remind_at(state.spec) + timedelta(hours=1)).notices == ()


def test_cancel_tells_the_confirmed_and_the_waiting_and_ends_the_request() -> None:
    state = invite(opened(1), ["v1", "v2", "v3"], NOW).state
    state = answer(state, "v1", Reply.CAN, NOW).state
    state = answer(state, "v2", Reply.CAN, NOW).state
    change = cancel(state)
    assert change.state.status is Status.CANCELLED
    assert [(n.kind, n.volunteer_ids) for n in change.notices] == [
        (NoticeKind.CANCELLED, ("v1", "v2"))
    ]
    assert next_timer(change.state) is None


def test_choose_by_skill_area_and_past_participation() -> None:
    people = [
        Candidate("v1", ("読み聞かせ",), "平日午前 桜町", 3, True),
        Candidate("v2", ("読み聞かせ", "見守り"), "土日 梅町", 5, True),
        Candidate("v3", ("読み聞かせ",), "桜町", 9, False),  # no consent to be contacted
        Candidate("v4", ("花壇",), "桜町", 1, True),
    ]
    assert choose(people, skill="読み聞かせ") == ("v2", "v1")
    assert choose(people, skill="読み聞かせ", area="桜町") == ("v1",)
    assert choose(people, min_past=4) == ("v2",)

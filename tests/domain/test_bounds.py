"""The bounds and the date window of commands, in the pure rules."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from domain.commands import (
    CastVoteInput,
    CloseVoteInput,
    EvaluateAimInput,
    PauseCycleInput,
    RecordActivityInput,
    RecordMeetingInput,
    SubmitPolicyInput,
    WaiveTaskInput,
)
from domain.limits import (
    COMMENT_MAX,
    MEETINGS_PER_YEAR_MAX,
    POLICY_TEXT_MAX,
    POLICY_VERSIONS_PER_YEAR_MAX,
    refusal_of,
)
from domain.model import AimRating, Ballot, Step
from domain.refusals import Refusal
from domain.rules import execute
from domain.sanity import year_window
from tests.domain.builders import VOTERS, at, fresh, walk_to


def refusal_building(model: type, **fields: object) -> Refusal:
    with pytest.raises(ValidationError) as caught:
        model(**fields)
    refusal = refusal_of(caught.value)
    assert refusal is not None
    return refusal


def test_the_year_window_is_one_month_either_side() -> None:
    assert year_window(2026) == (date(2026, 3, 1), date(2027, 4, 30))


@pytest.mark.parametrize(
    ("day", "refused"),
    [
        (date(2026, 2, 28), True),
        (date(2026, 3, 1), False),
        (date(2027, 4, 30), False),
        (date(2027, 5, 1), True),
        (date(1900, 5, 10), True),
    ],
)
def test_a_meeting_date_is_checked_against_the_fiscal_year(day: date, refused: bool) -> None:
    state = fresh()
    meeting = RecordMeetingInput(
        actor="chair", held_on=day, attendance=("chair",), minutes_public="会議録"
    )
    if not refused:
        assert execute(state, meeting, at(1)).state.meetings[0].held_on == day
        return
    with pytest.raises(Refusal) as caught:
        execute(state, meeting, at(1))
    assert caught.value.code == "date_outside_year"
    assert caught.value.message("en") == (
        f"held_on {day.isoformat()} is outside fiscal year 2026 (2026-03-01 to 2027-04-30)"
    )
    assert state.meetings == []


def test_an_activity_record_outside_the_year_is_refused() -> None:
    state = walk_to(Step.ACT)
    record = RecordActivityInput(
        actor="coord", activity_id=state.plan[0].activity_id, held_on=date(1999, 6, 1), children=3
    )
    with pytest.raises(Refusal) as caught:
        execute(state, record, at(1))
    assert caught.value.code == "date_outside_year"


@pytest.mark.parametrize(
    ("model", "fields", "code", "field"),
    [
        (PauseCycleInput, {"actor": "b", "reason": " \u3000 "}, "blank_text", "reason"),
        (WaiveTaskInput, {"actor": "c", "task_id": "t", "reason": "\t"}, "blank_text", "reason"),
        (SubmitPolicyInput, {"actor": "p", "text": ""}, "blank_text", "text"),
        (
            SubmitPolicyInput,
            {"actor": "p", "text": "方" * (POLICY_TEXT_MAX + 1)},
            "text_too_long",
            "text",
        ),
        (
            CastVoteInput,
            {"actor": "m", "ballot": Ballot.APPROVE, "comment": "c" * (COMMENT_MAX + 1)},
            "text_too_long",
            "comment",
        ),
        (
            EvaluateAimInput,
            {"actor": "c", "aim_id": "a", "rating": AimRating.MET, "comment": "  "},
            "blank_text",
            "comment",
        ),
    ],
)
def test_bounds_are_refused_with_the_field_named(
    model: type, fields: dict[str, object], code: str, field: str
) -> None:
    refusal = refusal_building(model, **fields)
    assert (refusal.code, refusal.params["field"]) == (code, field)
    assert "\n" not in refusal.message("ja")


def test_the_bounds_themselves_are_accepted() -> None:
    SubmitPolicyInput(actor="p", text="方" * POLICY_TEXT_MAX)
    CastVoteInput(actor="m", ballot=Ballot.APPROVE, comment="c" * COMMENT_MAX)


def test_a_year_holds_a_bounded_number_of_meetings() -> None:
    state = fresh()
    meeting = RecordMeetingInput(
        actor="chair", held_on=date(2026, 5, 1), attendance=("chair",), minutes_public="会議録"
    )
    for minute in range(MEETINGS_PER_YEAR_MAX):
        state = execute(state, meeting, at(minute)).state
    with pytest.raises(Refusal) as caught:
        execute(state, meeting, at(99))
    assert caught.value.code == "too_many_meetings"


def test_a_year_holds_a_bounded_number_of_policy_versions() -> None:
    state = walk_to(Step.APPROVE)
    for version in range(POLICY_VERSIONS_PER_YEAR_MAX):
        state = execute(
            state, SubmitPolicyInput(actor="principal", text=f"v{version}"), at(1)
        ).state
        for voter in VOTERS:
            state = execute(state, CastVoteInput(actor=voter, ballot=Ballot.REJECT), at(2)).state
        state = execute(state, CloseVoteInput(actor="chair"), at(3)).state
    with pytest.raises(Refusal) as caught:
        execute(state, SubmitPolicyInput(actor="principal", text="one more"), at(4))
    assert caught.value.code == "too_many_policy_versions"

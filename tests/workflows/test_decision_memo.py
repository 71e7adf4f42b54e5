"""The validator's decision is handed to its own handler only when nothing could differ."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.workflow import UpdateInfo

from domain.commands import RecordMeetingInput
from domain.model import CycleState
from domain.rules import Decision, execute, new_cycle
from tests.domain.builders import ROSTER, T0
from workflows.decision_memo import DecisionMemo

R = TypeVar("R")


def _in_update(update_id: str, call: Callable[[], R]) -> R:
    """Run ``call`` as the SDK runs a validator or handler: with the update's info set."""

    def run() -> R:
        workflow._set_current_update_info(UpdateInfo(id=update_id, name="record_meeting"))
        return call()

    return contextvars.copy_context().run(run)


def _decided() -> tuple[CycleState, Decision]:
    state = new_cycle("c1", 2026, ROSTER, T0)
    meeting = RecordMeetingInput(
        actor="chair", held_on=T0.date(), attendance=("chair",), minutes_public="熟議した"
    )
    return state, execute(state, meeting, T0)


def test_the_handler_gets_the_decision_its_validator_made() -> None:
    memo, (state, decision) = DecisionMemo(), _decided()
    _in_update("u1", lambda: memo.keep(state, T0, decision))
    assert _in_update("u1", lambda: memo.take(state, T0)) is decision
    # Taken once: a second handler call (there is none) would decide again.
    assert _in_update("u1", lambda: memo.take(state, T0)) is None


def test_another_update_decides_afresh() -> None:
    memo, (state, decision) = DecisionMemo(), _decided()
    _in_update("u1", lambda: memo.keep(state, T0, decision))
    assert _in_update("u2", lambda: memo.take(state, T0)) is None
    # Asking for another update also drops what was kept.
    assert _in_update("u1", lambda: memo.take(state, T0)) is None


def test_a_state_that_moved_on_or_a_later_time_decides_afresh() -> None:
    memo, (state, decision) = DecisionMemo(), _decided()
    equal_copy = state.model_copy(deep=True)
    assert equal_copy == state
    _in_update("u1", lambda: memo.keep(state, T0, decision))
    # An equal state is not enough: only the very object the validator saw.
    assert _in_update("u1", lambda: memo.take(equal_copy, T0)) is None
    _in_update("u1", lambda: memo.keep(state, T0, decision))
    later = T0 + timedelta(seconds=1)
    assert _in_update("u1", lambda: memo.take(state, later)) is None


def test_a_refused_validation_or_no_update_keeps_nothing() -> None:
    memo, (state, decision) = DecisionMemo(), _decided()
    _in_update("u1", lambda: memo.keep(state, T0, decision))
    memo.forget()
    assert _in_update("u1", lambda: memo.take(state, T0)) is None
    # Outside an update (never the case in the workflow) nothing is kept.
    memo.keep(state, T0, decision)
    assert _in_update("u1", lambda: memo.take(state, T0)) is None

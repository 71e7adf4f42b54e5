"""Events recorded out of order still leave the cycle's row as the workflow left it.

Found by the random-commands test: an accepted command that moves the step and the alert
the cycle raises right after it are recorded by two activities; when the alert's record
landed first, the step move was dropped as "not the latest event".
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select

from domain.commands import PauseCycleInput, RemindInput, ResumeCycleInput
from domain.model import Step
from domain.rules import execute, new_cycle
from store import session_scope
from store.models import Cycle
from tests.store.test_cycles import COUNCIL, START, _open, _record


def _cycle(engine: Engine) -> Cycle:
    with session_scope(engine) as session:
        cycle = session.scalars(select(Cycle)).one()
        session.expunge(cycle)
        return cycle


def test_a_step_move_recorded_after_a_later_event_that_moved_nothing_is_kept(
    clean_engine: Engine,
) -> None:
    _, events = _open(clean_engine)
    assert events[1].step_after is Step.APPROVE  # close_discussion
    assert events[2].step_before is events[2].step_after  # the policy submitted after it
    _record(clean_engine, events[0])
    _record(clean_engine, events[2])
    _record(clean_engine, events[1])  # late
    cycle = _cycle(clean_engine)
    assert (cycle.step, cycle.step_opened_at) == ("approve", events[1].at)


def test_a_resume_recorded_after_a_later_event_still_resumes(clean_engine: Engine) -> None:
    setup, _ = _open(clean_engine)
    state = new_cycle(COUNCIL, 2026, setup.roster, START, setup.vote_rule)
    paused, pause = execute(state, PauseCycleInput(actor="kushiro-board", reason="休校"), START)
    resumed, resume = execute(
        paused, ResumeCycleInput(actor="kushiro-board"), START + timedelta(days=1)
    )
    _, remind = execute(
        resumed, RemindInput(actor="kushiro-board", step=Step.DISCUSS), START + timedelta(days=1)
    )
    _record(clean_engine, pause)
    _record(clean_engine, remind)
    _record(clean_engine, resume)  # late
    cycle = _cycle(clean_engine)
    assert (cycle.paused_since, cycle.paused_reason) == (None, None)

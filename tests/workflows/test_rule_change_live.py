"""A cycle opened by the current workflow has every rule change on (its patch markers are
written), and task-dues-follow-pause works end to end: the workflow, the alerts it raises
and the store's projection of the tasks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from domain.commands import PauseCycleInput, ResumeCycleInput
from domain.model import Step
from domain.rule_changes import RULE_CHANGES
from domain.rules import execute
from tests.fuzz.commands import moving_on
from tests.fuzz.oracle import follow, settle
from tests.fuzz.projection import mismatches
from tests.fuzz.rig import Rig, rig_for, send_command, state_of


@pytest.fixture(scope="module")
def rig(engine: Engine) -> Iterator[Rig]:
    with rig_for(engine) as started:
        yield started


async def _paused_over_the_tasks_due_dates(rig: Rig) -> None:
    handle = await rig.open_cycle(2190)
    state = await state_of(handle)
    assert state.rule_changes == RULE_CHANGES
    while state.step is not Step.COORDINATE:
        assert (await send_command(handle, moving_on(state)[0])).accepted
        state = await state_of(handle)
    state, _ = await rig.settled(handle, settle(state, await rig.now()).accepted_commands)
    assert (await send_command(handle, PauseCycleInput(actor="f-board", reason="台風"))).accepted
    paused, _ = await rig.settled(handle, state.accepted_commands + 1)
    await rig.client_env.sleep(timedelta(days=3))  # past every task's overdue moment

    resume = ResumeCycleInput(actor="f-board")
    assert (await send_command(handle, resume)).accepted
    at = await rig.now()
    predicted = settle(execute(paused, resume, at).state, at)
    resumed, rows = await rig.settled(handle, predicted.accepted_commands)
    assert resumed == follow(paused, [resume], rows)
    # Every open task moved by the days paused (rounded up), so none is overdue: the
    # cycle raised no overdue notice on resuming.
    assert paused.paused is not None
    resumed_at = next(r.at for r in rows if r.action == "resume_cycle")
    days = timedelta(days=-(-(resumed_at - paused.paused.since) // timedelta(days=1)))
    assert days >= timedelta(days=3)
    assert [t.due_on for t in resumed.tasks] == [t.due_on + days for t in paused.tasks]
    assert not [key for key in resumed.alerts_sent if ":task_overdue:" in key]
    assert mismatches(rig.engine, resumed) == []


def test_a_pause_moves_open_tasks_in_a_cycle_the_current_workflow_opened(rig: Rig) -> None:
    rig.run(_paused_over_the_tasks_due_dates(rig))

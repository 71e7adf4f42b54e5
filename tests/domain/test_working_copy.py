"""``working_copy``: what the rules decide on must be changeable without touching the
state the workflow holds (the validator decides on the live state)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import BaseModel

from domain.base import Frozen, Step, working_copy
from domain.commands import EvaluateAimInput, PauseCycleInput
from domain.model import AimRating, Ballot, CycleState, Pause
from domain.rules import execute
from domain.tasks import TaskStatus
from tests.domain.builders import AFTER_ACTIVITIES, walk_to


def _everything_filled() -> CycleState:
    """A cycle at evaluate with meetings, a policy with ballots, a plan, tasks, activity
    records, an evaluation, due dates and a pause: every container holds something."""
    state = walk_to(Step.EVALUATE)
    state = execute(
        state,
        EvaluateAimInput(actor="chair", aim_id="read-1", rating=AimRating.MET),
        AFTER_ACTIVITIES,
    ).state
    state = execute(state, PauseCycleInput(actor="board", reason="台風"), AFTER_ACTIVITIES).state
    assert state.meetings and state.policies[-1].ballots and state.tasks
    assert state.activity_records and state.evaluations and state.due_dates
    return state


def test_the_copy_equals_the_original_and_shares_only_value_objects() -> None:
    state = _everything_filled()
    copy = working_copy(state)
    assert copy == state
    assert copy is not state
    # Mutable containers and models are new ...
    assert copy.policies is not state.policies
    assert copy.policies[-1] is not state.policies[-1]
    assert copy.policies[-1].ballots is not state.policies[-1].ballots
    assert copy.tasks[0] is not state.tasks[0]
    assert copy.due_dates is not state.due_dates
    # ... the value objects are shared: nothing can change them.
    assert copy.roster is state.roster
    assert copy.plan[0] is state.plan[0]
    assert copy.meetings[0] is state.meetings[0]


def test_changing_every_part_of_the_copy_leaves_the_original_as_it_was() -> None:
    state = _everything_filled()
    before = state.model_dump()
    copy = working_copy(state)
    copy.step = Step.CLOSED
    copy.meetings.clear()
    copy.policies[-1].ballots["m1"] = Ballot.REJECT
    copy.policies[-1].ballots.clear()
    copy.policies.append(copy.policies[-1])
    copy.plan.pop()
    copy.tasks[0].status = TaskStatus.WAIVED
    copy.tasks.pop()
    copy.steps_completed_by[Step.ACT] = "someone"
    copy.evaluations.clear()
    copy.carried_over.clear()
    copy.due_dates[Step.DISCUSS] = date(2030, 1, 1)
    copy.alerts_sent.append("x")
    copy.activity_records.clear()
    copy.paused = Pause(since=datetime(2030, 1, 1, tzinfo=UTC), reason="r", by="b")
    assert state.model_dump() == before


def test_a_field_it_cannot_copy_is_refused_loudly() -> None:
    class WithSet(BaseModel):
        members: set[str]

    with pytest.raises(TypeError, match="set"):
        working_copy(WithSet(members={"a"}))


def test_value_objects_hold_no_containers_a_command_could_edit() -> None:
    """Sharing is safe only while value objects hold nothing mutable; the one dict they
    hold (the deadline rules' table) is read and never written by the rules."""
    import domain.commands
    import domain.events
    import domain.model
    import domain.oversight
    import domain.task_alerts  # noqa: F401  (load every value object)

    def subclasses(cls: type[Frozen]) -> list[type[Frozen]]:
        return [s for c in cls.__subclasses__() for s in (c, *subclasses(c))]

    containers = {
        f"{cls.__name__}.{name}"
        for cls in subclasses(Frozen)
        for name, field in cls.model_fields.items()
        if any(word in str(field.annotation) for word in ("dict", "list", "set"))
    }
    assert containers == {"DeadlineRules.due"}

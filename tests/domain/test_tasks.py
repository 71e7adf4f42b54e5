"""Coordination tasks and activity records in the pure core."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.commands import (
    CancelActivityInput,
    ClaimTaskInput,
    Command,
    CompleteTaskInput,
    ReassignTaskInput,
    RecordActivityInput,
    SubmitPlanInput,
    WaiveTaskInput,
)
from domain.model import Aim, CycleState, PlannedActivity, Step
from domain.refusals import Refusal
from domain.rules import execute, fire_task_alert
from domain.task_alerts import TaskAlert, TaskAlertKind, pending_task_alert, task_alert_command
from domain.tasks import CancelReason, PlannedTask, TaskStatus
from tests.domain.builders import AFTER_ACTIVITIES, ROSTER, at, walk_to

THREE = (
    PlannedActivity(
        activity_id="read",
        title="読み聞かせ",
        kind="reading",
        planned_on=date(2026, 6, 10),
        aims=(Aim(aim_id="read-1", text="本に親しむ"),),
    ),
    PlannedActivity(
        activity_id="watch",
        title="登下校見守り",
        kind="patrol",
        planned_on=date(2026, 4, 10),
        aims=(Aim(aim_id="watch-1", text="安全な登下校"),),
    ),
    PlannedActivity(
        activity_id="dance",
        title="郷土芸能（伝統舞踊）",
        kind="dance",
        planned_on=date(2026, 11, 3),
        aims=(Aim(aim_id="dance-1", text="地域の伝統を知る"),),
    ),
)


def submitted(activities: tuple[PlannedActivity, ...] = THREE) -> CycleState:
    return execute(
        walk_to(Step.PLAN), SubmitPlanInput(actor="coord", activities=activities), at(50)
    ).state


def run(state: CycleState, command: Command) -> CycleState:
    return execute(state, command, at(60)).state


def refused(state: CycleState, command: Command) -> Refusal:
    with pytest.raises(Refusal) as caught:
        execute(state, command, AFTER_ACTIVITIES)
    return caught.value


def test_each_activity_brings_its_kinds_checklist_owned_round_robin() -> None:
    state = submitted()
    assert state.step is Step.COORDINATE
    assert [(t.task_id, t.title) for t in state.tasks] == [
        ("read-t1", "読み手の募集"), ("read-t2", "図書の準備"), ("read-t3", "保険の手配"),
        ("watch-t1", "見守り当番表の作成"), ("watch-t2", "保険の手配"),
        ("dance-t1", "会場（公民館）の予約"), ("dance-t2", "ボランティアの募集"),
        ("dance-t3", "保険の手配"), ("dance-t4", "用具の準備"),
    ]  # fmt: skip
    assert [t.owner for t in state.tasks[:4]] == ["coord", "coord-member", "coord", "coord-member"]
    assert all(t.status is TaskStatus.OPEN and not t.claimed for t in state.tasks)


def test_due_dates_lead_the_activity_capped_by_the_step_and_not_before_the_plan() -> None:
    state = submitted()
    due = {t.activity_id: t.due_on for t in state.tasks}
    assert due["read"] == date(2026, 5, 27)  # 14 days before 10 June
    assert due["watch"] == date(2026, 4, 1)  # would be 27 March: the plan came on 1 April
    assert due["dance"] == date(2026, 7, 31)  # capped by the coordinate step's due date


def test_submitting_the_plan_tells_each_owner_once() -> None:
    decision = execute(walk_to(Step.PLAN), SubmitPlanInput(actor="coord", activities=THREE), at(50))
    assigned = [n for n in decision.event.notices if n.template == "task_assigned"]
    assert [n.recipients for n in assigned] == [("coord",), ("coord-member",)]
    assert assigned[0].params["task_id"].startswith("read-t1, read-t3")
    assert assigned[0].params["due"] == "2026-04-01"
    assert len(decision.event.tasks) == 9


def test_a_plan_may_replace_the_checklist_and_name_owners() -> None:
    custom = THREE[0].model_copy(
        update={
            "tasks": (
                PlannedTask(title="絵本の選定", owner="chief", due_on=date(2026, 5, 1)),
                PlannedTask(title="保険の手配"),
            )
        }
    )
    state = submitted((custom,))
    assert [(t.title, t.owner, t.due_on) for t in state.tasks] == [
        ("絵本の選定", "chief", date(2026, 5, 1)),
        ("保険の手配", "coord", date(2026, 5, 27)),
    ]
    stranger = custom.model_copy(update={"tasks": (PlannedTask(title="x", owner="m1"),)})
    with pytest.raises(Refusal) as caught:
        submitted((stranger,))
    assert caught.value.code == "task_owner_not_coordinator"


def test_claim_takes_an_unowned_task_or_confirms_ones_own_but_not_anothers() -> None:
    custom = THREE[0].model_copy(update={"tasks": (PlannedTask(title="a"), PlannedTask(title="b"))})
    state = submitted((custom,))
    state = run(state, ClaimTaskInput(actor="coord", task_id="read-t1"))
    assert state.tasks[0].claimed
    assert refused(state, ClaimTaskInput(actor="coord", task_id="read-t1")).code == (
        "task_already_claimed"
    )
    refusal = refused(state, ClaimTaskInput(actor="coord", task_id="read-t2"))
    assert refusal.code == "task_owned_by_other"
    assert "統括コーディネーター" in refusal.message()


def test_only_the_owner_or_the_chief_completes_and_the_chief_or_board_reassigns() -> None:
    state = submitted()
    assert refused(
        state, CompleteTaskInput(actor="coord", task_id="read-t2", outcome="x")
    ).code == ("task_not_yours")
    state = run(state, CompleteTaskInput(actor="chief", task_id="read-t2", outcome="図書館と調整"))
    assert state.task("read-t2").status is TaskStatus.COMPLETED  # type: ignore[union-attr]
    move = ReassignTaskInput(actor="coord", task_id="read-t1", new_owner="coord-member")
    assert refused(state, move).code == "role_required"
    not_coordinator = move.model_copy(update={"actor": "chief", "new_owner": "m1"})
    assert refused(state, not_coordinator).code == "task_owner_not_coordinator"
    decision = execute(state, move.model_copy(update={"actor": "board"}), at(70))
    task = decision.state.task("read-t1")
    assert task is not None and task.owner == "coord-member" and not task.claimed
    (notice,) = decision.event.notices
    assert notice.template == "task_assigned" and notice.recipients == ("coord-member",)
    assert notice.params["task_id"] == "read-t1" and notice.params["title"] == "読み手の募集"
    assert decision.event.tasks == (task,)


def test_waiving_needs_a_reason_and_the_owner_chief_or_board() -> None:
    state = submitted()
    other = WaiveTaskInput(actor="coord-member", task_id="read-t1", reason="不要")
    assert refused(state, other).code == "task_not_yours"
    state = run(state, WaiveTaskInput(actor="board", task_id="read-t1", reason="学校が手配済み"))
    task = state.task("read-t1")
    assert task is not None and task.status is TaskStatus.WAIVED
    assert task.waive_reason == "学校が手配済み"
    closed = refused(state, CompleteTaskInput(actor="coord", task_id="read-t1", outcome="x"))
    assert closed.message() == "タスク read-t1 はすでに終わっています（不要）"


def _close_everything(state: CycleState) -> CycleState:
    for task in state.tasks:
        if task.is_open:
            state = run(state, CompleteTaskInput(actor="chief", task_id=task.task_id, outcome="済"))
    return state


def test_act_records_attendance_or_cancellation_then_closes_itself() -> None:
    state = _close_everything(submitted())
    assert state.step is Step.ACT
    record = RecordActivityInput(
        actor="coord",
        activity_id="read",
        held_on=date(2026, 6, 10),
        children=23,
        volunteer_ids=("v-1", "v-2", "v-1"),
        notes="低学年向け",
    )
    state = execute(state, record, AFTER_ACTIVITIES).state
    assert state.activity_records["read"].volunteer_ids == ("v-1", "v-2")
    assert refused(state, record).code == "activity_already_recorded"
    future = record.model_copy(update={"activity_id": "dance", "held_on": date(2026, 11, 3)})
    assert refused(state, future).code == "held_in_future"
    cancel = CancelActivityInput(actor="coord", activity_id="watch", reason=CancelReason.WEATHER)
    state = execute(state, cancel, AFTER_ACTIVITIES).state
    assert state.step is Step.ACT
    last = CancelActivityInput(actor="coord", activity_id="dance", reason=CancelReason.DISASTER)
    decision = execute(state, last, AFTER_ACTIVITIES)
    assert decision.state.step is Step.EVALUATE
    assert decision.event.step_after is Step.EVALUATE
    assert [n.template for n in decision.event.notices] == ["step_opened"]


# A random sequence of task commands by anyone: coordinate is at act exactly when no task
# is open, and every reassignment that went through was made by the chief or the board.
task_ids = st.sampled_from(["read-t1", "read-t2", "read-t3", "watch-t1", "watch-t2", "nope"])
anyone = st.sampled_from([*ROSTER.everyone(), "stranger"])
task_commands = st.one_of(
    st.builds(ClaimTaskInput, actor=anyone, task_id=task_ids),
    st.builds(CompleteTaskInput, actor=anyone, task_id=task_ids, outcome=st.just("済")),
    st.builds(WaiveTaskInput, actor=anyone, task_id=task_ids, reason=st.just("不要")),
    st.builds(ReassignTaskInput, actor=anyone, task_id=task_ids, new_owner=anyone),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(task_commands, max_size=60))
def test_coordinate_closes_exactly_when_the_last_task_ends(script: list[Command]) -> None:
    state = submitted(THREE[:2])
    for command in script:
        before = state.model_dump()
        try:
            decision = execute(state, command, at(60))
        except Refusal:
            continue
        finally:
            assert state.model_dump() == before, "deciding changed the state decided on"
        after = decision.state
        assert (after.step is Step.ACT) == all(not t.is_open for t in after.tasks)
        if command.kind == "reassign_task":
            assert {"chief_coordinator", "board_admin"} & set(ROSTER.roles_of(command.actor))
        if isinstance(command, CompleteTaskInput):
            closed = after.task(command.task_id)
            assert closed is not None and closed.closed_by == command.actor
        state = after


def test_task_owners_are_reminded_the_day_before_and_told_when_overdue() -> None:
    state = submitted(THREE[:2])  # read due 27 May; watch due 1 April (the plan's day)
    first = pending_task_alert(state)
    assert first is not None
    assert (first.task_id, first.kind) == ("watch-t1", TaskAlertKind.REMINDER)
    decision = fire_task_alert(state, first, at(61))
    (notice,) = decision.event.notices
    assert notice.template == "task_reminder"
    assert notice.recipients == (state.task("watch-t1").owner,)  # type: ignore[union-attr]
    assert notice.params == {
        "task_id": "watch-t1",
        "title": "見守り当番表の作成",
        "due": "2026-04-01",
        "step": "coordinate",
    }
    state = decision.state
    # The other watch task's reminder, then the overdue notices the morning after.
    kinds = []
    while (alert := pending_task_alert(state)) is not None and alert.due == date(2026, 4, 1):
        decision = fire_task_alert(state, alert, alert.at)
        kinds.append((alert.task_id, alert.kind, decision.event.notices[0].recipients))
        state = decision.state
    assert kinds == [
        ("watch-t2", TaskAlertKind.REMINDER, ("coord",)),
        ("watch-t1", TaskAlertKind.OVERDUE, ("coord-member", "chief")),
        ("watch-t2", TaskAlertKind.OVERDUE, ("coord", "chief")),
    ]
    # A task done before its reminder is never chased.
    done = run(state, CompleteTaskInput(actor="coord", task_id="read-t1", outcome="済"))
    assert done.task("read-t1").owner == "coord"  # type: ignore[union-attr]
    remaining = {a.task_id for a in _all_pending(done)}
    assert "read-t1" not in remaining and "read-t2" in remaining
    with pytest.raises(Refusal) as caught:
        execute(state, task_alert_command(alert, "coord"), at(70))  # type: ignore[arg-type]
    assert caught.value.code == "system_only"


def _all_pending(state: CycleState) -> list[TaskAlert]:
    found = []
    while (alert := pending_task_alert(state)) is not None:
        found.append(alert)
        state = fire_task_alert(state, alert, alert.at).state
    return found

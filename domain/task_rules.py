"""The rules of coordination tasks and activity records, merged into ``domain.rules``.

Who may do what (decided here, see the README of the tasks feature):

- claim: a coordinator (or the chief) takes an unassigned task, or confirms one assigned
  to them. Someone else's task is not taken by claiming: the chief reassigns it.
- complete: the task's owner, or the chief coordinator, with an outcome.
- reassign: the chief coordinator or the board of education only; the new owner must be
  a coordinator (or the chief) on the council's roster.
- waive: the owner, the chief coordinator or the board, with a reason.
- record / cancel an activity: a coordinator or the chief, in the act step.

Coordinate closes by itself when its last task is completed or waived; act closes by
itself when its last activity is recorded or cancelled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

from domain.base import Role, Step, next_step
from domain.command_table import CommandRule, Effects
from domain.commands import (
    CancelActivityInput,
    ClaimTaskInput,
    Command,
    CompleteTaskInput,
    ReassignTaskInput,
    RecordActivityInput,
    WaiveTaskInput,
)
from domain.events import Change, Notice
from domain.japan_time import JAPAN
from domain.model import CycleState, PlannedActivity, Roster
from domain.refusals import Refusal
from domain.tasks import (
    ActivityOutcome,
    ActivityRecord,
    CoordinationTask,
    PlannedTask,
    TaskStatus,
    all_closed,
    checklist,
    default_due,
    task_id,
)

#: Who may hold a task: the council's coordinators and the chief coordinator.
TASK_HOLDERS: frozenset[Role] = frozenset({Role.COORDINATOR, Role.CHIEF_COORDINATOR})
#: Who oversees every task of the councils they support.
TASK_OVERSEERS: frozenset[Role] = frozenset({Role.CHIEF_COORDINATOR, Role.BOARD_ADMIN})

#: Steps that close by themselves and so refuse ``complete_step``.
SELF_CLOSING_STEPS: frozenset[Step] = frozenset({Step.COORDINATE, Step.ACT})

UNASSIGNED = "未割当"


# --- creating the tasks when the plan is submitted -----------------------------------


def planned_tasks(
    roster: Roster, activities: Sequence[PlannedActivity]
) -> Iterator[tuple[PlannedActivity, str, PlannedTask, str | None]]:
    """Every activity's checklist as ``(activity, task id, planned task, owner)``. Owners not
    named in the plan go round the council's coordinators in roster order (``None`` when
    the council has none)."""
    coordinators = roster.holders_of(Role.COORDINATOR)
    turn = 0  # the round robin skips tasks whose owner the plan names
    for activity in activities:
        for number, planned in enumerate(checklist(activity.kind, activity.tasks), start=1):
            owner = planned.owner
            if owner is None and coordinators:
                owner = coordinators[turn % len(coordinators)]
                turn += 1
            yield activity, task_id(activity.activity_id, number), planned, owner


def create_tasks(
    state: CycleState, activities: Sequence[PlannedActivity], at: datetime
) -> list[CoordinationTask]:
    """Every activity's checklist as tasks (``planned_tasks``); due dates not named follow
    ``default_due``. An owner the plan names must hold a task role."""
    holders = set(state.roster.holders_of(*TASK_HOLDERS))
    submitted_on = at.astimezone(JAPAN).date()
    coordinate_due = state.due_dates.get(Step.COORDINATE)
    tasks: list[CoordinationTask] = []
    for activity, ident, planned, owner in planned_tasks(state.roster, activities):
        if planned.owner is not None and planned.owner not in holders:
            raise Refusal("task_owner_not_coordinator", owner=planned.owner, task_id=ident)
        tasks.append(
            CoordinationTask(
                task_id=ident,
                activity_id=activity.activity_id,
                title=planned.title,
                owner=owner,
                due_on=planned.due_on
                or default_due(activity.planned_on, coordinate_due, submitted_on),
            )
        )
    return tasks


def assigned_notices(tasks: Sequence[CoordinationTask]) -> tuple[Notice, ...]:
    """One ``task_assigned`` notice per owner. Several tasks of one owner go in a single
    notice (ids and titles joined, the earliest due date): a notice is delivered once per
    event, template and recipient."""
    by_owner: dict[str, list[CoordinationTask]] = {}
    for task in tasks:
        if task.owner is not None:
            by_owner.setdefault(task.owner, []).append(task)
    return tuple(
        Notice(
            template="task_assigned",
            recipients=(owner,),
            params={
                "task_id": ", ".join(t.task_id for t in owned),
                "title": "、".join(t.title for t in owned),
                "due": min(t.due_on for t in owned).isoformat(),
                "step": Step.COORDINATE.value,
                "count": str(len(owned)),
            },
        )
        for owner, owned in by_owner.items()
    )


def refuse_complete_step(step: Step) -> None:
    """``complete_step`` on a step that closes by itself is refused with the reason."""
    if step in SELF_CLOSING_STEPS:
        raise Refusal("step_closes_itself", step=step)


# --- what must hold of a task before a command touches it ---------------------------


def _open_task(state: CycleState, ident: str) -> CoordinationTask:
    task = state.task(ident)
    if task is None:
        raise Refusal("unknown_task", task_id=ident)
    if not task.is_open:
        raise Refusal("task_closed", task_id=ident, status=task.status)
    return task


def _some_task_open(state: CycleState, actor: str) -> None:
    """A task command needs an open task to act on."""
    if not any(t.is_open for t in state.tasks):
        raise Refusal("no_open_task")


def _claimable(state: CycleState, task: CoordinationTask, actor: str) -> None:
    """An unassigned task, or one assigned to ``actor`` and not yet confirmed."""
    if task.owner not in (None, actor):
        raise Refusal("task_owned_by_other", task_id=task.task_id, owner=task.owner or "")
    if task.claimed:
        raise Refusal("task_already_claimed", task_id=task.task_id)


def _completable(state: CycleState, task: CoordinationTask, actor: str) -> None:
    """The task's owner, or the chief coordinator."""
    if task.owner != actor and Role.CHIEF_COORDINATOR not in state.roster.roles_of(actor):
        raise Refusal("task_not_yours", task_id=task.task_id, owner=task.owner or UNASSIGNED)


def _check_owner_or_overseer(state: CycleState, task: CoordinationTask, actor: str) -> None:
    """The task's owner, or one who oversees every task (waiving)."""
    if task.owner == actor or state.roster.roles_of(actor) & TASK_OVERSEERS:
        return
    raise Refusal("task_not_yours", task_id=task.task_id, owner=task.owner or UNASSIGNED)


def _any_holder(state: CycleState, task: CoordinationTask, actor: str) -> None:
    """Nothing more of the task (reassigning: the new owner is checked by the handler)."""


TaskGuard = Callable[[CycleState, CoordinationTask, str], None]

#: What must hold of one open task before ``actor`` may give each task command on it.
TASK_GUARDS: dict[str, TaskGuard] = {
    "claim_task": _claimable,
    "complete_task": _completable,
    "reassign_task": _any_holder,
    "waive_task": _check_owner_or_overseer,
}


def _task_for(state: CycleState, kind: str, ident: str, actor: str) -> CoordinationTask:
    task = _open_task(state, ident)
    TASK_GUARDS[kind](state, task, actor)
    return task


def task_refusal(state: CycleState, kind: str, task: CoordinationTask, actor: str) -> None:
    """Raise the ``Refusal`` the rules give ``actor``'s ``kind`` on ``task``, if any
    (besides role, step and pause, which ``domain.rules`` checks)."""
    _task_for(state, kind, task.task_id, actor)


# --- one handler per command ----------------------------------------------------------


def _close_coordinate_if_done(state: CycleState, actor: str) -> None:
    if all_closed(state.tasks):
        state.steps_completed_by[Step.COORDINATE] = actor
        state.step = next_step(state.step)


def _claim(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, ClaimTaskInput)
    task = _task_for(state, cmd.kind, cmd.task_id, cmd.actor)
    before = task.owner
    task.owner = cmd.actor
    task.claimed = True
    return (Change(field=f"task_owner:{task.task_id}", before=before, after=cmd.actor),), ()


def _complete(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, CompleteTaskInput)
    task = _task_for(state, cmd.kind, cmd.task_id, cmd.actor)
    task.status = TaskStatus.COMPLETED
    task.outcome = cmd.outcome
    task.closed_by = cmd.actor
    task.closed_at = at
    _close_coordinate_if_done(state, cmd.actor)
    return (Change(field=f"task:{task.task_id}", before="open", after="completed"),), ()


def _waive(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, WaiveTaskInput)
    task = _task_for(state, cmd.kind, cmd.task_id, cmd.actor)
    task.status = TaskStatus.WAIVED
    task.waive_reason = cmd.reason
    task.closed_by = cmd.actor
    task.closed_at = at
    _close_coordinate_if_done(state, cmd.actor)
    return (Change(field=f"task:{task.task_id}", before="open", after="waived"),), ()


def _reassign(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, ReassignTaskInput)
    task = _task_for(state, cmd.kind, cmd.task_id, cmd.actor)
    if not state.roster.roles_of(cmd.new_owner) & TASK_HOLDERS:
        raise Refusal("task_owner_not_coordinator", owner=cmd.new_owner, task_id=task.task_id)
    if task.owner == cmd.new_owner:
        raise Refusal("task_same_owner", task_id=task.task_id, owner=cmd.new_owner)
    before = task.owner
    task.owner = cmd.new_owner
    task.claimed = False
    change = Change(field=f"task_owner:{task.task_id}", before=before, after=cmd.new_owner)
    return (change,), assigned_notices([task])


def _recordable(state: CycleState, activity_id: str) -> PlannedActivity:
    activity = state.activity(activity_id)
    if activity is None:
        raise Refusal("unknown_activity", activity_id=activity_id)
    if activity_id in state.activity_records:
        outcome = state.activity_records[activity_id].outcome
        raise Refusal("activity_already_recorded", activity_id=activity_id, outcome=outcome)
    return activity


def _close_act_if_done(state: CycleState, actor: str) -> None:
    if all(a.activity_id in state.activity_records for a in state.plan):
        state.steps_completed_by[Step.ACT] = actor
        state.step = next_step(state.step)


def _record_activity(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, RecordActivityInput)
    _recordable(state, cmd.activity_id)
    today = at.astimezone(JAPAN).date()
    if cmd.held_on > today:
        raise Refusal("held_in_future", held_on=cmd.held_on.isoformat(), today=today.isoformat())
    state.activity_records[cmd.activity_id] = ActivityRecord(
        activity_id=cmd.activity_id,
        outcome=ActivityOutcome.HELD,
        held_on=cmd.held_on,
        children=cmd.children,
        volunteer_ids=tuple(dict.fromkeys(cmd.volunteer_ids)),
        notes=cmd.notes,
        recorded_by=cmd.actor,
        recorded_at=at,
    )
    _close_act_if_done(state, cmd.actor)
    return (Change(field=f"activity:{cmd.activity_id}", before=None, after="held"),), ()


def _cancel_activity(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, CancelActivityInput)
    _recordable(state, cmd.activity_id)
    state.activity_records[cmd.activity_id] = ActivityRecord(
        activity_id=cmd.activity_id,
        outcome=ActivityOutcome.CANCELLED,
        notes=cmd.notes,
        cancel_reason=cmd.reason,
        recorded_by=cmd.actor,
        recorded_at=at,
    )
    _close_act_if_done(state, cmd.actor)
    change = Change(field=f"activity:{cmd.activity_id}", before=None, after="cancelled")
    return (change,), ()


_HOLDERS_OR_OVERSEERS = TASK_HOLDERS | TASK_OVERSEERS

TASK_RULES: dict[str, CommandRule] = {
    "claim_task": CommandRule(TASK_HOLDERS, Step.COORDINATE, _claim, _some_task_open),
    "complete_task": CommandRule(TASK_HOLDERS, Step.COORDINATE, _complete, _some_task_open),
    "reassign_task": CommandRule(TASK_OVERSEERS, Step.COORDINATE, _reassign, _some_task_open),
    "waive_task": CommandRule(_HOLDERS_OR_OVERSEERS, Step.COORDINATE, _waive, _some_task_open),
    "record_activity": CommandRule(TASK_HOLDERS, Step.ACT, _record_activity),
    "cancel_activity": CommandRule(TASK_HOLDERS, Step.ACT, _cancel_activity),
}


def changed_tasks(before: CycleState, after: CycleState) -> tuple[CoordinationTask, ...]:
    """The tasks a command created or changed, as they are after it: the event carries
    them so that the store's projection records what the rules decided."""
    old = {t.task_id: t for t in before.tasks}
    return tuple(t for t in after.tasks if old.get(t.task_id) != t)

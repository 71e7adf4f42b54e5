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

Effects = tuple[tuple[Change, ...], tuple[Notice, ...]]

#: Who may hold a task: the council's coordinators and the chief coordinator.
TASK_HOLDERS: frozenset[Role] = frozenset({Role.COORDINATOR, Role.CHIEF_COORDINATOR})
#: Who oversees every task of the councils they support.
TASK_OVERSEERS: frozenset[Role] = frozenset({Role.CHIEF_COORDINATOR, Role.BOARD_ADMIN})

TASK_PERMISSIONS: dict[str, frozenset[Role]] = {
    "claim_task": TASK_HOLDERS,
    "complete_task": TASK_HOLDERS,
    "reassign_task": TASK_OVERSEERS,
    "waive_task": TASK_HOLDERS | TASK_OVERSEERS,
    "record_activity": TASK_HOLDERS,
    "cancel_activity": TASK_HOLDERS,
    "task_alert": frozenset(),  # raised by the cycle itself, never by a person
}

TASK_STEPS: dict[str, Step | None] = {
    "claim_task": Step.COORDINATE,
    "complete_task": Step.COORDINATE,
    "reassign_task": Step.COORDINATE,
    "waive_task": Step.COORDINATE,
    "record_activity": Step.ACT,
    "cancel_activity": Step.ACT,
    "task_alert": Step.COORDINATE,
}

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


# --- one handler per command ----------------------------------------------------------


def _open_task(state: CycleState, ident: str) -> CoordinationTask:
    task = state.task(ident)
    if task is None:
        raise Refusal("unknown_task", task_id=ident)
    if not task.is_open:
        raise Refusal("task_closed", task_id=ident, status=task.status)
    return task


def _check_owner_or_overseer(state: CycleState, task: CoordinationTask, actor: str) -> None:
    if task.owner == actor or state.roster.roles_of(actor) & TASK_OVERSEERS:
        return
    raise Refusal("task_not_yours", task_id=task.task_id, owner=task.owner or UNASSIGNED)


def _close_coordinate_if_done(state: CycleState, actor: str) -> None:
    if all_closed(state.tasks):
        state.steps_completed_by[Step.COORDINATE] = actor
        state.step = next_step(state.step)


def _claim(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, ClaimTaskInput)
    task = _open_task(state, cmd.task_id)
    if task.owner not in (None, cmd.actor):
        raise Refusal("task_owned_by_other", task_id=task.task_id, owner=task.owner or "")
    if task.claimed:
        raise Refusal("task_already_claimed", task_id=task.task_id)
    before = task.owner
    task.owner = cmd.actor
    task.claimed = True
    return (Change(field=f"task_owner:{task.task_id}", before=before, after=cmd.actor),), ()


def _complete(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, CompleteTaskInput)
    task = _open_task(state, cmd.task_id)
    if task.owner != cmd.actor and Role.CHIEF_COORDINATOR not in state.roster.roles_of(cmd.actor):
        raise Refusal("task_not_yours", task_id=task.task_id, owner=task.owner or UNASSIGNED)
    task.status = TaskStatus.COMPLETED
    task.outcome = cmd.outcome
    task.closed_by = cmd.actor
    task.closed_at = at
    _close_coordinate_if_done(state, cmd.actor)
    return (Change(field=f"task:{task.task_id}", before="open", after="completed"),), ()


def _waive(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, WaiveTaskInput)
    task = _open_task(state, cmd.task_id)
    _check_owner_or_overseer(state, task, cmd.actor)
    task.status = TaskStatus.WAIVED
    task.waive_reason = cmd.reason
    task.closed_by = cmd.actor
    task.closed_at = at
    _close_coordinate_if_done(state, cmd.actor)
    return (Change(field=f"task:{task.task_id}", before="open", after="waived"),), ()


def _reassign(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, ReassignTaskInput)
    task = _open_task(state, cmd.task_id)
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


TASK_HANDLERS: dict[str, Callable[[CycleState, Command, datetime], Effects]] = {
    "claim_task": _claim,
    "complete_task": _complete,
    "reassign_task": _reassign,
    "waive_task": _waive,
    "record_activity": _record_activity,
    "cancel_activity": _cancel_activity,
}


def changed_tasks(before: CycleState, after: CycleState) -> tuple[CoordinationTask, ...]:
    """The tasks a command created or changed, as they are after it: the event carries
    them so that the store's projection records what the rules decided."""
    old = {t.task_id: t for t in before.tasks}
    return tuple(t for t in after.tasks if old.get(t.task_id) != t)

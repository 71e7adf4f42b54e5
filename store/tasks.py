"""Coordination tasks and activity records: projected from the cycle's events, and read
back for the people who do the work.

The rules put every task a command created or changed, as it stands after the command,
in the event (``CycleEvent.tasks``); the projection copies that, so the table says what
the workflow decided.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Connection, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session

from domain.commands import CancelActivityInput, RecordActivityInput
from domain.events import CycleEvent
from domain.tasks import ActivityOutcome, CancelReason, TaskStatus
from store._rows import table
from store.errors import NotFound
from store.models import Council, CouncilMember, Cycle, MunicipalityStaff, Person, PlanActivityRow
from store.task_models import ActivityRecordRow, ActivityRecordVolunteer, TaskRow

#: Staff roles that see every task of their municipality's councils.
OVERSEEING_STAFF = ("chief_coordinator", "board_admin")


_TASKS, _RECORDS = table(TaskRow), table(ActivityRecordRow)
_RECORD_VOLUNTEERS = table(ActivityRecordVolunteer)
_FIND_TASKS = select(_TASKS.c.id, _TASKS.c.task_id, _TASKS.c.event_seq).where(
    _TASKS.c.cycle_id == bindparam("cycle_id"),
    _TASKS.c.task_id.in_(bindparam("task_ids", expanding=True)),
)


def project_tasks(connection: Connection, cycle_id: int, event: CycleEvent) -> None:
    """Write the tasks and the activity record ``event`` carries (plain statements on the
    recording transaction's connection, as ``store.projections``)."""
    if event.tasks:
        found = {
            row.task_id: row
            for row in connection.execute(
                _FIND_TASKS,
                {"cycle_id": cycle_id, "task_ids": [t.task_id for t in event.tasks]},
            )
        }
        new = []
        for task in event.tasks:
            values = {
                "activity_id": task.activity_id,
                "title": task.title,
                "owner_id": task.owner,
                "due_on": task.due_on,
                "status": task.status.value,
                "claimed": task.claimed,
                "outcome": task.outcome,
                "waive_reason": task.waive_reason,
                "closed_by": task.closed_by,
                "closed_at": task.closed_at,
                "event_seq": event.seq,
            }
            row = found.get(task.task_id)
            if row is None:
                new.append({"cycle_id": cycle_id, "task_id": task.task_id, **values})
            elif row.event_seq < event.seq:
                # Events may be recorded out of order: only a later event's state wins.
                connection.execute(update(_TASKS).where(_TASKS.c.id == row.id).values(values))
        if new:
            connection.execute(insert(_TASKS), new)
    command = event.command
    if isinstance(command, RecordActivityInput | CancelActivityInput):
        _project_record(connection, cycle_id, event, command)


def _project_record(
    connection: Connection,
    cycle_id: int,
    event: CycleEvent,
    command: RecordActivityInput | CancelActivityInput,
) -> None:
    held = isinstance(command, RecordActivityInput)
    record_id = connection.scalar(
        insert(_RECORDS).returning(_RECORDS.c.id),
        {
            "cycle_id": cycle_id,
            "activity_id": command.activity_id,
            "outcome": (ActivityOutcome.HELD if held else ActivityOutcome.CANCELLED).value,
            "held_on": command.held_on if isinstance(command, RecordActivityInput) else None,
            "children": command.children if isinstance(command, RecordActivityInput) else None,
            "notes": command.notes,
            "cancel_reason": (
                command.reason.value if isinstance(command, CancelActivityInput) else None
            ),
            "recorded_by": command.actor,
            "recorded_at": event.at,
        },
    )
    if isinstance(command, RecordActivityInput) and command.volunteer_ids:
        connection.execute(
            insert(_RECORD_VOLUNTEERS),
            [
                {"record_id": record_id, "volunteer_id": volunteer_id}
                for volunteer_id in dict.fromkeys(command.volunteer_ids)
            ],
        )


# --- readers -------------------------------------------------------------------------


class TaskView(BaseModel):
    """One coordination task, for a to-do list."""

    model_config = ConfigDict(frozen=True)

    council_id: str
    council_name: str
    fiscal_year: int
    task_id: str
    activity_id: str
    activity_title: str
    title: str
    owner_id: str | None
    due_on: date
    status: TaskStatus
    claimed: bool
    outcome: str | None
    waive_reason: str | None
    closed_by: str | None
    closed_at: datetime | None


class ActivityRecordView(BaseModel):
    """What became of one activity, with the ids of the volunteers who came."""

    model_config = ConfigDict(frozen=True)

    activity_id: str
    outcome: ActivityOutcome
    held_on: date | None
    children: int | None
    volunteer_ids: tuple[str, ...]
    notes: str
    cancel_reason: CancelReason | None
    recorded_by: str
    recorded_at: datetime


def visible_councils(session: Session, person_id: str) -> list[str]:
    """The councils whose tasks ``person_id`` sees: every council of the municipality for
    the chief coordinator and the board, the councils they coordinate otherwise."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"'{person_id}' は登録されていません")
    staff_of = session.scalars(
        select(MunicipalityStaff.municipality_id).where(
            MunicipalityStaff.person_id == person_id,
            MunicipalityStaff.role.in_(OVERSEEING_STAFF),
        )
    ).all()
    query = select(Council.id).where(
        or_(
            Council.municipality_id.in_(staff_of),
            Council.id.in_(
                select(CouncilMember.council_id).where(
                    CouncilMember.person_id == person_id, CouncilMember.role == "coordinator"
                )
            ),
        )
    )
    return list(session.scalars(query.order_by(Council.id)))


def tasks_for(
    session: Session,
    person_id: str,
    fiscal_year: int | None = None,
    open_only: bool = False,
) -> list[TaskView]:
    """The tasks ``person_id`` should see (see ``visible_councils``; plus any task they
    own elsewhere), by due date. ``NotFound`` if the person is unknown."""
    councils = visible_councils(session, person_id)
    query = (
        select(TaskRow, Cycle, Council.name, PlanActivityRow.title)
        .join(Cycle, Cycle.id == TaskRow.cycle_id)
        .join(Council, Council.id == Cycle.council_id)
        .join(
            PlanActivityRow,
            (PlanActivityRow.cycle_id == TaskRow.cycle_id)
            & (PlanActivityRow.activity_id == TaskRow.activity_id),
        )
        .where(or_(Cycle.council_id.in_(councils), TaskRow.owner_id == person_id))
    )
    if fiscal_year is not None:
        query = query.where(Cycle.fiscal_year == fiscal_year)
    if open_only:
        query = query.where(TaskRow.status == TaskStatus.OPEN.value)
    rows = session.execute(
        query.order_by(TaskRow.due_on, Cycle.council_id, Cycle.fiscal_year, TaskRow.id)
    )
    return [
        TaskView(
            council_id=cycle.council_id,
            council_name=council_name,
            fiscal_year=cycle.fiscal_year,
            task_id=task.task_id,
            activity_id=task.activity_id,
            activity_title=activity_title,
            title=task.title,
            owner_id=task.owner_id,
            due_on=task.due_on,
            status=TaskStatus(task.status),
            claimed=task.claimed,
            outcome=task.outcome,
            waive_reason=task.waive_reason,
            closed_by=task.closed_by,
            closed_at=task.closed_at,
        )
        for task, cycle, council_name, activity_title in rows
    ]


def activity_records(
    session: Session, council_id: str, fiscal_year: int
) -> list[ActivityRecordView]:
    """The records of the council's activities in ``fiscal_year``, in plan order."""
    rows = session.execute(
        select(ActivityRecordRow)
        .join(Cycle, Cycle.id == ActivityRecordRow.cycle_id)
        .join(
            PlanActivityRow,
            (PlanActivityRow.cycle_id == ActivityRecordRow.cycle_id)
            & (PlanActivityRow.activity_id == ActivityRecordRow.activity_id),
        )
        .where(Cycle.council_id == council_id, Cycle.fiscal_year == fiscal_year)
        .order_by(PlanActivityRow.position)
    ).scalars()
    views = []
    for row in rows:
        volunteers = session.scalars(
            select(ActivityRecordVolunteer.volunteer_id)
            .where(ActivityRecordVolunteer.record_id == row.id)
            .order_by(ActivityRecordVolunteer.volunteer_id)
        )
        views.append(
            ActivityRecordView(
                activity_id=row.activity_id,
                outcome=ActivityOutcome(row.outcome),
                held_on=row.held_on,
                children=row.children,
                volunteer_ids=tuple(volunteers),
                notes=row.notes,
                cancel_reason=None
                if row.cancel_reason is None
                else CancelReason(row.cancel_reason),
                recorded_by=row.recorded_by,
                recorded_at=row.recorded_at,
            )
        )
    return views

"""Projection of accepted commands into the cycle's domain tables.

The rules (``domain.rules``) describe what a command did in the event's ``changes`` and
``notices``; this module reads the numbers it needs (meeting number, policy version, the
tally) from there rather than recomputing them, so the tables say what the workflow decided.

Plain SQL statements on the recording transaction's connection, built once: recording is
the store's hottest path (one call per accepted command), and the ORM's unit of work cost
more than the statements themselves (bench/README.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from domain.commands import (
    CastVoteInput,
    EvaluateAimInput,
    RecordMeetingInput,
    SubmitPlanInput,
    SubmitPolicyInput,
)
from domain.events import Change, CycleEvent
from domain.japan_time import JAPAN
from domain.model import Step
from store._rows import table
from store.errors import NotFound
from store.meeting_calls import project_calls
from store.models import (
    AimRow,
    Cycle,
    EvaluationRow,
    MeetingRow,
    PlanActivityRow,
    PolicyVersionRow,
    VoteRow,
)
from store.tasks import project_tasks

#: Dates people read (the approval date) are Japanese calendar dates.


_CYCLES = table(Cycle)
_MEETINGS, _POLICIES, _VOTES = table(MeetingRow), table(PolicyVersionRow), table(VoteRow)
_PLAN, _AIMS, _EVALUATIONS = table(PlanActivityRow), table(AimRow), table(EvaluationRow)

_FIND_VOTE = select(_VOTES.c.id, _VOTES.c.event_seq).where(
    _VOTES.c.cycle_id == bindparam("cycle_id"),
    _VOTES.c.version == bindparam("version"),
    _VOTES.c.member_id == bindparam("member_id"),
)
_FIND_POLICY = select(_POLICIES.c.id).where(
    _POLICIES.c.cycle_id == bindparam("cycle_id"), _POLICIES.c.version == bindparam("version")
)
_FIND_EVALUATION = select(_EVALUATIONS.c.id, _EVALUATIONS.c.event_seq).where(
    _EVALUATIONS.c.cycle_id == bindparam("cycle_id"),
    _EVALUATIONS.c.aim_id == bindparam("aim_id"),
)


#: The groups of the cycle row's projected columns, each with the column holding the
#: sequence of the event that last wrote it.
SEQUENCED_GROUPS = ("step", "vision", "approved", "pause")


@dataclass
class RecordedCycle:
    """The cycle an event is recorded into: its row id, current step and the sequence of
    the event that last wrote each group of its columns (``SEQUENCED_GROUPS``), and the
    columns the event changes, written by ``save`` in one UPDATE."""

    id: int
    step: str
    seqs: dict[str, int] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)

    def change_if_newer(self, group: str, seq: int, **values: Any) -> bool:
        """Set the columns of ``group`` unless a newer event (``seq`` or later) wrote
        them already; return whether they were set. Order-independent by construction:
        whichever order events arrive in, each group ends as its newest event left it."""
        if seq <= self.seqs.get(group, 0):
            return False
        self.seqs[group] = seq
        self.changes.update(values, **{f"{group}_seq": seq})
        self.step = self.changes.get("step", self.step)
        return True

    def change(self, **values: Any) -> None:
        """Set columns that are derived from others (``due_on``), not sequenced."""
        self.changes.update(values)

    def save(self, connection: Connection) -> None:
        """Write the changed columns, if any."""
        if self.changes:
            connection.execute(update(_CYCLES).where(_CYCLES.c.id == self.id).values(self.changes))
            self.changes = {}


def project(connection: Connection, cycle: RecordedCycle, event: CycleEvent) -> None:
    """Write what ``event`` did into the cycle's tables. Columns of the cycle row change
    only when no newer event changed them already: an event recorded late never undoes a
    newer one, and is never skipped for a newer event that changed something else."""
    at = event.at
    command = event.command
    if isinstance(command, RecordMeetingInput):
        _project_meeting(connection, cycle, event, command)
    elif isinstance(command, SubmitPolicyInput):
        connection.execute(
            insert(_POLICIES),
            {
                "cycle_id": cycle.id,
                "version": _policy_version(event),
                "text": command.text,
                "submitted_by": command.actor,
                "submitted_at": at,
                "status": "voting",
            },
        )
    elif isinstance(command, CastVoteInput):
        _project_vote(connection, cycle, event, command)
    elif command.kind == "close_vote":
        _project_close_vote(connection, cycle, event)
    elif isinstance(command, SubmitPlanInput):
        _project_plan(connection, cycle, command)
    elif isinstance(command, EvaluateAimInput):
        _project_evaluation(connection, cycle, event, command)
    # Tasks and activity records (coordinate and act) have their own projection.
    project_tasks(connection, cycle.id, event)
    # Meeting calls, replies and public minutes have theirs too.
    project_calls(connection, cycle.id, event)
    # close_cycle only moves the step, handled below for every command.
    if event.step_after is not event.step_before:
        cycle.change_if_newer(
            "step",
            event.seq,
            step=event.step_after.value,
            step_opened_at=at,
            closed_at=at if event.step_after is Step.CLOSED else None,
        )


def _change(event: CycleEvent, field_name: str) -> Change:
    for change in event.changes:
        if change.field == field_name:
            return change
    raise ValueError(f"event {event.business_key} ({event.action}) has no change of '{field_name}'")


def _policy_version(event: CycleEvent) -> int:
    # The rules describe a policy change as "v<version>:<status>".
    change = _change(event, "policy")
    match = re.fullmatch(r"v(\d+):\w+", change.after or "")
    if match is None:
        raise ValueError(f"event {event.business_key}: unreadable policy change {change.after!r}")
    return int(match.group(1))


def _project_meeting(
    connection: Connection, cycle: RecordedCycle, event: CycleEvent, command: RecordMeetingInput
) -> None:
    attendance = list(dict.fromkeys(command.attendance))
    connection.execute(
        insert(_MEETINGS),
        {
            "cycle_id": cycle.id,
            "number": int(_change(event, "meetings").after or "0"),
            "step": event.step_before.value,
            "held_on": command.held_on,
            "attendance": attendance,
            "attendance_count": len(attendance),
            "minutes_public": command.minutes_public,
            "minutes_closed": command.minutes_closed,
            "vision_draft": command.vision_draft,
        },
    )
    if command.vision_draft is not None:
        cycle.change_if_newer("vision", event.seq, vision=command.vision_draft)


def _project_vote(
    connection: Connection, cycle: RecordedCycle, event: CycleEvent, command: CastVoteInput
) -> None:
    version = _ballot_version(event)
    values = {
        "ballot": command.ballot.value,
        "comment": command.comment,
        "cast_at": event.at,
        "event_seq": event.seq,
    }
    found = connection.execute(
        _FIND_VOTE, {"cycle_id": cycle.id, "version": version, "member_id": command.actor}
    ).first()
    if found is None:
        connection.execute(
            insert(_VOTES),
            {"cycle_id": cycle.id, "version": version, "member_id": command.actor, **values},
        )
    elif found.event_seq < event.seq:
        # Events may be recorded out of order (concurrent updates, retries): the vote of
        # the later event wins, whichever arrives last.
        connection.execute(update(_VOTES).where(_VOTES.c.id == found.id).values(values))


def _ballot_version(event: CycleEvent) -> int:
    for change in event.changes:
        match = re.fullmatch(r"ballot:v(\d+)", change.field)
        if match is not None:
            return int(match.group(1))
    raise ValueError(f"event {event.business_key} (cast_vote) has no ballot change")


def _project_close_vote(connection: Connection, cycle: RecordedCycle, event: CycleEvent) -> None:
    version = _policy_version(event)
    status = (_change(event, "policy").after or "").split(":", 1)[1]
    # The tally travels in the vote_result notice: it counts only current voters, which
    # the vote rows alone cannot tell.
    params = next((n.params for n in event.notices if n.template == "vote_result"), None)
    if params is None:
        raise ValueError(f"event {event.business_key} (close_vote) has no vote_result notice")
    policy_id = connection.scalar(_FIND_POLICY, {"cycle_id": cycle.id, "version": version})
    if policy_id is None:
        raise NotFound(f"event {event.business_key}: policy version {version} was never recorded")
    approve, reject = int(params["approve"]), int(params["reject"])
    connection.execute(
        update(_POLICIES)
        .where(_POLICIES.c.id == policy_id)
        .values(
            status=status,
            approve=approve,
            reject=reject,
            eligible=int(params["eligible"]),
            cast=approve + reject,
            closed_at=event.at,
        )
    )
    if status == "approved":
        cycle.change_if_newer("approved", event.seq, approved_on=event.at.astimezone(JAPAN).date())


def _project_plan(connection: Connection, cycle: RecordedCycle, command: SubmitPlanInput) -> None:
    activities = [
        {
            "cycle_id": cycle.id,
            "activity_id": activity.activity_id,
            "position": position,
            "title": activity.title,
            "kind": activity.kind,
            "planned_on": activity.planned_on,
            "roles": [r.model_dump(mode="json") for r in activity.roles],
        }
        for position, activity in enumerate(command.activities)
    ]
    aims = [
        {
            "cycle_id": cycle.id,
            "activity_id": activity.activity_id,
            "aim_id": aim.aim_id,
            "text": aim.text,
        }
        for activity in command.activities
        for aim in activity.aims
    ]
    for rows, target in ((activities, _PLAN), (aims, _AIMS)):
        if rows:
            connection.execute(insert(target), rows)


def _project_evaluation(
    connection: Connection, cycle: RecordedCycle, event: CycleEvent, command: EvaluateAimInput
) -> None:
    values = {
        "rating": command.rating.value,
        "comment": command.comment,
        "evaluated_by": command.actor,
        "evaluated_at": event.at,
        "event_seq": event.seq,
    }
    found = connection.execute(
        _FIND_EVALUATION, {"cycle_id": cycle.id, "aim_id": command.aim_id}
    ).first()
    if found is None:
        connection.execute(
            insert(_EVALUATIONS), {"cycle_id": cycle.id, "aim_id": command.aim_id, **values}
        )
    elif found.event_seq < event.seq:
        connection.execute(update(_EVALUATIONS).where(_EVALUATIONS.c.id == found.id).values(values))

"""Projection of accepted commands into the cycle's domain tables.

The rules (``domain.rules``) describe what a command did in the event's ``changes`` and
``notices``; this module reads the numbers it needs (meeting number, policy version, the
tally) from there rather than recomputing them, so the tables say what the workflow decided.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.commands import (
    CastVoteInput,
    EvaluateAimInput,
    RecordMeetingInput,
    SubmitPlanInput,
    SubmitPolicyInput,
)
from domain.events import Change, CycleEvent
from domain.model import Step
from store.errors import NotFound
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
JAPAN = ZoneInfo("Asia/Tokyo")


def project(session: Session, cycle: Cycle, event: CycleEvent, is_latest: bool) -> None:
    """Write what ``event`` did into the cycle's tables. The cycle's step moves only
    when ``is_latest``: an event recorded late must not move it back."""
    at = event.at
    command = event.command
    if isinstance(command, RecordMeetingInput):
        _project_meeting(session, cycle, event, command)
    elif isinstance(command, SubmitPolicyInput):
        session.add(
            PolicyVersionRow(
                cycle_id=cycle.id,
                version=_policy_version(event),
                text=command.text,
                submitted_by=command.actor,
                submitted_at=at,
                status="voting",
            )
        )
    elif isinstance(command, CastVoteInput):
        _project_vote(session, cycle, event, command)
    elif command.kind == "close_vote":
        _project_close_vote(session, cycle, event)
    elif isinstance(command, SubmitPlanInput):
        _project_plan(session, cycle, command)
    elif isinstance(command, EvaluateAimInput):
        _project_evaluation(session, cycle, event, command)
    # Tasks and activity records (coordinate and act) have their own projection.
    project_tasks(session, cycle, event)
    # close_cycle only moves the step, handled below for every command.
    if is_latest and event.step_after is not event.step_before:
        cycle.step = event.step_after.value
        cycle.step_opened_at = at
        if event.step_after is Step.CLOSED:
            cycle.closed_at = at


def _change(event: CycleEvent, field: str) -> Change:
    for change in event.changes:
        if change.field == field:
            return change
    raise ValueError(f"event {event.business_key} ({event.action}) has no change of '{field}'")


def _policy_version(event: CycleEvent) -> int:
    # The rules describe a policy change as "v<version>:<status>".
    change = _change(event, "policy")
    match = re.fullmatch(r"v(\d+):\w+", change.after or "")
    if match is None:
        raise ValueError(f"event {event.business_key}: unreadable policy change {change.after!r}")
    return int(match.group(1))


def _project_meeting(
    session: Session, cycle: Cycle, event: CycleEvent, command: RecordMeetingInput
) -> None:
    attendance = list(dict.fromkeys(command.attendance))
    session.add(
        MeetingRow(
            cycle_id=cycle.id,
            number=int(_change(event, "meetings").after or "0"),
            step=event.step_before.value,
            held_on=command.held_on,
            attendance=attendance,
            attendance_count=len(attendance),
            minutes_public=command.minutes_public,
            minutes_closed=command.minutes_closed,
            vision_draft=command.vision_draft,
        )
    )
    if command.vision_draft is not None:
        cycle.vision = command.vision_draft


def _project_vote(
    session: Session, cycle: Cycle, event: CycleEvent, command: CastVoteInput
) -> None:
    version = _ballot_version(event)
    at = event.at
    row = session.scalar(
        select(VoteRow).where(
            VoteRow.cycle_id == cycle.id,
            VoteRow.version == version,
            VoteRow.member_id == command.actor,
        )
    )
    if row is None:
        session.add(
            VoteRow(
                cycle_id=cycle.id,
                version=version,
                member_id=command.actor,
                ballot=command.ballot.value,
                comment=command.comment,
                cast_at=at,
                event_seq=event.seq,
            )
        )
    elif row.event_seq < event.seq:
        # Events may be recorded out of order (concurrent updates, retries): the vote of
        # the later event wins, whichever arrives last.
        row.ballot = command.ballot.value
        row.comment = command.comment
        row.cast_at = at
        row.event_seq = event.seq


def _ballot_version(event: CycleEvent) -> int:
    for change in event.changes:
        match = re.fullmatch(r"ballot:v(\d+)", change.field)
        if match is not None:
            return int(match.group(1))
    raise ValueError(f"event {event.business_key} (cast_vote) has no ballot change")


def _project_close_vote(session: Session, cycle: Cycle, event: CycleEvent) -> None:
    version = _policy_version(event)
    status = (_change(event, "policy").after or "").split(":", 1)[1]
    # The tally travels in the vote_result notice: it counts only current voters, which
    # the vote rows alone cannot tell.
    params = next((n.params for n in event.notices if n.template == "vote_result"), None)
    if params is None:
        raise ValueError(f"event {event.business_key} (close_vote) has no vote_result notice")
    row = session.scalar(
        select(PolicyVersionRow).where(
            PolicyVersionRow.cycle_id == cycle.id, PolicyVersionRow.version == version
        )
    )
    if row is None:
        raise NotFound(f"event {event.business_key}: policy version {version} was never recorded")
    at = event.at
    row.status = status
    row.approve = int(params["approve"])
    row.reject = int(params["reject"])
    row.eligible = int(params["eligible"])
    row.cast = row.approve + row.reject
    row.closed_at = at
    if status == "approved":
        cycle.approved_on = at.astimezone(JAPAN).date()


def _project_plan(session: Session, cycle: Cycle, command: SubmitPlanInput) -> None:
    for position, activity in enumerate(command.activities):
        session.add(
            PlanActivityRow(
                cycle_id=cycle.id,
                activity_id=activity.activity_id,
                position=position,
                title=activity.title,
                kind=activity.kind,
                planned_on=activity.planned_on,
                roles=[r.model_dump(mode="json") for r in activity.roles],
            )
        )
        for aim in activity.aims:
            session.add(
                AimRow(
                    cycle_id=cycle.id,
                    activity_id=activity.activity_id,
                    aim_id=aim.aim_id,
                    text=aim.text,
                )
            )


def _project_evaluation(
    session: Session, cycle: Cycle, event: CycleEvent, command: EvaluateAimInput
) -> None:
    at = event.at
    row = session.scalar(
        select(EvaluationRow).where(
            EvaluationRow.cycle_id == cycle.id, EvaluationRow.aim_id == command.aim_id
        )
    )
    if row is None:
        session.add(
            EvaluationRow(
                cycle_id=cycle.id,
                aim_id=command.aim_id,
                rating=command.rating.value,
                comment=command.comment,
                evaluated_by=command.actor,
                evaluated_at=at,
                event_seq=event.seq,
            )
        )
    elif row.event_seq < event.seq:
        row.rating = command.rating.value
        row.comment = command.comment
        row.evaluated_by = command.actor
        row.evaluated_at = at
        row.event_seq = event.seq

"""The read model of the cycles: one row per council and year, the audit trail of every
accepted command, and the domain tables projected from it.

The workflow is the source of truth; these functions only record what it decided, each
idempotent by its business key so that retried activities never duplicate a row.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from activities.inputs import RecordCycleOpenedInput, RecordEventInput
from domain.commands import (
    CastVoteInput,
    EvaluateAimInput,
    RecordMeetingInput,
    SubmitPlanInput,
    SubmitPolicyInput,
)
from domain.events import Change, CycleEvent
from domain.model import Step
from store._rows import insert_once
from store.errors import NotFound
from store.models import (
    AimRow,
    AuditEvent,
    Council,
    Cycle,
    EvaluationRow,
    MeetingRow,
    PlanActivityRow,
    PolicyVersionRow,
    VoteRow,
)

#: Dates people read (the approval date) are Japanese calendar dates.
JAPAN = ZoneInfo("Asia/Tokyo")


class HistoryRow(BaseModel):
    """One accepted command of a council's history, as the audit trail recorded it."""

    model_config = ConfigDict(frozen=True)

    fiscal_year: int
    seq: int
    at: datetime
    step_before: Step
    step_after: Step
    action: str
    actor: str
    changes: tuple[Change, ...]


class CycleRow(BaseModel):
    """Where one council's cycle stands, for status boards and listings."""

    model_config = ConfigDict(frozen=True)

    council_id: str
    council_name: str
    fiscal_year: int
    step: Step
    started_at: datetime
    step_opened_at: datetime
    closed_at: datetime | None
    workflow_id: str


def record_cycle_opened(session: Session, data: RecordCycleOpenedInput) -> bool:
    """Create the cycle's row; return False when it already exists (idempotent by
    council and fiscal year). ``NotFound`` if the council is unknown."""
    if session.get(Council, data.council_id) is None:
        raise NotFound(f"協議会 '{data.council_id}' は登録されていません")
    if _find_cycle(session, data.council_id, data.fiscal_year) is not None:
        return False
    row = Cycle(
        council_id=data.council_id,
        fiscal_year=data.fiscal_year,
        step=Step.DISCUSS.value,
        step_opened_at=data.opened_at,
        started_at=data.opened_at,
        closed_at=None,
        workflow_id=data.workflow_id,
        run_id=data.run_id,
        carried_over=[f.model_dump(mode="json") for f in data.carried_over],
        vision=None,
        approved_on=None,
    )
    return insert_once(
        session,
        row,
        lambda: _find_cycle(session, data.council_id, data.fiscal_year) is not None,
    )


def record_event(session: Session, data: RecordEventInput) -> bool:
    """Record an accepted command in the audit trail and project it into the cycle's
    tables. Return False, changing nothing, when its key was already recorded (also when
    a concurrent call recorded it first). ``NotFound`` if the cycle was never opened."""
    event = data.event
    cycle = _find_cycle(session, event.council_id, event.fiscal_year)
    if cycle is None:
        raise NotFound(
            f"協議会 '{event.council_id}' の{event.fiscal_year}年度のサイクルは記録されていません"
        )
    if _audit_exists(session, event):
        return False
    latest_seq = session.scalar(
        select(func.max(AuditEvent.seq)).where(AuditEvent.cycle_id == cycle.id)
    )
    audit = AuditEvent(
        council_id=event.council_id,
        fiscal_year=event.fiscal_year,
        seq=event.seq,
        cycle_id=cycle.id,
        action=event.action,
        actor=event.actor,
        at=event.at,
        step_before=event.step_before.value,
        step_after=event.step_after.value,
        changes=[c.model_dump(mode="json") for c in event.changes],
        command=event.command.model_dump(mode="json"),
        workflow_id=data.workflow_id,
        run_id=data.run_id,
    )
    # The audit row goes first: its unique key is what makes the whole call idempotent.
    if not insert_once(session, audit, lambda: _audit_exists(session, event)):
        return False
    _project(session, cycle, event, is_latest=latest_seq is None or event.seq > latest_seq)
    session.flush()
    return True


def _find_cycle(session: Session, council_id: str, fiscal_year: int) -> Cycle | None:
    return session.scalar(
        select(Cycle).where(Cycle.council_id == council_id, Cycle.fiscal_year == fiscal_year)
    )


def _audit_exists(session: Session, event: CycleEvent) -> bool:
    found = session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.council_id == event.council_id,
            AuditEvent.fiscal_year == event.fiscal_year,
            AuditEvent.seq == event.seq,
        )
    )
    return found is not None


# --- projections ---------------------------------------------------------------------


def _project(session: Session, cycle: Cycle, event: CycleEvent, is_latest: bool) -> None:
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
    # complete_step and close_cycle only move the step, handled below for every command.
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
            )
        )
    elif row.cast_at <= at:
        # A vote recorded late (retried activity) must not overwrite a newer one.
        row.ballot = command.ballot.value
        row.comment = command.comment
        row.cast_at = at


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
            )
        )
    elif row.evaluated_at <= at:
        row.rating = command.rating.value
        row.comment = command.comment
        row.evaluated_by = command.actor
        row.evaluated_at = at


# --- readers -------------------------------------------------------------------------


def history(session: Session, council_id: str, fiscal_year: int | None = None) -> list[HistoryRow]:
    """Every accepted command of the council (of one year if given), in order of year
    and sequence. ``NotFound`` if the council is unknown."""
    if session.get(Council, council_id) is None:
        raise NotFound(f"協議会 '{council_id}' は登録されていません")
    query = select(AuditEvent).where(AuditEvent.council_id == council_id)
    if fiscal_year is not None:
        query = query.where(AuditEvent.fiscal_year == fiscal_year)
    rows = session.scalars(query.order_by(AuditEvent.fiscal_year, AuditEvent.seq))
    return [
        HistoryRow(
            fiscal_year=row.fiscal_year,
            seq=row.seq,
            at=row.at,
            step_before=Step(row.step_before),
            step_after=Step(row.step_after),
            action=row.action,
            actor=row.actor,
            changes=tuple(Change.model_validate(c) for c in row.changes),
        )
        for row in rows
    ]


def list_cycles(
    session: Session, municipality_id: str, fiscal_year: int | None = None
) -> list[CycleRow]:
    """Every recorded cycle of the municipality's councils, by council then year.
    (The Temporal test server cannot list workflows; listings come from here.)"""
    query = (
        select(Cycle, Council.name)
        .join(Council, Council.id == Cycle.council_id)
        .where(Council.municipality_id == municipality_id)
    )
    if fiscal_year is not None:
        query = query.where(Cycle.fiscal_year == fiscal_year)
    rows = session.execute(query.order_by(Cycle.council_id, Cycle.fiscal_year))
    return [
        CycleRow(
            council_id=cycle.council_id,
            council_name=name,
            fiscal_year=cycle.fiscal_year,
            step=Step(cycle.step),
            started_at=cycle.started_at,
            step_opened_at=cycle.step_opened_at,
            closed_at=cycle.closed_at,
            workflow_id=cycle.workflow_id,
        )
        for cycle, name in rows
    ]

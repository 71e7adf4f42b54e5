"""The store's projections of one cycle, side by side with the workflow's state.

``mismatches`` reads every table the recording activity projects into (the cycle's row,
its due dates, meetings, policy versions and votes, plan and aims, evaluations, tasks and
activity records, the audit trail) and lists each place where it says something other
than the state the workflow's query returned. An empty list means they agree.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

import store
from domain.model import CycleState
from store.models import (
    AimRow,
    AuditEvent,
    Cycle,
    CycleDueDate,
    EvaluationRow,
    MeetingRow,
    PlanActivityRow,
    PolicyVersionRow,
    VoteRow,
)
from store.task_models import ActivityRecordRow, TaskRow


def _projected(engine: Engine, council_id: str, fiscal_year: int) -> dict[str, Any]:
    with store.session_scope(engine) as session:
        cycle = session.scalars(
            select(Cycle).where(Cycle.council_id == council_id, Cycle.fiscal_year == fiscal_year)
        ).one()

        def rows(model: Any) -> list[Any]:
            return list(session.scalars(select(model).where(model.cycle_id == cycle.id)))

        return {
            "cycle": (
                cycle.step,
                cycle.step_opened_at,
                cycle.closed_at,
                cycle.vision,
                cycle.paused_reason,
            ),
            "due_dates": {r.step: r.due_on for r in rows(CycleDueDate)},
            "meetings": sorted(
                (r.number, r.step, r.held_on, tuple(r.attendance), r.vision_draft)
                for r in rows(MeetingRow)
            ),
            "policies": sorted(
                (r.version, r.status, r.text, r.submitted_by) for r in rows(PolicyVersionRow)
            ),
            "votes": sorted((r.version, r.member_id, r.ballot) for r in rows(VoteRow)),
            "plan": sorted(r.activity_id for r in rows(PlanActivityRow)),
            "aims": sorted(r.aim_id for r in rows(AimRow)),
            "evaluations": sorted(
                (r.aim_id, r.rating, r.comment, r.evaluated_by) for r in rows(EvaluationRow)
            ),
            "tasks": sorted(
                (r.task_id, r.owner_id, r.status, r.claimed, r.outcome, r.waive_reason, r.due_on)
                for r in rows(TaskRow)
            ),
            "activity_records": sorted(
                (r.activity_id, r.outcome, r.held_on, r.children, r.cancel_reason)
                for r in rows(ActivityRecordRow)
            ),
            "audit_seqs": sorted(
                session.scalars(
                    select(AuditEvent.seq).where(
                        AuditEvent.council_id == council_id, AuditEvent.fiscal_year == fiscal_year
                    )
                )
            ),
        }


def _expected(state: CycleState) -> dict[str, Any]:
    return {
        "cycle": (
            state.step.value,
            state.step_opened_at,
            state.closed_at,
            state.vision,
            None if state.paused is None else state.paused.reason,
        ),
        "due_dates": {step.value: due for step, due in state.due_dates.items()},
        "meetings": sorted(
            (m.number, m.step.value, m.held_on, m.attendance, m.vision_draft)
            for m in state.meetings
        ),
        "policies": sorted(
            (p.version, p.status.value, p.text, p.submitted_by) for p in state.policies
        ),
        "votes": sorted(
            (p.version, who, ballot.value)
            for p in state.policies
            for who, ballot in p.ballots.items()
        ),
        "plan": sorted(a.activity_id for a in state.plan),
        "aims": sorted(state.aims()),
        "evaluations": sorted(
            (e.aim_id, e.rating.value, e.comment, e.by) for e in state.evaluations.values()
        ),
        "tasks": sorted(
            (t.task_id, t.owner, t.status.value, t.claimed, t.outcome, t.waive_reason, t.due_on)
            for t in state.tasks
        ),
        "activity_records": sorted(
            (
                r.activity_id,
                r.outcome.value,
                r.held_on,
                r.children,
                None if r.cancel_reason is None else r.cancel_reason.value,
            )
            for r in state.activity_records.values()
        ),
        "audit_seqs": list(range(1, state.accepted_commands + 1)),
    }


def mismatches(engine: Engine, state: CycleState) -> list[str]:
    """Where the store's projections of ``state``'s cycle differ from ``state``."""
    found = _projected(engine, state.council_id, state.fiscal_year)
    wanted = _expected(state)
    return [
        f"{name}: store {found[name]!r} != workflow {wanted[name]!r}"
        for name in wanted
        if found[name] != wanted[name]
    ]

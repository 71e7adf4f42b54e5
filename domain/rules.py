"""The rules of the cycle: which step follows, who may do what, when a vote passes.

``execute`` is the single entry point. It takes a state, a command and the time, and either
returns the next state with the event to record, or raises ``Refusal`` and leaves the state
as it was (it works on a copy). The workflow validates updates by calling it on a copy, so
a refused update never changes anything.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from domain.base import STEP_OWNERS, SYSTEM_ACTOR
from domain.commands import (
    AlertInput,
    CastVoteInput,
    Command,
    CompleteStepInput,
    EvaluateAimInput,
    RecordMeetingInput,
    SubmitPlanInput,
    SubmitPolicyInput,
)
from domain.deadlines import Alert, DeadlineRules
from domain.events import Change, CycleEvent, Notice
from domain.model import (
    AimEvaluation,
    Ballot,
    CarriedFinding,
    CycleState,
    Meeting,
    PolicyStatus,
    PolicyVersion,
    Role,
    Roster,
    Step,
    Tally,
    VoteRule,
    next_step,
)
from domain.oversight import OVERSIGHT_HANDLERS, OVERSIGHT_PERMISSIONS, UNPAUSABLE
from domain.refusals import Refusal
from domain.task_alerts import TASK_ALERT_HANDLERS, TaskAlert, task_alert_command
from domain.task_rules import (
    TASK_HANDLERS,
    TASK_PERMISSIONS,
    TASK_STEPS,
    assigned_notices,
    changed_tasks,
    create_tasks,
    refuse_complete_step,
)


class Decision(NamedTuple):
    """An accepted command: the state after it, and what to record and send."""

    state: CycleState
    event: CycleEvent


def new_cycle(
    council_id: str,
    fiscal_year: int,
    roster: Roster,
    at: datetime,
    vote_rule: VoteRule | None = None,
    carried_over: list[CarriedFinding] | None = None,
    deadline_rules: DeadlineRules | None = None,
) -> CycleState:
    """A cycle opening at discuss, with last year's findings (if any) carried over and
    every step's due date set from the deadline rules."""
    rules = deadline_rules or DeadlineRules()
    return CycleState(
        deadline_rules=rules,
        due_dates=rules.due_dates(fiscal_year),
        council_id=council_id,
        fiscal_year=fiscal_year,
        started_at=at,
        step_opened_at=at,
        roster=roster,
        vote_rule=vote_rule or VoteRule(),
        carried_over=list(carried_over or []),
    )


# Who may do what. The chair and the coordinators keep the records of meetings (the
# secretariat varies by school); only the chair steers the council's own decisions.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "record_meeting": frozenset({Role.CHAIR, Role.PRINCIPAL, Role.COORDINATOR}),
    "close_discussion": frozenset({Role.CHAIR}),
    "submit_policy": frozenset({Role.PRINCIPAL}),
    "cast_vote": frozenset({Role.CHAIR, Role.MEMBER}),
    "close_vote": frozenset({Role.CHAIR}),
    "submit_plan": frozenset({Role.COORDINATOR, Role.CHIEF_COORDINATOR}),
    "complete_step": frozenset({Role.COORDINATOR, Role.CHIEF_COORDINATOR}),
    "evaluate_aim": frozenset({Role.CHAIR}),
    "close_cycle": frozenset({Role.CHAIR}),
    **OVERSIGHT_PERMISSIONS,
    **TASK_PERMISSIONS,
}

# The step each command belongs to; ``None`` means any open step.
COMMAND_STEP: dict[str, Step | None] = {
    "record_meeting": None,
    "close_discussion": Step.DISCUSS,
    "submit_policy": Step.APPROVE,
    "cast_vote": Step.APPROVE,
    "close_vote": Step.APPROVE,
    "submit_plan": Step.PLAN,
    "complete_step": None,  # checked against the step the command names
    "evaluate_aim": Step.EVALUATE,
    "close_cycle": Step.EVALUATE,
    **dict.fromkeys(OVERSIGHT_PERMISSIONS),
    **TASK_STEPS,
}


def execute(state: CycleState, command: Command, at: datetime) -> Decision:
    """Apply ``command`` to a copy of ``state``; raise ``Refusal`` if the rules forbid it."""
    _check_actor_and_step(state, command)
    return _decide(state, command, at)


def fire_alert(state: CycleState, alert: Alert, at: datetime) -> Decision:
    """Record that the cycle raised a deadline alert, and whom to tell."""
    command = AlertInput(
        actor=SYSTEM_ACTOR, alert_kind=alert.kind, step=alert.step, due=alert.due, days=alert.days
    )
    return _decide(state, command, at)


def fire_task_alert(state: CycleState, alert: TaskAlert, at: datetime) -> Decision:
    """Record that the cycle reminded a task's owner (or told them it is overdue)."""
    return _decide(state, task_alert_command(alert, SYSTEM_ACTOR), at)


def _decide(state: CycleState, command: Command, at: datetime) -> Decision:
    draft = state.model_copy(deep=True)
    step_before = draft.step
    changes, notices = _HANDLERS[command.kind](draft, command, at)
    if draft.step != step_before:
        draft.step_opened_at = at
        changes = (Change(field="step", before=step_before, after=draft.step), *changes)
        notices = (*notices, *step_opened_notices(draft))
    draft.accepted_commands += 1
    event = CycleEvent(
        council_id=draft.council_id,
        fiscal_year=draft.fiscal_year,
        seq=draft.accepted_commands,
        action=command.kind,
        actor=command.actor,
        at=at,
        step_before=step_before,
        step_after=draft.step,
        changes=changes,
        command=command,
        notices=notices,
        tasks=changed_tasks(state, draft),
    )
    return Decision(draft, event)


def validate(state: CycleState, command: Command, at: datetime) -> None:
    """Raise ``Refusal`` if ``command`` would be refused; change nothing either way."""
    execute(state, command, at)


def tally(policy: PolicyVersion, roster: Roster, rule: VoteRule) -> Tally:
    """Count the ballots of current voting members against ``rule``."""
    voters = set(roster.voters())
    ballots = [b for who, b in policy.ballots.items() if who in voters]
    approve = sum(1 for b in ballots if b is Ballot.APPROVE)
    quorum_met = rule.quorum.met(len(ballots), len(voters))
    return Tally(
        eligible=len(voters),
        cast=len(ballots),
        approve=approve,
        reject=len(ballots) - approve,
        quorum_met=quorum_met,
        passed=quorum_met and rule.majority.met(approve, len(ballots)),
    )


def findings_for_next_year(state: CycleState) -> list[CarriedFinding]:
    """What the evaluation hands to next year's discussion: every evaluated aim, the
    ones not fully met first, because those are what the council should pick up."""
    aims = state.aims()
    order = {"not_met": 0, "partly": 1, "met": 2}
    found = [
        CarriedFinding(
            from_year=state.fiscal_year,
            activity_title=aims[ev.aim_id][0].title,
            aim_id=ev.aim_id,
            aim_text=aims[ev.aim_id][1].text,
            rating=ev.rating,
            comment=ev.comment,
        )
        for ev in state.evaluations.values()
        if ev.aim_id in aims
    ]
    return sorted(found, key=lambda f: (order[f.rating.value], f.aim_id))


# --- checks shared by every command -------------------------------------------------


def _check_actor_and_step(state: CycleState, command: Command) -> None:
    if command.kind in ("alert", "task_alert"):
        raise Refusal("system_only", action=command.kind)
    if state.step is Step.CLOSED:
        raise Refusal("cycle_closed", year=str(state.fiscal_year))
    roles = state.roster.roles_of(command.actor)
    if not roles:
        raise Refusal("not_on_roster", actor=command.actor)
    if state.paused is not None and command.kind not in UNPAUSABLE:
        raise Refusal("paused", reason=state.paused.reason)
    allowed = PERMISSIONS[command.kind]
    if not roles & allowed:
        raise Refusal(
            "role_required",
            actor=command.actor,
            action=command.kind,
            roles=",".join(sorted(r.value for r in allowed)),
        )
    expected = COMMAND_STEP[command.kind]
    if expected is not None and state.step is not expected:
        raise Refusal("wrong_step", current=state.step, expected=expected, action=command.kind)


def step_opened_notices(state: CycleState) -> tuple[Notice, ...]:
    """Who to tell that the current step has opened (or that the cycle closed)."""
    if state.step is Step.CLOSED:
        return (
            Notice(
                template="cycle_closed",
                recipients=state.roster.everyone(),
                params={"year": str(state.fiscal_year)},
            ),
        )
    due = state.due_dates.get(state.step)
    return (
        Notice(
            template="step_opened",
            recipients=state.roster.holders_of(*STEP_OWNERS[state.step]),
            params={"step": state.step.value, "due": "" if due is None else due.isoformat()},
        ),
    )


# --- one handler per command --------------------------------------------------------
# Each mutates the draft it is given and returns (changes, notices). They run only after
# the actor's role and the step have been checked.

Effects = tuple[tuple[Change, ...], tuple[Notice, ...]]


def _record_meeting(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, RecordMeetingInput)
    on_roster = set(state.roster.everyone())
    for who in cmd.attendance:
        if who not in on_roster:
            raise Refusal("unknown_attendee", who=who)
    if cmd.vision_draft is not None and state.step is not Step.DISCUSS:
        raise Refusal("vision_outside_discuss")
    meeting = Meeting(
        number=len(state.meetings) + 1,
        step=state.step,
        held_on=cmd.held_on,
        attendance=tuple(dict.fromkeys(cmd.attendance)),
        minutes_public=cmd.minutes_public,
        minutes_closed=cmd.minutes_closed,
        vision_draft=cmd.vision_draft,
    )
    state.meetings.append(meeting)
    changes = [Change(field="meetings", before=str(meeting.number - 1), after=str(meeting.number))]
    if cmd.vision_draft is not None:
        changes.append(Change(field="vision", before=state.vision, after=cmd.vision_draft))
        state.vision = cmd.vision_draft
    return tuple(changes), ()


def _close_discussion(state: CycleState, cmd: Command, at: datetime) -> Effects:
    if not any(m.step is Step.DISCUSS for m in state.meetings):
        raise Refusal("no_meeting")
    if not state.vision:
        raise Refusal("no_vision")
    state.step = next_step(state.step)
    return (), ()


def _submit_policy(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, SubmitPolicyInput)
    current = state.current_policy
    if current is not None and current.status is PolicyStatus.VOTING:
        raise Refusal("vote_in_progress", version=str(current.version))
    version = PolicyVersion(
        version=len(state.policies) + 1,
        text=cmd.text,
        submitted_by=cmd.actor,
        submitted_at=at,
    )
    state.policies.append(version)
    change = Change(
        field="policy",
        before=None if current is None else f"v{current.version}:{current.status}",
        after=f"v{version.version}:{version.status}",
    )
    notice = Notice(
        template="vote_needed",
        recipients=state.roster.voters(),
        params={"version": str(version.version)},
    )
    return (change,), (notice,)


def _open_vote(state: CycleState) -> PolicyVersion:
    current = state.current_policy
    if current is None or current.status is not PolicyStatus.VOTING:
        raise Refusal("no_open_vote")
    return current


def _cast_vote(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, CastVoteInput)
    policy = _open_vote(state)
    before = policy.ballots.get(cmd.actor)
    policy.ballots[cmd.actor] = cmd.ballot
    change = Change(
        field=f"ballot:v{policy.version}",
        before=None if before is None else before.value,
        after=cmd.ballot.value,
    )
    return (change,), ()


def _close_vote(state: CycleState, cmd: Command, at: datetime) -> Effects:
    policy = _open_vote(state)
    result = tally(policy, state.roster, state.vote_rule)
    if not result.quorum_met:
        raise Refusal("no_quorum", cast=str(result.cast), eligible=str(result.eligible))
    policy.tally = result
    policy.closed_at = at
    policy.status = PolicyStatus.APPROVED if result.passed else PolicyStatus.REJECTED
    if result.passed:
        state.step = next_step(state.step)
    change = Change(
        field="policy",
        before=f"v{policy.version}:voting",
        after=f"v{policy.version}:{policy.status}",
    )
    notice = Notice(
        template="vote_result",
        recipients=state.roster.everyone(),
        params={
            "version": str(policy.version),
            "result": policy.status.value,
            "approve": str(result.approve),
            "reject": str(result.reject),
            "eligible": str(result.eligible),
        },
    )
    return (change,), (notice,)


def _submit_plan(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, SubmitPlanInput)
    seen: set[str] = set()
    for ident in [a.activity_id for a in cmd.activities] + [
        aim.aim_id for a in cmd.activities for aim in a.aims
    ]:
        if ident in seen:
            raise Refusal("duplicate_id", id=ident)
        seen.add(ident)
    state.plan = list(cmd.activities)
    state.tasks = create_tasks(state, cmd.activities, at)
    state.step = next_step(state.step)
    change = Change(field="plan", before=None, after=f"{len(cmd.activities)} activities")
    return (change,), assigned_notices(state.tasks)


def _complete_step(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, CompleteStepInput)
    # Coordinate and act close by themselves when their tasks and activities are done;
    # every other step has its own closing command.
    refuse_complete_step(cmd.step)
    raise Refusal("step_not_manual", step=cmd.step)


def _evaluate_aim(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, EvaluateAimInput)
    if cmd.aim_id not in state.aims():
        raise Refusal("unknown_aim", aim_id=cmd.aim_id)
    before = state.evaluations.get(cmd.aim_id)
    state.evaluations[cmd.aim_id] = AimEvaluation(
        aim_id=cmd.aim_id, rating=cmd.rating, comment=cmd.comment, by=cmd.actor, at=at
    )
    change = Change(
        field=f"evaluation:{cmd.aim_id}",
        before=None if before is None else before.rating.value,
        after=cmd.rating.value,
    )
    return (change,), ()


def _close_cycle(state: CycleState, cmd: Command, at: datetime) -> Effects:
    missing = [aim_id for aim_id in state.aims() if aim_id not in state.evaluations]
    if missing:
        raise Refusal("aims_not_evaluated", aims=", ".join(missing))
    state.step = next_step(state.step)
    state.closed_at = at
    return (), ()


_HANDLERS: dict[str, Callable[[CycleState, Command, datetime], Effects]] = {
    "record_meeting": _record_meeting,
    "close_discussion": _close_discussion,
    "submit_policy": _submit_policy,
    "cast_vote": _cast_vote,
    "close_vote": _close_vote,
    "submit_plan": _submit_plan,
    "complete_step": _complete_step,
    "evaluate_aim": _evaluate_aim,
    "close_cycle": _close_cycle,
    **OVERSIGHT_HANDLERS,
    **TASK_HANDLERS,
    **TASK_ALERT_HANDLERS,
}

# Keep the three tables in step with each other: a command missing from one is a bug.
assert set(_HANDLERS) == set(PERMISSIONS) == set(COMMAND_STEP)

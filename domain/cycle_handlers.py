"""One handler per command of the cycle's own steps (discuss to evaluate).

Each mutates the draft state it is given and returns (changes, notices). They run only
after ``domain.rules`` has checked the actor's role and the step, and only on a copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from domain.command_table import CommandRule, Effects
from domain.commands import (
    CastVoteInput,
    Command,
    CompleteStepInput,
    EvaluateAimInput,
    RecordMeetingInput,
    SubmitPlanInput,
    SubmitPolicyInput,
)
from domain.events import Change, Notice
from domain.limits import MEETINGS_PER_YEAR_MAX, POLICY_VERSIONS_PER_YEAR_MAX
from domain.model import (
    AimEvaluation,
    Ballot,
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
from domain.refusals import Refusal
from domain.task_rules import assigned_notices, create_tasks, refuse_complete_step


def tally(policy: PolicyVersion, roster: Roster, rule: VoteRule) -> Tally:
    """Count the ballots of current voting members against ``rule``."""
    return count_ballots(policy.ballots, roster, rule)


def count_ballots(ballots_by: Mapping[str, Ballot], roster: Roster, rule: VoteRule) -> Tally:
    """Count ``ballots_by`` (member id -> ballot) of current voting members against
    ``rule``: the council's one vote rule, for the policy and for its opinions alike."""
    voters = set(roster.voters())
    ballots = [b for who, b in ballots_by.items() if who in voters]
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


def _record_meeting(state: CycleState, cmd: Command, at: datetime) -> Effects:
    assert isinstance(cmd, RecordMeetingInput)
    on_roster = set(state.roster.everyone())
    for who in cmd.attendance:
        if who not in on_roster:
            raise Refusal("unknown_attendee", who=who)
    if cmd.vision_draft is not None and state.step is not Step.DISCUSS:
        raise Refusal("vision_outside_discuss")
    if len(state.meetings) >= MEETINGS_PER_YEAR_MAX:
        raise Refusal("too_many_meetings", limit=str(MEETINGS_PER_YEAR_MAX))
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
    if len(state.policies) >= POLICY_VERSIONS_PER_YEAR_MAX:
        raise Refusal("too_many_policy_versions", limit=str(POLICY_VERSIONS_PER_YEAR_MAX))
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


def _no_vote_open(state: CycleState, actor: str) -> None:
    """A policy is submitted only while none is under vote."""
    current = state.current_policy
    if current is not None and current.status is PolicyStatus.VOTING:
        raise Refusal("vote_in_progress", version=str(current.version))


def _vote_open(state: CycleState, actor: str) -> None:
    """Votes are cast and closed only while a policy is under vote."""
    _open_vote(state)


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


_CHAIR = frozenset({Role.CHAIR})
_COORDINATORS = frozenset({Role.COORDINATOR, Role.CHIEF_COORDINATOR})

# Who may do what. The chair and the coordinators keep the records of meetings (the
# secretariat varies by school); only the chair steers the council's own decisions.
CYCLE_RULES: dict[str, CommandRule] = {
    "record_meeting": CommandRule(
        frozenset({Role.CHAIR, Role.PRINCIPAL, Role.COORDINATOR}), None, _record_meeting
    ),
    "close_discussion": CommandRule(_CHAIR, Step.DISCUSS, _close_discussion),
    "submit_policy": CommandRule(
        frozenset({Role.PRINCIPAL}), Step.APPROVE, _submit_policy, _no_vote_open
    ),
    "cast_vote": CommandRule(
        frozenset({Role.CHAIR, Role.MEMBER}), Step.APPROVE, _cast_vote, _vote_open
    ),
    "close_vote": CommandRule(_CHAIR, Step.APPROVE, _close_vote, _vote_open),
    "submit_plan": CommandRule(_COORDINATORS, Step.PLAN, _submit_plan),
    # Any step: the command names the step it completes.
    "complete_step": CommandRule(_COORDINATORS, None, _complete_step),
    "evaluate_aim": CommandRule(_CHAIR, Step.EVALUATE, _evaluate_aim),
    "close_cycle": CommandRule(_CHAIR, Step.EVALUATE, _close_cycle),
}

"""The vocabulary of the yearly council cycle: steps, roles, rosters, vote rules and state.

Pure data: no Temporal, no I/O, no clock. Every time value is passed in by the caller
(the workflow passes ``workflow.now()``), so the same inputs always give the same state.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.base import STEP_ORDER, VOTING_ROLES, Frozen, Role, Step, next_step
from domain.deadlines import DeadlineRules
from domain.limits import (
    AIMS_PER_ACTIVITY_MAX,
    ROLES_PER_ACTIVITY_MAX,
    TASKS_PER_ACTIVITY_MAX,
    AimText,
    DutyText,
    KindText,
    PartyText,
    TitleText,
)
from domain.meeting_calls import MeetingCall, MinutesVersion
from domain.refusals import Refusal
from domain.tasks import ActivityRecord, CoordinationTask, PlannedTask


class RosterEntry(Frozen):
    """One person's roles on one council. Only an opaque id: names stay in the store."""

    member_id: str = Field(min_length=1, max_length=64)
    roles: tuple[Role, ...] = Field(min_length=1)


class Roster(Frozen):
    """Who may act on a council, by opaque id."""

    entries: tuple[RosterEntry, ...] = ()

    def roles_of(self, member_id: str) -> frozenset[Role]:
        """Every role ``member_id`` holds here; empty when they are not on the roster."""
        return frozenset(r for e in self.entries if e.member_id == member_id for r in e.roles)

    def holders_of(self, *roles: Role) -> tuple[str, ...]:
        """Ids of everyone holding any of ``roles``, in roster order, without repeats."""
        wanted = set(roles)
        seen: dict[str, None] = {}
        for entry in self.entries:
            if wanted.intersection(entry.roles):
                seen.setdefault(entry.member_id, None)
        return tuple(seen)

    def voters(self) -> tuple[str, ...]:
        """Ids of everyone with a vote."""
        return self.holders_of(*VOTING_ROLES)

    def everyone(self) -> tuple[str, ...]:
        """Every id on the roster."""
        return tuple(dict.fromkeys(e.member_id for e in self.entries))


class Threshold(Frozen):
    """A fraction that a count must exceed (or reach, when ``inclusive``)."""

    numerator: int = Field(ge=0)
    denominator: int = Field(gt=0)
    inclusive: bool = False

    def met(self, part: int, whole: int) -> bool:
        """Whether ``part`` out of ``whole`` clears the threshold; integer maths, no floats."""
        if whole <= 0:
            return False
        lhs, rhs = part * self.denominator, self.numerator * whole
        return lhs >= rhs if self.inclusive else lhs > rhs


MORE_THAN_HALF = Threshold(numerator=1, denominator=2)


class VoteRule(Frozen):
    """When a council vote counts and when it passes; configurable per municipality.

    Default: quorum when more than half of the voting members vote; passes with more than
    half of the votes cast.
    """

    quorum: Threshold = MORE_THAN_HALF
    majority: Threshold = MORE_THAN_HALF

    @model_validator(mode="after")
    def _can_pass(self) -> VoteRule:
        # Votes cast never exceed the members, nor approvals the votes: a threshold above
        # one whole (3/2), or of exactly one whole that must be exceeded, is never met.
        for name in ("quorum", "majority"):
            threshold: Threshold = getattr(self, name)
            if not threshold.met(1, 1):
                refusal = Refusal(
                    "vote_rule_impossible",
                    field=name,
                    numerator=str(threshold.numerator),
                    denominator=str(threshold.denominator),
                )
                raise ValueError(refusal.message("en"))
        return self


class Ballot(StrEnum):
    """A member's vote on a policy version."""

    APPROVE = "approve"  # 賛成
    REJECT = "reject"  # 反対


class PolicyStatus(StrEnum):
    """Where a submitted basic school-management policy stands."""

    VOTING = "voting"
    REJECTED = "rejected"
    APPROVED = "approved"


class Tally(Frozen):
    """The count of a closed (or closing) vote."""

    eligible: int
    cast: int
    approve: int
    reject: int
    quorum_met: bool
    passed: bool


class PolicyVersion(BaseModel):
    """One submission of the basic school-management policy (学校運営の基本方針)."""

    model_config = ConfigDict(extra="forbid")

    version: int
    text: str
    submitted_by: str
    submitted_at: datetime
    status: PolicyStatus = PolicyStatus.VOTING
    ballots: dict[str, Ballot] = Field(default_factory=dict)
    tally: Tally | None = None
    closed_at: datetime | None = None


class Meeting(Frozen):
    """A council meeting as recorded: date, who attended, minutes, the vision draft."""

    number: int
    step: Step
    held_on: date
    attendance: tuple[str, ...]
    minutes_public: str
    minutes_closed: str = ""
    vision_draft: str | None = None


class Aim(Frozen):
    """One aim (ねらい) of a planned activity; evaluated at the end of the cycle."""

    aim_id: str = Field(min_length=1, max_length=64)
    text: AimText


class RoleAssignment(Frozen):
    """Who does what for an activity: a party (school, HQ, a group) and its part."""

    party: PartyText
    duty: DutyText


class PlannedActivity(Frozen):
    """An activity in the plan, with its aims, date and roles."""

    activity_id: str = Field(min_length=1, max_length=64)
    title: TitleText
    kind: KindText = "general"
    planned_on: date
    aims: tuple[Aim, ...] = Field(min_length=1, max_length=AIMS_PER_ACTIVITY_MAX)
    roles: tuple[RoleAssignment, ...] = Field(default=(), max_length=ROLES_PER_ACTIVITY_MAX)
    # The coordination checklist; left out, the kind's default checklist is used.
    tasks: tuple[PlannedTask, ...] | None = Field(
        default=None, min_length=1, max_length=TASKS_PER_ACTIVITY_MAX
    )


class AimRating(StrEnum):
    """How far an aim was met."""

    MET = "met"  # 達成
    PARTLY = "partly"  # 一部達成
    NOT_MET = "not_met"  # 未達成


class AimEvaluation(Frozen):
    """The council's judgement of one aim."""

    aim_id: str
    rating: AimRating
    comment: str = ""
    by: str
    at: datetime


class CarriedFinding(Frozen):
    """A finding of last year's evaluation, opened in this year's discussion."""

    from_year: int
    activity_title: str
    aim_id: str
    aim_text: str
    rating: AimRating
    comment: str


class Pause(Frozen):
    """A board admin has paused the cycle (disaster, school closure)."""

    since: datetime
    reason: str
    by: str


class CycleState(BaseModel):
    """Everything a council's cycle for one fiscal year knows. Returned by the query."""

    model_config = ConfigDict(extra="forbid")

    council_id: str
    fiscal_year: int
    step: Step = Step.DISCUSS
    started_at: datetime
    step_opened_at: datetime
    roster: Roster
    vote_rule: VoteRule = VoteRule()
    meetings: list[Meeting] = Field(default_factory=list)
    vision: str | None = None
    policies: list[PolicyVersion] = Field(default_factory=list)
    plan: list[PlannedActivity] = Field(default_factory=list)
    steps_completed_by: dict[Step, str] = Field(default_factory=dict)
    evaluations: dict[str, AimEvaluation] = Field(default_factory=dict)
    carried_over: list[CarriedFinding] = Field(default_factory=list)
    accepted_commands: int = 0
    closed_at: datetime | None = None
    deadline_rules: DeadlineRules = DeadlineRules()
    due_dates: dict[Step, date] = Field(default_factory=dict)
    alerts_sent: list[str] = Field(default_factory=list)
    paused: Pause | None = None
    tasks: list[CoordinationTask] = Field(default_factory=list)
    activity_records: dict[str, ActivityRecord] = Field(default_factory=dict)
    # The rule changes in force for this cycle (``domain.rule_changes``), fixed when it
    # opens: a cycle started before a change keeps the rules it started with.
    rule_changes: tuple[str, ...] = ()
    # Meeting calls with their replies, and the published public minutes (every version).
    calls: list[MeetingCall] = Field(default_factory=list)
    public_minutes: list[MinutesVersion] = Field(default_factory=list)

    @property
    def current_policy(self) -> PolicyVersion | None:
        """The latest policy submission, if any."""
        return self.policies[-1] if self.policies else None

    def aims(self) -> dict[str, tuple[PlannedActivity, Aim]]:
        """Every aim in the plan by id, with the activity it belongs to."""
        return {aim.aim_id: (act, aim) for act in self.plan for aim in act.aims}

    def task(self, task_id: str) -> CoordinationTask | None:
        """The coordination task with ``task_id``, if there is one."""
        return next((t for t in self.tasks if t.task_id == task_id), None)

    def activity(self, activity_id: str) -> PlannedActivity | None:
        """The planned activity with ``activity_id``, if there is one."""
        return next((a for a in self.plan if a.activity_id == activity_id), None)


__all__ = [
    "STEP_ORDER",
    "VOTING_ROLES",
    "Frozen",
    "Role",
    "Step",
    "next_step",
]

"""The words every other domain module builds on: steps, roles and the value-object base."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Step(StrEnum):
    """The six steps of the Okayama cycle, plus the terminal ``closed`` marker."""

    DISCUSS = "discuss"  # 話し合い
    APPROVE = "approve"  # 承認等
    PLAN = "plan"  # 提案等
    COORDINATE = "coordinate"  # 連絡調整
    ACT = "act"  # 活動
    EVALUATE = "evaluate"  # 評価
    CLOSED = "closed"


#: The only order in which a cycle may move. ``closed`` follows ``evaluate``.
STEP_ORDER: tuple[Step, ...] = (
    Step.DISCUSS,
    Step.APPROVE,
    Step.PLAN,
    Step.COORDINATE,
    Step.ACT,
    Step.EVALUATE,
    Step.CLOSED,
)


def next_step(step: Step) -> Step:
    """Return the step that follows ``step``; ``closed`` has no successor."""
    index = STEP_ORDER.index(step)
    if index + 1 >= len(STEP_ORDER):
        raise ValueError(f"step {step} has no successor")
    return STEP_ORDER[index + 1]


class Role(StrEnum):
    """What a person may do for a council. One person may hold several roles."""

    CHAIR = "chair"  # 会長
    MEMBER = "member"  # 委員
    PRINCIPAL = "principal"  # 校長
    COORDINATOR = "coordinator"  # 地域コーディネーター
    CHIEF_COORDINATOR = "chief_coordinator"  # 統括コーディネーター
    BOARD_ADMIN = "board_admin"  # 教育委員会


#: Roles that hold a vote on the council. The principal submits the policy and does not
#: vote on it; coordinators liaise and do not vote unless they also sit as a member.
VOTING_ROLES: frozenset[Role] = frozenset({Role.CHAIR, Role.MEMBER})


class Frozen(BaseModel):
    """Base for value objects: immutable and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


#: Who is told that a step has opened, and reminded when it falls due: the step's owners.
STEP_OWNERS: dict[Step, tuple[Role, ...]] = {
    Step.DISCUSS: (Role.CHAIR, Role.MEMBER, Role.PRINCIPAL, Role.COORDINATOR),
    Step.APPROVE: (Role.PRINCIPAL, Role.CHAIR),
    Step.PLAN: (Role.COORDINATOR, Role.CHIEF_COORDINATOR),
    Step.COORDINATE: (Role.COORDINATOR,),
    Step.ACT: (Role.COORDINATOR,),
    Step.EVALUATE: (Role.CHAIR, Role.MEMBER),
}

#: The actor of what the cycle does by itself (deadline alerts). Never on a roster.
SYSTEM_ACTOR = "system"

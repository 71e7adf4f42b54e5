"""The words every other domain module builds on: steps, roles and the value-object base."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field


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


class CommandInput(Frozen):
    """Base of a command declared once: a subclass names its ``kind`` (a ``Literal``
    with that default) and its fields, and is registered by that kind in
    ``COMMAND_INPUTS``; ``domain.commands.Command`` takes in every registered input, and
    the cycle workflow serves it without an update of its own (docs/adding-a-command.md).
    The older commands predate it and are listed in ``domain.commands`` by hand."""

    kind: str
    actor: str = Field(min_length=1, max_length=64)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        kind = cls.model_fields["kind"].default
        if not isinstance(kind, str) or kind in COMMAND_INPUTS:
            raise TypeError(f"{cls.__name__} needs a kind of its own, not {kind!r}")
        COMMAND_INPUTS[kind] = cls


#: Every ``CommandInput`` subclass, by kind, in the order they were declared.
COMMAND_INPUTS: dict[str, type[CommandInput]] = {}


_Model = TypeVar("_Model", bound=BaseModel)


def working_copy(model: _Model) -> _Model:
    """A copy of ``model`` that may be changed in place without changing ``model``.

    Every list, dict and mutable model in it is new; the ``Frozen`` value objects are
    shared, because nothing changes them (they are replaced, never edited). This is what
    the rules decide on, once per command: a deep copy of the whole state cost five
    times as much, most of it copying value objects no command can touch.
    """
    return model.model_copy(
        update={name: _copied(getattr(model, name)) for name in type(model).model_fields}
    )


def _copied(value: Any) -> Any:
    if isinstance(value, Frozen):
        return value
    if isinstance(value, BaseModel):
        return working_copy(value)
    if isinstance(value, list):
        return [_copied(item) for item in value]
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return tuple(_copied(item) for item in value)
    if isinstance(value, (set, bytearray)):
        raise TypeError(f"working_copy does not copy {type(value).__name__} fields")
    # str, int, bool, None, enums, dates and times: immutable.
    return value


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

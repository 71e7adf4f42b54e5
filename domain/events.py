"""What an accepted command leaves behind: an audit event and the notices it calls for."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from domain.commands import Command
from domain.model import Step
from domain.tasks import CoordinationTask


class Change(BaseModel):
    """One field's value before and after a command (``None`` when it did not exist)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str
    before: str | None
    after: str | None


class Notice(BaseModel):
    """A message the rules ask to send: which template, to whom, with which values.

    Recipients are opaque member ids; rendering and delivery belong to activities.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    template: str
    recipients: tuple[str, ...]
    params: dict[str, str] = Field(default_factory=dict)


class CycleEvent(BaseModel):
    """One accepted command. ``(council_id, fiscal_year, seq)`` is its business key."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    council_id: str
    fiscal_year: int
    seq: int
    action: str
    actor: str
    at: datetime
    step_before: Step
    step_after: Step
    changes: tuple[Change, ...] = ()
    command: Command
    notices: tuple[Notice, ...] = ()
    # The coordination tasks this command created or changed, as they are after it.
    tasks: tuple[CoordinationTask, ...] = ()

    @property
    def business_key(self) -> str:
        """Stable key for idempotent recording: the same event is never stored twice."""
        return f"{self.council_id}/{self.fiscal_year}/{self.seq}"


class CommandReceipt(BaseModel):
    """What an accepted command answers: small, whatever the size of the state. The
    whole state is read with the cycle's query when someone needs it (an update's answer
    is kept in the workflow's history, once per command)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seq: int
    action: str
    step: Step
    paused: bool
    changes: tuple[Change, ...] = ()

    @classmethod
    def of(cls, event: CycleEvent, paused: bool) -> CommandReceipt:
        """The receipt of ``event``; ``paused`` is whether the cycle is paused after it."""
        return cls(
            seq=event.seq,
            action=event.action,
            step=event.step_after,
            paused=paused,
            changes=event.changes,
        )

"""Commands a person sends to a council's cycle. Each is one pydantic model so that fields
can be added later without breaking callers or recorded histories.

Every command names its ``actor`` (an opaque member id); the rules decide whether that
person may do it now.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.model import AimRating, Ballot, PlannedActivity, Step

ActorId = Annotated[str, Field(min_length=1, max_length=64)]


class _Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: ActorId


class RecordMeetingInput(_Command):
    """Record a council meeting: date, attendance, minutes and, in discuss, the vision."""

    kind: Literal["record_meeting"] = "record_meeting"
    held_on: date
    attendance: tuple[ActorId, ...] = Field(min_length=1)
    minutes_public: str = Field(min_length=1)
    minutes_closed: str = ""
    vision_draft: str | None = None


class CloseDiscussionInput(_Command):
    """The chair closes the discussion step once the vision is shared."""

    kind: Literal["close_discussion"] = "close_discussion"


class SubmitPolicyInput(_Command):
    """The principal submits (or resubmits after a rejection) the basic policy."""

    kind: Literal["submit_policy"] = "submit_policy"
    text: str = Field(min_length=1)


class CastVoteInput(_Command):
    """A voting member votes on the policy under vote; a later vote replaces an earlier."""

    kind: Literal["cast_vote"] = "cast_vote"
    ballot: Ballot
    comment: str = ""


class CloseVoteInput(_Command):
    """The chair closes the vote: passed moves to plan, rejected goes back for revision."""

    kind: Literal["close_vote"] = "close_vote"


class SubmitPlanInput(_Command):
    """The coordinator submits the plan: activities with aims, dates and roles."""

    kind: Literal["submit_plan"] = "submit_plan"
    activities: tuple[PlannedActivity, ...] = Field(min_length=1)


class CompleteStepInput(_Command):
    """The coordinator marks coordinate or act done. Naming the step guards against a
    repeated command completing the following step by accident."""

    kind: Literal["complete_step"] = "complete_step"
    step: Step


class EvaluateAimInput(_Command):
    """The chair records how far one aim was met; may be revised until the cycle closes."""

    kind: Literal["evaluate_aim"] = "evaluate_aim"
    aim_id: str = Field(min_length=1)
    rating: AimRating
    comment: str = ""


class CloseCycleInput(_Command):
    """The chair closes the evaluation, and with it the year's cycle."""

    kind: Literal["close_cycle"] = "close_cycle"


class SetDeadlineInput(_Command):
    """A board admin moves a step's due date; reminders follow the new date."""

    kind: Literal["set_deadline"] = "set_deadline"
    step: Step
    due: date


class PauseCycleInput(_Command):
    """A board admin pauses the cycle (disaster, school closure); the reason is shown to
    everyone whose command is refused meanwhile."""

    kind: Literal["pause_cycle"] = "pause_cycle"
    reason: str = Field(min_length=1)


class ResumeCycleInput(_Command):
    """A board admin resumes a paused cycle; pending deadlines move by the time paused."""

    kind: Literal["resume_cycle"] = "resume_cycle"


class RemindInput(_Command):
    """A board admin reminds the owners of ``step`` by hand (``remind`` in bulk); at most
    once per council and step per day in Japan, so a re-run the same day sends nothing."""

    kind: Literal["remind"] = "remind"
    step: Step


class AlertInput(_Command):
    """Not sent by people: the record of a deadline alert the cycle itself raised."""

    kind: Literal["alert"] = "alert"
    alert_kind: str
    step: Step
    due: date
    days: int


Command = Annotated[
    RecordMeetingInput
    | CloseDiscussionInput
    | SubmitPolicyInput
    | CastVoteInput
    | CloseVoteInput
    | SubmitPlanInput
    | CompleteStepInput
    | EvaluateAimInput
    | CloseCycleInput
    | SetDeadlineInput
    | PauseCycleInput
    | ResumeCycleInput
    | RemindInput
    | AlertInput,
    Field(discriminator="kind"),
]

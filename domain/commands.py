"""Commands a person sends to a council's cycle. Each is one pydantic model so that fields
can be added later without breaking callers or recorded histories.

Every command names its ``actor`` (an opaque member id); the rules decide whether that
person may do it now.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Literal, TypeAlias, Union, get_args

from pydantic import BaseModel, ConfigDict, Field

from domain.base import COMMAND_INPUTS, CommandInput
from domain.limits import (
    ATTENDANCE_MAX,
    PLAN_ACTIVITIES_MAX,
    VOLUNTEERS_PER_RECORD_MAX,
    ClosedMinutesText,
    CommentText,
    MinutesText,
    NotesText,
    OptionalReasonText,
    OutcomeText,
    PolicyText,
    ReasonText,
    VisionText,
)
from domain.meeting_calls import (
    CallMeetingInput,
    CallReminderInput,
    CorrectMinutesInput,
    PublishMinutesInput,
    ReplyToCallInput,
)
from domain.model import AimRating, Ballot, PlannedActivity, Step
from domain.tasks import CancelReason

ActorId = Annotated[str, Field(min_length=1, max_length=64)]


class _Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: ActorId


class RecordMeetingInput(_Command):
    """Record a council meeting: date, attendance, minutes and, in discuss, the vision."""

    kind: Literal["record_meeting"] = "record_meeting"
    held_on: date
    attendance: tuple[ActorId, ...] = Field(min_length=1, max_length=ATTENDANCE_MAX)
    minutes_public: MinutesText
    minutes_closed: ClosedMinutesText = ""
    vision_draft: VisionText | None = None


class CloseDiscussionInput(_Command):
    """The chair closes the discussion step once the vision is shared."""

    kind: Literal["close_discussion"] = "close_discussion"


class SubmitPolicyInput(_Command):
    """The principal submits (or resubmits after a rejection) the basic policy."""

    kind: Literal["submit_policy"] = "submit_policy"
    text: PolicyText


class CastVoteInput(_Command):
    """A voting member votes on the policy under vote; a later vote replaces an earlier."""

    kind: Literal["cast_vote"] = "cast_vote"
    ballot: Ballot
    comment: CommentText = ""


class CloseVoteInput(_Command):
    """The chair closes the vote: passed moves to plan, rejected goes back for revision."""

    kind: Literal["close_vote"] = "close_vote"


class SubmitPlanInput(_Command):
    """The coordinator submits the plan: activities with aims, dates and roles."""

    kind: Literal["submit_plan"] = "submit_plan"
    activities: tuple[PlannedActivity, ...] = Field(min_length=1, max_length=PLAN_ACTIVITIES_MAX)


class CompleteStepInput(_Command):
    """The coordinator marks coordinate or act done. Naming the step guards against a
    repeated command completing the following step by accident."""

    kind: Literal["complete_step"] = "complete_step"
    step: Step


class EvaluateAimInput(_Command):
    """The chair records how far one aim was met; may be revised until the cycle closes."""

    kind: Literal["evaluate_aim"] = "evaluate_aim"
    aim_id: str = Field(min_length=1, max_length=64)
    rating: AimRating
    comment: CommentText = ""


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
    reason: ReasonText


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
    alert_kind: str = Field(min_length=1, max_length=40)
    step: Step
    due: date
    days: int


# --- coordination tasks and activity records (coordinate and act) -------------------

TaskId = Annotated[str, Field(min_length=1, max_length=80)]


class ClaimTaskInput(_Command):
    """A coordinator takes an unassigned task, or confirms a task assigned to them."""

    kind: Literal["claim_task"] = "claim_task"
    task_id: TaskId


class CompleteTaskInput(_Command):
    """The task's owner (or the chief coordinator) marks it done, saying what came of it."""

    kind: Literal["complete_task"] = "complete_task"
    task_id: TaskId
    outcome: OutcomeText


class ReassignTaskInput(_Command):
    """The chief coordinator or the board hands a task to another coordinator."""

    kind: Literal["reassign_task"] = "reassign_task"
    task_id: TaskId
    new_owner: ActorId
    reason: OptionalReasonText = ""


class WaiveTaskInput(_Command):
    """The task is not needed after all (its owner, the chief coordinator or the board
    says so, with a reason)."""

    kind: Literal["waive_task"] = "waive_task"
    task_id: TaskId
    reason: OutcomeText


class RecordActivityInput(_Command):
    """A coordinator records a held activity: date, children taking part, the registered
    volunteers who came (registry ids only), notes."""

    kind: Literal["record_activity"] = "record_activity"
    activity_id: str = Field(min_length=1, max_length=64)
    held_on: date
    children: int = Field(ge=0, le=100_000)
    volunteer_ids: tuple[ActorId, ...] = Field(default=(), max_length=VOLUNTEERS_PER_RECORD_MAX)
    notes: NotesText = ""


class CancelActivityInput(_Command):
    """A coordinator records that an activity was cancelled, and why."""

    kind: Literal["cancel_activity"] = "cancel_activity"
    activity_id: str = Field(min_length=1, max_length=64)
    reason: CancelReason
    notes: NotesText = ""


class TaskAlertInput(_Command):
    """Not sent by people: the record of a task reminder or overdue notice the cycle
    itself raised."""

    kind: Literal["task_alert"] = "task_alert"
    task_id: TaskId
    alert_kind: str = Field(min_length=1, max_length=40)
    due: date


# The commands declared before ``CommandInput``, listed by hand (their models and so
# their recorded payloads stay as they were).
_Listed: TypeAlias = (
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
    | AlertInput
    | ClaimTaskInput
    | CompleteTaskInput
    | ReassignTaskInput
    | WaiveTaskInput
    | RecordActivityInput
    | CancelActivityInput
    | TaskAlertInput
    | CallMeetingInput
    | ReplyToCallInput
    | CallReminderInput
    | PublishMinutesInput
    | CorrectMinutesInput
)

if TYPE_CHECKING:
    # For the type checker a registered command is a ``CommandInput``.
    Command = Annotated[_Listed | CommandInput, Field(discriminator="kind")]
else:
    #: Every command: the listed ones and every registered ``CommandInput`` (declared in
    #: a module imported above, so that it is registered by now).
    Command = Annotated[
        Union[(*get_args(_Listed), *COMMAND_INPUTS.values())],
        Field(discriminator="kind"),
    ]
